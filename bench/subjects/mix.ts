/**
 * The workload every subject is measured on, and the floor's pricing formula.
 *
 * The mix is the one in /work/shared/reference/peers.md section 4b: 20 popular models x 5 usages. Each
 * usage is given to each library in the shape its docs prescribe (see the subject modules); `nativeUsage`
 * is the provider's own shape (Anthropic Messages for Claude, OpenAI chat otherwise, with LiteLLM's
 * `cache_creation_input_tokens` for cache writes), which costmap, tokenlens and both floors read.
 */
import { fileURLToPath } from 'node:url'

/** The LiteLLM map everyone loads: the bytes costmap bundles (`npm run build` generates it). */
export const MAP_FILE = fileURLToPath(new URL('../../backup/model_prices_and_context_window.json', import.meta.url))

export const MODELS = [
  'gpt-4o',
  'gpt-4o-mini',
  'gpt-4.1',
  'gpt-4.1-mini',
  'o1',
  'o3',
  'o3-mini',
  'o4-mini',
  'gpt-5',
  'gpt-5-mini',
  'claude-3-5-sonnet-20241022',
  'claude-3-7-sonnet-20250219',
  'claude-sonnet-4-20250514',
  'claude-opus-4-20250514',
  'claude-3-haiku-20240307',
  'gemini-1.5-pro',
  'gemini-2.0-flash',
  'gemini-2.5-pro',
  'gemini-2.5-flash',
  'deepseek-chat',
] as const

/** Token counts of one usage. `input` is the whole prompt: fresh + cache reads + cache writes. */
export interface Tokens {
  kind: 'plain' | 'cached' | 'cache-write' | 'long' | 'reasoning'
  input: number
  cacheRead: number
  cacheWrite: number
  /** Includes `reasoning`. */
  output: number
  reasoning: number
}

export const USAGES: readonly Tokens[] = [
  { kind: 'plain', input: 1200, cacheRead: 0, cacheWrite: 0, output: 350, reasoning: 0 },
  { kind: 'cached', input: 10_000, cacheRead: 8000, cacheWrite: 0, output: 1000, reasoning: 0 },
  { kind: 'cache-write', input: 20_000, cacheRead: 15_000, cacheWrite: 3000, output: 800, reasoning: 0 },
  { kind: 'long', input: 250_000, cacheRead: 0, cacheWrite: 0, output: 2000, reasoning: 0 },
  { kind: 'reasoning', input: 2000, cacheRead: 0, cacheWrite: 0, output: 6000, reasoning: 5000 },
]

export interface Call {
  model: string
  tokens: Tokens
}

/** 100 calls: every model with every usage. */
export const MIX: readonly Call[] = MODELS.flatMap((model) => USAGES.map((tokens) => ({ model, tokens })))

/** What each process prices first in the cold-start measurement (peers.md section 4a). */
export const FIRST_CALL: Call = { model: 'gpt-4o', tokens: USAGES[0] as Tokens }

export interface AnthropicUsage {
  input_tokens: number
  output_tokens: number
  cache_creation_input_tokens?: number
  cache_read_input_tokens?: number
}

export interface OpenAIUsage {
  prompt_tokens: number
  completion_tokens: number
  total_tokens: number
  prompt_tokens_details?: { cached_tokens: number }
  completion_tokens_details?: { reasoning_tokens: number }
  /** LiteLLM's normalised usage carries cache writes here; OpenAI's own API never reports them. */
  cache_creation_input_tokens?: number
}

/** The usage object the provider's API returns for these tokens. */
export function nativeUsage({ model, tokens: t }: Call): AnthropicUsage | OpenAIUsage {
  if (model.startsWith('claude')) {
    const u: AnthropicUsage = { input_tokens: t.input - t.cacheRead - t.cacheWrite, output_tokens: t.output }
    if (t.cacheWrite) u.cache_creation_input_tokens = t.cacheWrite
    if (t.cacheRead) u.cache_read_input_tokens = t.cacheRead
    return u
  }
  const u: OpenAIUsage = { prompt_tokens: t.input, completion_tokens: t.output, total_tokens: t.input + t.output }
  if (t.cacheRead) u.prompt_tokens_details = { cached_tokens: t.cacheRead }
  if (t.reasoning) u.completion_tokens_details = { reasoning_tokens: t.reasoning }
  if (t.cacheWrite) u.cache_creation_input_tokens = t.cacheWrite
  return u
}

/** The price fields of a LiteLLM entry that the floor reads. */
export interface FloorEntry {
  input_cost_per_token?: number
  output_cost_per_token?: number
  cache_read_input_token_cost?: number
  cache_creation_input_token_cost?: number
  output_cost_per_reasoning_token?: number
  input_cost_per_token_above_128k_tokens?: number
  output_cost_per_token_above_128k_tokens?: number
  input_cost_per_token_above_200k_tokens?: number
  output_cost_per_token_above_200k_tokens?: number
  cache_read_input_token_cost_above_200k_tokens?: number
  cache_creation_input_token_cost_above_200k_tokens?: number
}

/** The floor's data: a plain `Map` of the LiteLLM entries, as parsed. */
export function floorMap(json: Record<string, unknown>): Map<string, FloorEntry> {
  return new Map(Object.entries(json) as [string, FloorEntry][])
}

/**
 * The floor's formula: what a careful user would write against the raw entries (like peers.md's
 * `ref-floor`). It reads both usage shapes, bills cache reads and writes at their rates (the input rate
 * when the entry has none, as the provider does), reasoning inside the completion at the reasoning rate,
 * and the whole request at the >200k / >128k tier rates when the prompt crosses them. Exact keys only:
 * no provider prefixes, aliases, service tiers, audio, images, batch or custom prices.
 */
export function floorCost(map: Map<string, FloorEntry>, model: string, usage: AnthropicUsage | OpenAIUsage): number {
  const e = map.get(model)
  if (e === undefined) throw new Error(`floor: no entry for ${model}`)
  let fresh: number
  let read: number
  let write: number
  let output: number
  let reasoning = 0
  if ('input_tokens' in usage) {
    read = usage.cache_read_input_tokens ?? 0
    write = usage.cache_creation_input_tokens ?? 0
    fresh = usage.input_tokens
    output = usage.output_tokens
  } else {
    read = usage.prompt_tokens_details?.cached_tokens ?? 0
    write = usage.cache_creation_input_tokens ?? 0
    fresh = usage.prompt_tokens - read - write
    output = usage.completion_tokens
    reasoning = usage.completion_tokens_details?.reasoning_tokens ?? 0
  }
  const prompt = fresh + read + write
  let input = e.input_cost_per_token ?? 0
  let out = e.output_cost_per_token ?? 0
  let readRate = e.cache_read_input_token_cost ?? input
  let writeRate = e.cache_creation_input_token_cost ?? input
  if (prompt > 200_000 && e.input_cost_per_token_above_200k_tokens !== undefined) {
    input = e.input_cost_per_token_above_200k_tokens
    out = e.output_cost_per_token_above_200k_tokens ?? out
    readRate = e.cache_read_input_token_cost_above_200k_tokens ?? readRate
    writeRate = e.cache_creation_input_token_cost_above_200k_tokens ?? writeRate
  } else if (prompt > 128_000 && e.input_cost_per_token_above_128k_tokens !== undefined) {
    input = e.input_cost_per_token_above_128k_tokens
    out = e.output_cost_per_token_above_128k_tokens ?? out
  }
  const reasoningRate = e.output_cost_per_reasoning_token ?? out
  return fresh * input + read * readRate + write * writeRate + (output - reasoning) * out + reasoning * reasoningRate
}

/**
 * Issue 3's literal floor, "a plain `Map` lookup of input/output price": the whole prompt at
 * `input_cost_per_token` and the whole completion at `output_cost_per_token`, nothing else. Anthropic's
 * `input_tokens` excludes the cached part, so its prompt is `input_tokens` + cache reads + cache writes:
 * the same tokens OpenAI's `prompt_tokens` counts, so both shapes of a call get the same price.
 * It misprices cached calls and calls past a long-context tier: it is reported next to the floor, not
 * used as one.
 */
export function naiveCost(map: Map<string, FloorEntry>, model: string, usage: AnthropicUsage | OpenAIUsage): number {
  const e = map.get(model)
  if (e === undefined) throw new Error(`floor: no entry for ${model}`)
  const prompt =
    'input_tokens' in usage
      ? usage.input_tokens + (usage.cache_read_input_tokens ?? 0) + (usage.cache_creation_input_tokens ?? 0)
      : usage.prompt_tokens
  const completion = 'input_tokens' in usage ? usage.output_tokens : usage.completion_tokens
  return prompt * (e.input_cost_per_token ?? 0) + completion * (e.output_cost_per_token ?? 0)
}
