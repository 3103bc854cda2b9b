// Catalogue G (admin routes and security), the cases the route suite (test/routes/suite.ts) does not
// already cover, on the bare handler, Express and Hono alike.
import { createServer, type Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import express from 'express'
import { Hono } from 'hono'
import { describe, expect, it } from 'vitest'
import { costMapRoutes as expressRoutes } from '../../src/adapters/express'
import { costMapRoutes as honoRoutes } from '../../src/adapters/hono'
import { type CostMapHandlerOptions, createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import type { ModelCostMap } from '../../src/store/store'
import { AUTH, admin, KEY, listenOn, VIEWER, viewer } from '../routes/fixtures'
import { armed, GOOD_SHA, onCleanup } from './harness'

type Mount = (costs: ModelCostMap, options: CostMapHandlerOptions) => Server
const mounts: Array<[string, Mount]> = [
  ['node:http', (costs, options) => createServer(toNodeListener(createCostMapHandler(costs, options)))],
  ['Express', (costs, options) => createServer(express().use(expressRoutes(costs, options)))],
  [
    'Hono',
    (costs, options) =>
      createAdaptorServer({ fetch: new Hono().route('/', honoRoutes(costs, options)).fetch }) as Server,
  ],
]

const SECRET = 'sk-live-UPSTREAM-SECRET-9f8e7d'
const READS = [
  '/model/cost_map/source',
  '/schedule/model_cost_map_reload/status',
  '/model/info',
  '/v1/model/info',
  '/v1/models',
]

describe.each(mounts)('%s', (_name, mount) => {
  async function setup(options: CostMapHandlerOptions = { ...AUTH, rateLimit: false }) {
    const store = await armed()
    const server = await listenOn(mount(store.costs, options))
    onCleanup(() => server.close())
    const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init)
    return { ...store, call }
  }

  it('G7 an upstream page with a secret in it never reaches a response, and neither does the key', async () => {
    const { call, set, costs } = await setup()
    set({ status: 200, headers: { 'content-type': 'text/html' }, body: `<html>token=${SECRET}</html>` })
    const reload = await call('/reload/model_cost_map', { method: 'POST', headers: admin })
    expect(reload.status).toBe(502)
    set({ status: 500, body: `Internal error, key ${SECRET}` })
    expect((await call('/reload/model_cost_map', { method: 'POST', headers: admin })).status).toBe(502)
    const bodies = [await reload.text()]
    for (const path of READS) {
      const res = await call(path, { headers: viewer })
      expect(res.status, path).toBe(200)
      bodies.push(await res.text())
    }
    for (const body of bodies) {
      expect(body).not.toContain(SECRET)
      expect(body).not.toContain(KEY)
      expect(body).not.toContain(VIEWER)
    }
    expect(costs.source()).toMatchObject({ sha256: GOOD_SHA, last_error: expect.stringMatching(/^HTTP 500 from /) })
  })

  it('G1–G2 keys come from headers only; malformed or misplaced keys are a 401, never a 500', async () => {
    const { call, server } = await setup()
    const before = server.requests.length
    const query = ['api_key', 'key', 'token', 'litellm_api_key', 'authorization'].map((k) => `${k}=${KEY}`).join('&')
    const cases: Array<[string, Record<string, string>]> = [
      [`/reload/model_cost_map?${query}`, {}],
      ['/reload/model_cost_map', { authorization: 'Bearer' }],
      ['/reload/model_cost_map', { authorization: 'Bearer    ' }],
      ['/reload/model_cost_map', { authorization: `Basic ${Buffer.from(`admin:${KEY}`).toString('base64')}` }],
      ['/reload/model_cost_map', { authorization: `Token ${KEY}` }],
      ['/reload/model_cost_map', { 'x-litellm-api-key': 'x' }],
      ['/reload/model_cost_map', { 'x-litellm-api-key': `${KEY} ${'x'.repeat(4000)}` }],
      ['/reload/model_cost_map', { cookie: `token=${KEY}` }],
    ]
    for (const [path, headers] of cases) {
      const res = await call(path, { method: 'POST', headers })
      expect(res.status, JSON.stringify(headers)).toBe(401)
      expect(res.headers.get('www-authenticate')).toBe('Bearer')
      expect((await res.json()).detail).not.toContain(KEY)
    }
    expect(server.requests.length).toBe(before) // nothing reached the upstream
  })
})
