/**
 * Pricing: `costPerToken` and `completionCost`, LiteLLM's cost formula over a loaded map, with a
 * breakdown that explains every cent. One engine prices every call (`cost/general.ts`).
 * @module
 */

import type { MapLike } from '../resolve'
import { callCost, sidesCost } from './general'
import type { CostArgs, CostResult, TokenCosts } from './types'

/**
 * Prompt and completion cost in USD, as LiteLLM's `cost_per_token` (before built-in tools, discount
 * and margin).
 *
 * @throws {CostMapError} `MODEL_NOT_MAPPED` (never a silent $0), also for a mapped entry with no price at all
 *   (pass `customPricing` to price it); `INVALID_USAGE`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * const { promptCost, completionCost } = costPerToken(map, {
 *   model: 'gpt-4o',
 *   usage: { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 200 } },
 * })
 * ```
 */
export function costPerToken(map: MapLike, args: CostArgs): TokenCosts {
  return sidesCost(map, args)
}

/**
 * The full cost of one call, as LiteLLM's `completion_cost`: prompt + completion + built-in tools, then
 * discount, then margin, with the map key, provider, breakdown and the map's sha256.
 *
 * @throws {CostMapError} `MODEL_NOT_MAPPED` (never a silent $0), also for a mapped entry with no price at all
 *   (pass `customPricing` to price it); `INVALID_USAGE`; `INVALID_ARGUMENT`, also when the entry does not
 *   price the units given (token usage on a per-character TTS, a duration on a per-token transcription
 *   model…): the message names what to pass, never a silent $0
 * @example
 * ```ts
 * const r = completionCost(map, { model: 'claude-sonnet-4-5', usage: message.usage })
 * console.log(r.totalCost, r.breakdown)
 * ```
 */
export function completionCost(map: MapLike, args: CostArgs): CostResult {
  return callCost(map, args)
}
