/**
 * diffCostMaps: what a reload reports. The fast comparison (values by position when two entries have the same
 * fields in the same order) must report exactly what the plain field-by-field definition below reports.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type CostMapDiff, checkGuard, DEFAULT_PRICE_CHANGE_GUARD, diffCostMaps, heldPrices } from '../../src/map/diff'
import { buildCostMap } from '../../src/map/integrity'
import type { CostMapData } from '../../src/map/map'
import { PRICE_KEY } from '../../src/map/schema'
import { historyFiles, readJson } from '../support/data'

/** The definition: every field of either entry, compared deeply with key order ignored. */
function reference(before: CostMapData, after: CostMapData): CostMapDiff {
  const diff: CostMapDiff = {
    new_models: [],
    removed_models: [],
    changed_models: [],
    pricing_changes: 0,
    price_changes: [],
  }
  const same = (a: unknown, b: unknown): boolean => {
    if (a === b) return true
    if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
    if (Array.isArray(a) !== Array.isArray(b)) return false
    const ka = Object.keys(a)
    if (ka.length !== Object.keys(b).length) return false
    return ka.every((k) => Object.hasOwn(b, k) && same((a as never)[k], (b as never)[k]))
  }
  for (const key in after) if (!Object.hasOwn(before, key)) diff.new_models.push(key)
  for (const key in before) {
    if (!Object.hasOwn(after, key)) {
      diff.removed_models.push(key)
      continue
    }
    const old = before[key] as Record<string, unknown>
    const now = after[key] as Record<string, unknown>
    let changed = false
    for (const field of new Set([...Object.keys(old), ...Object.keys(now)])) {
      const [a, b] = [old[field], now[field]]
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

const built = (raw: Record<string, unknown>): CostMapData => {
  const { map, report } = buildCostMap(raw, { minModelCount: 1 })
  expect(report.ok).toBe(true)
  return map
}

describe('diffCostMaps', () => {
  it('reports moved, added and removed prices, other changed fields, and ignores nested key order', () => {
    const before = built({
      a: { litellm_provider: 'openai', input_cost_per_token: 1e-6, mode: 'chat' },
      b: { litellm_provider: 'openai', output_cost_per_token: 2e-6, extra: { x: 1, y: [1, 2] } },
      c: { litellm_provider: 'openai' },
    })
    const after = built({
      a: { mode: 'chat', litellm_provider: 'openai', input_cost_per_token: 3e-6, cache_read_input_token_cost: 1e-7 },
      b: { litellm_provider: 'openai', extra: { y: [1, 2], x: 1 }, output_cost_per_token: 2e-6, mode: 'embedding' },
      d: { litellm_provider: 'openai' },
    })
    expect(diffCostMaps(before, after)).toEqual({
      new_models: ['d'],
      removed_models: ['c'],
      changed_models: ['a', 'b'],
      pricing_changes: 2,
      price_changes: [
        { model: 'a', field: 'input_cost_per_token', old: 1e-6, new: 3e-6 },
        { model: 'a', field: 'cache_read_input_token_cost', old: null, new: 1e-7 },
      ],
    })
    expect(diffCostMaps(before, before).changed_models).toEqual([])
  })

  it('matches the definition on random maps (same order, reordered, added and removed fields)', () => {
    const nested = fc.constantFrom(['a'], ['a', 'b'], ['b', 'a'], { x: 1, y: 2 }, { y: 2, x: 1 }, { x: [1, { z: 1 }] })
    const entry = fc
      .record(
        {
          input_cost_per_token: fc.constantFrom(1e-6, 2e-6, 0),
          output_cost_per_token: fc.constantFrom(1e-6, 3e-6),
          mode: fc.constantFrom('chat', 'embedding'),
          max_tokens: fc.constantFrom(4096, 8192),
          supports_vision: fc.boolean(),
          tags: nested,
          provider_specific_entry: fc.constantFrom({ fast: 2 }, { fast: 2, geo: 1.1 }, { geo: 1.1, fast: 2 }),
        },
        { requiredKeys: [] },
      )
      .map((e) => ({ litellm_provider: 'openai', ...e }))
    // Each model is in one map, the other, or both: edited, replaced, or with its fields in another order.
    const model = fc.record({
      first: entry,
      second: entry,
      where: fc.constantFrom('both-edited', 'both-replaced', 'both-shuffled', 'before', 'after'),
    })
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom('m1', 'm2', 'm3', 'm4', 'm5'), model), (models) => {
        const before: Record<string, unknown> = {}
        const after: Record<string, unknown> = {}
        for (const [key, { first, second, where }] of Object.entries(models)) {
          if (where !== 'after') before[key] = first
          if (where === 'before') continue
          after[key] =
            where === 'both-shuffled'
              ? Object.fromEntries(Object.entries(first).reverse())
              : where === 'both-edited'
                ? { ...first, ...second }
                : second
        }
        if (!Object.keys(before).length || !Object.keys(after).length) return
        const [b, a] = [built(structuredClone(before)), built(structuredClone(after))]
        expect(diffCostMaps(b, a)).toEqual(reference(b, a))
      }),
      { numRuns: 300 },
    )
  })

  it('matches the definition on consecutive upstream files', () => {
    const files = historyFiles()
    for (const i of [1, Math.floor(files.length / 2), files.length - 1]) {
      const before = built(readJson(files[i - 1] as string))
      const after = built(readJson(files[i] as string))
      const diff = diffCostMaps(before, after)
      expect(diff).toEqual(reference(before, after))
      expect(diff.new_models.length + diff.changed_models.length + diff.removed_models.length).toBeGreaterThan(0)
    }
  })
})

describe('the price-change guard compares effective prices', () => {
  const chat = { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5 }
  const tiered = {
    litellm_provider: 'dashscope',
    mode: 'chat',
    tiered_pricing: [
      { input_cost_per_token: 4e-7, output_cost_per_token: 1.2e-6, range: [0, 256000] },
      { input_cost_per_token: 1.2e-6, output_cost_per_token: 3.6e-6, range: [256000, 1000000] },
    ],
  }
  const search = {
    ...chat,
    search_context_cost_per_query: { search_context_size_low: 0.03, search_context_size_high: 0.05 },
  }
  const geo = { ...chat, provider_specific_entry: { us: 1.1, fast: 6 } }
  // A rule that fills the cache price of every openai gpt-* entry lacking one.
  const rules = (cache: number) => ({
    rules: [
      {
        name: 'gpt-cache',
        pattern: '^gpt-',
        fill_missing_for_providers: ['openai'],
        model_info: { cache_read_input_token_cost: cache },
      },
    ],
  })
  const build = (models: Record<string, unknown>, fallback?: unknown) =>
    buildCostMap({ ...models, ...(fallback ? { fallback_generalizations: fallback } : {}) }, { minModelCount: 0 }).map
  const before = build({ 'gpt-4o': chat, 'qwen-plus': tiered, 'gpt-search': search, 'claude-x': geo }, rules(1.25e-6))
  const change = (model: string, entry: unknown, fallback = rules(1.25e-6)) =>
    build({ 'gpt-4o': chat, 'qwen-plus': tiered, 'gpt-search': search, 'claude-x': geo, [model]: entry }, fallback)
  const held = (after: CostMapData, guard = {}) =>
    heldPrices(before, after, { maxFactor: 10, ...guard }).map(
      (h) => `${h.model}.${h.field} ${h.old}->${h.new} ${h.why}`,
    )

  it.each([
    [
      'a price to 0',
      change('gpt-4o', { ...chat, input_cost_per_token: 0 }),
      ['gpt-4o.input_cost_per_token 0.0000025->0 to 0'],
    ],
    [
      'a deleted price (the model is still there)',
      change('gpt-4o', { ...chat, output_cost_per_token: undefined }),
      ['gpt-4o.output_cost_per_token 0.00001->null vanished'],
    ],
    [
      'an entry left with no price at all',
      change('qwen-plus', { litellm_provider: 'dashscope', mode: 'chat' }),
      [
        'qwen-plus.tiered_pricing[0].input_cost_per_token 4e-7->null model now free',
        'qwen-plus.tiered_pricing[0].output_cost_per_token 0.0000012->null model now free',
        'qwen-plus.tiered_pricing[1].input_cost_per_token 0.0000012->null model now free',
        'qwen-plus.tiered_pricing[1].output_cost_per_token 0.0000036->null model now free',
      ],
    ],
    [
      'a price 100x',
      change('gpt-4o', { ...chat, output_cost_per_token: 1e-3 }),
      ['gpt-4o.output_cost_per_token 0.00001->0.001 more than 10x'],
    ],
    [
      'a tier price to 0',
      change('qwen-plus', {
        ...tiered,
        tiered_pricing: [tiered.tiered_pricing[0], { ...tiered.tiered_pricing[1], output_cost_per_token: 0 }],
      }),
      ['qwen-plus.tiered_pricing[1].output_cost_per_token 0.0000036->0 to 0'],
    ],
    [
      'a tier dropped',
      change('qwen-plus', { ...tiered, tiered_pricing: [tiered.tiered_pricing[0]] }),
      [
        'qwen-plus.tiered_pricing[1].input_cost_per_token 0.0000012->null vanished',
        'qwen-plus.tiered_pricing[1].output_cost_per_token 0.0000036->null vanished',
      ],
    ],
    [
      'a search context price /1000',
      change('gpt-search', {
        ...search,
        search_context_cost_per_query: { search_context_size_low: 0.00003, search_context_size_high: 0.05 },
      }),
      ['gpt-search.search_context_cost_per_query.search_context_size_low 0.03->0.00003 more than 10x'],
    ],
    [
      'a geo multiplier to 0',
      change('claude-x', { ...geo, provider_specific_entry: { us: 0, fast: 6 } }),
      ['claude-x.provider_specific_entry.us 1.1->0 to 0'],
    ],
    [
      'a rule-filled price to 0',
      change('gpt-4o', chat, rules(0)),
      [
        'gpt-4o.cache_read_input_token_cost 0.00000125->0 to 0',
        'gpt-search.cache_read_input_token_cost 0.00000125->0 to 0',
      ],
    ],
    [
      'the rule that filled a price removed',
      build({ 'gpt-4o': chat, 'qwen-plus': tiered, 'gpt-search': search, 'claude-x': geo }),
      [
        'gpt-4o.cache_read_input_token_cost 0.00000125->null vanished',
        'gpt-search.cache_read_input_token_cost 0.00000125->null vanished',
      ],
    ],
    [
      'a tier range moved (not a price)',
      change('qwen-plus', {
        ...tiered,
        tiered_pricing: [{ ...tiered.tiered_pricing[0], range: [0, 1] }, tiered.tiered_pricing[1]],
      }),
      [],
    ],
    [
      'a 3x move, a new price, a removed model',
      build(
        {
          'gpt-4o': { ...chat, input_cost_per_token: 7.5e-6, cache_creation_input_token_cost: 3e-6 },
          'qwen-plus': tiered,
          'gpt-search': search,
        },
        rules(1.25e-6),
      ),
      [],
    ],
  ])('holds %s', (_name, after, expected) => {
    expect(held(after)).toEqual(expected)
  })

  it('holds a move from 0 (a free model silently becoming paid)', () => {
    const free = build({ 'gpt-4o': { ...chat, input_cost_per_token: 0 } })
    const paid = build({ 'gpt-4o': chat })
    expect(heldPrices(free, paid, {}).map((h) => h.why)).toEqual(['from 0'])
    expect(heldPrices(free, paid, { holdFromZero: false })).toEqual([])
  })

  it.each([
    ['the field for every model', ['input_cost_per_token']],
    ['model.field for one model', ['gpt-4o.input_cost_per_token']],
  ])('ignoreFields lets a known change through: %s', (_name, ignoreFields) => {
    const after = change('gpt-4o', { ...chat, input_cost_per_token: 0 })
    expect(held(after, { ignoreFields })).toEqual([])
    expect(held(after, { ignoreFields: ['gpt-5.input_cost_per_token'] })).toHaveLength(1)
  })

  it.each([
    ['one price to 0', change('gpt-4o', { ...chat, input_cost_per_token: 0 }), null],
    ['a deleted price', change('gpt-4o', { ...chat, output_cost_per_token: undefined }), null],
    ['a price 1000x', change('gpt-4o', { ...chat, output_cost_per_token: 1e-2 }), null],
    [
      'every price of a model to 0 (the rule-filled one too)',
      change('gpt-4o', { ...chat, input_cost_per_token: 0, output_cost_per_token: 0, cache_read_input_token_cost: 0 }),
      'gpt-4o.input_cost_per_token moved 0.0000025 -> 0 (model now free); gpt-4o.output_cost_per_token moved 0.00001 -> 0 (model now free); gpt-4o.cache_read_input_token_cost moved 0.00000125 -> 0 (model now free)',
    ],
  ])('the default guard holds only a model becoming free: %s', (_name, after, reason) => {
    expect(checkGuard(DEFAULT_PRICE_CHANGE_GUARD, before, after, () => diffCostMaps(before, after))).toBe(reason)
  })

  it('names the first five held prices and counts the rest', () => {
    const many = Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`m${i}`, chat]))
    const zeroed = Object.fromEntries(
      Array.from({ length: 8 }, (_, i) => [`m${i}`, { ...chat, input_cost_per_token: 0 }]),
    )
    const reason = checkGuard({ maxFactor: 10 }, build(many), build(zeroed), () =>
      diffCostMaps(build(many), build(zeroed)),
    )
    expect(reason).toMatch(/^m0\.input_cost_per_token moved 0\.0000025 -> 0 \(to 0\); m1\./)
    expect(reason).toMatch(/; 3 more \(8 prices held in all\)$/)
  })

  it('the default holds none of the 22 real monthly transitions; the full form holds 15', () => {
    const files = historyFiles()
    let previous = buildCostMap(readJson(files[0]!), { minModelCount: 0 }).map
    const counts = { full: 0, default: 0 }
    for (const file of files.slice(1)) {
      const next = buildCostMap(readJson(file), { minModelCount: 0 }).map
      if (heldPrices(previous, next, { maxFactor: 10 }).length) counts.full++
      if (heldPrices(previous, next, DEFAULT_PRICE_CHANGE_GUARD).length) counts.default++
      previous = next
    }
    expect(counts).toEqual({ full: 15, default: 0 })
  })
})
