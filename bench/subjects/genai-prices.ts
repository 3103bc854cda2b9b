/**
 * `@pydantic/genai-prices` on its bundled data (it only fetches when `updatePrices` is set up, so it runs
 * offline as installed). Its usage shape is its own: `input_tokens` is the whole prompt, cache reads and
 * writes are parts of it, reasoning is part of `output_tokens`. Default: provider auto-detected from the
 * model name, as costmap does; variant `providerId`: the provider passed, the fast path its README recommends.
 */
import { calcPrice, type PriceOptions, type Usage } from '@pydantic/genai-prices'
import type { Call } from './mix.js'
import type { Subject } from './subject.js'

interface Args {
  model: string
  usage: Usage
  options?: PriceOptions
}

function providerId(model: string): string {
  if (model.startsWith('claude')) return 'anthropic'
  if (model.startsWith('gemini')) return 'google'
  if (model.startsWith('deepseek')) return 'deepseek'
  return 'openai'
}

function usageOf({ tokens: t }: Call): Usage {
  const usage: Usage = { input_tokens: t.input, output_tokens: t.output }
  if (t.cacheRead) usage.cache_read_tokens = t.cacheRead
  if (t.cacheWrite) usage.cache_write_tokens = t.cacheWrite
  if (t.reasoning) usage.output_reasoning_tokens = t.reasoning
  return usage
}

export async function load(variant?: string): Promise<Subject<Args>> {
  const withProvider = variant === 'providerId'
  return {
    prepare: (call) => ({
      model: call.model,
      usage: usageOf(call),
      options: withProvider ? { providerId: providerId(call.model) } : undefined,
    }),
    price: (a) => calcPrice(a.usage, a.model, a.options)?.total_price ?? null,
    parts: (a) => {
      const r = calcPrice(a.usage, a.model, a.options)
      return r && { input: r.input_price, output: r.output_price }
    },
  }
}
