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
  for (const key of Object.keys(after)) if (!Object.hasOwn(before, key)) diff.new_models.push(key)
  for (const key of Object.keys(before)) {
    const now = after[key]
    if (now === undefined) diff.removed_models.push(key)
    else if (before[key] !== now && diffEntry(key, before[key] as Entry, now, diff)) diff.changed_models.push(key)
  }
  return diff
}

type Entry = Readonly<Record<string, unknown>>

/**
 * Compares two entries and records moved prices; true when any field changed. Runs for every model on every
 * reload (each parse makes new objects), so the usual case (the same fields in the same order) compares
 * values by position, without a property lookup per field.
 */
function diffEntry(model: string, old: Entry, now: Entry, diff: CostMapDiff): boolean {
  const fields = Object.keys(old)
  const nowFields = Object.keys(now)
  let changed = false
  if (sameOrder(fields, nowFields)) {
    const a = Object.values(old)
    const b = Object.values(now)
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i] || same(a[i], b[i])) continue
      changed = true
      recordPrice(model, fields[i] as string, a[i], b[i], diff)
    }
    return changed
  }
  // Fields added, removed or reordered: the old entry's fields in order, then those only the new one has.
  for (const field of fields) {
    const a = old[field]
    const b = Object.hasOwn(now, field) ? now[field] : undefined
    if (a === b || same(a, b)) continue
    changed = true
    recordPrice(model, field, a, b, diff)
  }
  for (const field of nowFields) {
    if (Object.hasOwn(old, field) || now[field] === undefined) continue
    changed = true
    recordPrice(model, field, undefined, now[field], diff)
  }
  return changed
}

function sameOrder(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false
  return true
}

function recordPrice(model: string, field: string, a: unknown, b: unknown, diff: CostMapDiff): void {
  if (!PRICE_KEY.test(field) || (typeof a !== 'number' && typeof b !== 'number')) return
  diff.pricing_changes++
  diff.price_changes.push({
    model,
    field,
    old: typeof a === 'number' ? a : null,
    new: typeof b === 'number' ? b : null,
  })
}

/** Deep equality where key order does not matter (upstream reorders nested objects without changing them). */
function same(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!same(a[i], b[i])) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ka = Object.keys(a)
  if (ka.length !== Object.keys(b).length) return false
  for (const k of ka) if (!Object.hasOwn(b, k) || !same((a as Entry)[k], (b as Entry)[k])) return false
  return true
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
