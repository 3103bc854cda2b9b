// Every example runs with the command examples/README.md gives (tsx); the servers answer a route over
// HTTP and stop on a signal.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backupManifest, completionCost, getModelInfo, loadBackup } from '../src'
import { expectExit, ROOT, spawnProcess } from './cli/run'
import { startRedis } from './support/redis'

const example = (name: string, env: Record<string, string> = {}) =>
  spawnProcess(process.execPath, ['--import', 'tsx', join('examples', name)], { env })

describe('examples', () => {
  it('examples/README.md lists a command for every example', () => {
    const readme = readFileSync(join(ROOT, 'examples/README.md'), 'utf8')
    const names = [
      'basic-pricing.ts',
      'hot-reload.ts',
      'express-server.ts',
      'hono-server.ts',
      'redis-fleet.ts',
      'config.yaml',
    ]
    for (const name of names) expect(readme).toMatch(new RegExp(`\`[^\`]*examples/${name.replace('.', '\\.')}[^\`]*\``))
  })

  it('basic-pricing prints each bill with its breakdown, and a total that adds up', async () => {
    const { code, stdout, stderr } = await example('basic-pricing.ts').exited
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const money = (line: string) => Number(line.slice(line.lastIndexOf('$') + 1))
    const bills: Array<{ line: string; parts: string[] }> = []
    for (const line of stdout.split('\n')) {
      if (/\(map key .*\) = \$/.test(line)) bills.push({ line, parts: [] })
      else if (line.startsWith('    ')) bills.at(-1)?.parts.push(line)
    }
    expect(bills).toHaveLength(5)
    for (const { line, parts } of bills) {
      expect(parts.length).toBeGreaterThan(0)
      expect(parts.reduce((sum, part) => sum + money(part), 0)).toBeCloseTo(money(line), 9)
    }
    const total = stdout.split('\n').find((l) => l.startsWith('Total for 5 calls: $')) as string
    expect(money(total)).toBeCloseTo(
      bills.reduce((sum, bill) => sum + money(bill.line), 0),
      9,
    )
    expect(stdout).toContain('my-private-model: MODEL_NOT_MAPPED')
  })

  it('hot-reload prints the change events and keeps the map when the upstream breaks', async () => {
    const { code, stdout, stderr } = await example('hot-reload.ts').exited
    expect(stderr).toBe('')
    expect(code).toBe(0)
    const old = getModelInfo(loadBackup(), 'gpt-4o').input_cost_per_token as number
    const million = completionCost(loadBackup(), { model: 'gpt-4o', usage: { prompt_tokens: 1_000_000 } }).totalCost
    expect(stdout).toContain(`1M gpt-4o input tokens: $${million} (bundled backup)`)
    expect(stdout).toContain(
      `change: ${backupManifest().model_count + 1} models, new: [grok-5-preview], 1 price changes`,
    )
    expect(stdout).toContain(`gpt-4o.input_cost_per_token: ${old} -> 0.000002`)
    expect(stdout).toMatch(/reload failed, version \d+ kept: invalid JSON: the body is HTML/)
    expect(stdout).toContain('grok-5-preview is still priced: true')
  })

  it.each(['express-server.ts', 'hono-server.ts'])('%s serves the routes and stops on SIGTERM', async (name) => {
    const server = example(name, { PORT: '0', LITELLM_MASTER_KEY: 'sk-example', LITELLM_LOCAL_MODEL_COST_MAP: 'True' })
    const [, url] = await server.waitFor(/costmap routes on (http:\/\/\S+)/, 30_000)
    const response = await fetch(`${url}/model/cost_map/source`, { headers: { authorization: 'Bearer sk-example' } })
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      source: 'local',
      sha256: backupManifest().sha256,
      is_env_forced: true,
    })
    const info = await (await fetch(`${url}/v1/model/info`, { headers: { authorization: 'Bearer sk-example' } })).json()
    expect(info.data.map((d: { model_name: string }) => d.model_name)).toEqual(['gpt-4', 'gpt-3.5-turbo', 'my-llama'])
    const result = await server.stop('SIGTERM')
    expectExit(result, 0)
    expect(result.stderr).toBe('')
  })

  it('redis-fleet: one upstream fetch for three pods, then one per reload, and the same map everywhere', async () => {
    const redis = await startRedis()
    try {
      const { code, stdout, stderr } = await example('redis-fleet.ts', { REDIS_URL: redis.url }).exited
      expect(stderr).toBe('')
      expect(code).toBe(0)
      expect(stdout).toContain('started 3 pods, upstream fetched 1 time(s)')
      expect(stdout).toContain('reload on pod-b: success, new models: [day-0-model]')
      expect(stdout).toMatch(/every pod prices day-0-model after \d+ ms; upstream fetched 2 time\(s\) in all/)
      const pods = stdout.split('\n').filter((line) => /^pod-[abc]: sha256/.test(line))
      expect(pods).toHaveLength(3)
      expect(new Set(pods.map((line) => line.split(' ')[2])).size).toBe(1)
      expect(stdout).toMatch(/pod-c reports next run \d{4}-/)
    } finally {
      await redis.close()
    }
  })
})
