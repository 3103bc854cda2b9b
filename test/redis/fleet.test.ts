import { Redis } from 'ioredis'
import { describe, expect, it } from 'vitest'
import { createCostMapHandler, ModelCostMap } from '../../src'
import { createRedisCoordinator } from '../../src/redis/coordinator'
import { allOn, comeDue, sha256, shas, startFleet, useFleetHarness, V1, V2, V3, waitFor } from './fixtures'

const h = useFleetHarness()
const started = h.started

describe('one map for the fleet', () => {
  it('6 instances starting together fetch the upstream once and all serve its sha256', async () => {
    const f = await started(6)
    await waitFor('every instance on v1', allOn(f, sha256(V1)))
    expect(h.upstream.fetches()).toBe(1)
    expect(f.members.map((m) => m.source().source)).toEqual(Array(6).fill('remote'))
  })

  it('a reload on one instance fetches once and reaches all 8 within 2 s', async () => {
    const f = await started(8)
    await waitFor('start', allOn(f, sha256(V1)))
    const changes = f.members.map(() => 0)
    for (const [i, m] of f.members.entries()) m.on('change', () => (changes[i] = (changes[i] ?? 0) + 1))
    h.upstream.body = V2
    const before = h.upstream.fetches()
    const result = await f.members[0]?.reload()
    expect(result).toMatchObject({ status: 'success', new_models: ['fleet-model-v2'], sha256: sha256(V2) })
    await waitFor('every instance on v2', allOn(f, sha256(V2)), 2_000)
    expect(h.upstream.fetches() - before).toBe(1)
    expect(changes).toEqual(Array(8).fill(1))
    for (const m of f.members) expect(m.getModelInfo('fleet-model-v2').input_cost_per_token).toBe(1e-6)
    expect(f.members[5]?.source().coordination).toMatchObject({ kind: 'redis', connected: true, reload_revision: 1 })
  })

  it('reloads asked on every instance at once make one upstream request', async () => {
    const f = await started(5)
    await waitFor('start', allOn(f, sha256(V1)))
    h.upstream.body = V3
    h.upstream.next = [{ delayMs: 200 }]
    const before = h.upstream.fetches()
    const results = await Promise.all(f.members.map((m) => m.reload()))
    expect(h.upstream.fetches() - before).toBe(1)
    expect(results.filter((r) => r.status === 'success')).toHaveLength(5)
    expect(new Set(results.map((r) => r.sha256))).toEqual(new Set([sha256(V3)]))
    expect(shas(f)).toEqual(Array(5).fill(sha256(V3)))
  })

  it('a restarted instance applies the fleet map without fetching', async () => {
    const f = await started(2)
    await waitFor('start', allOn(f, sha256(V1)))
    const before = h.upstream.fetches()
    const late = startFleet(1, h.redis, h.upstream, { prefix: f.prefix }).members[0]
    f.members.push(late as never)
    await late?.ready
    expect(late?.snapshot.sha256).toBe(sha256(V1))
    expect(h.upstream.fetches()).toBe(before)
  })
})

describe('a client of your own', () => {
  it('is duplicated with costmap’s timeouts, and left open by dispose()', async () => {
    const upstream = await h.serve()
    const client = new Redis(h.redis.port, '127.0.0.1', { lazyConnect: true })
    await client.connect()
    const costs = new ModelCostMap({
      url: upstream.server.url,
      coordinator: createRedisCoordinator({ client, prefix: 'own:' }),
    })
    await costs.ready
    expect(costs.snapshot).toMatchObject({ source: 'remote', sha256: sha256(V1) })
    expect(await client.hget('own:current', 'sha256')).toBe(sha256(V1))
    costs.dispose()
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(client.status).toBe('ready')
    client.disconnect()
  })
})

describe('the schedule is the fleet’s', () => {
  it('set on one instance, the same status on all; cancelled on another, cancelled everywhere', async () => {
    const f = await started(4)
    const set = f.members[0]?.schedule(6)
    const same = () => new Set(f.members.map((m) => JSON.stringify(m.scheduleStatus()))).size === 1
    await waitFor('one schedule everywhere', () => same() && f.members[3]?.scheduleStatus().next_run === set?.next_run)
    expect(set).toMatchObject({ scheduled: true, interval_hours: 6 })
    expect(f.members[3]?.scheduleStatus()).toMatchObject({ scheduled: true, interval_hours: 6 })
    f.members[2]?.cancelSchedule()
    await waitFor('cancel everywhere', () => f.members.every((m) => !m.scheduleStatus().scheduled))
    expect(f.members[3]?.scheduleStatus()).toMatchObject({ scheduled: false, interval_hours: null, next_run: null })
  })

  it('each time the schedule comes due, one instance fetches for the whole fleet', async () => {
    const f = await started(4)
    await waitFor('start', allOn(f, sha256(V1)))
    f.members[1]?.schedule(1)
    await waitFor('scheduled everywhere', () => f.members.every((m) => m.scheduleStatus().scheduled))
    for (const round of [1, 2]) {
      const before = h.upstream.fetches()
      const lastRun = f.members[0]?.scheduleStatus().last_run
      await comeDue(h.redis, f)
      await waitFor(`run ${round} seen everywhere`, () =>
        f.members.every((m) => m.scheduleStatus().last_run !== lastRun),
      )
      await new Promise((resolve) => setTimeout(resolve, 400)) // every instance's timer has fired by now
      expect(h.upstream.fetches() - before).toBe(1)
      const statuses = f.members.map((m) => JSON.stringify(m.scheduleStatus()))
      expect(new Set(statuses).size).toBe(1)
      const next = Date.parse(f.members[2]?.scheduleStatus().next_run ?? '')
      expect(next - Date.now()).toBeGreaterThan(3_500_000) // moved a full hour on
    }
  })

  it('scheduleHours seeds a fleet without a schedule and does not override one', async () => {
    const f = await started(1, { scheduleHours: 12 })
    await waitFor('seeded', () => f.members[0]?.scheduleStatus().interval_hours === 12)
    f.members[0]?.schedule(3)
    const late = startFleet(1, h.redis, h.upstream, { prefix: f.prefix, scheduleHours: 24 }).members[0]
    f.members.push(late as never)
    await late?.ready
    await waitFor('the fleet schedule', () => late?.scheduleStatus().interval_hours === 3)
  })
})

describe('deployments added through the routes are shared', () => {
  it('/model/new on one instance is visible and priced on all; /model/delete removes it everywhere', async () => {
    const f = await started(3)
    const handlers = f.members.map((m) => createCostMapHandler(m, { masterKey: 'sk-test' }))
    const call = (i: number, path: string, body?: unknown) =>
      handlers[i]?.(
        new Request(`http://localhost${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: 'Bearer sk-test', 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        }),
      )
    const created = await call(0, '/model/new', {
      model_name: 'team-gpt',
      litellm_params: { model: 'openai/gpt-4o', input_cost_per_token: 5e-6, output_cost_per_token: 1e-5 },
      model_info: { id: 'shared-1' },
    })
    expect(created?.status, await created?.clone().text()).toBe(200)
    const found = async (i: number) => {
      const res = await call(i, '/model/info?litellm_model_id=shared-1')
      return res?.status === 200 && ((await res.json()) as { data: unknown[] }).data.length === 1
    }
    await waitFor('the deployment on instance 3', () => found(2))
    const usage = { prompt_tokens: 1000, completion_tokens: 100 }
    expect(f.members[2]?.completionCost({ model: 'shared-1', usage }).totalCost).toBeCloseTo(
      1000 * 5e-6 + 100 * 1e-5,
      12,
    )
    expect((await call(1, '/model/delete', { id: 'shared-1' }))?.status).toBe(200)
    await waitFor('deleted everywhere', async () => !(await found(0)) && !(await found(2)))
    expect(() => f.members[0]?.completionCost({ model: 'shared-1', usage })).toThrow()
  })
})
