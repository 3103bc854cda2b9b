/**
 * Per-map lookup indexes (lower-case keys, aliases, providers, classified fallback rules) and the
 * per-map resolution memo, built once per map object and cached in a WeakMap.
 * @module
 */
import { type CompiledRule, type CostMapData, EMPTY_META, isBuiltMap, mapMeta } from '../map'
import type { ModelInfo } from './model-info'
import { EXTRA_PROVIDERS } from './names'

/**
 * A map as the pricing helpers accept it: a loaded map (`LoadResult.map`, `loadBackup()`), a store
 * snapshot (anything with a `map` and an optional `sha256`), or a hand-made `{ key: entry }` object.
 *
 * @example
 * ```ts
 * const a: MapLike = loadBackup()
 * const b: MapLike = costs.snapshot
 * const c: MapLike = { 'my-model': { litellm_provider: 'openai', input_cost_per_token: 1e-6 } }
 * ```
 */
export type MapLike =
  | CostMapData
  | { readonly map: CostMapData; readonly sha256?: string | null }
  | Readonly<Record<string, Readonly<Record<string, unknown>>>>

/** @internal One resolution result, memoized per (map, model, provider). */
export interface Resolved {
  info: ModelInfo
  /** The entry prices are read from (fill-missing rule keys merged in, when any). */
  entry: Readonly<Record<string, unknown>>
  key: string
  /** Requested provider, else the one inferred from the prefix, else the entry's `litellm_provider`. */
  provider: string
  /** Set when only fallback rules answered (they carry no prices of their own). */
  rule: string | undefined
  /** The entry's price plan, cached here by the pricing code so the hot path skips a WeakMap lookup. */
  plan?: unknown
}

/** @internal Everything resolution needs for one map object. */
export interface MapIndex {
  entries: Readonly<Record<string, Readonly<Record<string, unknown>>>>
  aliases: ReadonlyMap<string, string>
  /** Built by {@link namesOf} on the first lookup that needs it: most calls name an exact key. */
  names: MapNames | undefined
  routing: CompiledRule[]
  capability: CompiledRule[]
  fill: CompiledRule[]
  /** model -> result (null = not mapped), per provider (+ region) slot. */
  memo: SlotMemo<Resolved | null>
  /** The "did you mean" index (suggest.ts), built by the first miss that asks for suggestions. */
  suggest?: unknown
}

/** @internal The lower-case index of a map's keys and the providers of its entries. */
export interface MapNames {
  /** Lower-cased key (and alias) -> key. LiteLLM's index is `{k.lower(): k}`: the last key of a case collision wins. */
  lower: ReadonlyMap<string, string>
  /** Lower-cased `litellm_provider` values, and the provider names LiteLLM knows without an entry. */
  providers: ReadonlySet<string>
  /** Length of the longest key or alias: a longer name matches none, whatever its case. */
  longest: number
}

/**
 * @internal The lower-case index and providers of a map, built on first use (about 2 ms for LiteLLM's map,
 * a tenth of a cold start that needs neither when its first model is an exact key).
 * @example
 * ```ts
 * namesOf(contextOf(loadBackup()).index).lower.get('gpt-4o') // 'gpt-4o'
 * ```
 */
export function namesOf(index: MapIndex): MapNames {
  if (index.names) return index.names
  const lower = new Map<string, string>()
  const providers = new Set<string>(EXTRA_PROVIDERS)
  let provider: unknown
  let longest = 0
  for (const key in index.entries) {
    lower.set(key.toLowerCase(), key)
    if (key.length > longest) longest = key.length
    // Neighbouring entries mostly share a provider: skip the repeat.
    const p = (index.entries[key] as { litellm_provider?: unknown }).litellm_provider
    if (p !== provider && typeof p === 'string') providers.add(p.toLowerCase())
    provider = p
  }
  for (const [alias, key] of index.aliases) {
    if (!lower.has(alias.toLowerCase())) lower.set(alias.toLowerCase(), key)
    if (alias.length > longest) longest = alias.length
  }
  index.names = { lower, providers, longest }
  return index.names
}

/** @internal The index and the sha256 of the data a MapLike carries. */
export interface MapContext {
  index: MapIndex
  sha256: string | null
}

const MEMO_LIMIT = 50_000
// Hand-made maps and snapshots only. A loaded map keeps its context on itself (mapMeta(map).derived): a
// WeakMap value that refers to its key keeps the whole map alive through every young-generation GC.
const indexes = new WeakMap<object, MapIndex>()
const contexts = new WeakMap<object, MapContext>()

/**
 * @internal The cached context of a map, snapshot or hand-made object.
 * @example
 * ```ts
 * contextOf(loadBackup()).index.entries['gpt-4o']?.litellm_provider // 'openai'
 * ```
 */
export function contextOf(value: MapLike): MapContext {
  // One symbol lookup tells a loaded map (it carries its context) from a snapshot or a hand-made object.
  const meta = typeof value === 'object' && value !== null ? mapMeta(value as CostMapData) : EMPTY_META
  if (meta !== EMPTY_META) {
    let ctx = meta.derived.context as MapContext | undefined
    if (ctx === undefined) {
      ctx = { index: buildIndex(value as CostMapData), sha256: meta.sha256 }
      meta.derived.context = ctx
    }
    return ctx
  }
  let ctx = contexts.get(value)
  if (ctx === undefined) {
    ctx = isSnapshot(value) ? snapshotContext(value) : { index: handMadeIndex(value as CostMapData), sha256: null }
    contexts.set(value, ctx)
  }
  return ctx
}

function snapshotContext(snapshot: { map: CostMapData; sha256?: string | null }): MapContext {
  const inner = isBuiltMap(snapshot.map) ? contextOf(snapshot.map) : undefined
  return {
    index: inner?.index ?? handMadeIndex(snapshot.map),
    sha256: typeof snapshot.sha256 === 'string' ? snapshot.sha256 : (inner?.sha256 ?? null),
  }
}

function handMadeIndex(map: CostMapData): MapIndex {
  let index = indexes.get(map)
  if (index === undefined) {
    index = buildIndex(map)
    indexes.set(map, index)
  }
  return index
}

function isSnapshot(value: object): value is { map: CostMapData; sha256?: string | null } {
  const inner = (value as { map?: unknown }).map
  if (typeof inner !== 'object' || inner === null) return false
  // A hand-made map may hold a model called "map": that one is an entry with a provider.
  return isBuiltMap(inner) || typeof (inner as { litellm_provider?: unknown }).litellm_provider !== 'string'
}

function buildIndex(map: CostMapData): MapIndex {
  const built = isBuiltMap(map)
  // A hand-made object has Object.prototype: copy it so `toString` is never a model.
  const entries: Record<string, Readonly<Record<string, unknown>>> = built ? (map as never) : Object.create(null)
  const meta = mapMeta(map)
  if (!built) {
    for (const key in map as object) {
      const entry = (map as Record<string, unknown>)[key]
      if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) entries[key] = entry as never
    }
  }
  const routing: CompiledRule[] = []
  const capability: CompiledRule[] = []
  const fill: CompiledRule[] = []
  for (const rule of meta.rules) {
    const info = rule.model_info
    const provider = info.litellm_provider
    const keys = Object.keys(info)
    // Upstream: only-provider = routing rule; anything else = capability; a legacy mix is both.
    if (provider !== undefined) {
      if (typeof provider !== 'string') continue
      routing.push(rule)
      if (keys.length === 1) continue
    }
    capability.push(rule)
    if (rule.fill_missing_for_providers?.length) fill.push(rule)
  }
  return {
    entries,
    aliases: meta.aliases,
    names: undefined,
    routing,
    capability,
    fill,
    memo: new SlotMemo(MEMO_LIMIT),
  }
}

/**
 * @internal Longest model string a memo keeps (LiteLLM's longest key has 76 characters). A longer one is
 * resolved on every call instead: remembering it would let callers with huge distinct names hold memory.
 */
export const MAX_MEMO_KEY = 256
/** @internal Characters of model strings a memo holds before it is cleared (a few MB at most). */
export const MAX_MEMO_CHARS = 4_000_000

/**
 * @internal A memo of model strings per slot (a provider, a region; '' = neither), bounded in entries and
 * in characters: callers with unbounded distinct model strings (unknown models included) cannot grow it
 * forever, it is cleared when full, and names longer than {@link MAX_MEMO_KEY} are not kept.
 * `undefined` from `get` = not computed yet.
 * @example
 * ```ts
 * const memo = new SlotMemo<number>(100)
 * memo.set('', 'gpt-4o', 1)
 * memo.plain.get('gpt-4o') // 1
 * ```
 */
export class SlotMemo<V> {
  /** The '' slot: calls with no provider and no region, one lookup on the hot path. */
  readonly plain = new Map<string, V>()
  private readonly slots = new Map<string, Map<string, V>>()
  size = 0
  /** Characters of the model strings (and slots) held. */
  chars = 0

  constructor(private readonly limit: number) {}

  get(slot: string, key: string): V | undefined {
    return slot === '' ? this.plain.get(key) : this.slots.get(slot)?.get(key)
  }

  set(slot: string, key: string, value: V): void {
    if (key.length > MAX_MEMO_KEY || slot.length > MAX_MEMO_KEY) return
    if (this.size >= this.limit || this.chars > MAX_MEMO_CHARS) {
      this.plain.clear()
      this.slots.clear()
      this.size = 0
      this.chars = 0
    }
    let inner = this.plain
    if (slot !== '') {
      inner = this.slots.get(slot) as Map<string, V>
      if (inner === undefined) {
        inner = new Map()
        this.slots.set(slot, inner)
        this.chars += slot.length
      }
    }
    inner.set(key, value)
    this.size++
    this.chars += key.length
  }
}
