/**
 * diffCostMaps: what a reload reports. The fast comparison (values by position when two entries have the same
 * fields in the same order) must report exactly what the plain field-by-field definition below reports.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { type CostMapDiff, diffCostMaps } from '../src/diff'
import { buildCostMap } from '../src/integrity'
import type { CostMapData } from '../src/map'
import { PRICE_KEY } from '../src/schema'
import { historyFiles, readJson } from './support/data'

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
