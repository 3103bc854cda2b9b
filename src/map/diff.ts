/**
 * What changed between two cost maps: the sync report LiteLLM users script by hand.
 * @module
 */
import { type CompiledRule, type CostMapData, mapMeta } from './map'
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
 * Holds back a map whose prices moved suspiciously (status `failed`, the active map kept, the file remembered
 * as rejected). The object form compares the *effective* prices of every model present in both maps, as the
 * pricing engine would charge them: each top-level price field, each `tiered_pricing[i]` price, each
 * `search_context_cost_per_query.<size>`, each numeric `provider_specific_entry` multiplier, and the prices
 * `fallback_generalizations` rules fill in. It always holds a model that charged something and would now be
 * free (every price 0 or gone: it would be billed $0). It also holds, unless turned off, a price that
 * - moved by more than `maxFactor` either way (10; `Infinity` turns this off),
 * - moved to 0 (`holdToZero`) or from 0 (`holdFromZero`, a free model silently becoming paid),
 * - disappeared while its model is still there (`holdVanished`).
 *
 * `ignoreFields` lets a known change through: a price name (`input_cost_per_token`,
 * `tiered_pricing[0].input_cost_per_token`) for every model, or `model.name` for one model. The function form
 * replaces the comparison: it gets the sync diff and returns a reason to refuse, or null to accept. `false`
 * turns the guard off.
 *
 * Unset, the guard is `{ maxFactor: Infinity, holdToZero: false, holdFromZero: false, holdVanished: false }`:
 * only models becoming free. Real upstream updates restructure price fields every month (the full form holds
 * 15 of the 22 transitions of 2025-02..2026-07, and even moves to 0 alone hold one: upstream zeroed a retired
 * model's output price in 2026-04, and every later map keeps it), while a held file stays held until upstream
 * changes it again; so the full form is for operators who review each change.
 *
 * @example
 * ```ts
 * new ModelCostMap({ priceChangeGuard: { maxFactor: 10, ignoreFields: ['gpt-4o.input_cost_per_token'] } })
 * ```
 */
export type PriceChangeGuard = PriceChangeRules | ((diff: CostMapDiff) => string | null)

/** The object form of {@link PriceChangeGuard}. @example `{ maxFactor: 10, holdVanished: false }` */
export interface PriceChangeRules {
  /** Hold a price that moved more than this factor either way. @default 10 */
  maxFactor?: number
  /** Hold a price that moved to 0. @default true */
  holdToZero?: boolean
  /** Hold a price that moved from 0 to a price. @default true */
  holdFromZero?: boolean
  /** Hold a price that disappeared from a model that is still there. @default true */
  holdVanished?: boolean
  /** Prices never held: `field` (every model) or `model.field`. */
  ignoreFields?: readonly string[]
}

/** @internal The guard when `priceChangeGuard` is not set (see {@link PriceChangeGuard}). */
export const DEFAULT_PRICE_CHANGE_GUARD: PriceChangeRules = Object.freeze({
  maxFactor: Number.POSITIVE_INFINITY,
  holdToZero: false,
  holdFromZero: false,
  holdVanished: false,
})

/** One effective price the guard held, and why. */
export interface HeldPrice {
  model: string
  /** The price's name, e.g. `input_cost_per_token` or `tiered_pricing[0].input_cost_per_token`. */
  field: string
  old: number
  new: number | null
  why: 'to 0' | 'from 0' | 'vanished' | 'model now free' | `more than ${number}x`
}

/** How many held prices the reason names before it gives the count. */
const NAMED = 5

/**
 * @internal The guard's reason to refuse `after` in place of `before`, or null. `diff` is made only when a
 * function guard asks for it.
 */
export function checkGuard(
  guard: PriceChangeGuard | false | undefined,
  before: CostMapData,
  after: CostMapData,
  diff: () => CostMapDiff,
): string | null {
  if (!guard) return null
  if (typeof guard === 'function') return guard(diff())
  const held = heldPrices(before, after, guard)
  if (held.length === 0) return null
  const named = held
    .slice(0, NAMED)
    .map((h) => `${h.model}.${h.field} moved ${h.old} -> ${h.new ?? 'absent'} (${h.why})`)
  const more = held.length > NAMED ? `; ${held.length - NAMED} more (${held.length} prices held in all)` : ''
  return `${named.join('; ')}${more}`
}

/**
 * @internal Every effective price of a model present in both maps that moved in a way `rules` hold. Only
 * entries that are different objects are compared, unless the fill rules changed (then every model is).
 * @example
 * ```ts
 * heldPrices(active, candidate, { maxFactor: 10 }).map((h) => `${h.model}.${h.field}`)
 * ```
 */
export function heldPrices(before: CostMapData, after: CostMapData, rules: PriceChangeRules): HeldPrice[] {
  const maxFactor = rules.maxFactor ?? 10
  const ignore = new Set(rules.ignoreFields ?? [])
  const ignored = (model: string, field: string) => ignore.has(field) || ignore.has(`${model}.${field}`)
  const oldRules = fillRules(before)
  const newRules = fillRules(after)
  const rulesMoved = !same(ruleInfo(oldRules), ruleInfo(newRules))
  const held: HeldPrice[] = []
  for (const model of Object.keys(before)) {
    const old = before[model] as Entry
    const now = after[model] as Entry | undefined
    if (now === undefined || (old === now && !rulesMoved)) continue
    const a = effectivePrices(model, old, oldRules)
    const b = effectivePrices(model, now, newRules)
    const free = charges(a) && !charges(b)
    for (const [field, was] of a) {
      if (ignored(model, field)) continue
      const is = b.get(field)
      const why = free && was !== 0 ? 'model now free' : heldWhy(was, is, maxFactor, rules)
      if (why) held.push({ model, field, old: was, new: is ?? null, why })
    }
    // A price only the new entry has passes: it loses nothing the old entry charged.
  }
  return held
}

function charges(prices: Map<string, number>): boolean {
  for (const value of prices.values()) if (value !== 0) return true
  return false
}

function heldWhy(
  was: number,
  is: number | undefined,
  maxFactor: number,
  rules: PriceChangeRules,
): HeldPrice['why'] | null {
  if (is === undefined) return rules.holdVanished === false ? null : 'vanished'
  if (is === was) return null
  if (is === 0) return rules.holdToZero === false ? null : 'to 0'
  if (was === 0) return rules.holdFromZero === false ? null : 'from 0'
  return Math.max(is / was, was / is) > maxFactor ? `more than ${maxFactor}x` : null
}

/** Top-level fields whose nested numbers are prices the engine applies (multipliers included). */
const NESTED_PRICES = new Set(['tiered_pricing', 'provider_specific_entry', 'search_context_cost_per_query'])

/**
 * @internal A model's prices as the engine would charge them, by name: its own price fields, the prices
 * nested in `tiered_pricing` (price keys only, not the ranges), `search_context_cost_per_query` and
 * `provider_specific_entry` (numbers), then the prices `fill_missing_for_providers` rules add where the
 * entry has none.
 * @example
 * ```ts
 * effectivePrices('dashscope/qwen-flash', entry, []).get('tiered_pricing[1].input_cost_per_token')
 * ```
 */
export function effectivePrices(model: string, entry: Entry, rules: readonly CompiledRule[]): Map<string, number> {
  const prices = new Map<string, number>()
  addPrices(entry, prices)
  const provider = entry.litellm_provider
  if (typeof provider !== 'string') return prices
  for (const rule of rules) {
    if (!rule.fill_missing_for_providers?.includes(provider) || !rule.regex.test(model)) continue
    const filled = new Map<string, number>()
    const info = rule.model_info as Entry
    const missing: Record<string, unknown> = {}
    for (const field in info) if (entry[field] === undefined) missing[field] = info[field]
    addPrices(missing, filled)
    // The first rule that fills a field wins, as in resolution.
    for (const [name, value] of filled) if (!prices.has(name)) prices.set(name, value)
  }
  return prices
}

function addPrices(entry: Entry, prices: Map<string, number>): void {
  for (const field in entry) {
    const value = entry[field]
    if (typeof value === 'number') {
      if (PRICE_KEY.test(field)) prices.set(field, value)
    } else if (NESTED_PRICES.has(field) && typeof value === 'object' && value !== null) {
      addNested(field, value, field !== 'tiered_pricing', prices)
    }
  }
}

/** Numbers under `path`; inside tiers only price keys count (a tier's `range` is not a price). */
function addNested(path: string, value: object, anyNumber: boolean, prices: Map<string, number>): void {
  const isArray = Array.isArray(value)
  for (const [key, inner] of Object.entries(value)) {
    const name = isArray ? `${path}[${key}]` : `${path}.${key}`
    if (typeof inner === 'number') {
      if (anyNumber || PRICE_KEY.test(key)) prices.set(name, inner)
    } else if (typeof inner === 'object' && inner !== null) addNested(name, inner, anyNumber, prices)
  }
}

function fillRules(map: CostMapData): readonly CompiledRule[] {
  return mapMeta(map).rules.filter((rule) => rule.fill_missing_for_providers?.length)
}

function ruleInfo(rules: readonly CompiledRule[]): unknown {
  return rules.map((r) => [r.pattern, r.fill_missing_for_providers, r.model_info])
}
