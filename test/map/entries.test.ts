/**
 * A reload reads only the entries written differently from the active map's text and keeps the active map's
 * objects for the rest. That shortcut must build exactly what parsing and checking the whole text builds:
 * the same report, the same entries in the same order, the same refusal of a bad file, the same diff.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { diffCostMaps } from '../../src/map/diff'
import { buildCostMap, buildCostMapText, parseCostMapText } from '../../src/map/integrity'
import { mapMeta } from '../../src/map/map'
import type { BuiltMap, IntegrityOptions } from '../../src/map/report'
import { ModelCostMap } from '../../src/store/store'
import { historyFiles, MAIN_MAP, readText } from '../support/data'
import { startServer } from '../support/server'
import { entryText, mapEntries, renderMap } from './arbitraries'

/** No active map yet (as after a failed start): the first build keeps its entry texts, nothing to reuse. */
const NONE = buildCostMap(undefined)
const LAX = { minModelCount: 1, maxInvalidRatio: 1 }

type Outcome = { error: string } | { built: BuiltMap }
const outcome = (build: () => BuiltMap): Outcome => {
  try {
    return { built: build() }
  } catch (error) {
    return { error: `${(error as { code?: string }).code} ${(error as Error).message}` }
  }
}

/** The shortcut (from the text, and from the parsed text) against the full build, with `previous` active. */
function expectSameBuild(text: string, previous: BuiltMap, options: IntegrityOptions = LAX): BuiltMap | null {
  const full = outcome(() => buildCostMap(parseCostMapText(text), { ...options, text }))
  const read = outcome(() => buildCostMapText(text, { ...options, previous }))
  const parsed = outcome(() => buildCostMap(parseCostMapText(text), { ...options, text, previous }))
  for (const other of [read, parsed]) {
    if ('error' in full) {
      expect(other).toEqual(full)
      continue
    }
    expect('built' in other).toBe(true)
    if (!('built' in other)) continue
    const [a, b] = [full.built, other.built]
    expect(b.report).toEqual(a.report)
    expect(Object.keys(b.map)).toEqual(Object.keys(a.map))
    expect({ ...b.map }).toEqual({ ...a.map })
    for (const entry of Object.values(b.map)) expect(Object.isFrozen(entry)).toBe(true)
    // The rules, aliases and sha256 the map carries for lookups.
    const { derived: _b, ...metaB } = mapMeta(b.map)
    const { derived: _a, ...metaA } = mapMeta(a.map)
    expect(metaB).toEqual(metaA)
    // An entry taken from the active map is one that did not change.
    for (const key of Object.keys(b.map)) if (b.map[key] === previous.map[key]) expect(a.map[key]).toEqual(b.map[key])
    if (a.report.ok && previous.report.ok)
      expect(diffCostMaps(previous.map, b.map)).toEqual(diffCostMaps(previous.map, a.map))
  }
  return 'built' in read ? read.built : null
}

const reusedCount = (before: BuiltMap, after: BuiltMap) =>
  Object.keys(after.map).filter((key) => after.map[key] === before.map[key]).length

describe('reading only the changed entries of a reload', () => {
  it('one price moved in the real map: every other entry is the active map object, the report and diff match', () => {
    const text = readText(MAIN_MAP)
    const at = text.indexOf('"input_cost_per_token": 2.5e-06', text.indexOf('"gpt-4o": {'))
    const moved = `${text.slice(0, at)}"input_cost_per_token": 2.6e-06${text.slice(at + 31)}`
    const active = buildCostMapText(text, { previous: NONE })
    const next = expectSameBuild(moved, active, {}) as BuiltMap
    expect(next.map['gpt-4o']?.input_cost_per_token).toBe(2.6e-6)
    // All but gpt-4o and the last entry (kept as text only with the comma that follows it).
    expect(reusedCount(active, next)).toBe(Object.keys(active.map).length - 2)
    expect(diffCostMaps(active.map, next.map).price_changes).toEqual([
      { model: 'gpt-4o', field: 'input_cost_per_token', old: 2.5e-6, new: 2.6e-6 },
    ])
  })

  it('replays the 23 real versions: each reload builds what a full build of the same text builds', () => {
    let previous = NONE
    let reused = 0
    for (const file of historyFiles()) {
      const next = expectSameBuild(readText(file), previous)
      expect(next?.report.ok).toBe(true)
      reused += reusedCount(previous, next as BuiltMap)
      previous = next as BuiltMap
    }
    expect(reused).toBeGreaterThan(30_000)
  })

  const BASE =
    '{\n  "a": {"litellm_provider": "openai", "input_cost_per_token": 1e-6},\n  "b": {"litellm_provider": "x", "mode": "chat"},\n  "c": null\n}\n'
  it.each([
    ['a new key with a raw tab (invalid JSON)', BASE.replace('"c"', '"tab\tkey": {"litellm_provider": "x"},\n  "c"')],
    ['a new key with an escape', BASE.replace('"c"', '"x\\u0041": {"litellm_provider": "x"},\n  "c"')],
    ['a new __proto__ key', BASE.replace('"c"', '"__proto__": {"litellm_provider": "x"},\n  "c"')],
    ['a new integer-like key', BASE.replace('"c"', '"42": {"litellm_provider": "x"},\n  "c"')],
    ['a model key written twice', BASE.replace('"c"', '"a": {"litellm_provider": "y"},\n  "c"')],
    ['a field written twice', BASE.replace('"mode": "chat"', '"mode": "chat", "mode": "embedding"')],
    ['a changed entry that is not JSON', BASE.replace('"mode": "chat"', '"mode": "chat",')],
    ['a missing comma between entries', BASE.replace('},\n  "b"', '}\n  "b"')],
    ['text after the closing brace', `${BASE}x`],
    ['a byte order mark', `\uFEFF${BASE}`],
    ['a price moved and the entries reordered', BASE.replace('1e-6', '2e-6').replace('"c": null', '"c": null, "0": 1')],
  ])('%s: the same outcome as a full build', (_, text) => {
    const active = buildCostMapText(BASE, { ...LAX, previous: NONE })
    expect(active.texts?.keys).toEqual(['a', 'b', 'c'])
    expectSameBuild(text, active)
  })

  it('another price ceiling checks every entry again (the findings depend on it)', () => {
    const active = buildCostMapText(BASE, { ...LAX, previous: NONE })
    const next = expectSameBuild(BASE.replace('null', '7'), active, { ...LAX, priceCeiling: 1e-7 })
    expect(next?.report.suspicious_prices).toEqual([{ key: 'a', field: 'input_cost_per_token', value: 1e-6 }])
  })

  it('a store reload keeps the objects of the entries that did not change', async () => {
    const text = readText(MAIN_MAP)
    let body = text
    const server = await startServer(() => ({ body }))
    const costs = new ModelCostMap({ url: server.url, autoLoad: false, timeoutMs: 5000 })
    try {
      // The bundled map's own bytes: unchanged, now served as the remote map.
      expect((await costs.reload()).status).toBe('unchanged')
      expect(costs.source().source).toBe('remote')
      const before = costs.snapshot.map
      body = text.replace('"input_cost_per_token": 2.5e-06', '"input_cost_per_token": 2.6e-06')
      const result = await costs.reload()
      expect(result.changed_models).toHaveLength(1)
      const after = costs.snapshot.map
      const kept = Object.keys(after).filter((key) => after[key] === before[key]).length
      expect(kept).toBe(Object.keys(after).length - 2)
    } finally {
      costs.dispose()
      await server.close()
    }
  })

  // Raw JSON fragments: what a text scan could get wrong (strings holding quotes, colons and braces, keys
  // written twice, escapes, values that need coercion, invalid JSON) and what validation treats apart.
  const KEYS = ['gpt-4o', 'a', 'A', 'b', 'c', 'm:0', '123', 'sample_spec']
  const RARE_KEYS = ['__proto__', ' ', 'x\\u0041', 'tab\tkey']
  const VALUES = [
    '{"litellm_provider": "openai", "input_cost_per_token": 1e-6}',
    '{"litellm_provider": "openai", "input_cost_per_token": 2e-6}',
    '{"litellm_provider": "openai",\n  "mode": "chat", "mode": "chat"}',
    '{"litellm_provider": "x", "input_cost_per_token": 0.5}',
    '{"litellm_provider": "x", "input_cost_per_token": "2e-6", "output_cost_per_token": null}',
    '{"litellm_provider": 5}',
    '{"litellm_provider": "o", "note": "\\"a\\": {\\n  \\"b\\": [1,"}',
    '{"litellm_provider": "o", "note": "ends in a backslash\\\\"}',
    '{"litellm_provider": "o", "p": {"a": 1, "a": 2}}',
    '{"litellm_provider": "o", "meta": {"__proto__": {"x": 1}}}',
    '{"litellm_provider": "o", "aliases": ["a"]}',
    '[1, {"a": 2}]',
    'null',
    '"text"',
    '-7.5e-3',
  ]
  const INVALID = ['{"litellm_provider": "o",}', '{"litellm_provider": "o" "mode": "chat"}', 'tru', '"a\tb"']
  const entry = fc.record({
    key: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...KEYS) }, fc.constantFrom(...RARE_KEYS)),
    value: fc.oneof({ weight: 20, arbitrary: fc.constantFrom(...VALUES) }, fc.constantFrom(...INVALID)),
  })
  const format = fc.record({
    sep: fc.constantFrom('\n  ', '\n    ', ' ', '', '\r\n  ', '\n\t'),
    comma: fc.oneof({ weight: 19, arbitrary: fc.constant(',') }, fc.constant(';')),
    colon: fc.constantFrom(': ', ':', ' : ', ':\n  '),
    // Mostly a plain end; sometimes what must make the whole text invalid, or a BOM in front.
    lead: fc.oneof({ weight: 9, arbitrary: fc.constantFrom('', '\n') }, fc.constant('\uFEFF')),
    trail: fc.oneof({ weight: 9, arbitrary: fc.constantFrom('\n', '') }, fc.constantFrom(' x', '}', ',')),
  })
  type Format = { sep: string; comma: string; colon: string; lead: string; trail: string }
  type Entry = { key: string; value: string }
  const render = (entries: Entry[], f: Format) =>
    `${f.lead}{${f.sep}${entries.map((e) => `"${e.key}"${f.colon}${e.value}`).join(`${f.comma}${f.sep}`)}\n}${f.trail}`
  /** A next version: values changed, entries added, removed or moved, as upstream edits do. */
  const added = fc.record({
    key: fc.oneof(
      { weight: 6, arbitrary: fc.nat(99).map((n) => `new-${n}`) },
      { weight: 2, arbitrary: fc.constantFrom(...KEYS) },
      fc.constantFrom(...RARE_KEYS),
    ),
    value: entry.map((e) => e.value),
  })
  const edit = fc.array(
    fc.record({ op: fc.constantFrom('set', 'add', 'remove', 'move'), at: fc.nat(), entry: added }),
    { maxLength: 4 },
  )
  const apply = (entries: Entry[], edits: Array<{ op: string; at: number; entry: Entry }>): Entry[] => {
    const out = [...entries]
    for (const { op, at, entry: e } of edits) {
      const i = at % (out.length + 1)
      if (op === 'add') out.splice(i, 0, e)
      else if (out.length === 0) continue
      else if (op === 'set') out[i % out.length] = { ...(out[i % out.length] as Entry), value: e.value }
      else if (op === 'remove') out.splice(i % out.length, 1)
      else out.push(...out.splice(i % out.length, 1))
    }
    return out
  }

  it('builds what a full build builds, for any text and any active map (property)', () => {
    let reused = 0
    fc.assert(
      fc.property(
        // Keys written twice come from edits only: a text with one is always read in full.
        fc.uniqueArray(entry, { selector: (e) => e.key, minLength: 2, maxLength: 8 }),
        // Usually the same layout as the version before, as upstream keeps it: that is when entries match.
        fc.array(fc.tuple(edit, fc.oneof({ weight: 4, arbitrary: fc.constant(undefined) }, format)), {
          minLength: 1,
          maxLength: 3,
        }),
        format,
        (first, versions, firstFormat) => {
          let entries = first
          let f = firstFormat
          let previous = expectSameBuild(render(entries, f), NONE) ?? NONE
          for (const [edits, layout] of versions) {
            entries = apply(entries, edits)
            f = layout ?? f
            const next = expectSameBuild(render(entries, f), previous)
            if (next) reused += reusedCount(previous, next)
            previous = next?.report.ok ? next : previous
          }
        },
      ),
      { numRuns: 400 },
    )
    // The shortcut was taken, not only the full build it falls back to.
    expect(reused).toBeGreaterThan(100)
  })

  it('builds what a full build builds, for generated maps with invalid fields, coercions, nested values and bad rules (property)', () => {
    type Entries = Array<[string, string]>
    // Upstream's edits between versions: an entry rewritten, added, removed or moved; the layout kept.
    const edits = fc.array(
      fc.record({
        op: fc.constantFrom('set', 'add', 'remove', 'move'),
        at: fc.nat(),
        key: fc.nat(30),
        value: entryText,
      }),
      { maxLength: 4 },
    )
    const apply = (entries: Entries, list: Array<{ op: string; at: number; key: number; value: string }>) => {
      const out = [...entries]
      for (const { op, at, key, value } of list) {
        const i = at % (out.length + 1)
        if (op === 'add') out.splice(i, 0, [`new-${key}`, value])
        else if (out.length === 0) continue
        else if (op === 'set') out[i % out.length] = [(out[i % out.length] as [string, string])[0], value]
        else if (op === 'remove') out.splice(i % out.length, 1)
        else out.push(...out.splice(i % out.length, 1))
      }
      return out
    }
    let reused = 0
    let kept = 0
    fc.assert(
      fc.property(mapEntries, fc.array(edits, { minLength: 1, maxLength: 3 }), (first, versions) => {
        let entries = first
        let previous = expectSameBuild(renderMap(entries), NONE) ?? NONE
        for (const list of versions) {
          entries = apply(entries, list)
          const next = expectSameBuild(renderMap(entries), previous)
          if (next) reused += reusedCount(previous, next)
          if (next?.report.ok) kept++
          previous = next?.report.ok ? next : previous
        }
      }),
      { numRuns: Number(process.env.COSTMAP_FUZZ_RUNS ?? 1_000) },
    )
    // The shortcut was taken, on maps that passed, not only the full build it falls back to.
    expect(reused).toBeGreaterThan(200)
    expect(kept).toBeGreaterThan(200)
  })
})
