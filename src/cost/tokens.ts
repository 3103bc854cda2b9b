/**
 * LiteLLM's generic per-token formula (reference §4.2 Steps B–F), with its bugs fixed: text tokens
 * never go negative, no bucket is billed twice, tier cache rates and tier + service-tier keys are used.
 * @module
 */
import { type Plan, price, type Rates, ratesFor, tierIndex } from './rates'
import type { CostComponent } from './types'
import type { Tokens } from './usage'

/** @internal Prompt and completion USD of one request. */
export interface Sides {
  prompt: number
  completion: number
}

/**
 * @internal Appends a breakdown line when it has units.
 * @example
 * ```ts
 * addPart(parts, 'input_text', 'prompt', 1000, 'token', 2.5e-6, 'input_cost_per_token')
 * ```
 */
export function addPart(
  parts: CostComponent[],
  component: string,
  side: CostComponent['side'],
  units: number,
  unit: CostComponent['unit'],
  rate: number,
  priceKey: string | null,
): number {
  const cost = units * rate
  if (units > 0) parts.push({ component, side, units, unit, rate, cost, priceKey })
  return cost
}

/**
 * @internal Prices the token buckets of one request with an entry's plan. `multiplier` scales every
 * non-cache component (Anthropic `provider_specific_entry` geo / speed factors).
 * @example
 * ```ts
 * tokenCost(planFor(entry), readUsage(usage), 0, 1, parts, sides)
 * ```
 */
export function tokenCost(
  plan: Plan,
  t: Tokens,
  service: number,
  multiplier: number,
  parts: CostComponent[],
  out: Sides,
): void {
  const tier = plan.tiers.length === 0 ? -1 : tierIndex(plan, t.prompt, service)
  const r = ratesFor(plan, service, tier)
  const m = multiplier
  const write5m = t.cacheWriteSplit ? t.cacheWrite5m : t.cacheWrite
  const write1h = t.cacheWriteSplit ? t.cacheWrite1h : 0
  const notText = t.cached + t.audioIn + t.imageIn + write5m + write1h
  let text = t.textIn
  // Step B, without LiteLLM's `cached > 0` condition: whenever the buckets add up to more than the
  // prompt, text_tokens included some of them (#19680, #14874); and never below zero.
  if ((text === 0 && t.imageCount === 0) || text + notText > t.prompt) text = t.prompt - notText
  if (text < 0) text = 0
  let prompt = addPart(parts, 'input_text', 'prompt', text, 'token', r.in * m, r.inKey)
  prompt += addPart(parts, 'input_cached', 'prompt', t.cached, 'token', r.cacheRead, r.cacheReadKey)
  if (write1h > 0 || t.cacheWriteSplit) {
    prompt += addPart(parts, 'cache_write_5m', 'prompt', write5m, 'token', r.cacheWrite, r.cacheWriteKey)
    prompt += addPart(parts, 'cache_write_1h', 'prompt', write1h, 'token', r.cacheWrite1h, r.cacheWrite1hKey)
  } else {
    prompt += addPart(parts, 'cache_write', 'prompt', write5m, 'token', r.cacheWrite, r.cacheWriteKey)
  }
  if (t.audioIn > 0) prompt += addPart(parts, 'input_audio', 'prompt', t.audioIn, 'token', r.audioIn * m, r.audioInKey)
  if (t.imageIn > 0) prompt += addPart(parts, 'input_image', 'prompt', t.imageIn, 'token', r.imageIn * m, r.imageInKey)
  if (t.characters > 0 || t.imageCount > 0 || t.videoSeconds > 0) prompt += extraInputs(t, r, m, parts)
  const extra = t.reasoning + t.audioOut + t.imageOut
  let textOut = t.textOut
  // Step F: completion_tokens is the billed total; an explicit text count that already contains
  // reasoning/audio/image tokens would bill them twice (LiteLLM 1.82.1 does).
  if (textOut === 0 || textOut + extra > t.completion)
    textOut = extra > 0 ? Math.max(0, t.completion - extra) : t.completion
  let completion = addPart(parts, 'output_text', 'completion', textOut, 'token', r.out * m, r.outKey)
  if (extra > 0) {
    completion += addPart(
      parts,
      'output_reasoning',
      'completion',
      t.reasoning,
      'token',
      r.reasoning * m,
      r.reasoningKey,
    )
    completion += addPart(parts, 'output_audio', 'completion', t.audioOut, 'token', r.audioOut * m, r.audioOutKey)
    completion += addPart(parts, 'output_image', 'completion', t.imageOut, 'token', r.imageOut * m, r.imageOutKey)
  }
  out.prompt = prompt
  out.completion = completion
}

function extraInputs(t: Tokens, r: Rates, m: number, parts: CostComponent[]): number {
  let cost = addPart(parts, 'input_characters', 'prompt', t.characters, 'character', r.character * m, r.characterKey)
  cost += addPart(parts, 'input_images', 'prompt', t.imageCount, 'image', r.perImage * m, r.perImageKey)
  cost += addPart(parts, 'input_video', 'prompt', t.videoSeconds, 'second', r.videoSecond * m, r.videoSecondKey)
  return cost
}

/**
 * @internal Anthropic `provider_specific_entry` factor: `inference_geo` (unless global/not_available)
 * times `fast` when `speed` is "fast". 1 when neither applies.
 * @example
 * ```ts
 * providerMultiplier({ provider_specific_entry: { us: 1.1, fast: 6 } }, 'us', 'fast') // 6.6
 * ```
 */
export function providerMultiplier(
  entry: Readonly<Record<string, unknown>>,
  geo: string | undefined,
  speed: string | undefined,
): number {
  const table = entry.provider_specific_entry as Record<string, unknown> | undefined
  if (table === undefined || table === null || (geo === undefined && speed === undefined)) return 1
  let m = 1
  if (geo !== undefined && geo !== 'global' && geo !== 'not_available' && typeof table[geo] === 'number')
    m *= table[geo] as number
  if (speed === 'fast' && typeof table.fast === 'number') m *= table.fast
  return m
}

/**
 * @internal Batch prices: `*_batches` keys when present (prompt tokens as a whole, LiteLLM), else half the
 * standard price with cached tokens at half the cache-read price.
 * @example
 * ```ts
 * batchCost(entry, readUsage(usage), parts)
 * ```
 */
export function batchCost(plan: Plan, t: Tokens, parts: CostComponent[]): Sides {
  const e = plan.entry
  const r = ratesFor(plan, 0, -1)
  const batchIn = price(e, 'input_cost_per_token_batches')
  const batchOut = price(e, 'output_cost_per_token_batches')
  let prompt: number
  if (typeof batchIn === 'number') {
    prompt = addPart(parts, 'input_batch', 'prompt', t.prompt, 'token', batchIn, 'input_cost_per_token_batches')
  } else {
    prompt = addPart(parts, 'input_batch', 'prompt', Math.max(0, t.prompt - t.cached), 'token', r.in / 2, r.inKey)
    prompt += addPart(parts, 'input_cached_batch', 'prompt', t.cached, 'token', r.cacheRead / 2, r.cacheReadKey)
  }
  const completion =
    typeof batchOut === 'number'
      ? addPart(parts, 'output_batch', 'completion', t.completion, 'token', batchOut, 'output_cost_per_token_batches')
      : addPart(parts, 'output_batch', 'completion', t.completion, 'token', r.out / 2, r.outKey)
  return { prompt, completion }
}
