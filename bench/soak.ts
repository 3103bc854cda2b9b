// Soak: 1,000 reloads alternating two real maps through one ModelCostMap, with cost calls running
// between them. Reports heap before/after (after GC) and cost-call latency percentiles during reloads,
// against the same calls with no reload running (same run). Run: npm run bench:soak
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
// The built package, as users run it (tsx has no text loader for the bundled backup).
import { ModelCostMap } from '../dist/index.js'
import { historyFiles } from '../test/support/data'

const RELOADS = Number(process.env.SOAK_RELOADS ?? 1000)
const files = historyFiles()
const bodies = [readFileSync(files.at(-2)!, 'utf8'), readFileSync(files.at(-1)!, 'utf8')]
let turn = 0
const server = createServer((_req, res) => {
  const body = bodies[turn++ % 2]!
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
  res.end(body)
})
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
const gc = (globalThis as { gc?: () => void }).gc
if (!gc) throw new Error('run with node --expose-gc')

const costs = new ModelCostMap({ url, autoLoad: false, timeoutMs: 30_000 })
const usage = { prompt_tokens: 1200, completion_tokens: 350, prompt_tokens_details: { cached_tokens: 200 } }
const models = [
  'gpt-4o',
  'claude-sonnet-4-5-20250929',
  'gemini/gemini-2.5-pro',
  'gpt-4o-mini',
  'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
]

function sample(n: number): number[] {
  const out: number[] = []
  for (let i = 0; i < n; i++) {
    const t = performance.now()
    costs.completionCost({ model: models[i % models.length]!, usage })
    out.push((performance.now() - t) * 1000)
  }
  return out
}
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!

await costs.reload()
await costs.reload() // both maps seen once, indexes warm
sample(20_000)
gc()
const heapBefore = process.memoryUsage().heapUsed
const idle = sample(50_000)

const during: number[] = []
const start = performance.now()
for (let i = 0; i < RELOADS; i++) {
  const reload = costs.reload()
  // Price while the reload's fetch and validation are in flight.
  while (!(await Promise.race([reload.then(() => true), new Promise<false>((r) => setImmediate(() => r(false)))]))) {
    during.push(...sample(50))
  }
  const result = await reload
  if (result.status !== 'success') throw new Error(`reload ${i}: ${result.status} ${result.error}`)
}
const seconds = (performance.now() - start) / 1000
const p50 = { idle: pct(idle, 0.5), during: pct(during, 0.5) }
const p99 = { idle: pct(idle, 0.99), during: pct(during, 0.99) }
const calls = during.length
during.length = 0 // the samples themselves are megabytes: drop them before measuring the heap
gc()
const heapAfter = process.memoryUsage().heapUsed
const mb = (n: number) => (n / 1048576).toFixed(1)
const results = {
  reloads: RELOADS,
  seconds: Number(seconds.toFixed(1)),
  reloads_per_second: Number((RELOADS / seconds).toFixed(1)),
  heap_before_mb: Number(mb(heapBefore)),
  heap_after_mb: Number(mb(heapAfter)),
  heap_growth_ratio: Number((heapAfter / heapBefore).toFixed(3)),
  cost_calls_during_reloads: calls,
  p50_us: { idle: Number(p50.idle.toFixed(2)), during_reloads: Number(p50.during.toFixed(2)) },
  p99_us: { idle: Number(p99.idle.toFixed(2)), during_reloads: Number(p99.during.toFixed(2)) },
}
process.stdout.write(`${JSON.stringify(results, null, 2)}\n`)
costs.dispose()
server.close()
