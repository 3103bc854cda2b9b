/**
 * Pricing: `costPerToken` and `completionCost`, LiteLLM's cost formula over a loaded map, with a
 * breakdown that explains every cent. The common call takes the fast lane (the model's rates cached per
 * map in `cost/lanes.ts`, the usage priced in `cost/fast.ts`); everything else, and every error, the
 * general path (`cost/general.ts`). Both give the same result, to the bit.
 * @module
 */

import type { MapLike } from '../resolve'
import { priceUsage } from './fast'
import { generalCost, generalTokenCosts, notFinite } from './general'
import { type Lanes, laneFor, lanesOf } from './lanes'
import { serviceIndex } from './rates'
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
  const fast = fastCost(map, args)
  return fast === undefined
    ? generalTokenCosts(map, args)
    : { promptCost: fast.promptCost, completionCost: fast.completionCost }
}

/**
 * The full cost of one call, as LiteLLM's `completion_cost`: prompt + completion + built-in tools, then
 * discount, then margin, with the map key, provider, breakdown and the map's sha256.
 *
 * @throws {CostMapError} `MODEL_NOT_MAPPED` (never a silent $0), also for a mapped entry with no price at all
 *   (pass `customPricing` to price it); `INVALID_USAGE`, `INVALID_ARGUMENT`
 * @example
 * ```ts
 * const r = completionCost(map, { model: 'claude-sonnet-4-5', usage: message.usage })
 * console.log(r.totalCost, r.breakdown)
 * ```
 */
export function completionCost(map: MapLike, args: CostArgs): CostResult {
  const fast = fastCost(map, args)
  if (fast === undefined) return generalCost(map, args)
  const total = fast.totalCost
  if (!(total >= 0 && total !== Number.POSITIVE_INFINITY)) throw notFinite(total)
  return fast
}

// The map priced last, so the common case skips the WeakMap lookup in lanesOf (it keeps that one map alive
// until another is priced). A new snapshot is a new object, so a swap is never served the old lanes.
let lastMap: object | undefined
let lastLanes: Lanes | undefined

/**
 * @internal Prices `args` on the fast lane, or `undefined` when the general path must. `totalCost` is
 * prompt + completion, not yet checked for finiteness.
 * @example
 * ```ts
 * fastCost(map, { model: 'gpt-4o', usage: { prompt_tokens: 10, completion_tokens: 5 } })?.totalCost
 * ```
 */
export function fastCost(map: MapLike, args: CostArgs): CostResult | undefined {
  if (typeof args !== 'object' || args === null) return undefined
  const model = args.model
  const provider = args.provider
  const usage = args.usage
  if (
    typeof model !== 'string' ||
    (provider !== undefined && typeof provider !== 'string') ||
    typeof usage !== 'object' ||
    usage === null ||
    (args.callType !== undefined && args.callType !== 'completion') ||
    args.region !== undefined ||
    args.customPricing !== undefined ||
    args.webSearch !== undefined ||
    args.discount !== undefined ||
    args.margin !== undefined
  )
    return undefined
  // `flex` and `priority` select other prices; any other tier name uses the base ones (serviceIndex).
  const tier = args.serviceTier
  const tierGiven = tier !== undefined && tier !== null
  if (tierGiven && (typeof tier !== 'string' || serviceIndex(tier) !== 0)) return undefined
  // Plain objects only: a for-in then sees every field readUsage would read (JSON.parse and object literals
  // make only enumerable fields; getters on a class prototype would be missed, so classes take the general
  // path). Named loads on usage objects of many shapes go megamorphic and cost more than the whole
  // formula; a for-in reads only the fields that are there.
  const proto = Object.getPrototypeOf(usage)
  if (proto !== Object.prototype && proto !== null) return undefined
  let lanes = lastLanes as Lanes
  if (map !== lastMap) {
    lanes = lanesOf(map)
    lastMap = map
    lastLanes = lanes
  }
  let lane = provider === undefined ? lanes.plain.get(model) : lanes.get(provider, model)
  if (lane === undefined) lane = laneFor(map, lanes, model, provider)
  if (lane === null) return undefined
  return priceUsage(lane, lanes.sha256, usage as Record<string, unknown>, tierGiven)
}
