import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { getModelCostMap } from '../../src/load/loader'
import { backupManifest } from '../../src/map/backup'
import { buildCostMap, parseCostMapText } from '../../src/map/integrity'
import { mapMeta } from '../../src/map/map'
import type { IntegrityOptions } from '../../src/map/report'
import { isCleanEntry } from '../../src/map/schema'
import { validateModelCostMap } from '../../src/map/validate'
import { ModelEntrySchema } from '../../src/schema-entry'
import { historyFiles, MAIN_MAP, readJson, readText } from '../support/data'
import { syntheticMap } from '../support/server'
import { forgedPrevious } from './forged'

const base = (n = 60) => syntheticMap(n)
const ok = { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 }
/** Synthetic maps are far smaller than the bundled backup: tests of other checks turn the shrink check off. */
const SMALL = { referenceCounts: [] }

describe('bad entries are dropped and reported, never fatal (catalogue C9–C15, C19)', () => {
  const cases: Array<[string, string, unknown, RegExp]> = [
    ['C9 entry is a string', 'gpt-x', 'cheap', /expected object/],
    ['C9 entry is an array', 'gpt-x', [], /expected object/],
    ['C9 entry is null', 'gpt-x', null, /expected object/],
    ['C10 negative price', 'gpt-x', { ...ok, input_cost_per_token: -0.001 }, /input_cost_per_token/],
    [
      'C11 1e400 parses to Infinity',
      'gpt-x',
      JSON.parse('{"litellm_provider":"openai","output_cost_per_token":1e400}'),
      /output_cost_per_token/,
    ],
    ['C11 "NaN" string', 'gpt-x', { ...ok, input_cost_per_token: 'NaN' }, /input_cost_per_token/],
    [
      'C11 "Infinity" string',
      'gpt-x',
      { ...ok, cache_read_input_token_cost: 'Infinity' },
      /cache_read_input_token_cost/,
    ],
    ['unparseable price string', 'gpt-x', { ...ok, input_cost_per_token: 'cheap' }, /input_cost_per_token/],
    ['empty price string', 'gpt-x', { ...ok, output_cost_per_token: '' }, /output_cost_per_token/],
    [
      'negative dynamic tier price',
      'gpt-x',
      { ...ok, input_cost_per_token_above_272k_tokens_priority: -1 },
      /above_272k/,
    ],
    ['C14 missing litellm_provider', 'gpt-x', { input_cost_per_token: 1e-6 }, /litellm_provider/],
    ['C14 empty litellm_provider', 'gpt-x', { ...ok, litellm_provider: '' }, /litellm_provider/],
    ['C14 non-string litellm_provider', 'gpt-x', { ...ok, litellm_provider: 7 }, /litellm_provider/],
    ['C15 max_input_tokens "128k"', 'gpt-x', { ...ok, max_input_tokens: '128k' }, /max_input_tokens/],
    ['C15 max_input_tokens -1', 'gpt-x', { ...ok, max_input_tokens: -1 }, /max_input_tokens/],
    ['C15 max_tokens 1.5', 'gpt-x', { ...ok, max_tokens: 1.5 }, /max_tokens/],
    ['mode is not a string', 'gpt-x', { ...ok, mode: 3 }, /mode/],
    ['bad tiered_pricing', 'gpt-x', { ...ok, tiered_pricing: [{ range: ['a', 2] }] }, /tiered_pricing/],
    [
      'negative price in a tier',
      'gpt-x',
      { ...ok, tiered_pricing: [{ range: [0, 10], input_cost_per_token: -1 }] },
      /tiered_pricing/,
    ],
    [
      'C8 __proto__ inside an entry',
      'gpt-x',
      JSON.parse('{"litellm_provider":"openai","__proto__":{"polluted":true}}'),
      /forbidden key __proto__/,
    ],
    [
      'an object where a dynamic price belongs (would price as absent)',
      'gpt-x',
      { ...ok, input_cost_per_token_priority: { standard: 1e-6 } },
      /input_cost_per_token_priority must be a finite price/,
    ],
    [
      'an array where a dynamic price belongs, in a tier',
      'gpt-x',
      { ...ok, tiered_pricing: [{ range: [0, 10], output_cost_per_token: [1e-6] }] },
      /tiered_pricing/,
    ],
    ['C19 empty key', '', ok, /empty model key/],
    ['C19 whitespace key', '   ', ok, /empty model key/],
    ['C19 key over 512 characters', 'm'.repeat(513), ok, /longer than 512/],
    ['C19 control character in key', 'gpt\u0000x', ok, /control characters/],
    ['C8 constructor as a model', 'constructor', ok, /reserved key/],
  ]
  it.each(cases)('%s', (_name, key, entry, reason) => {
    const { map, report } = buildCostMap({ ...base(), [key]: entry })
    expect(report.ok).toBe(true)
    expect(report.model_count).toBe(60)
    expect(report.dropped).toHaveLength(1)
    expect(report.dropped[0]?.key).toBe(key)
    expect(report.dropped[0]?.reason).toMatch(reason)
    expect(Object.hasOwn(map, key)).toBe(false)
  })
})

describe('accepted and normalised (C12, C16, B17)', () => {
  it('C12 numeric strings become numbers', () => {
    const { map, report } = buildCostMap({
      ...base(),
      m: { ...ok, input_cost_per_token: '0.000003', max_tokens: '4096' },
    })
    expect(report.dropped).toEqual([])
    expect(map.m?.input_cost_per_token).toBe(0.000003)
    expect(map.m?.max_tokens).toBe(4096)
  })

  it('numeric strings in dynamic price keys and tiers are coerced too', () => {
    const entry = {
      ...ok,
      output_cost_per_token_above_272k_tokens: '4.5e-5',
      tiered_pricing: [{ range: [0, 10], input_cost_per_token: '1e-7' }],
    }
    const { map } = buildCostMap({ ...base(), m: entry })
    expect(map.m?.output_cost_per_token_above_272k_tokens).toBe(4.5e-5)
    expect((map.m?.tiered_pricing as Array<Record<string, unknown>> | undefined)?.[0]?.input_cost_per_token).toBe(1e-7)
  })

  it('C16 unknown fields and unknown modes are kept', () => {
    const { map, report } = buildCostMap({ ...base(), m: { ...ok, mode: 'hologram', brand_new_field: { a: 1 } } })
    expect(report.dropped).toEqual([])
    expect(map.m).toMatchObject({ mode: 'hologram', brand_new_field: { a: 1 } })
  })

  it('null prices count as absent', () => {
    const { map } = buildCostMap({
      ...base(),
      m: { ...ok, input_cost_per_token: null, cache_read_input_token_cost_flex: null },
    })
    expect(map.m?.input_cost_per_token).toBeUndefined()
    expect(map.m && 'cache_read_input_token_cost_flex' in map.m).toBe(false)
  })

  it('B17 a UTF-8 BOM before the JSON is accepted', () => {
    expect(parseCostMapText(`\uFEFF${JSON.stringify(base())}`)).toMatchObject({ 'model-0': ok })
  })

  it('meta keys are not models', () => {
    const { map, report } = buildCostMap({
      ...base(),
      sample_spec: ok,
      last_updated: '2026-07-01',
      fallback_generalizations: { rules: [] },
    })
    expect(report.model_count).toBe(60)
    expect(map.sample_spec).toBeUndefined()
    expect(map.last_updated).toBeUndefined()
  })
})

describe('whole-map rejections (C1–C5, C17) each with a distinct reason', () => {
  it.each([
    ['C2 array', [1, 2], 'expected a JSON object of models at the top level, got array'],
    ['C2 string', '"x"', 'expected a JSON object of models at the top level, got string'],
    ['C2 number', 3, 'expected a JSON object of models at the top level, got number'],
    ['C2 null', null, 'expected a JSON object of models at the top level, got null'],
    ['C3 {}', {}, 'map is empty (no model entries)'],
    ['C3 only sample_spec', { sample_spec: ok }, 'map is empty (no model entries)'],
    ['C4 ten models', syntheticMap(10), 'map has only 10 models (minimum=50)'],
  ])('%s', (_name, candidate, reason) => {
    const report = validateModelCostMap(candidate)
    expect(report).toMatchObject({ ok: false, reason })
  })

  it('C1 truncated JSON text', () => {
    const report = validateModelCostMap('{"gpt-4": {"input_cost_per_token": 0.0')
    expect(report.ok).toBe(false)
    expect(report.reason).toMatch(/^invalid JSON \(truncated or malformed\)/)
  })

  it('HTML text', () => {
    expect(validateModelCostMap('  <html><body>Rate limited</body></html>').reason).toBe(
      'invalid JSON: the body is HTML, not the cost map',
    )
  })

  it('C5 shrink below the ratio of a reference', () => {
    const report = validateModelCostMap(syntheticMap(100), { referenceCounts: [{ name: 'backup', count: 300 }] })
    expect(report.reason).toBe('map shrank significantly (fetched=100, backup=300, threshold=50%)')
    expect(validateModelCostMap(syntheticMap(150), { referenceCounts: [{ name: 'backup', count: 300 }] }).ok).toBe(true)
  })

  it.each([
    [501, {}, 'map grew abnormally (fetched=501, backup=100, threshold=5x)'],
    [500, {}, null],
    [201, { maxGrowthRatio: 2 }, 'map grew abnormally (fetched=201, backup=100, threshold=2x)'],
    [5000, { growthReference: undefined }, null],
  ])('growth beyond the ratio of the growth reference: %i models, %o', (count, options, reason) => {
    const report = validateModelCostMap(syntheticMap(count), {
      referenceCounts: [],
      growthReference: { name: 'backup', count: 100 },
      ...options,
    })
    expect(report.reason).toBe(reason)
  })

  it('C17 too many invalid entries reject the whole map', () => {
    const bad = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`bad-${i}`, { input_cost_per_token: -1 }]))
    const report = validateModelCostMap({ ...base(100), ...bad }, SMALL)
    expect(report.reason).toBe('10 of 110 entries failed validation (more than 5%)')
    expect(validateModelCostMap({ ...base(100), ...bad }, { ...SMALL, maxInvalidRatio: 0.1 }).ok).toBe(true)
  })

  it('C6 an explosion of keys is refused', () => {
    const huge: Record<string, unknown> = {}
    for (let i = 0; i <= 200_000; i++) huge[`m${i}`] = ok
    expect(validateModelCostMap(huge).reason).toBe('map has more than 200000 entries')
  })
})

describe('validateModelCostMap applies the checks loading applies by default', () => {
  const backupCount = backupManifest().model_count

  it.each([
    ['a 60-model object', () => syntheticMap(60)],
    ['a 60-model text', () => JSON.stringify(syntheticMap(60))],
  ])('%s is not ok: it shrank against the bundled backup', (_name, candidate) => {
    const report = validateModelCostMap(candidate())
    expect(report.ok).toBe(false)
    expect(report.reason).toBe(`map shrank significantly (fetched=60, backup=${backupCount}, threshold=50%)`)
  })

  it('is the verdict getModelCostMap gives the same file', async () => {
    const text = JSON.stringify(syntheticMap(60))
    const file = join(mkdtempSync(join(tmpdir(), 'costmap-validate-')), 'map.json')
    writeFileSync(file, text)
    const loaded = await getModelCostMap(file)
    expect(loaded.source).toBe('local')
    expect(loaded.fallback_reason).toContain(validateModelCostMap(text).reason as string)
  })

  it.each([
    ['half the backup', Math.ceil(backupCount / 2), true],
    ['just under half', Math.ceil(backupCount / 2) - 1, false],
  ])('%s (%i models)', (_name, count, ok) => {
    expect(validateModelCostMap(syntheticMap(count)).ok).toBe(ok)
  })

  it('grew abnormally against the backup', () => {
    expect(validateModelCostMap(syntheticMap(backupCount * 5 + 1)).reason).toBe(
      `map grew abnormally (fetched=${backupCount * 5 + 1}, backup=${backupCount}, threshold=5x)`,
    )
  })

  it.each([
    ['referenceCounts: [] (no shrink check)', { referenceCounts: [] }, true],
    ['a reference of its own', { referenceCounts: [{ name: 'active', count: 100 }] }, true],
    ['a larger reference of its own', { referenceCounts: [{ name: 'active', count: 200 }] }, false],
    ['only minModelCount: the backup still applies', { minModelCount: 1 }, false],
  ])('unless told otherwise: %s', (_name, options, ok) => {
    expect(validateModelCostMap(syntheticMap(60), options).ok).toBe(ok)
  })
})

describe('duplicates, case collisions and suspicious prices are reported, not fatal (C7, C13, C20)', () => {
  it('C7 duplicate top-level keys and duplicate fields in the raw text', () => {
    const models = Object.entries(base()).map(([k, v]) => `${JSON.stringify(k)}: ${JSON.stringify(v)}`)
    const text = `{${models.join(',\n')},
      "gpt-x": {"litellm_provider": "openai", "input_cost_per_token": 1e-6, "input_cost_per_token": 9e-6},
      "gpt-x": {"litellm_provider": "openai", "input_cost_per_token": 2e-6, "note": "a \\"quoted\\" : colon"}}`
    const report = validateModelCostMap(text, SMALL)
    expect(report.ok).toBe(true)
    expect(report.duplicate_keys).toEqual(['gpt-x'])
    expect(report.duplicate_fields).toEqual(['gpt-x.input_cost_per_token'])
    // JSON.parse semantics: the last one wins, deterministically.
    expect(buildCostMap(JSON.parse(text)).map['gpt-x']?.input_cost_per_token).toBe(2e-6)
  })

  it('finds nothing in the real March 2026 map', () => {
    const report = validateModelCostMap(readText(MAIN_MAP))
    expect(report.duplicate_keys).toEqual([])
    expect(report.duplicate_fields).toEqual([])
  })

  it('C20 keys differing only by case are kept and reported', () => {
    const { map, report } = buildCostMap({ ...base(), 'GPT-4': ok, 'gpt-4': { ...ok, input_cost_per_token: 3e-5 } })
    expect(Object.keys(map)).toEqual(expect.arrayContaining(['GPT-4', 'gpt-4']))
    expect(report.case_collisions).toEqual([['GPT-4', 'gpt-4']])
  })

  it('the real map has the one known case collision (together_ai bge-base)', () => {
    const { report } = buildCostMap(readJson(MAIN_MAP))
    expect(report.case_collisions).toHaveLength(1)
    expect(report.case_collisions[0]?.[0]?.toLowerCase()).toBe('together_ai/baai/bge-base-en-v1.5')
  })

  it('C13 per-token prices above the ceiling are flagged', () => {
    const { map, report } = buildCostMap({ ...base(), m: { ...ok, input_cost_per_token: 2.5 } })
    expect(map.m?.input_cost_per_token).toBe(2.5)
    expect(report.suspicious_prices).toEqual([{ key: 'm', field: 'input_cost_per_token', value: 2.5 }])
    expect(
      buildCostMap({ ...base(), m: { ...ok, input_cost_per_token: 2.5 } }, { priceCeiling: 5 }).report
        .suspicious_prices,
    ).toEqual([])
  })
})

describe('C8 prototype pollution', () => {
  it('__proto__ and constructor keys pollute nothing and are never models', () => {
    const text = `{${Object.entries(base())
      .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`)
      .join(',')},
      "__proto__": {"polluted": true, "litellm_provider": "x"},
      "constructor": {"prototype": {"polluted": true}, "litellm_provider": "x"}}`
    const { map, report } = buildCostMap(parseCostMapText(text))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.getPrototypeOf(map)).toBeNull()
    expect(Object.hasOwn(map, '__proto__')).toBe(false)
    expect(map.constructor).toBeUndefined()
    expect(map.toString).toBeUndefined()
    expect(report.dropped.map((d) => d.key).sort()).toEqual(['__proto__', 'constructor'])
  })
})

describe('fallback_generalizations and aliases', () => {
  it('keeps valid rules (compiled, case-insensitive) and drops bad ones', async () => {
    const { mapMeta } = await import('../../src/map/map')
    const block = {
      rules: [
        { name: 'claude', pattern: '^claude-', model_info: { litellm_provider: 'anthropic' } },
        { name: 'broken', pattern: '(unclosed', model_info: {} },
        { pattern: 'no-name' },
        { name: 'child', pattern: 'claude-x', extends: 'claude', model_info: { mode: 'chat' } },
      ],
    }
    const { map, report } = buildCostMap({ ...base(), fallback_generalizations: block })
    const rules = mapMeta(map).rules
    expect(rules.map((r) => r.name)).toEqual(['claude', 'child'])
    expect(rules[0]?.regex.test('CLAUDE-opus-9')).toBe(true)
    expect(rules[1]?.model_info).toEqual({ litellm_provider: 'anthropic', mode: 'chat' })
    expect(report.dropped.map((d) => d.key)).toEqual([
      'fallback_generalizations.rules[1]',
      'fallback_generalizations.rules[2]',
    ])
  })

  it.each([
    ['at its top level', '{"name": "r", "pattern": "^gpt-", "__proto__": {"model_info": {"mode": "x"}}}', '__proto__'],
    ['inside a field', '{"name": "r", "pattern": "^gpt-", "note": {"constructor": 1}}', 'constructor'],
    ['inside model_info', '{"name": "r", "pattern": "^gpt-", "model_info": {"m": {"prototype": 1}}}', 'prototype'],
  ])('a rule with a prototype key %s is dropped and reported, as an entry is', (_where, rule, key) => {
    const { map, report } = buildCostMap({ ...base(), fallback_generalizations: JSON.parse(`{"rules": [${rule}]}`) })
    expect(report.dropped).toEqual([{ key: 'fallback_generalizations.rules[0]', reason: `forbidden key ${key}` }])
    expect(mapMeta(map).rules).toEqual([])
  })

  it('aliases map to their canonical key; colliding ones are skipped', async () => {
    const { mapMeta } = await import('../../src/map/map')
    const { map, report } = buildCostMap({ ...base(), m: { ...ok, aliases: ['m-latest', 'model-0'] } })
    expect([...mapMeta(map).aliases]).toEqual([['m-latest', 'm']])
    expect(report.dropped).toEqual([{ key: 'm.aliases', reason: 'alias model-0 collides' }])
  })

  it('the newest real map carries its rules', async () => {
    const { mapMeta } = await import('../../src/map/map')
    const files = historyFiles()
    const { map } = buildCostMap(readJson(files[files.length - 1]!))
    expect(mapMeta(map).rules.map((r) => r.name)).toContain('anthropic-claude-ids')
  })
})

describe('every real map in the history loads', () => {
  // Expected counts are taken from the files themselves: every object entry except the meta keys.
  // One entry is dropped, deliberately: see the comment in the table below.
  const knownDrops: Record<string, string[]> = {}
  it.each(historyFiles().map((f) => [f.split('/').pop() as string, f]))('%s', (_name, file) => {
    const raw = readJson(file)
    const expected = Object.entries(raw).filter(
      ([k, v]) =>
        typeof v === 'object' &&
        v !== null &&
        !Array.isArray(v) &&
        k !== 'sample_spec' &&
        k !== 'fallback_generalizations',
    ).length
    const { map, report } = buildCostMap(raw, { text: readText(file) })
    expect(report.ok).toBe(true)
    expect(report.dropped.map((d) => d.key)).toEqual(knownDrops[file] ?? [])
    expect(report.model_count).toBe(expected)
    expect(Object.keys(map)).toHaveLength(expected)
  })
})

describe('entries are frozen', () => {
  it('a loaded entry cannot be changed', () => {
    const { map } = buildCostMap(base())
    expect(Object.isFrozen(map)).toBe(true)
    expect(Object.isFrozen(map['model-0'])).toBe(true)
  })
})

describe('the fast path agrees with the zod schema', () => {
  const value = fc.oneof(
    fc.double({ noNaN: false }),
    fc.integer({ min: -5, max: 300_000 }),
    fc.constantFrom('1e-6', '128k', '', 'NaN', 'Infinity', '-1', ' 2 ', 'cheap', null, true, false),
    fc.constant(undefined),
    fc.array(fc.integer(), { maxLength: 2 }),
    fc.dictionary(fc.constantFrom('a', 'search_context_size_low'), fc.double(), { maxKeys: 2 }),
  )
  const key = fc.constantFrom(
    'litellm_provider',
    'mode',
    'max_tokens',
    'max_input_tokens',
    'input_cost_per_token',
    'output_cost_per_token',
    'cache_read_input_token_cost_above_272k_tokens_priority',
    'tiered_pricing',
    'search_context_cost_per_query',
    'provider_specific_entry',
    'aliases',
    'supports_vision',
    'costly',
    'metadata',
    '__proto__',
    'max_images_per_prompt',
  )
  const entry = fc.oneof(
    fc.dictionary(key, value, { maxKeys: 8 }).map((d) => ({ litellm_provider: 'openai', ...d })),
    fc.dictionary(key, value, { maxKeys: 8 }),
    value,
  )

  it('whatever the fast path accepts, zod accepts unchanged (10,000 cases)', () => {
    fc.assert(
      fc.property(entry, (candidate) => {
        const input = JSON.parse(JSON.stringify(candidate ?? null)) as unknown
        if (!isCleanEntry(input)) return
        const parsed = ModelEntrySchema.safeParse(structuredClone(input))
        expect(parsed.success).toBe(true)
        expect(parsed.data).toEqual(input)
      }),
      { numRuns: Number(process.env.COSTMAP_FUZZ_RUNS ?? 10_000) },
    )
  })

  it('the fast path accepts the real entries (so loading stays fast)', () => {
    const raw = readJson(MAIN_MAP)
    const slow = Object.entries(raw).filter(([k, v]) => k !== 'sample_spec' && !isCleanEntry(v)).length
    // Only entries with nested pricing (tiered_pricing, search_context_cost_per_query, …) go through zod.
    expect(slow).toBeLessThan(150)
  })
})

describe("the reload shortcut is the library's own", () => {
  it('validateModelCostMap ignores a previous map passed from JavaScript', () => {
    const text = JSON.stringify({ bad: { litellm_provider: 'openai', input_cost_per_token: -1 }, ...base() }, null, 2)
    const options = { previous: forgedPrevious(text) } as IntegrityOptions
    expect(validateModelCostMap(text, options)).toEqual(validateModelCostMap(text))
    expect(validateModelCostMap(text, options).dropped.map((d) => d.key)).toEqual(['bad'])
  })
})
