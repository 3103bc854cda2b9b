// Catalogue C through a live store: a file that fails parsing or the integrity checks never replaces
// the map being served (the checks themselves are unit-tested in test/map/integrity.test.ts).
import { describe, expect, it } from 'vitest'
import { completionCost } from '../../src/cost/cost'
import { findModelInfo } from '../../src/resolve/resolve'
import { syntheticMap } from '../support/fault-server'
import { armed, GOOD, GOOD_SHA } from './harness'

const entries = (n: number) => Object.entries(syntheticMap(n))
const text = (pairs: Array<[string, unknown]>) =>
  `{${pairs.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(',')}}`

describe('whole-map rejections keep the active map (C1–C6, C17)', () => {
  const bad = { litellm_provider: 'openai', input_cost_per_token: -1 }
  it.each<[string, () => string, RegExp]>([
    ['C1 truncated JSON', () => GOOD.slice(0, GOOD.length / 2), /^invalid JSON \(truncated or malformed\)/],
    ['C2 top level is an array', () => '[{"litellm_provider":"openai"}]', /top level, got array$/],
    ['C2 top level is a string', () => '"gpt-4o"', /got string$/],
    ['C2 top level is a number', () => '42', /got number$/],
    ['C2 top level is null', () => 'null', /got null$/],
    ['C3 {}', () => '{}', /^map is empty/],
    ['C3 only reserved keys', () => '{"sample_spec":{"litellm_provider":"x"},"last_updated":"x"}', /^map is empty/],
    ['C4 shrink to 10 models', () => JSON.stringify(syntheticMap(10)), /^map has only 10 models \(minimum=50\)$/],
    [
      'C5 below half of the bundled backup',
      () => JSON.stringify(syntheticMap(1000)),
      /^map shrank significantly \(fetched=1000, backup=2668, threshold=50%\)$/,
    ],
    [
      'C6 growth explosion: more than 200,000 keys',
      () => text(Array.from({ length: 200_001 }, (_, i) => [`m${i}`, { litellm_provider: 'x' }])),
      /^map has more than 200000 entries$/,
    ],
    [
      'C17 too many invalid entries',
      () => text([...entries(1500), ...Array.from({ length: 100 }, (_, i): [string, unknown] => [`bad-${i}`, bad])]),
      /^100 of 1600 entries failed validation \(more than 5%\)$/,
    ],
  ])('%s', async (_name, body, reason) => {
    const { reloadFault } = await armed()
    const result = await reloadFault({ body: body() })
    expect(result.error).toMatch(reason)
    // The rejected bytes are remembered by sha256: the same file is refused at once next time.
    const again = await reloadFault({ body: body() })
    expect(again.error).toBe(`${result.error} (this file was rejected before)`)
  })

  it('C5 below half of the active map (when the backup is smaller)', async () => {
    const { reloadFault } = await armed({ backup: JSON.stringify(syntheticMap(60)) })
    const result = await reloadFault({ body: JSON.stringify(syntheticMap(700)) })
    expect(result.error).toBe('map shrank significantly (fetched=700, active=1500, threshold=50%)')
  })

  it('C18 a missing canary model holds the file back (priceChangeGuard as the canary check)', async () => {
    const canary = (d: { removed_models: string[] }) =>
      d.removed_models.includes('model-0') ? 'canary model model-0 is missing' : null
    const { reloadFault } = await armed({ priceChangeGuard: canary })
    const withoutCanary = Object.fromEntries(entries(1600).filter(([k]) => k !== 'model-0'))
    const result = await reloadFault({ body: JSON.stringify(withoutCanary) })
    expect(result.error).toBe('held back by priceChangeGuard: canary model model-0 is missing')
  })
})

describe('bad entries are dropped, the rest of the file is used (C6, C8, C19)', () => {
  it('C6 a 1 MB key is dropped, the map still loads', async () => {
    const { costs, set } = await armed()
    set({ body: text([...entries(1600), ['k'.repeat(1024 * 1024), { litellm_provider: 'openai' }]]) })
    expect((await costs.reload()).status).toBe('success')
    expect(costs.source().model_count).toBe(1600)
    expect(Object.keys(costs.snapshot.map).every((k) => k.length <= 512)).toBe(true)
  })

  it('C8 __proto__ and constructor entries pollute nothing; prototype names are never models', async () => {
    const { costs, set } = await armed()
    const poison = `{"__proto__":{"polluted":true,"litellm_provider":"x"},"constructor":{"prototype":{"polluted":true},"litellm_provider":"x"},"model-x":{"litellm_provider":"openai","input_cost_per_token":1e-6,"nested":{"__proto__":{"polluted":true}}},`
    set({ body: poison + text(entries(1600)).slice(1) })
    expect((await costs.reload()).status).toBe('success')
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(Object.prototype).not.toHaveProperty('polluted')
    const snap = costs.snapshot
    for (const name of ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', 'model-x']) {
      expect(findModelInfo(snap, name), name).toBeUndefined()
      expect(() => completionCost(snap, { model: name, usage: { prompt_tokens: 1 } }), name).toThrow(
        expect.objectContaining({ code: 'MODEL_NOT_MAPPED' }),
      )
    }
    expect(findModelInfo(snap, 'model-1')?.input_cost_per_token).toBe(1e-6)
  })

  it('C20 keys differing only by case: both kept, exact match first, otherwise the later key', async () => {
    const { costs, set } = await armed()
    const gpt = (price: number) => ({ litellm_provider: 'openai', mode: 'chat', input_cost_per_token: price })
    set({ body: text([...entries(1600), ['GPT-X', gpt(1e-6)], ['gpt-x', gpt(2e-6)]]) })
    expect((await costs.reload()).status).toBe('success')
    expect(costs.getModelInfo('GPT-X')).toMatchObject({ key: 'GPT-X', input_cost_per_token: 1e-6 })
    expect(costs.getModelInfo('gpt-x')).toMatchObject({ key: 'gpt-x', input_cost_per_token: 2e-6 })
    expect(costs.getModelInfo('Gpt-X')).toMatchObject({ key: 'gpt-x', matched_by: 'case_insensitive' })
  })

  it('the active map is still the good one after all of the above in one store', async () => {
    const { costs, reloadFault } = await armed()
    for (const body of ['{', '[]', '{}', JSON.stringify(syntheticMap(10)), '<html></html>', ''])
      await reloadFault({ body })
    expect(costs.snapshot.sha256).toBe(GOOD_SHA)
    expect(costs.getModelInfo('model-1').input_cost_per_token).toBe(1e-6)
  })
})
