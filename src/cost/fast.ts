/**
 * The fast lane's formula: a usage of the common shapes (OpenAI chat or Responses, Anthropic) with text,
 * cached, cache-write and reasoning tokens, priced with a model's cached rates and no allocation but the
 * result. Anything else, and every value the general path would reject, is left to it (`undefined`): the
 * lane prices only what it would, to the same bits (a property test holds the two together).
 * @module
 */
import type { Lane } from './lanes'
import { type Rates, serviceIndex } from './rates'
import type { CostComponent, CostResult } from './types'

/**
 * @internal Prices a plain usage object (see `fastCost`) as readUsage + tokenCost would, or `undefined`.
 * `tierGiven`: the call names its service tier (a base one), so the usage's is not read. `totalCost` is
 * prompt + completion, not yet checked for finiteness.
 * @example
 * ```ts
 * priceUsage(lane, null, { prompt_tokens: 10, completion_tokens: 5 }, false)?.totalCost
 * ```
 */
export function priceUsage(
  lane: Lane,
  sha256: string | null,
  u: Record<string, unknown>,
  tierGiven: boolean,
): CostResult | undefined {
  let promptTokens: unknown
  let completionTokens: unknown
  let totalTokens: unknown
  let promptDetails: unknown
  let completionDetails: unknown
  let inputTokens: unknown
  let outputTokens: unknown
  let inputDetails: unknown
  let outputDetails: unknown
  let cacheRead: unknown
  let cacheHit: unknown
  let cacheCreation: unknown
  let reasoningTokens: unknown
  for (const key in u) {
    const v = u[key]
    if (key === 'prompt_tokens') promptTokens = v
    else if (key === 'completion_tokens') completionTokens = v
    else if (key === 'total_tokens') totalTokens = v
    else if (key === 'prompt_tokens_details') promptDetails = v
    else if (key === 'completion_tokens_details') completionDetails = v
    else if (key === 'input_tokens') inputTokens = v
    else if (key === 'output_tokens') outputTokens = v
    else if (key === 'input_tokens_details') inputDetails = v
    else if (key === 'output_tokens_details') outputDetails = v
    else if (key === 'cache_read_input_tokens') cacheRead = v
    else if (key === 'prompt_cache_hit_tokens') cacheHit = v
    else if (key === 'cache_creation_input_tokens') cacheCreation = v
    else if (key === 'reasoning_tokens') reasoningTokens = v
    // A field that changes the bill when set (a cache-write split, built-in tools, a geo or speed factor, a
    // paid service tier) leaves the call to the general path, whichever usage shape reads it.
    else if (!neutral(key, v, tierGiven)) return undefined
  }
  let prompt: number
  let completion: number
  let textIn = 0
  let cached = 0
  let write = 0
  let reasoning = 0
  let textOut = 0
  if (promptTokens !== undefined || completionTokens !== undefined) {
    // OpenAI chat (and LiteLLM's Usage): prompt_tokens includes cached and cache-write tokens.
    prompt = count(promptTokens)
    completion = count(completionTokens)
    if (prompt < 0 || completion < 0) return undefined
    const pd = promptDetails
    if (pd !== undefined && pd !== null) {
      if (!isObject(pd)) return undefined
      cached = count(pd.cached_tokens)
      write = count(pd.cache_creation_tokens)
      textIn = count(pd.text_tokens)
      if (cached < 0 || write < 0 || textIn < 0) return undefined
      if (
        !(
          zero(pd.audio_tokens) &&
          zero(pd.image_tokens) &&
          zero(pd.character_count) &&
          zero(pd.image_count) &&
          zero(pd.video_length_seconds) &&
          zero(pd.web_search_requests) &&
          noSplit(pd.cache_creation_token_details)
        )
      )
        return undefined
    }
    if (cached === 0) {
      cached = count(cacheRead)
      if (cached === 0) cached = count(cacheHit)
      if (cached < 0) return undefined
    }
    if (write === 0) write = count(cacheCreation)
    if (write < 0) return undefined
    const cd = completionDetails
    if (cd !== undefined && cd !== null) {
      if (!isObject(cd)) return undefined
      reasoning = count(cd.reasoning_tokens)
      textOut = count(cd.text_tokens)
      if (reasoning < 0 || textOut < 0 || !(zero(cd.audio_tokens) && zero(cd.image_tokens))) return undefined
    }
    if (reasoning === 0) reasoning = count(reasoningTokens)
    const total = count(totalTokens)
    if (reasoning < 0 || total < 0) return undefined
    // xAI reports reasoning outside completion_tokens; the total tells which (as readUsage).
    if (reasoning > 0 && total > 0 && total === prompt + completion + reasoning) completion += reasoning
  } else if (inputTokens !== undefined || outputTokens !== undefined) {
    if (inputDetails !== undefined || outputDetails !== undefined) {
      // OpenAI Responses: input_tokens includes the cached ones.
      prompt = count(inputTokens)
      completion = count(outputTokens)
      if (prompt < 0 || completion < 0) return undefined
      const id = inputDetails
      if (id !== undefined && id !== null) {
        if (!isObject(id)) return undefined
        cached = count(id.cached_tokens)
        textIn = count(id.text_tokens)
        if (cached < 0 || textIn < 0 || !(zero(id.image_tokens) && zero(id.audio_tokens))) return undefined
      }
      const od = outputDetails
      if (od !== undefined && od !== null) {
        if (!isObject(od)) return undefined
        reasoning = count(od.reasoning_tokens)
        if (reasoning < 0) return undefined
      }
    } else {
      // Anthropic: input_tokens excludes cache reads and writes.
      const input = count(inputTokens)
      cached = count(cacheRead)
      write = count(cacheCreation)
      completion = count(outputTokens)
      if (input < 0 || cached < 0 || write < 0 || completion < 0) return undefined
      prompt = input + cached + write
      textIn = input
    }
  } else return undefined
  return priceLane(lane, sha256, prompt, completion, textIn, cached, write, reasoning, textOut)
}

/** tokenCost's formula for the buckets the lane admits, in its order of operations (so the same bits). */
function priceLane(
  lane: Lane,
  sha256: string | null,
  prompt: number,
  completion: number,
  textIn: number,
  cached: number,
  write: number,
  reasoning: number,
  textOut: number,
): CostResult {
  let r = lane.base
  const tiers = lane.tiers
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i] as { above: number; rates: Rates }
    if (prompt > tier.above) {
      r = tier.rates
      break
    }
  }
  const notText = cached + write
  let text = textIn
  if (text === 0 || text + notText > prompt) text = prompt - notText
  if (text < 0) text = 0
  let out = textOut
  if (out === 0 || out + reasoning > completion) out = reasoning > 0 ? Math.max(0, completion - reasoning) : completion
  // Sized up front: an empty array grows to 16 slots on its first push.
  const parts: CostComponent[] = new Array(
    (text > 0 ? 1 : 0) + (cached > 0 ? 1 : 0) + (write > 0 ? 1 : 0) + (out > 0 ? 1 : 0) + (reasoning > 0 ? 1 : 0),
  )
  let n = 0
  let promptCost = text * r.in
  if (text > 0) parts[n++] = line('input_text', 'prompt', text, r.in, promptCost, r.inKey)
  let cost = cached * r.cacheRead
  if (cached > 0) parts[n++] = line('input_cached', 'prompt', cached, r.cacheRead, cost, r.cacheReadKey)
  promptCost += cost
  cost = write * r.cacheWrite
  if (write > 0) parts[n++] = line('cache_write', 'prompt', write, r.cacheWrite, cost, r.cacheWriteKey)
  promptCost += cost
  let completionCost = out * r.out
  if (out > 0) parts[n++] = line('output_text', 'completion', out, r.out, completionCost, r.outKey)
  if (reasoning > 0) {
    cost = reasoning * r.reasoning
    parts[n] = line('output_reasoning', 'completion', reasoning, r.reasoning, cost, r.reasoningKey)
    completionCost += cost
  }
  return {
    totalCost: promptCost + completionCost,
    promptCost,
    completionCost,
    key: lane.key,
    provider: lane.provider,
    breakdown: parts,
    sha256,
  }
}

function line(
  component: string,
  side: 'prompt' | 'completion',
  units: number,
  rate: number,
  cost: number,
  priceKey: string | null,
): CostComponent {
  return { component, side, units, unit: 'token', rate, cost, priceKey }
}

/** A count as readUsage reads it (0 when absent); -1 when the general path must decide (invalid, or a signed -0). */
function count(v: unknown): number {
  if (typeof v === 'number') return v > 0 && v !== Number.POSITIVE_INFINITY ? v : v === 0 && 1 / v > 0 ? 0 : -1
  return v === undefined || v === null ? 0 : -1
}

/** Absent or 0: the general path would read it and change nothing (a -0 here only meets sums with a +0). */
function zero(v: unknown): boolean {
  return v === undefined || v === null || v === 0
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** No 5 min / 1 h cache-write split that would change the bill (absent, or all zero). */
function noSplit(v: unknown): boolean {
  if (v === undefined || v === null) return true
  return isObject(v) && zero(v.ephemeral_5m_input_tokens) && zero(v.ephemeral_1h_input_tokens)
}

/** Any other field: unknown ones and readUsage's extras that leave the bill as the base formula makes it. */
function neutral(key: string, v: unknown, tierGiven: boolean): boolean {
  switch (key) {
    case 'cache_creation':
      return noSplit(v)
    case 'server_tool_use':
      return v === undefined || v === null || (isObject(v) && zero(v.web_search_requests))
    case 'num_search_queries':
      return zero(v)
    case 'inference_geo':
    case 'speed':
      return typeof v !== 'string'
    case 'service_tier':
      return tierGiven || typeof v !== 'string' || serviceIndex(v) === 0
    default:
      return true
  }
}
