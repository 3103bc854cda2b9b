/**
 * One fleet member in its own Node process, for test/redis/processes.test.ts. Prints one JSON line per
 * event on stdout; reads commands (`reload`, `status`, `exit`) from stdin.
 */
import { createInterface } from 'node:readline'
import { ModelCostMap } from '../../src'
import { createRedisCoordinator } from '../../src/redis/coordinator'

const [redisUrl, prefix, upstream, id] = process.argv.slice(2)
const costs = new ModelCostMap({
  url: upstream,
  coordinator: createRedisCoordinator({ url: redisUrl, prefix, instanceId: id, reconcileMs: 300 }),
})
const say = (line: Record<string, unknown>) => process.stdout.write(`${JSON.stringify({ id, ...line })}\n`)
costs.on('change', (r) => say({ event: 'change', sha256: r.sha256 }))
await costs.ready
say({ event: 'ready', sha256: costs.snapshot.sha256, source: costs.snapshot.source })

for await (const command of createInterface({ input: process.stdin })) {
  if (command === 'reload') say({ event: 'reloaded', ...(await costs.reload()) })
  if (command === 'status') say({ event: 'status', schedule: costs.scheduleStatus(), sha256: costs.snapshot.sha256 })
  if (command.startsWith('schedule ')) say({ event: 'scheduled', ...costs.schedule(Number(command.slice(9))) })
  if (command === 'exit') break
}
// Nothing else may keep the process alive: dispose() closes the Redis connections and timers.
process.stdin.destroy()
costs.dispose()
