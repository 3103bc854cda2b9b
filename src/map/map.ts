/**
 * The loaded map object: entries under a null prototype, with fallback rules, aliases and the sha256 of
 * its bytes attached (non-enumerable), so resolution works from any copy of it.
 * @module
 */
import { compileRulePattern, MAX_RULES } from './pattern'
import { type FallbackRule, findForbiddenKey, formatIssues, isCleanRule, type ModelEntry, mapSchemas } from './schema'

/**
 * A validated cost map: model key -> entry, meta keys removed, null prototype (so `toString` or
 * `__proto__` are never models). Fallback rules and aliases ride along, non-enumerable.
 *
 * @example
 * ```ts
 * const map: CostMapData = loadBackup()
 * map['gpt-4o']?.input_cost_per_token
 * ```
 */
export type CostMapData = Readonly<Record<string, Readonly<ModelEntry>>>

/** @internal What resolution needs beside the entries. */
export interface MapMeta {
  rules: readonly CompiledRule[]
  /** alias (as written) -> canonical key */
  aliases: ReadonlyMap<string, string>
  /** sha256 of the bytes the map was parsed from, when known. */
  sha256: string | null
  /**
   * Lookup structures derived on first use (resolve.index.ts), one holder per map object. Kept on the map,
   * not in a WeakMap keyed by it: a WeakMap value that refers to its key survives young-generation GCs.
   */
  derived: { context?: unknown }
}

/** @internal A fallback rule with its regex compiled (case-insensitive, like LiteLLM's `re.search`). */
export interface CompiledRule extends FallbackRule {
  regex: RegExp
}

const META = Symbol.for('costmap.meta')
/** @internal */
export const EMPTY_META: MapMeta = Object.freeze({
  rules: [],
  aliases: new Map(),
  sha256: null,
  derived: Object.freeze({}),
})

/** @internal The rules and aliases attached to a loaded map (empty for a plain object). */
export function mapMeta(map: CostMapData): MapMeta {
  return (map as unknown as Record<symbol, MapMeta | undefined>)[META] ?? EMPTY_META
}

/** @internal True for a map built by costmap (as opposed to a snapshot or a hand-made object). */
export function isBuiltMap(value: unknown): value is CostMapData {
  return typeof value === 'object' && value !== null && META in value
}

/** @internal Attaches `meta` (non-enumerable, with a holder of its own for derived data) and freezes the map. */
export function attach(map: Record<string, ModelEntry>, meta: Omit<MapMeta, 'derived'>): CostMapData {
  Object.defineProperty(map, META, { value: Object.freeze({ ...meta, derived: {} }), enumerable: false })
  return Object.freeze(map)
}

/**
 * @internal Compiles the `fallback_generalizations` rules and collects aliases; bad rules and colliding
 * aliases are reported in `dropped`. `keys` and `entries` are the map's, in its order.
 */
export function buildMapMeta(
  block: unknown,
  map: Record<string, ModelEntry>,
  keys: readonly string[],
  entries: readonly ModelEntry[],
  report: { dropped: Array<{ key: string; reason: string }> },
  sha256: string | null,
): Omit<MapMeta, 'derived'> {
  const rules: CompiledRule[] = []
  const rawRules = (block as { rules?: unknown } | undefined)?.rules
  if (Array.isArray(rawRules)) {
    rawRules.forEach((raw, i) => {
      // A prototype key anywhere drops a rule as it drops an entry (zod would keep it, or drop it silently).
      const clean = isCleanRule(raw)
      const forbidden = clean ? null : findForbiddenKey(raw)
      if (forbidden) {
        report.dropped.push({ key: `fallback_generalizations.rules[${i}]`, reason: `forbidden key ${forbidden}` })
        return
      }
      const parsed = clean
        ? { success: true as const, data: { ...raw, model_info: raw.model_info ?? {} } }
        : mapSchemas().FallbackRuleSchema.safeParse(raw)
      if (!parsed.success) {
        report.dropped.push({ key: `fallback_generalizations.rules[${i}]`, reason: formatIssues(parsed.error.issues) })
        return
      }
      const regex = compileRulePattern(parsed.data.pattern)
      if (typeof regex === 'string') report.dropped.push({ key: `fallback_generalizations.rules[${i}]`, reason: regex })
      else if (rules.length >= MAX_RULES)
        report.dropped.push({ key: `fallback_generalizations.rules[${i}]`, reason: `more than ${MAX_RULES} rules` })
      else rules.push({ ...parsed.data, regex })
    })
    // Legacy single-level `extends`: the parent's fields first, the rule's own win.
    const byName = new Map(rules.map((r) => [r.name, r]))
    for (const rule of rules) {
      const parent = rule.extends ? byName.get(rule.extends) : undefined
      if (parent) rule.model_info = { ...parent.model_info, ...rule.model_info }
    }
  }
  const aliases = new Map<string, string>()
  for (let i = 0; i < keys.length; i++) {
    const list = (entries[i] as ModelEntry).aliases
    if (list === undefined) continue
    const key = keys[i] as string
    for (const alias of list) {
      // LiteLLM skips an alias that collides with a canonical key or an earlier alias.
      if (alias in map || aliases.has(alias))
        report.dropped.push({ key: `${key}.aliases`, reason: `alias ${alias} collides` })
      else aliases.set(alias, key)
    }
  }
  return Object.freeze({ rules: Object.freeze(rules), aliases, sha256 })
}

/** @internal Groups of keys that differ only by case, for the validation report. */
export function caseCollisions(keys: readonly string[]): string[][] {
  const seen = new Map<string, string>()
  let collisions: Map<string, string[]> | undefined
  for (const key of keys) {
    const low = key.toLowerCase()
    const previous = seen.get(low)
    if (previous === undefined) seen.set(low, key)
    else {
      collisions ??= new Map()
      collisions.set(low, [...(collisions.get(low) ?? [previous]), key])
    }
  }
  return collisions ? [...collisions.values()] : []
}

/**
 * @internal A new map: `base`'s entries with `entries` laid over them, keeping `base`'s rules, aliases
 * and sha256. Used to re-apply registered models on every snapshot.
 */
export function extendMap(base: CostMapData, entries: Readonly<Record<string, ModelEntry>>): CostMapData {
  const map = Object.create(null) as Record<string, ModelEntry>
  for (const key in base) map[key] = base[key] as ModelEntry
  for (const key of Object.keys(entries)) map[key] = Object.freeze(entries[key]) as ModelEntry
  return attach(map, mapMeta(base))
}
