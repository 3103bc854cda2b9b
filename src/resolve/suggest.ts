/**
 * "Did you mean": the keys closest to a model name the map does not know. Runs only when a lookup failed,
 * on an index built on first use, with bounded work per call (see {@link suggestModels}).
 * @module
 */
import { type MapIndex, namesOf } from './lookup'

/** @internal What suggestions search: built once per map, on the first miss that asks. */
export interface SuggestIndex {
  /** Lower-cased key, and each part of it after a `/`, -> the keys it names (map order). */
  names: Map<string, string[]>
  /** The names of `names` by length, for the spelling search. */
  byLength: string[][]
  /** Recent answers (model and provider -> keys), cleared when full. */
  memo: Map<string, readonly string[]>
}

/** Suggestions returned at most. */
export const MAX_SUGGESTIONS = 5
/** Longer names get prefix matches only: edit distance is quadratic in the length. */
const MAX_FUZZY_LENGTH = 96
const MEMO_LIMIT = 1_000
const MIN_FUZZY_LENGTH = 3

/**
 * @internal The keys of the map closest to `model`, best first, at most {@link MAX_SUGGESTIONS}: the same
 * name under a provider prefix (`grok-code-fast-1` -> `xai/grok-code-fast-1`), the name without a wrong
 * prefix, keys that extend it with a version or date, then close spellings (Damerau-Levenshtein, at most 1,
 * 2 or 3 edits by length, only against names of similar length that start alike). Keys of `provider` come first.
 * @example
 * ```ts
 * suggestModels(contextOf(loadBackup()).index, 'grok-code-fast-1') // ['xai/grok-code-fast-1', …]
 * ```
 */
export function suggestModels(index: MapIndex, model: unknown, provider?: unknown): readonly string[] {
  if (typeof model !== 'string') return []
  const name = model.trim().toLowerCase()
  const wanted = typeof provider === 'string' ? provider.trim().toLowerCase() : ''
  if (name === '' || name.length > namesOf(index).longest + 8) return []
  const si = suggestIndexOf(index)
  const memoKey = `${wanted}\u0000${name}`
  const known = si.memo.get(memoKey)
  if (known !== undefined) return known
  const found = search(index, si, name, wanted)
  if (si.memo.size >= MEMO_LIMIT) si.memo.clear()
  si.memo.set(memoKey, found)
  return found
}

function search(index: MapIndex, si: SuggestIndex, name: string, wanted: string): readonly string[] {
  const { providers } = namesOf(index)
  // The name without a provider prefix it may carry (`openai/grok-code-fast-1`).
  const slash = name.indexOf('/')
  const base = slash > 0 && providers.has(name.slice(0, slash)) ? name.slice(slash + 1) : name
  const ranked: Array<{ key: string; score: number }> = []
  const seen = new Set<string>()
  const add = (keys: readonly string[] | undefined, score: number) => {
    for (const key of keys ?? []) {
      if (seen.has(key)) continue
      seen.add(key)
      ranked.push({ key, score: score + (wanted !== '' && !ofProvider(index, key, wanted) ? 0.5 : 0) })
    }
  }
  add(si.names.get(base), 0)
  if (base !== name) add(si.names.get(name), 0)
  // One or two letters are close to too much to help.
  if (base.length < MIN_FUZZY_LENGTH) return finish(ranked)
  // Keys that extend the name with a version, a date or a region (`claude-sonnet-4-5` -> `…-20250929`).
  for (const bucket of si.byLength.slice(base.length + 1)) {
    for (const candidate of bucket ?? []) {
      const next = candidate.charCodeAt(base.length)
      if (
        (next === 45 || next === 64 || next === 58) &&
        candidate.startsWith(base) &&
        !candidate.includes('/', base.length)
      )
        add(si.names.get(candidate), 1)
    }
  }
  if (base.length <= MAX_FUZZY_LENGTH) {
    const limit = base.length <= 4 ? 1 : base.length <= 12 ? 2 : 3
    const b0 = base.charCodeAt(0)
    const b1 = base.charCodeAt(1)
    for (let len = Math.max(1, base.length - limit); len <= base.length + limit; len++) {
      for (const candidate of si.byLength[len] ?? []) {
        // People mistype inside a name more than its first letter: a cheap filter that keeps a swap or an
        // extra or missing letter at the start, and skips nine names in ten.
        const c0 = candidate.charCodeAt(0)
        if (c0 !== b0 && c0 !== b1 && candidate.charCodeAt(1) !== b0) continue
        const d = distance(base, candidate, limit)
        if (d <= limit) add(si.names.get(candidate), 1 + d)
      }
    }
  }
  return finish(ranked)
}

function finish(ranked: Array<{ key: string; score: number }>): readonly string[] {
  // Equal scores: the shorter key (the bare name before its provider-prefixed copies), then map order.
  ranked.sort((a, b) => a.score - b.score || a.key.length - b.key.length)
  return Object.freeze(ranked.slice(0, MAX_SUGGESTIONS).map((r) => r.key))
}

function ofProvider(index: MapIndex, key: string, wanted: string): boolean {
  const p = index.entries[key]?.litellm_provider
  return typeof p === 'string' && (p.toLowerCase() === wanted || p.toLowerCase().startsWith(`${wanted}-`))
}

function suggestIndexOf(index: MapIndex): SuggestIndex {
  const cached = index.suggest as SuggestIndex | undefined
  if (cached !== undefined) return cached
  const names = new Map<string, string[]>()
  const put = (name: string, key: string) => {
    const keys = names.get(name)
    if (keys === undefined) names.set(name, [key])
    else if (!keys.includes(key)) keys.push(key)
  }
  for (const key in index.entries) {
    const lower = key.toLowerCase()
    put(lower, key)
    for (let at = lower.indexOf('/'); at >= 0; at = lower.indexOf('/', at + 1)) put(lower.slice(at + 1), key)
  }
  const byLength: string[][] = []
  for (const name of names.keys()) {
    const bucket = byLength[name.length]
    if (bucket === undefined) byLength[name.length] = [name]
    else bucket.push(name)
  }
  const built: SuggestIndex = { names, byLength, memo: new Map() }
  index.suggest = built
  return built
}

/**
 * @internal Optimal-string-alignment distance (Damerau-Levenshtein with adjacent swaps), giving up with
 * `limit + 1` as soon as every alignment costs more than `limit`.
 * @example
 * ```ts
 * distance('gtp-4o', 'gpt-4o', 2) // 1
 * ```
 */
export function distance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1
  const width = b.length + 1
  if (rows.length < width * 3) rows = new Uint16Array(width * 3)
  // Three rows in one buffer, rotated: i-2, i-1, i.
  let prev2 = 0
  let prev = width
  let row = width * 2
  for (let j = 0; j < width; j++) rows[prev + j] = j
  for (let i = 1; i <= a.length; i++) {
    const ca = a.charCodeAt(i - 1)
    rows[row] = i
    let best = i
    for (let j = 1; j < width; j++) {
      const cb = b.charCodeAt(j - 1)
      let d = (rows[prev + j - 1] as number) + (ca === cb ? 0 : 1)
      const del = (rows[prev + j] as number) + 1
      const ins = (rows[row + j - 1] as number) + 1
      if (del < d) d = del
      if (ins < d) d = ins
      if (i > 1 && j > 1 && ca === b.charCodeAt(j - 2) && a.charCodeAt(i - 2) === cb) {
        const swap = (rows[prev2 + j - 2] as number) + 1
        if (swap < d) d = swap
      }
      rows[row + j] = d
      if (d < best) best = d
    }
    if (best > limit) return limit + 1
    const free = prev2
    prev2 = prev
    prev = row
    row = free
  }
  return rows[prev + b.length] as number
}

let rows = new Uint16Array(3 * 128)
