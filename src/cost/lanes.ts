/**
 * The per-map cache behind `completionCost`'s fast lane: model (and provider) -> resolved key and the
 * rates of the base service tier, one cache per map or snapshot object, bounded.
 * @module
 */

import { contextOf, type MapLike, resolveModel, SlotMemo } from '../resolve'
import { hasPrice, planFor, type Rates, ratesFor } from './rates'

/** @internal What the fast lane needs from one resolved model (base service tier only). */
export interface Lane {
  key: string
  provider: string
  base: Rates
  /** Context tiers priced for the base service tier, highest threshold first (`tierIndex` for tier 0). */
  tiers: ReadonlyArray<{ above: number; rates: Rates }>
}

/** @internal The lanes of one map or snapshot, by provider slot. `null` = a known model the general path must price. */
export class Lanes extends SlotMemo<Lane | null> {
  constructor(readonly sha256: string | null) {
    super(MAX_LANES)
  }
}

/**
 * @internal Model strings remembered per map. Unknown models are never stored; case and prefix variants
 * of known ones are, so random variants can only force a rebuild, never grow the cache.
 * @example
 * ```ts
 * lanesOf(map).size <= MAX_LANES // always
 * ```
 */
export const MAX_LANES = 10_000
// Keyed by the object priced: a new snapshot (after a reload or a registration) is a new object, so
// it never sees another map's lanes, and a dropped snapshot takes its lanes with it.
const lanesByMap = new WeakMap<object, Lanes>()

/**
 * @internal The lanes of `map` (a map, snapshot or hand-made object), created empty on first use.
 * @example
 * ```ts
 * lanesOf(loadBackup()).plain.size // 0
 * ```
 */
export function lanesOf(map: MapLike): Lanes {
  let lanes = lanesByMap.get(map)
  if (lanes === undefined) {
    lanes = new Lanes(contextOf(map).sha256)
    lanesByMap.set(map, lanes)
  }
  return lanes
}

/**
 * @internal Resolves a model not seen on this map yet and remembers its lane: `null` for a model the
 * lane does not price (rules only, `tiered_pricing`, priced per second). Unknown models, and any error
 * (a bad price in a hand-made map, which the general path must report when, and only if, it is used):
 * `null`, not remembered.
 * @example
 * ```ts
 * laneFor(map, lanesOf(map), 'gpt-4o', undefined)?.base.in // 2.5e-6
 * ```
 */
export function laneFor(map: MapLike, lanes: Lanes, model: string, provider: string | undefined): Lane | null {
  let lane: Lane | null = null
  try {
    const hit = resolveModel(map, model, provider)
    if (hit === null) return null
    const plan = hit.rule === undefined ? planFor(hit.entry) : undefined
    // An entry with no price at all takes the general path, which refuses it (no silent $0).
    if (plan !== undefined && !plan.tokenTiers && !plan.timePriced && hasPrice(hit.entry)) {
      const tiers: Array<{ above: number; rates: Rates }> = []
      plan.tiers.forEach((tier, i) => {
        if (tier.priced[0]) tiers.push({ above: tier.threshold, rates: ratesFor(plan, 0, i) })
      })
      lane = { key: hit.key, provider: hit.provider, base: ratesFor(plan, 0, -1), tiers }
    }
  } catch {
    return null
  }
  // Provider '' resolves as no provider, so it shares the plain slot.
  lanes.set(provider ?? '', model, lane)
  return lane
}
