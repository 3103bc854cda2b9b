/**
 * The fleet under Redis and leader faults (reliability catalogue F2–F9, F12): every instance keeps serving
 * a good map, nothing unverified is applied, and the fleet recovers on its own.
 */
import { describe, expect, it } from 'vitest'
import { allOn, comeDue, type Fleet, sha256, type startFleet, useFleetHarness, V1, V2, V3, waitFor } from './fixtures'

const h = useFleetHarness()

async function started(size: number, options: Parameters<typeof startFleet>[3] = {}): Promise<Fleet> {
  const fleet = await h.started(size, options)
  await waitFor('the fleet on v1', allOn(fleet, sha256(V1)))
  return fleet
}

describe('Redis faults', () => {
  it('F7: Redis down at boot: ready on the backup, reloads fail static, recovery when Redis is back', async () => {
    await h.redis.stop()
    const f = await h.start(2)
    const t0 = Date.now()
    await Promise.all(f.members.map((m) => m.ready))
    expect(Date.now() - t0).toBeLessThan(3_000)
    const member = f.members[0]
    expect(member?.snapshot.source).toBe('local')
    expect(member?.source().coordination).toMatchObject({ connected: false })
    const result = await member?.reload()
    expect(result).toMatchObject({ status: 'failed' })
    expect(result?.error).toMatch(/Redis is unreachable/)
    expect(member?.completionCost({ model: 'gpt-4o', usage: { prompt_tokens: 10 } }).totalCost).toBeGreaterThan(0)
    expect(h.upstream.fetches()).toBe(0)
    await h.redis.restart()
    await waitFor('the fleet on the upstream map', allOn(f, sha256(V1)), 10_000)
    expect(h.upstream.fetches()).toBe(1)
  })

  it('F8: a hung Redis (SIGSTOP): commands time out fast, prices keep flowing, recovery on SIGCONT', async () => {
    const f = await started(2, { commandTimeoutMs: 300 })
    h.upstream.body = V2
    h.redis.pause()
    const t0 = Date.now()
    const result = await f.members[0]?.reload()
    expect(Date.now() - t0).toBeLessThan(2_000)
    expect(result?.status).toBe('failed')
    expect(f.members.map((m) => m.snapshot.sha256)).toEqual([sha256(V1), sha256(V1)])
    expect(f.members[1]?.getModelInfo('gpt-4o').input_cost_per_token).toBeGreaterThan(0)
    h.redis.resume()
    await waitFor('reload works again', async () => (await f.members[1]?.reload())?.status === 'success', 5_000)
    await waitFor('both on v2', allOn(f, sha256(V2)))
  })

  it('F9: Redis restarted empty: instances keep their maps and re-seed it, with the deployments', async () => {
    const f = await started(3)
    h.upstream.body = V2
    await f.members[0]?.reload()
    await waitFor('v2 everywhere', allOn(f, sha256(V2)))
    f.members[1]?.shareDeployment('kept-1', { model_name: 'kept', litellm_params: { model: 'gpt-4o' } })
    await waitFor(
      'deployment shared',
      async () => (await h.redis.client.hexists(`${f.prefix}deployments`, 'kept-1')) === 1,
    )
    const fetches = h.upstream.fetches()
    await h.redis.restart()
    expect(f.members.map((m) => m.snapshot.sha256)).toEqual(Array(3).fill(sha256(V2)))
    await waitFor(
      're-seeded',
      async () => (await h.redis.client.hget(`${f.prefix}current`, 'sha256')) === sha256(V2),
      10_000,
    )
    const reseeded = async () => (await h.redis.client.hexists(`${f.prefix}deployments`, 'kept-1')) === 1
    await waitFor('deployments re-seeded', reseeded).catch(async (e) => {
      const state = f.members.map((m) => [Object.keys(m.sharedDeployments()), m.source().coordination])
      throw new Error(`${e.message} ${JSON.stringify(state)} ${JSON.stringify(await h.redis.client.keys('*'))}`)
    })
    expect(h.upstream.fetches()).toBe(fetches)
  })
})

describe('leader faults', () => {
  it('F3: a leader paused past its lease is fenced out; the fleet ends on the newer map, no regression', async () => {
    const f = await started(3, { leaseMs: 400 })
    h.upstream.body = V2
    h.upstream.next = [{ delayMs: 1_200 }]
    const slow = f.members[0]?.reload()
    await new Promise((resolve) => setTimeout(resolve, 700))
    h.upstream.body = V3
    expect(await f.members[1]?.reload()).toMatchObject({ status: 'success', sha256: sha256(V3) })
    const fenced = await slow
    expect(fenced?.status).toBe('failed')
    expect(fenced?.error).toMatch(/fenced out/)
    await waitFor('v3 everywhere', allOn(f, sha256(V3)))
    expect(await h.redis.client.hget(`${f.prefix}current`, 'sha256')).toBe(sha256(V3))
  })

  it('F2: a leader that died holding the lease delays the scheduled run only until the lease expires', async () => {
    const f = await started(3, { leaseMs: 600 })
    h.upstream.body = V2
    f.members[2]?.schedule(1)
    await waitFor('scheduled everywhere', () => f.members.every((m) => m.scheduleStatus().scheduled))
    await h.redis.client.set(`${f.prefix}lease`, 'crashed-instance:1', 'PX', 600)
    await comeDue(h.redis, f, 0)
    await waitFor('v2 everywhere after the lease expired', allOn(f, sha256(V2)), 5_000)
  })

  it('a manual reload while a dead holder keeps the lease: fetched here once the lease expires', async () => {
    const f = await started(3, { leaseMs: 600 })
    h.upstream.body = V2
    const fetches = h.upstream.fetches()
    await h.redis.client.set(`${f.prefix}lease`, 'crashed-instance:1', 'PX', 600)
    const result = await f.members[1]?.reload()
    // Was: `unchanged` without any fetch, read as "reloaded successfully".
    expect(result).toMatchObject({ status: 'success', sha256: sha256(V2), new_models: ['fleet-model-v2'] })
    expect(h.upstream.fetches()).toBe(fetches + 1)
    await waitFor('v2 everywhere', allOn(f, sha256(V2)))
  })

  it('a manual reload while a hung holder keeps the lease past the wait says it fetched nothing', async () => {
    const f = await started(2, { leaseMs: 600 })
    h.upstream.body = V2
    const fetches = h.upstream.fetches()
    await h.redis.client.set(`${f.prefix}lease`, 'hung-instance:7', 'PX', 60_000)
    const result = await f.members[0]?.reload()
    expect(result?.status).toBe('failed')
    expect(result?.error).toBe(
      "the fleet's lease holder (hung-instance) did not finish a reload within 1100 ms and the lease is still taken; nothing was fetched, current pricing data was kept",
    )
    expect(h.upstream.fetches()).toBe(fetches)
    expect(f.members.map((m) => m.snapshot.sha256)).toEqual([sha256(V1), sha256(V1)])
  })

  it('F5: a lost hint (subscribers killed) is made up by the poll', async () => {
    const f = await started(3)
    h.upstream.body = V2
    await h.redis.client.call('CLIENT', 'KILL', 'TYPE', 'pubsub')
    await f.members[0]?.reload()
    await waitFor('v2 everywhere', allOn(f, sha256(V2)), 2_000)
  })
})

describe('a bad blob in Redis is never applied', () => {
  const forge = async (f: Fleet, sha: string, blob: string, extra: Record<string, string> = {}) => {
    await h.redis.client.set(`${f.prefix}blob:${sha}`, blob)
    await h.redis.client.hset(`${f.prefix}current`, { sha256: sha, version: '99', ...extra })
    await h.redis.client.publish(`${f.prefix}events`, 'map:99')
  }

  it.each([
    ['a blob that does not match its sha256', () => ({ sha: sha256('other'), blob: V2 }), /does not match its sha256/],
    ['invalid JSON under its own sha256', () => ({ sha: sha256('{"broken": '), blob: '{"broken": ' }), /JSON/i],
    ['a map that fails the integrity checks', () => ({ sha: sha256('{}'), blob: '{}' }), /model/i],
  ])('F6: %s is rejected by every instance, once', async (_name, make, reason) => {
    const f = await started(3)
    const failures = f.members.map(() => 0)
    for (const [i, m] of f.members.entries()) m.on('reload_failed', () => (failures[i] = (failures[i] ?? 0) + 1))
    const { sha, blob } = make()
    await forge(f, sha, blob)
    await waitFor('every instance refused it', () => failures.every((n) => n === 1))
    await new Promise((resolve) => setTimeout(resolve, 1_000)) // three polls: the sha is not retried
    expect(failures).toEqual([1, 1, 1])
    for (const m of f.members) {
      expect(m.snapshot.sha256).toBe(sha256(V1))
      expect(m.source().coordination?.last_error).toMatch(reason)
    }
  })

  /** V1 with gpt-4o's entry changed by `edit`. */
  const rogue = (edit: (entry: Record<string, unknown>) => Record<string, unknown>) => {
    const map = JSON.parse(V1) as Record<string, Record<string, unknown>>
    return JSON.stringify({ ...map, 'gpt-4o': edit(map['gpt-4o'] ?? {}) })
  }
  const free = (entry: Record<string, unknown>) =>
    Object.fromEntries(Object.entries(entry).map(([k, v]) => [k, /cost/.test(k) && typeof v === 'number' ? 0 : v]))

  it.each([
    [
      'gpt-4o made free (the default guard)',
      undefined,
      () => rogue(free),
      /^held back by priceChangeGuard: gpt-4o\.\w+ moved [\d.e-]+ -> 0 \(model now free\)/,
    ],
    [
      'gpt-4o input price 100x ({ maxFactor: 10 })',
      { maxFactor: 10 },
      () => rogue((e) => ({ ...e, input_cost_per_token: 2.5e-4 })),
      /^held back by priceChangeGuard: gpt-4o\.input_cost_per_token moved 0\.0000025 -> 0\.00025 \(more than 10x\)$/,
    ],
    [
      'gpt-4o input price to 0 ({ maxFactor: 10 })',
      { maxFactor: 10 },
      () => rogue((e) => ({ ...e, input_cost_per_token: 0 })),
      /^held back by priceChangeGuard: gpt-4o\.input_cost_per_token moved 0\.0000025 -> 0 \(to 0\)$/,
    ],
  ])(
    'a rogue writer cannot put a valid map live on any instance: %s',
    async (_name, priceChangeGuard, make, reason) => {
      const f = await started(3, { priceChangeGuard })
      const blob = make()
      await forge(f, sha256(blob), blob)
      await waitFor('every instance refused it', () =>
        f.members.every((m) => reason.test(m.source().coordination?.last_error ?? '')),
      )
      for (const m of f.members) {
        expect(m.snapshot.sha256).toBe(sha256(V1))
        expect(m.source().last_error).toMatch(reason)
        expect(m.getModelInfo('gpt-4o').input_cost_per_token).toBe(2.5e-6)
      }
    },
  )

  it('F12: a blob in a newer format is refused with a clear status', async () => {
    const f = await started(2)
    await forge(f, sha256(V2), V2, { format: '2' })
    await waitFor('refused', () => f.members.every((m) => /format 2/.test(m.source().coordination?.last_error ?? '')))
    expect(f.members.map((m) => m.snapshot.sha256)).toEqual([sha256(V1), sha256(V1)])
  })
})
