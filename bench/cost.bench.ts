/**
 * Pricing throughput on a realistic mix: 20 popular models x 5 usages (plain, cached, reasoning,
 * Anthropic cache writes, above-200k tiers). Each bench iteration prices the whole mix (100 calls), so
 * per-iteration harness overhead does not hide the per-call cost. The floor is the same loop over a
 * plain `Map` of {in, out} prices. Run: `npx vitest bench --run bench/cost.bench.ts`.
 */
import { bench, describe } from 'vitest'
import { completionCost } from '../src/cost'
import { buildCostMap } from '../src/integrity'
import { getModelInfo } from '../src/resolve'
import { MAIN_MAP, readJson } from '../test/support/data'

const map = buildCostMap(readJson(MAIN_MAP)).map

const MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'gpt-5',
  'gpt-5-mini',
  'o3',
  'o4-mini',
  'claude-sonnet-4-5',
  'claude-opus-4-1',
  'claude-3-5-haiku-20241022',
  'gemini/gemini-2.5-pro',
  'gemini/gemini-2.5-flash',
  'gemini-2.0-flash',
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'azure/gpt-4o',
  'deepseek/deepseek-chat',
  'xai/grok-3-mini',
  'mistral/mistral-large-latest',
  'groq/llama-3.3-70b-versatile',
]

const USAGES: unknown[] = [
  { prompt_tokens: 1200, completion_tokens: 350, total_tokens: 1550 },
  { prompt_tokens: 5000, completion_tokens: 800, prompt_tokens_details: { cached_tokens: 4096 } },
  { prompt_tokens: 900, completion_tokens: 2400, completion_tokens_details: { reasoning_tokens: 1800 } },
  { input_tokens: 300, output_tokens: 500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 12000 },
  { prompt_tokens: 250_000, completion_tokens: 1200, prompt_tokens_details: { cached_tokens: 100_000 } },
]

interface Call {
  model: string
  usage: unknown
}
const calls: Call[] = []
for (const model of MODELS) for (const usage of USAGES) calls.push({ model, usage })

const floor = new Map<string, { in: number; out: number }>()
for (const model of MODELS) {
  const e = map[model] as { input_cost_per_token?: number; output_cost_per_token?: number }
  floor.set(model, { in: e.input_cost_per_token ?? 0, out: e.output_cost_per_token ?? 0 })
}

let sink = 0
function runCompletionCost(): void {
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i] as Call
    sink += completionCost(map, { model: c.model, usage: c.usage }).totalCost
  }
}
function runGetModelInfo(): void {
  for (let i = 0; i < calls.length; i++) sink += getModelInfo(map, (calls[i] as Call).model).key.length
}
function runFloor(): void {
  for (let i = 0; i < calls.length; i++) {
    const c = calls[i] as Call
    const p = floor.get(c.model) as { in: number; out: number }
    const u = c.usage as {
      prompt_tokens?: number
      completion_tokens?: number
      input_tokens?: number
      output_tokens?: number
    }
    sink += (u.prompt_tokens ?? u.input_tokens ?? 0) * p.in + (u.completion_tokens ?? u.output_tokens ?? 0) * p.out
  }
}

describe(`pricing (${calls.length} calls per iteration)`, () => {
  bench('completionCost', runCompletionCost)
  bench('getModelInfo', runGetModelInfo)
  bench('floor: Map lookup + multiply', runFloor)
})

/** Same-run ratios, measured directly so they can be printed (vitest's table has no ratio column). */
function ratios(): void {
  const rate = (fn: () => void): number => {
    for (let i = 0; i < 2000; i++) fn()
    const start = performance.now()
    let n = 0
    while (performance.now() - start < 1000) {
      for (let i = 0; i < 100; i++) fn()
      n += 100
    }
    return (n * calls.length) / ((performance.now() - start) / 1000)
  }
  const cc = rate(runCompletionCost)
  const info = rate(runGetModelInfo)
  const base = rate(runFloor)
  const fmt = (n: number): string => `${(n / 1e6).toFixed(2)}M calls/s`
  // stderr: the test setup silences console.* and vitest does not forward a bench's stdout.
  process.stderr.write(
    `\ncompletionCost ${fmt(cc)} | getModelInfo ${fmt(info)} | floor ${fmt(base)}\n` +
      `completionCost / floor = ${(cc / base).toFixed(3)} | getModelInfo / floor = ${(info / base).toFixed(3)} (checksum ${sink > 0})\n\n`,
  )
}
ratios()
