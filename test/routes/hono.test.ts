// The route suite against costMapRoutes from costmap/hono, served by @hono/node-server.
import type { Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import { Hono } from 'hono'
import { afterEach, describe, expect, it } from 'vitest'
import { costMapRoutes } from '../../src/adapters/hono'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import { ModelCostMap } from '../../src/store/store'
import { AUTH, admin, listenOn } from './fixtures'
import { routeSuite } from './suite'

// createAdaptorServer gives a plain node:http server (not yet listening) around the Hono app.
const listen = (app: Hono) => listenOn(createAdaptorServer({ fetch: app.fetch }) as Server)

describe('Hono adapter', () => {
  routeSuite(async (costs, options) => {
    const app = new Hono()
    app.route('/', costMapRoutes(costs, options))
    return listen(app)
  })
})

describe('Hono adapter in a host app', () => {
  const cleanup: Array<() => unknown> = []
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f()
  })

  it('leaves the host routes alone, and serves under a prefix with basePath', async () => {
    const costs = new ModelCostMap({ autoLoad: false })
    cleanup.push(() => costs.dispose())
    const options: CostMapHandlerOptions = { ...AUTH, basePath: '/admin' }
    const app = new Hono()
    app.get('/health', (c) => c.json({ ok: true }))
    app.route('/', costMapRoutes(costs, AUTH))
    app.route('/admin', costMapRoutes(costs, options))
    const { url, close } = await listen(app)
    cleanup.push(close)
    expect((await fetch(`${url}/health`)).status).toBe(200)
    expect((await fetch(`${url}/v1/models`, { headers: admin })).status).toBe(200)
    expect((await fetch(`${url}/admin/v1/models`, { headers: admin })).status).toBe(200)
  })
})
