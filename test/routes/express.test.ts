// The route suite against costMapRoutes from costmap/express on a real Express server.
import { createServer } from 'node:http'
import express from 'express'
import { afterEach, describe, expect, it } from 'vitest'
import { costMapRoutes } from '../../src/adapters/express'
import { ModelCostMap } from '../../src/store/store'
import { AUTH, admin, listenOn } from './fixtures'
import { routeSuite } from './suite'

const listen = (app: express.Express) => listenOn(createServer(app))

describe('Express adapter', () => {
  routeSuite(async (costs, options) => {
    const app = express()
    app.use(costMapRoutes(costs, options))
    return listen(app)
  })
})

describe('Express adapter in a host app', () => {
  const cleanup: Array<() => unknown> = []
  afterEach(async () => {
    for (const f of cleanup.splice(0).reverse()) await f()
  })

  async function host(mount: (app: express.Express, costs: ModelCostMap) => void) {
    const costs = new ModelCostMap({ autoLoad: false })
    cleanup.push(() => costs.dispose())
    const app = express()
    mount(app, costs)
    app.get('/health', (_req, res) => {
      res.json({ ok: true })
    })
    const server = await listen(app)
    cleanup.push(() => server.close())
    return server
  }

  it('uses a body express.json() already parsed, and still refuses a form', async () => {
    const { url } = await host((app, costs) => {
      app.use(express.json(), express.urlencoded({ extended: false }))
      app.use(costMapRoutes(costs, AUTH))
    })
    const headers = { ...admin, 'content-type': 'application/json' }
    const body = JSON.stringify({ model_name: 'm', litellm_params: { model: 'gpt-4o' } })
    const res = await fetch(`${url}/model/new`, { method: 'POST', headers, body })
    expect(res.status).toBe(200)
    expect((await res.json()).model_name).toBe('m')
    const form = await fetch(`${url}/model/new`, {
      method: 'POST',
      headers: { ...admin, 'content-type': 'application/x-www-form-urlencoded' },
      body: 'model_name=m',
    })
    expect(form.status).toBe(415)
  })

  it('falls through to the host routes and works under a mount path', async () => {
    const { url } = await host((app, costs) => {
      app.use('/admin', costMapRoutes(costs, AUTH))
    })
    expect((await fetch(`${url}/health`)).status).toBe(200)
    expect((await fetch(`${url}/admin/model/cost_map/source`, { headers: admin })).status).toBe(200)
    expect((await fetch(`${url}/model/cost_map/source`, { headers: admin })).status).toBe(404)
  })

  it('basePath mounts the router under a prefix', async () => {
    const options = { ...AUTH, basePath: '/costs' }
    const { url } = await host((app, costs) => {
      app.use(costMapRoutes(costs, options))
    })
    expect((await fetch(`${url}/costs/v1/models`, { headers: admin })).status).toBe(200)
    expect((await fetch(`${url}/health`)).status).toBe(200)
  })
})
