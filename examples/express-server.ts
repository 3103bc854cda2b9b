/**
 * LiteLLM's cost-map and model routes on an Express server.
 *
 *   LITELLM_MASTER_KEY=sk-1234 PORT=4000 npx tsx examples/express-server.ts
 *   curl -X POST "http://localhost:4000/reload/model_cost_map" -H "Authorization: Bearer sk-1234"
 *
 * 'costmap/express' instead of '../src/…'.
 */
import type { AddressInfo } from 'node:net'
import express from 'express'
import { ModelCostMap } from '../src'
import { costMapRoutes } from '../src/adapters/express'
import { modelList } from './model-list'

const port = Number(process.env.PORT ?? 4000)
// Demo default so the curl examples work at once; always set LITELLM_MASTER_KEY for real.
const masterKey = process.env.LITELLM_MASTER_KEY ?? 'sk-1234'

const costs = new ModelCostMap({ logger: { info: (line) => console.log(JSON.stringify(line)), warn: console.warn } })
const app = express()
app.use(
  costMapRoutes(costs, {
    masterKey,
    modelList,
    // `os.environ/NAME` values are resolved only because this host asks for it (ids match LiteLLM's).
    resolveEnv: (name) => process.env[name],
  }),
)
app.get('/health', (_req, res) => {
  res.json({ ok: true, sha256: costs.snapshot.sha256 })
})

// PORT=0 picks a free port: print the one the server got.
const server = app.listen(port, () => {
  console.log(`costmap routes on http://localhost:${(server.address() as AddressInfo).port} (Express)`)
})
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    costs.dispose()
    server.close()
  })
}
