/**
 * What changed between two cost maps: the sync report LiteLLM users script by hand.
 * @module
 */
import type { CostMapData } from './map'
import { PRICE_KEY } from './schema'

/** One price field that moved (a field that appeared or disappeared has `null` on that side). */
export interface PriceChange {
  model: string
  field: string
  old: number | null
  new: number | null
}

/**
 * The difference between two maps.
 *
 * @example
 * ```ts
 * const d = diffCostMaps(before, after)
 * console.log(d.new_models, d.pricing_changes)
 * ```
 */
export interface CostMapDiff {
  new_models: string[]
  removed_models: string[]
  /** Models present in both whose entry changed in any field. */
  changed_models: string[]
  /** Number of price fields that changed (added, removed or moved) in models present in both. */
  pricing_changes: number
  price_changes: PriceChange[]
}

/**
 * Compares two maps entry by entry (any field for `changed_models`, price fields for `pricing_changes`).
 *
 * @example
 * ```ts
 * const { new_models } = diffCostMaps(loadBackup(), (await getModelCostMap()).map)
 * ```
 */
export function diffCostMaps(before: CostMapData, after: CostMapData): CostMapDiff {
  const diff: CostMapDiff = {
    new_models: [],
    removed_models: [],
    changed_models: [],
    pricing_changes: 0,
    price_changes: [],
  }
  for (const key in after) if (!Object.hasOwn(before, key)) diff.new_models.push(key)
  for (const key in before) {
    const old = before[key] as Record<string, unknown>
    if (!Object.hasOwn(after, key)) {
      diff.removed_models.push(key)
      continue
    }
    const now = after[key] as Record<string, unknown>
    if (old === now) continue
    let changed = false
    for (const field of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const a = old[field]
      const b = now[field]
      if (same(a, b)) continue
      changed = true
      if (PRICE_KEY.test(field) && (typeof a === 'number' || typeof b === 'number')) {
        diff.pricing_changes++
        diff.price_changes.push({
          model: key,
          field,
          old: typeof a === 'number' ? a : null,
          new: typeof b === 'number' ? b : null,
        })
      }
    }
    if (changed) diff.changed_models.push(key)
  }
  return diff
}

/** Deep equality where key order does not matter (upstream reorders nested objects without changing them). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a) !== Array.isArray(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  const ra = a as Record<string, unknown>
  const rb = b as Record<string, unknown>
  return ka.every((k) => Object.hasOwn(rb, k) && same(ra[k], rb[k]))
}

/**
 * Holds back a new file whose prices moved suspiciously: a factor (`{ maxFactor: 10 }` refuses any price
 * that moved more than 10x either way) or a function returning a reason to refuse, or null to accept.
 *
 * @example
 * ```ts
 * new ModelCostMap({ priceChangeGuard: { maxFactor: 10 } })
 * ```
 */
export type PriceChangeGuard = { maxFactor: number } | ((diff: CostMapDiff) => string | null)

/** @internal The guard's reason to refuse `diff`, or null. */
export function checkGuard(guard: PriceChangeGuard | undefined, diff: CostMapDiff): string | null {
  if (!guard) return null
  if (typeof guard === 'function') return guard(diff)
  for (const change of diff.price_changes) {
    const { old, new: now } = change
    if (old === null || now === null || old === 0 || now === 0) continue
    if (Math.max(now / old, old / now) > guard.maxFactor) {
      return `${change.model}.${change.field} moved ${old} -> ${now} (more than ${guard.maxFactor}x)`
    }
  }
  return null
}
