// `model_info.from` on /model/new and /model/update: the deployment's prices apply to past times from then
// on; a bad time is a 422 with a detail and stores nothing. A real node:http server on port 0.
import { createServer } from 'node:http'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import type { ModelCostMap } from '../../src/store/store'
import { AUTH, admin, listenOn, storeWithTwoMaps } from './fixtures'

const USAGE = { prompt_tokens: 1000, completion_tokens: 500 }
/** Between the two maps of the store (2025-02-06 and 2025-03-02): both times below are priced on the first. */
const FROM = '2025-02-20T00:00:00Z'
const BEFORE = '2025-02-10T00:00:00Z'
const AFTER = '2025-02-25T00:00:00Z'

let costs: ModelCostMap
let close: () => Promise<void>
let server: { url: string; close: () => Promise<void> }
beforeAll(async () => {
  ;({ costs, close } = await storeWithTwoMaps())
  server = await listenOn(createServer(toNodeListener(createCostMapHandler(costs, AUTH))))
}, 60_000)
afterAll(async () => {
  await server.close()
  await close()
})

const post = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { ...admin, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })

function deployment(id: string, from: unknown) {
  return {
    model_name: 'my-llama',
    litellm_params: { model: 'openai/my-llama', input_cost_per_token: 1e-6, output_cost_per_token: 0 },
    model_info: { id, from },
  }
}

describe('POST /model/new with model_info.from', () => {
  it.each([
    ['an ISO string', FROM],
    ['epoch ms', Date.parse(FROM)],
  ])('from as %s: not priced before it, priced after it and now', async (_, from) => {
    const id = `llama-${typeof from}`
    const res = await post('/model/new', deployment(id, from))
    expect(res.status).toBe(200)
    expect(costs.at(BEFORE).sha256).toBe(costs.at(AFTER).sha256)
    expect(() => costs.completionCost({ model: id, usage: USAGE, at: BEFORE })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_MAPPED' }),
    )
    expect(costs.completionCost({ model: id, usage: USAGE, at: AFTER }).totalCost).toBeCloseTo(1e-3, 15)
    expect(costs.completionCost({ model: id, usage: USAGE }).totalCost).toBeCloseTo(1e-3, 15)
    // The time is the deployment's, not a field of any model entry.
    expect(costs.getModelInfo(id)).not.toHaveProperty('from')
  })

  it.each([
    ['a word', 'yesterday'],
    ['an object', { at: FROM }],
    ['a boolean', true],
    ['out of Date’s range', 1e20],
  ])('a bad from (%s) is 422 with a detail naming the field, and nothing is stored', async (_, from) => {
    const id = `bad-${JSON.stringify(from)}`
    const res = await post('/model/new', deployment(id, from))
    expect(res.status).toBe(422)
    expect(JSON.stringify((await res.json()).detail)).toMatch(/model_info\.from/)
    expect(costs.findModelInfo(id)).toBeUndefined()
    const info = await fetch(`${server.url}/model/info?litellm_model_id=${encodeURIComponent(id)}`, {
      headers: admin,
    })
    expect(info.status).toBe(400) // LiteLLM's answer for an unknown id
  })
})

describe('POST /model/update with model_info.from', () => {
  it('moves the time; a bad one is 422 and keeps the old', async () => {
    expect((await post('/model/new', deployment('llama-update', undefined))).status).toBe(200)
    expect(costs.completionCost({ model: 'llama-update', usage: USAGE, at: BEFORE }).totalCost).toBeCloseTo(1e-3, 15)
    const moved = await post('/model/update', { model_info: { id: 'llama-update', from: FROM } })
    expect(moved.status).toBe(200)
    expect(() => costs.completionCost({ model: 'llama-update', usage: USAGE, at: BEFORE })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_MAPPED' }),
    )
    const bad = await post('/model/update', { model_info: { id: 'llama-update', from: 'soon' } })
    expect(bad.status).toBe(422)
    expect(costs.completionCost({ model: 'llama-update', usage: USAGE, at: AFTER }).totalCost).toBeCloseTo(1e-3, 15)
  })
})
