/**
 * The route suite every adapter runs against a real server on port 0, with `fetch` as the client.
 * `mount` starts a server for a store and handler options (and throws what the factory throws).
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import { ModelCostMap } from '../../src/store/store'
import type { ModelCostMapOptions } from '../../src/store/types'
import { MAIN_MAP, readText } from '../support/data'
import { type Reply, startServer, type TestServer } from '../support/server'
import { AUTH, admin, KEY, viewer } from './fixtures'
import { costMapRouteTests } from './suite.costmap'
import { managementRouteTests } from './suite.management'
import { modelRouteTests } from './suite.models'
import { operationsRouteTests } from './suite.operations'
import { spendRouteTests } from './suite.spend'
import { uiRouteTests } from './suite.ui'

export interface Mounted {
  url: string
  close(): Promise<void>
}
export type Mount = (costs: ModelCostMap, options: CostMapHandlerOptions) => Promise<Mounted>

const FAST: ModelCostMapOptions = {
  autoLoad: false,
  retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
  timeoutMs: 3000,
}

export interface Ctx {
  url: string
  costs: ModelCostMap
  upstream: TestServer
  /** Sets the upstream's next answers. */
  reply(r: Reply): void
  call(path: string, init?: RequestInit & { headers?: Record<string, string> }): Promise<Response>
}

/** Runs the whole suite against servers made by `mount`. */
export function routeSuite(mount: Mount): void {
  const cleanup: Array<() => unknown> = []
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f()
  })
  let mapText = ''
  beforeAll(() => {
    mapText = readText(MAIN_MAP)
  })

  async function setup(options: CostMapHandlerOptions = AUTH): Promise<Ctx> {
    let next: Reply = { body: mapText }
    const upstream = await startServer(() => next)
    cleanup.push(() => upstream.close())
    const costs = new ModelCostMap({ url: `${upstream.url}/map.json`, ...FAST })
    cleanup.push(() => costs.dispose())
    const server = await mount(costs, options)
    cleanup.push(() => server.close())
    return {
      url: server.url,
      costs,
      upstream,
      reply: (r) => {
        next = r
      },
      call: (path, init = {}) => fetch(`${server.url}${path}`, init),
    }
  }

  describe('authentication', () => {
    it('401 with WWW-Authenticate without a key, with a wrong key and with a wrong-length key', async () => {
      const { call } = await setup()
      const cases: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer sk-master-key-1235' },
        { authorization: 'Bearer x' },
      ]
      for (const headers of cases) {
        const res = await call('/schedule/model_cost_map_reload/status', { headers })
        expect(res.status).toBe(401)
        expect(res.headers.get('www-authenticate')).toBe('Bearer')
        expect(typeof (await res.json()).detail).toBe('string')
      }
      const long = await call('/model/cost_map/source', { headers: { authorization: `Bearer ${'k'.repeat(5000)}` } })
      expect(long.status).toBe(401)
    })

    it('accepts the master key as Bearer or x-litellm-api-key', async () => {
      const { call } = await setup()
      expect((await call('/model/cost_map/source', { headers: admin })).status).toBe(200)
      expect((await call('/model/cost_map/source', { headers: { 'x-litellm-api-key': KEY } })).status).toBe(200)
      const bearer = { 'x-litellm-api-key': `Bearer ${KEY}` }
      expect((await call('/model/cost_map/source', { headers: bearer })).status).toBe(200)
      expect((await call('/model/cost_map/source', { headers: { authorization: KEY } })).status).toBe(401)
    })

    it('a viewer reads status, source and model info but gets 403 on every admin route', async () => {
      const { call, upstream } = await setup()
      for (const path of [
        '/schedule/model_cost_map_reload/status',
        '/model/cost_map/source',
        '/model/info',
        '/v1/models',
      ]) {
        expect((await call(path, { headers: viewer })).status, path).toBe(200)
      }
      const adminCalls: Array<[string, string]> = [
        ['POST', '/reload/model_cost_map'],
        ['POST', '/schedule/model_cost_map_reload?hours=6'],
        ['DELETE', '/schedule/model_cost_map_reload'],
        ['POST', '/model/new'],
        ['POST', '/model/update'],
        ['POST', '/model/delete'],
      ]
      for (const [method, path] of adminCalls) {
        const res = await call(path, { method, headers: viewer })
        expect(res.status, path).toBe(403)
        expect(await res.json()).toEqual({ detail: 'Access denied. Admin role required. Current role: viewer' })
      }
      expect(upstream.requests).toHaveLength(0)
    })

    it('the authorize hook can grant admin without the master key', async () => {
      const { call, costs } = await setup()
      const res = await call('/schedule/model_cost_map_reload?hours=2', {
        method: 'POST',
        headers: { 'x-team': 'ops' },
      })
      expect(res.status).toBe(200)
      expect(costs.scheduleStatus().interval_hours).toBe(2)
    })

    it('works with only an authorize hook, or only the env master key', async () => {
      const hookOnly = await setup({ authorize: () => 'viewer', env: {} })
      expect((await hookOnly.call('/model/cost_map/source')).status).toBe(200)
      expect((await hookOnly.call('/reload/model_cost_map', { method: 'POST' })).status).toBe(403)
      const envOnly = await setup({ env: { LITELLM_MASTER_KEY: 'sk-env' } })
      const ok = await envOnly.call('/model/cost_map/source', { headers: { authorization: 'Bearer sk-env' } })
      expect(ok.status).toBe(200)
    })

    it('refuses to build the routes with neither a master key nor authorize', async () => {
      const costs = new ModelCostMap({ autoLoad: false })
      cleanup.push(() => costs.dispose())
      await expect(mount(costs, { env: {} })).rejects.toMatchObject({
        code: 'INVALID_ARGUMENT',
        message: expect.stringContaining('without authentication'),
      })
      await expect(mount(costs, { masterKey: '', env: { LITELLM_MASTER_KEY: '' } })).rejects.toThrow(/masterKey/)
    })
  })

  describe('source and HTTP semantics', () => {
    it('GET /model/cost_map/source has LiteLLM fields', async () => {
      const { call } = await setup()
      const body = await (await call('/model/cost_map/source', { headers: admin })).json()
      expect(body).toMatchObject({
        source: 'local',
        url: null,
        is_env_forced: false,
        fallback_reason: null,
        model_count: expect.any(Number),
        loaded_at: expect.any(String),
        sha256: expect.stringMatching(/^[0-9a-f]{64}$/),
        etag: null,
      })
    })

    it('405 with Allow for a wrong method, no CORS headers on a preflight, 404 elsewhere', async () => {
      const { call, upstream } = await setup()
      const get = await call('/reload/model_cost_map', { headers: admin })
      expect(get.status).toBe(405)
      expect(get.headers.get('allow')).toBe('POST')
      const preflight = await call('/reload/model_cost_map', {
        method: 'OPTIONS',
        headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST' },
      })
      expect([404, 405]).toContain(preflight.status)
      expect([...preflight.headers.keys()].filter((h) => h.startsWith('access-control-'))).toEqual([])
      expect((await call('/model/info', { method: 'DELETE', headers: admin })).status).toBe(405)
      expect((await call('/not-ours', { headers: admin })).status).toBe(404)
      expect((await call('/reload/model_cost_map/extra', { method: 'POST', headers: admin })).status).toBe(404)
      expect(upstream.requests).toHaveLength(0)
    })

    it('413 for an oversized body on an admin route', async () => {
      const { call, upstream } = await setup()
      const big = JSON.stringify({ pad: 'x'.repeat(1_000_000) })
      for (const path of ['/reload/model_cost_map', '/model/new']) {
        const res = await call(path, {
          method: 'POST',
          headers: { ...admin, 'content-type': 'application/json' },
          body: big,
        })
        expect(res.status, path).toBe(413)
        expect((await res.json()).detail).toMatch(/too large/)
      }
      expect(upstream.requests).toHaveLength(0)
    })

    it('no request parameter makes the server fetch a URL', async () => {
      const trap = await startServer({ body: '{}' })
      cleanup.push(() => trap.close())
      const { call, upstream } = await setup({ ...AUTH, rateLimit: false })
      const target = `${trap.url}/latest.json`
      const query = `url=${encodeURIComponent(target)}&model_cost_map_url=${encodeURIComponent(target)}`
      const body = JSON.stringify({
        url: target,
        model_cost_map_url: target,
        id: target,
        model_name: 'trap',
        litellm_params: { model: 'gpt-4o', api_base: target, url: target },
        model_info: { id: target, base_model: target, url: target },
      })
      const routes: Array<[string, string]> = [
        ['POST', '/reload/model_cost_map'],
        ['POST', '/schedule/model_cost_map_reload'],
        ['DELETE', '/schedule/model_cost_map_reload'],
        ['GET', '/schedule/model_cost_map_reload/status'],
        ['GET', '/model/cost_map/source'],
        ['GET', '/model/info'],
        ['GET', '/v1/model/info'],
        ['GET', '/v1/models'],
        ['POST', '/model/new'],
        ['POST', '/model/update'],
        ['POST', '/model/delete'],
        ['POST', '/spend/calculate'],
      ]
      for (const [method, path] of routes) {
        const init = method === 'GET' ? {} : { body, headers: { ...admin, 'content-type': 'application/json' } }
        const res = await call(`${path}?${query}&hours=1&litellm_model_id=${encodeURIComponent(target)}`, {
          method,
          headers: admin,
          ...init,
        })
        expect(res.status, path).toBeLessThan(500)
      }
      expect(trap.requests).toHaveLength(0)
      // The one fetch made is the configured upstream's, for the reload.
      expect(upstream.requests.map((r) => r.url)).toEqual(['/map.json'])
    })
  })

  costMapRouteTests(setup, () => mapText)
  modelRouteTests(setup)
  managementRouteTests(setup)
  operationsRouteTests(setup, () => mapText)
  spendRouteTests(setup)
  uiRouteTests(setup, () => mapText)
}
