/**
 * Fleet convergence through Redis: 8 ModelCostMap instances (one process, separate Redis connections each)
 * on a real redis-server and a loopback upstream. Each round changes the upstream map, reloads on instance 1
 * and times until the last instance serves the new sha256. The baseline is JSON.parse of the same text in
 * the same run (every instance must at least parse it). Prints one JSON line; run by bench/run.ts, or
 * alone: `npx tsx bench/redis-convergence.ts`.
 */
import { performance } from 'node:perf_hooks'
import { ModelCostMap } from '../src'
import { createRedisCoordinator } from '../src/redis/coordinator'
import { mapVersion, sha256, startUpstream } from '../test/redis/fixtures'
import { startRedis } from '../test/support/redis'

const INSTANCES = 8
const ROUNDS = Number(process.env.COSTMAP_BENCH_ROUNDS ?? 10)

const redis = await startRedis()
const upstream = await startUpstream()
const members = Array.from(
  { length: INSTANCES },
  (_, i) =>
    new ModelCostMap({
      url: upstream.server.url,
      coordinator: createRedisCoordinator({ url: redis.url, prefix: 'bench:', instanceId: `i${i + 1}` }),
    }),
)
await Promise.all(members.map((m) => m.ready))

const converge: number[] = []
const reloads: number[] = []
const parses: number[] = []
let fetchesPerReload = 0
for (let round = 1; round <= ROUNDS; round++) {
  upstream.body = mapVersion({ [`bench-model-${round}`]: { litellm_provider: 'openai', input_cost_per_token: 1e-6 } })
  const target = sha256(upstream.body)
  const before = upstream.fetches()
  const t0 = performance.now()
  const result = await members[0]?.reload()
  reloads.push(performance.now() - t0)
  if (result?.status !== 'success') throw new Error(`round ${round}: ${result?.status} ${result?.error}`)
  while (!members.every((m) => m.snapshot.sha256 === target)) await new Promise((resolve) => setImmediate(resolve))
  converge.push(performance.now() - t0)
  fetchesPerReload = Math.max(fetchesPerReload, upstream.fetches() - before)
  const p0 = performance.now()
  JSON.parse(upstream.body)
  parses.push(performance.now() - p0)
}

for (const m of members) m.dispose()
await upstream.server.close()
await redis.close()

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN
const round2 = (x: number) => Math.round(x * 100) / 100
const parse = median(parses)
process.stdout.write(
  `${JSON.stringify({
    instances: INSTANCES,
    rounds: ROUNDS,
    converge_ms_median: round2(median(converge)),
    converge_ms_max: round2(Math.max(...converge)),
    reload_on_instance_1_ms_median: round2(median(reloads)),
    json_parse_ms_median: round2(parse),
    converge_vs_json_parse: round2(median(converge) / parse),
    upstream_fetches_per_reload: fetchesPerReload,
  })}\n`,
)
