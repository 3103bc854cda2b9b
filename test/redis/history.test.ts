// The fleet's map history on a real redis-server: recorded once by the instance that publishes a map,
// merged into every instance's own directory, imports shared, a late instance and a restart seeing it all.
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { ModelCostMap } from '../../src'
import { createRedisCoordinator } from '../../src/redis/coordinator'
import { historyFiles, readJson, readText } from '../support/data'
import { sha256, useFleetHarness, V1, V2, waitFor } from './fixtures'

const h = useFleetHarness()
const USAGE = { prompt_tokens: 1000, completion_tokens: 500 }
const files = historyFiles()
/** `2025-06-02T19-06-17.json` -> ISO, parsed without costmap code. */
const fileTime = (file: string) =>
  new Date(`${basename(file, '.json').replace(/T(\d\d)-(\d\d)-(\d\d)$/, 'T$1:$2:$3')}Z`).toISOString()
/** USAGE priced from a version's raw JSON (input and output per-token prices only). */
function rawPrice(file: string, model: string): number {
  const entry = readJson(file)[model] as { input_cost_per_token: number; output_cost_per_token: number }
  return entry.input_cost_per_token * USAGE.prompt_tokens + entry.output_cost_per_token * USAGE.completion_tokens
}

const dirs: string[] = []
let members: ModelCostMap[] = []
let fleets = 0
afterEach(() => {
  for (const m of members) m.dispose()
  members = []
})
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

async function newDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'costmap-fleet-history-'))
  dirs.push(dir)
  return dir
}

/** An instance of the fleet `prefix` keeping its copy of the history in `dir`. */
function member(prefix: string, dir: string, name: string, maxAgeDays?: number): ModelCostMap {
  const costs = new ModelCostMap({
    url: h.upstream.server.url,
    history: { dir, maxAgeDays },
    coordinator: createRedisCoordinator({
      url: h.redis.url,
      prefix,
      instanceId: name,
      reconcileMs: 300,
      leaseMs: 5_000,
      commandTimeoutMs: 500,
    }),
  })
  members.push(costs)
  return costs
}

/** Two instances on V1, each with its own history directory. */
async function pair(maxAgeDaysOfA?: number) {
  await h.serve()
  const prefix = `history${++fleets}-${process.pid}:`
  const dirA = await newDir()
  const dirB = await newDir()
  const a = member(prefix, dirA, 'a', maxAgeDaysOfA)
  const b = member(prefix, dirB, 'b')
  await Promise.all([a.ready, b.ready])
  const onV1 = (m: ModelCostMap) => m.history().at(-1)?.sha256 === sha256(V1)
  await waitFor('both histories on v1', () => onV1(a) && onV1(b))
  return { prefix, a, b, dirA, dirB }
}

const sameHistory = (x: ModelCostMap, y: ModelCostMap) => JSON.stringify(x.history()) === JSON.stringify(y.history())

describe('a fleet of two sharing one history', () => {
  it('a reload on A is recorded once, listed once on B, and B prices at a time on the map active then', async () => {
    const { prefix, a, b } = await pair()
    const before = new Date().toISOString()
    h.upstream.body = V2
    expect(await a.reload()).toMatchObject({ status: 'success', sha256: sha256(V2) })
    await waitFor('v2 in B’s history', () => b.history().at(-1)?.sha256 === sha256(V2) && sameHistory(a, b))
    const history = b.history()
    expect(history.map((e) => e.sha256)).toEqual([sha256(V1), sha256(V2)])
    expect(history.map((e) => e.active_until)).toEqual([history[1]?.active_from, null])
    expect((history[1]?.active_from ?? '') >= before).toBe(true)
    // Once in Redis too: one entry per activation, one gzip map per sha256.
    expect(await h.redis.client.hlen(`${prefix}history`)).toBe(2)
    expect(await h.redis.client.keys(`${prefix}history:map:*`)).toHaveLength(2)

    const v2From = Date.parse(history[1]?.active_from as string)
    const after = b.at(v2From + 1)
    expect(after.sha256).toBe(sha256(V2))
    expect(after.completionCost({ model: 'fleet-model-v2', usage: USAGE }).totalCost).toBeCloseTo(2e-3, 15)
    // Just before, V1 was active: the model did not exist then.
    expect(b.at(v2From - 1).sha256).toBe(sha256(V1))
    expect(() => b.completionCost({ model: 'fleet-model-v2', usage: USAGE, at: v2From - 1 })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_MAPPED' }),
    )
  })

  it('an import on A is visible on B and priced there from the version’s own JSON', async () => {
    const { a, b } = await pair()
    const picked = [files[3], files[4]] as [string, string]
    const results = await a.importHistory(picked.map((f) => ({ at: fileTime(f), text: readText(f) })))
    expect(results.map((r) => r.status)).toEqual(['imported', 'imported'])
    await waitFor('the imports on B', () => b.history().length === 3 && sameHistory(a, b))
    expect(b.history().map((e) => e.source)).toEqual(['import', 'import', 'remote'])
    const at = new Date(Date.parse(fileTime(picked[1])) + 3_600_000).toISOString()
    expect(b.at(at).sha256).toBe(sha256(readText(picked[1])))
    expect(b.completionCost({ model: 'o3', usage: USAGE, at }).totalCost).toBeCloseTo(rawPrice(picked[1], 'o3'), 15)
    // Importing the same maps on B changes nothing anywhere.
    const again = await b.importHistory(picked.map((f) => ({ at: fileTime(f), text: readText(f) })))
    expect(again.map((r) => r.status)).toEqual(['unchanged', 'unchanged'])
    expect(b.history()).toEqual(a.history())
  }, 20_000)

  it('a third instance started later with an empty directory sees the whole history and prices on it', async () => {
    const { prefix, a } = await pair()
    await a.importHistory([{ at: fileTime(files[0] as string), text: readText(files[0] as string) }])
    h.upstream.body = V2
    await a.reload()
    await waitFor('v2 recorded', () => a.history().length === 3)
    const late = member(prefix, await newDir(), 'c')
    await late.ready
    expect(late.history()).toEqual(a.history())
    const first = files[0] as string
    expect(
      late.completionCost({ model: 'deepseek/deepseek-chat', usage: USAGE, at: fileTime(first) }).totalCost,
    ).toBeCloseTo(rawPrice(first, 'deepseek/deepseek-chat'), 15)
  }, 20_000)

  it('a restart keeps the history, and with Redis down prices at a time from its own directory', async () => {
    const { prefix, a, b, dirB } = await pair()
    await a.importHistory([{ at: fileTime(files[4] as string), text: readText(files[4] as string) }])
    await waitFor('the import on B', () => sameHistory(a, b) && b.history().length === 2)
    await b.flushHistory()
    const expected = b.history()
    b.dispose()
    const again = member(prefix, dirB, 'b-again')
    await again.ready
    expect(again.history()).toEqual(expected)
    again.dispose()

    h.redis.pause()
    const offline = member(prefix, dirB, 'b-offline')
    const at = new Date(Date.parse(fileTime(files[4] as string)) + 60_000)
    expect(offline.history()).toEqual(expected)
    expect(offline.at(at).completionCost({ model: 'o3', usage: USAGE }).totalCost).toBeCloseTo(
      rawPrice(files[4] as string, 'o3'),
      15,
    )
    // An import that cannot reach the fleet says so (it is kept here; importing again shares it).
    await expect(
      offline.importHistory([{ at: fileTime(files[5] as string), text: readText(files[5] as string) }]),
    ).rejects.toMatchObject({ code: 'FETCH_FAILED' })
    h.redis.resume()
  }, 20_000)
})

describe('the fleet’s history in Redis', () => {
  it('a Redis restarted without its data gets the history back from the instances', async () => {
    const { prefix, a, b } = await pair()
    await a.importHistory([{ at: fileTime(files[4] as string), text: readText(files[4] as string) }])
    await waitFor('the import on B', () => sameHistory(a, b) && b.history().length === 2)
    const expected = a.history()
    await h.redis.restart()
    await waitFor('the history put back', async () => (await h.redis.client.hlen(`${prefix}history`)) === 2, 10_000)
    const late = member(prefix, await newDir(), 'c')
    await late.ready
    expect(late.history()).toEqual(expected)
    expect(late.at(fileTime(files[4] as string)).sha256).toBe(sha256(readText(files[4] as string)))
  }, 20_000)

  it('the recording instance’s maxAgeDays prunes the fleet’s entries and the maps nothing refers to', async () => {
    const { prefix, a, b } = await pair(30)
    const [old, newer] = [files[0], files[1]] as [string, string]
    await b.importHistory([old, newer].map((f) => ({ at: fileTime(f), text: readText(f) })))
    expect(await h.redis.client.hlen(`${prefix}history`)).toBe(3)
    h.upstream.body = V2
    await a.reload()
    // `old` ended when `newer` began, in 2025: gone with its map; `newer` ended only when V1 began.
    const fields = await h.redis.client.hkeys(`${prefix}history`)
    expect(fields.map((f) => f.slice(-64)).sort()).toEqual([sha256(readText(newer)), sha256(V1), sha256(V2)].sort())
    expect(await h.redis.client.exists(`${prefix}history:map:${sha256(readText(old))}`)).toBe(0)
    expect(await h.redis.client.exists(`${prefix}history:map:${sha256(readText(newer))}`)).toBe(1)
    await waitFor('v2 on A', () => a.history().at(-1)?.sha256 === sha256(V2))
    expect(a.history().map((e) => e.sha256)).not.toContain(sha256(readText(old)))
  }, 20_000)
})

describe('what Redis holds is checked', () => {
  it('a map whose content does not match its sha256 is refused: that time fails, never the map before it', async () => {
    const { prefix, a } = await pair()
    const fake = 'f'.repeat(64)
    const from = new Date(Date.now() - 60_000).toISOString()
    const entry = { sha256: fake, active_from: from, active_until: null, source: 'import', url: null, model_count: 1 }
    await h.redis.client.set(`${prefix}history:map:${fake}`, gzipSync(readText(files[0] as string)))
    await h.redis.client.hset(`${prefix}history`, `${from}|${fake}`, JSON.stringify(entry))
    await h.redis.client.hset(`${prefix}history`, 'not json', '{')
    await h.redis.client.incr(`${prefix}history:rev`)
    await h.redis.client.publish(`${prefix}events`, 'history')
    await waitFor('the forged entry merged', () => a.history().some((e) => e.sha256 === fake))
    expect(() => a.at(Date.parse(from) + 1)).toThrow(expect.objectContaining({ code: 'INTEGRITY_FAILED' }))
  })

  it('an oversized map is not downloaded', async () => {
    const { prefix, a } = await pair()
    const big = 'e'.repeat(64)
    const from = new Date(Date.now() - 60_000).toISOString()
    const entry = { sha256: big, active_from: from, active_until: null, source: 'import', url: null, model_count: 1 }
    await h.redis.client.set(`${prefix}history:map:${big}`, Buffer.alloc(9 * 1024 * 1024))
    await h.redis.client.hset(`${prefix}history`, `${from}|${big}`, JSON.stringify(entry))
    await h.redis.client.incr(`${prefix}history:rev`)
    await h.redis.client.publish(`${prefix}events`, 'history')
    await waitFor('the entry merged', () => a.history().some((e) => e.sha256 === big))
    expect(() => a.at(Date.parse(from) + 1)).toThrow(expect.objectContaining({ code: 'INTEGRITY_FAILED' }))
  })
})
