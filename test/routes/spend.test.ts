import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import type { ModelCostMap } from '../../src/store/store'
import { historyFiles, readText } from '../support/data'
import { AUTH, listenOn, storeWithTwoMaps, viewer } from './fixtures'

describe('POST /spend/calculate with at', () => {
  let close: () => Promise<void>
  let costs: ModelCostMap
  let server: { url: string; close: () => Promise<void> }
  const [first, second] = historyFiles() as [string, string]
  const usage = { prompt_tokens: 1000, completion_tokens: 500 }
  const post = (body: unknown) =>
    fetch(`${server.url}/spend/calculate`, {
      method: 'POST',
      headers: { ...viewer, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
  beforeAll(async () => {
    ;({ costs, close } = await storeWithTwoMaps())
    server = await listenOn(createServer(toNodeListener(createCostMapHandler(costs, AUTH))))
  }, 60_000)
  afterAll(async () => {
    await server.close()
    await close()
  })

  it.each([
    ['an ISO time', '2025-02-10T00:00:00Z', () => first],
    ['epoch milliseconds', Date.parse('2025-03-05T00:00:00Z'), () => second],
  ])('%s prices on the map active then', async (_name, at, file) => {
    const res = await post({ model: 'gpt-4o', usage, at })
    expect(res.status).toBe(200)
    const body = await res.json()
    const entry = (JSON.parse(readText(file())) as Record<string, Record<string, number>>)['gpt-4o'] ?? {}
    const byHand = 1000 * (entry.input_cost_per_token ?? Number.NaN) + 500 * (entry.output_cost_per_token ?? Number.NaN)
    expect(body.cost).toBeCloseTo(byHand, 12)
    expect(body.result).toEqual(JSON.parse(JSON.stringify(costs.at(at).completionCost({ model: 'gpt-4o', usage }))))
    expect(body.result.sha256).toBe(costs.at(at).sha256)
  })

  it.each([
    ['before the first recorded map', '2020-01-01T00:00:00Z', /no map was recorded/],
    ['a time that is not one', 'yesterday-ish', /time/i],
  ])('`at` %s is a 422 with the reason', async (_name, at, message) => {
    const res = await post({ model: 'gpt-4o', usage, at })
    expect(res.status).toBe(422)
    expect((await res.json()).detail).toMatch(message)
  })
})
