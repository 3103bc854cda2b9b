// Registrations with a `from` date: a time before it prices on that time's map alone; from it on, and on
// the current map, the registration applies. Prices checked against the versions' raw JSON.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { ModelCostMap } from '../../src/store/store'
import { historyFiles, readJson, readText } from '../support/data'

const USAGE = { prompt_tokens: 1000, completion_tokens: 500 }
const files = historyFiles().slice(3, 6)
const fileTime = (file: string) =>
  Date.parse(`${basename(file, '.json').replace(/T(\d\d)-(\d\d)-(\d\d)$/, 'T$1:$2:$3')}Z`)
function rawPrice(file: string, model: string): number {
  const entry = readJson(file)[model] as { input_cost_per_token: number; output_cost_per_token: number }
  return entry.input_cost_per_token * USAGE.prompt_tokens + entry.output_cost_per_token * USAGE.completion_tokens
}
const [f0, f1, f2] = files as [string, string, string]
/** Registrations start between the second and the third version. */
const FROM = fileTime(f1) + 86_400_000
const BEFORE = FROM - 3_600_000
const AFTER = FROM + 3_600_000
const LLAMA = { 'my-llama': { litellm_provider: 'openai', input_cost_per_token: 1e-6, output_cost_per_token: 0 } }
/** A negotiated o3 price: 1e-6 in, 2e-6 out -> 2e-3 for USAGE. */
const O3 = { o3: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } }

let dir: string
let costs: ModelCostMap
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'costmap-from-'))
  costs = new ModelCostMap({ autoLoad: false, history: { dir } })
  const results = await costs.importHistory(files.map((f) => ({ at: fileTime(f), text: readText(f) })))
  expect(results.map((r) => r.status)).toEqual(['imported', 'imported', 'imported'])
}, 60_000)
afterEach(() => costs.unregisterModel(['my-llama', 'o3']))
afterAll(async () => {
  costs.dispose()
  await rm(dir, { recursive: true, force: true })
})

describe('registerModel(entries, { from })', () => {
  it.each([
    ['a Date', new Date(FROM)],
    ['an ISO string', new Date(FROM).toISOString()],
    ['epoch ms', FROM],
    ['a history file name', new Date(FROM).toISOString().slice(0, 19).replace(/:/g, '-')],
  ])('from as %s: a new model is not mapped before, priced from then on and on the current map', (_, from) => {
    costs.registerModel(LLAMA, { from })
    expect(() => costs.completionCost({ model: 'my-llama', usage: USAGE, at: BEFORE })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_MAPPED' }),
    )
    expect(costs.at(BEFORE).findModelInfo('my-llama')).toBeUndefined()
    expect(costs.completionCost({ model: 'my-llama', usage: USAGE, at: FROM }).totalCost).toBeCloseTo(1e-3, 15)
    expect(costs.completionCost({ model: 'my-llama', usage: USAGE, at: AFTER }).totalCost).toBeCloseTo(1e-3, 15)
    expect(costs.completionCost({ model: 'my-llama', usage: USAGE }).totalCost).toBeCloseTo(1e-3, 15)
  })

  it('a custom price of a model the map has: the map’s own price before, the custom one after', () => {
    costs.registerModel(O3, { from: FROM })
    // Both times fall in the second version's span: only `from` tells them apart.
    expect(costs.at(BEFORE).sha256).toBe(costs.at(AFTER).sha256)
    expect(costs.completionCost({ model: 'o3', usage: USAGE, at: BEFORE }).totalCost).toBeCloseTo(
      rawPrice(f1, 'o3'),
      15,
    )
    expect(costs.completionCost({ model: 'o3', usage: USAGE, at: fileTime(f0) }).totalCost).toBeCloseTo(
      rawPrice(f0, 'o3'),
      15,
    )
    expect(rawPrice(f1, 'o3')).not.toBeCloseTo(2e-3, 6)
    expect(costs.completionCost({ model: 'o3', usage: USAGE, at: AFTER }).totalCost).toBeCloseTo(2e-3, 15)
    expect(costs.completionCost({ model: 'o3', usage: USAGE, at: fileTime(f2) + 1 }).totalCost).toBeCloseTo(2e-3, 15)
    expect(costs.completionCost({ model: 'o3', usage: USAGE }).totalCost).toBeCloseTo(2e-3, 15)
  })

  it('registering again keeps the `from`; `from: null` applies it at every time again', () => {
    costs.registerModel(LLAMA, { from: FROM })
    costs.registerModel({ 'my-llama': { output_cost_per_token: 1e-6 } })
    expect(() => costs.completionCost({ model: 'my-llama', usage: USAGE, at: BEFORE })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_MAPPED' }),
    )
    expect(costs.completionCost({ model: 'my-llama', usage: USAGE, at: AFTER }).totalCost).toBeCloseTo(1.5e-3, 15)
    costs.registerModel({ 'my-llama': {} }, { from: null })
    expect(costs.completionCost({ model: 'my-llama', usage: USAGE, at: BEFORE }).totalCost).toBeCloseTo(1.5e-3, 15)
  })

  it('unregistering forgets the `from`', () => {
    costs.registerModel(LLAMA, { from: FROM })
    costs.unregisterModel(['my-llama'])
    costs.registerModel(LLAMA)
    expect(costs.completionCost({ model: 'my-llama', usage: USAGE, at: BEFORE }).totalCost).toBeCloseTo(1e-3, 15)
  })

  it.each([
    ['a word', 'yesterday'],
    ['NaN', Number.NaN],
    ['an invalid Date', new Date('x')],
    ['out of Date’s range', 1e20],
    ['an object', {} as string],
    ['an impossible date', '2025-13-45T00:00:00Z'],
  ])('a bad from (%s) is INVALID_ARGUMENT and registers nothing', (_, from) => {
    const version = costs.snapshot.version
    expect(() => costs.registerModel(LLAMA, { from })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    expect(costs.snapshot.version).toBe(version)
    expect(costs.findModelInfo('my-llama')).toBeUndefined()
  })
})
