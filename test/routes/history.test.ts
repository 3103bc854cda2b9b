import { createServer, type Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import express from 'express'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { costMapRoutes as expressRoutes } from '../../src/adapters/express'
import { costMapRoutes as honoRoutes } from '../../src/adapters/hono'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { ModelCostMap } from '../../src/store/store'
import { historyFiles, readJson, readText } from '../support/data'
import { AUTH, admin, listenOn, sha, storeWithTwoMaps, viewer } from './fixtures'

const hosts: Array<[string, (costs: ModelCostMap) => Server]> = [
  ['node:http', (costs) => createServer(toNodeListener(createCostMapHandler(costs, AUTH)))],
  [
    'Express',
    (costs) => {
      const app = express()
      app.use(expressRoutes(costs, AUTH))
      return createServer(app)
    },
  ],
  [
    'Hono',
    (costs) => {
      const app = new Hono()
      app.route('/', honoRoutes(costs, AUTH))
      return createAdaptorServer({ fetch: app.fetch }) as Server
    },
  ],
]

describe.each(hosts)('GET /model/cost_map/history on %s', (_, makeServer) => {
  let close: () => Promise<void>
  let costs: ModelCostMap
  let server: { url: string; close: () => Promise<void> }
  const [first, second] = historyFiles() as [string, string]
  beforeAll(async () => {
    ;({ costs, close } = await storeWithTwoMaps())
    server = await listenOn(makeServer(costs))
  }, 60_000)
  afterAll(async () => {
    await server.close()
    await close()
  })

  it.each([
    ['admin', admin],
    ['viewer', viewer],
  ])('%s: 200 {data}, oldest first, the current map last', async (_, headers) => {
    const res = await fetch(`${server.url}/model/cost_map/history`, { headers })
    expect(res.status).toBe(200)
    const { data } = await res.json()
    expect(data).toEqual(costs.history())
    expect(data.map((e: { sha256: string }) => e.sha256)).toEqual([
      sha(readText(first)),
      sha(readText(second)),
      costs.snapshot.sha256,
    ])
    expect(data[0]).toEqual({
      sha256: sha(readText(first)),
      active_from: '2025-02-06T10:56:03.000Z',
      active_until: '2025-03-02T17:06:48.000Z',
      source: 'import',
      url: null,
      // SOURCE.txt counts 776 keys: sample_spec is one of them, not a model.
      model_count: Object.keys(readJson(first)).filter((k) => k !== 'sample_spec').length,
    })
    expect(data[2].active_until).toBeNull()
  })

  it('401 without a key, 405 for POST', async () => {
    expect((await fetch(`${server.url}/model/cost_map/history`)).status).toBe(401)
    const post = await fetch(`${server.url}/model/cost_map/history`, { method: 'POST', headers: admin })
    expect(post.status).toBe(405)
  })

  it('a store without history answers an empty list', async () => {
    const plain = new ModelCostMap({ autoLoad: false })
    const other = await listenOn(makeServer(plain))
    try {
      const res = await fetch(`${other.url}/model/cost_map/history`, { headers: viewer })
      expect(await res.json()).toEqual({ data: [] })
    } finally {
      await other.close()
      plain.dispose()
    }
  })
})
