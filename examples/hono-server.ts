/**
 * LiteLLM's cost-map and model routes on a Hono app, served on Node by @hono/node-server.
 *
 *   LITELLM_MASTER_KEY=sk-1234 PORT=4000 npx tsx examples/hono-server.ts
 *   curl "http://localhost:4000/model/cost_map/source" -H "Authorization: Bearer sk-1234"
 *
 * 'costmap/hono' instead of '../src/…'.
 */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { ModelCostMap } from '../src'
import { costMapRoutes } from '../src/adapters/hono'
import { modelList } from './model-list'

const port = Number(process.env.PORT ?? 4000)
// Demo default so the curl examples work at once; always set LITELLM_MASTER_KEY for real.
const masterKey = process.env.LITELLM_MASTER_KEY ?? 'sk-1234'

const costs = new ModelCostMap({ logger: { info: (line) => console.log(JSON.stringify(line)), warn: console.warn } })
const app = new Hono()
app.get('/health', (c) => c.json({ ok: true, sha256: costs.snapshot.sha256 }))
// `os.environ/NAME` values are resolved only because this host asks for it (ids match LiteLLM's).
app.route('/', costMapRoutes(costs, { masterKey, modelList, resolveEnv: (name) => process.env[name] }))

// PORT=0 picks a free port: print the one the server got.
const server = serve({ fetch: app.fetch, port }, (info) =>
  console.log(`costmap routes on http://localhost:${info.port} (Hono)`),
)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    costs.dispose()
    server.close()
  })
}
