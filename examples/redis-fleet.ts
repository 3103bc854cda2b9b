/**
 * Three instances of a service sharing one cost map through Redis, as three pods would: one upstream fetch
 * for the fleet, a reload asked on one instance reaching all, a schedule set on one seen by all, and a
 * model added on one priced on all. The upstream is a loopback server standing in for LiteLLM's file.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 npx tsx examples/redis-fleet.ts
 *
 * (Start a Redis first, e.g. `redis-server --port 6379 --save ''`.) In your code, import from 'costmap',
 * 'costmap/backup' and 'costmap/redis' instead of '../src/…'.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ModelCostMap } from '../src'
import { backupText } from '../src/backup-entry'
import { createRedisCoordinator } from '../src/redis-entry'

let upstreamBody = backupText()
let fetches = 0
const upstream = createServer((_req, res) => {
  fetches++
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(upstreamBody)
})
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/model_prices_and_context_window.json`

// A fresh prefix per run keeps this demo apart from anything else in your Redis.
const prefix = `costmap-example-${process.pid}:`
const pods = ['pod-a', 'pod-b', 'pod-c'].map(
  (instanceId) =>
    new ModelCostMap({ url, coordinator: createRedisCoordinator({ url: process.env.REDIS_URL, prefix, instanceId }) }),
)
await Promise.all(pods.map((pod) => pod.ready))
console.log(`started 3 pods, upstream fetched ${fetches} time(s)`)

const next = JSON.parse(upstreamBody) as Record<string, Record<string, unknown>>
next['day-0-model'] = {
  litellm_provider: 'openai',
  mode: 'chat',
  input_cost_per_token: 1e-6,
  output_cost_per_token: 4e-6,
}
upstreamBody = JSON.stringify(next)
const started = Date.now()
const result = await pods[1]?.reload()
console.log(`reload on pod-b: ${result?.status}, new models: [${result?.new_models.join(', ')}]`)
while (!pods.every((pod) => pod.findModelInfo('day-0-model'))) await new Promise((resolve) => setTimeout(resolve, 10))
console.log(`every pod prices day-0-model after ${Date.now() - started} ms; upstream fetched ${fetches} time(s) in all`)

pods[0]?.schedule(6)
await new Promise((resolve) => setTimeout(resolve, 300))
console.log(`pod-a scheduled every 6 h; pod-c reports next run ${pods[2]?.scheduleStatus().next_run}`)

for (const pod of pods) {
  const { coordination, sha256 } = pod.source()
  console.log(
    `${coordination?.instance_id}: sha256 ${sha256.slice(0, 12)}…, fleet version ${coordination?.applied_version}`,
  )
}
for (const pod of pods) pod.dispose()
upstream.closeAllConnections()
upstream.close()
