// repriceRecords, the library side of `costmap reprice`: records from any (async) iterable, each priced on
// the map active at its time, failures reported with their line and the run going on.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelCostMap, repriceRecords } from '../../src'
import { historyFiles, readJson, readText } from '../support/data'

const USAGE = { prompt_tokens: 2000, completion_tokens: 100 }
const [v1, v2] = historyFiles().slice(0, 2) as [string, string]
const price = (file: string, model: string) => {
  const e = readJson(file)[model] as { input_cost_per_token: number; output_cost_per_token: number }
  return e.input_cost_per_token * USAGE.prompt_tokens + e.output_cost_per_token * USAGE.completion_tokens
}

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = []
  for await (const item of items) out.push(item)
  return out
}

describe('repriceRecords', () => {
  let dir: string
  let costs: ModelCostMap
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'costmap-reprice-'))
    costs = new ModelCostMap({ autoLoad: false, history: { dir, record: false } })
    await costs.importHistory([
      { at: '2025-02-06T10:56:03Z', text: readText(v1) },
      { at: '2025-03-02T17:06:48Z', text: readText(v2) },
    ])
  }, 60_000)
  afterAll(async () => {
    costs.dispose()
    await costs.flushHistory()
    await rm(dir, { recursive: true, force: true })
  })

  it('prices objects from an async iterable at their own times, keeping every other field', async () => {
    async function* records() {
      yield { timestamp: '2025-02-20T00:00:00Z', model: 'deepseek/deepseek-chat', usage: USAGE, id: 1 }
      yield { timestamp: Date.parse('2025-03-20T00:00:00Z'), model: 'deepseek/deepseek-chat', usage: USAGE, id: 2 }
    }
    const out = []
    for await (const r of repriceRecords(records(), { costs })) out.push(r)
    expect(out.map((r) => r.id)).toEqual([1, 2])
    expect(out[0]?.cost?.totalCost).toBeCloseTo(price(v1, 'deepseek/deepseek-chat'), 15)
    expect(out[1]?.cost?.totalCost).toBeCloseTo(price(v2, 'deepseek/deepseek-chat'), 15)
    expect(out[0]?.cost?.totalCost).not.toBe(out[1]?.cost?.totalCost)
    expect(out[1]?.cost).toEqual({
      totalCost: expect.any(Number),
      promptCost: expect.any(Number),
      completionCost: expect.any(Number),
      key: 'deepseek/deepseek-chat',
      sha256: costs.history()[1]?.sha256,
    })
  })

  it.each([
    ['not JSON', '{"model":', 'INVALID_JSON'],
    ['an array', '[1, 2]', 'INVALID_ARGUMENT'],
    ['a number', '42', 'INVALID_ARGUMENT'],
    ['no time', '{"model":"gpt-4o","usage":{"prompt_tokens":1}}', 'INVALID_ARGUMENT'],
    ['a bad time', '{"timestamp":"soon","model":"gpt-4o"}', 'INVALID_ARGUMENT'],
    ['before the history', '{"timestamp":"2024-01-01","model":"gpt-4o"}', 'NO_MAP_AT'],
    [
      'an unknown model',
      '{"timestamp":"2025-03-20","model":"no-such-model","usage":{"prompt_tokens":1}}',
      'MODEL_NOT_MAPPED',
    ],
  ])('%s: an error with its line, and the next line is still priced', async (_, bad, code) => {
    const good = JSON.stringify({ timestamp: '2025-03-20T00:00:00Z', model: 'gpt-4o', usage: USAGE })
    const lines = createInterface({ input: Readable.from([`${good}\n\n${bad}\n${good}\n`]) })
    const out = []
    for await (const r of repriceRecords(lines, { costs })) out.push(r)
    expect(out).toHaveLength(3)
    expect(out[1]?.error).toMatchObject({ code, line: 3, message: expect.any(String) })
    expect(out[2]?.cost?.totalCost).toBeCloseTo(price(v2, 'gpt-4o'), 15)
  })

  it('a record with __proto__ pollutes nothing and is priced as data', async () => {
    const line = `{"timestamp":"2025-03-20","model":"gpt-4o","usage":{"prompt_tokens":10},"__proto__":{"polluted":1}}`
    const [out] = await collect(repriceRecords([line], { costs }))
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(out?.cost?.key).toBe('gpt-4o')
  })

  it('a fixed time prices every record on one map', async () => {
    const records = [{ timestamp: '2025-02-20', model: 'deepseek/deepseek-chat', usage: USAGE }]
    const [out] = await collect(repriceRecords(records, { costs, at: '2025-04-01T00:00:00Z' }))
    expect(out?.cost?.totalCost).toBeCloseTo(price(v2, 'deepseek/deepseek-chat'), 15)
  })
})
