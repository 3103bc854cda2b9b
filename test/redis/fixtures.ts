/**
 * A fleet of ModelCostMap instances on one real redis-server and one counting upstream server.
 */
import { createHash } from 'node:crypto'
import { afterAll, afterEach, beforeAll } from 'vitest'
import { ModelCostMap, type ModelCostMapOptions } from '../../src'
import { createRedisCoordinator, type RedisCoordinatorOptions } from '../../src/redis/coordinator'
import { MAIN_MAP, readText } from '../support/data'
import { type RedisServer, startRedis } from '../support/redis'
import { type Reply, startServer, type TestServer } from '../support/server'

const MAIN = readText(MAIN_MAP)

/** The real map plus `extra` models: a new upstream version with the same shape. */
export function mapVersion(extra: Record<string, Record<string, unknown>>): string {
  return JSON.stringify({ ...JSON.parse(MAIN), ...extra })
}

export const V1 = MAIN
export const V2 = mapVersion({
  'fleet-model-v2': {
    litellm_provider: 'openai',
    mode: 'chat',
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
  },
})
export const V3 = mapVersion({
  'fleet-model-v3': {
    litellm_provider: 'openai',
    mode: 'chat',
    input_cost_per_token: 3e-6,
    output_cost_per_token: 4e-6,
  },
})

export function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** An upstream whose body can be swapped; answers If-None-Match with 304. */
export interface Upstream {
  server: TestServer
  body: string
  /** Extra reply fields for the next requests (e.g. a delay). */
  next: Partial<Reply>[]
  fetches(): number
}

export async function startUpstream(body = V1): Promise<Upstream> {
  const upstream: Upstream = {
    body,
    next: [],
    server: undefined as unknown as TestServer,
    fetches: () => upstream.server.requests.length,
  }
  upstream.server = await startServer((req) => {
    const etag = `"${sha256(upstream.body).slice(0, 16)}"`
    const extra = upstream.next.shift() ?? {}
    if (req.headers['if-none-match'] === etag) return { status: 304, headers: { etag }, ...extra }
    return { status: 200, headers: { etag, 'content-type': 'application/json' }, body: upstream.body, ...extra }
  })
  return upstream
}

export interface Fleet {
  members: ModelCostMap[]
  prefix: string
  dispose(): void
}

let fleets = 0

export function startFleet(
  size: number,
  redis: RedisServer,
  upstream: Upstream,
  options: Partial<RedisCoordinatorOptions> & Pick<ModelCostMapOptions, 'scheduleHours' | 'priceChangeGuard'> = {},
): Fleet {
  const prefix = options.prefix ?? `test${++fleets}-${process.pid}:`
  const { scheduleHours, priceChangeGuard, ...coordinator } = options
  const members = Array.from(
    { length: size },
    (_, i) =>
      new ModelCostMap({
        url: upstream.server.url,
        scheduleHours,
        priceChangeGuard,
        coordinator: createRedisCoordinator({
          url: redis.url,
          prefix,
          instanceId: `instance-${i + 1}`,
          reconcileMs: 300,
          leaseMs: 5_000,
          commandTimeoutMs: 500,
          ...coordinator,
        }),
      }),
  )
  return {
    members,
    prefix,
    dispose: () => {
      for (const m of members) m.dispose()
    },
  }
}

/** Polls `check` until it returns true; fails after `ms` with `what`. */
export async function waitFor(what: string, check: () => boolean | Promise<boolean>, ms = 2_000): Promise<number> {
  const start = Date.now()
  while (!(await check())) {
    if (Date.now() - start > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
  return Date.now() - start
}

export function shas(fleet: Fleet): string[] {
  return fleet.members.map((m) => m.snapshot.sha256)
}

/** Every member serves `sha` as the remote map (the backup has V1's bytes but is not the fleet's map). */
export const allOn = (fleet: Fleet, sha: string) => () =>
  fleet.members.every((m) => m.snapshot.sha256 === sha && m.snapshot.source === 'remote')

/** Makes the fleet's schedule due in `ms` (as if its interval had passed) and tells every instance. */
export async function comeDue(redis: RedisServer, fleet: Fleet, ms = 200): Promise<void> {
  await redis.client.hset(`${fleet.prefix}schedule`, 'next_run', new Date(Date.now() + ms).toISOString())
  await redis.client.publish(`${fleet.prefix}events`, 'schedule')
}

/** One redis-server for a test file, and the upstream and fleet of each test, closed after it. */
export interface FleetHarness {
  readonly redis: RedisServer
  readonly upstream: Upstream
  /** An upstream serving V1 (closed after the test). */
  serve(): Promise<Upstream>
  /** An upstream and a fleet of `size` on it, not waited for (closed after the test). */
  start(size: number, options?: Parameters<typeof startFleet>[3]): Promise<Fleet>
  /** The same, once every member's `ready` resolved. */
  started(size: number, options?: Parameters<typeof startFleet>[3]): Promise<Fleet>
}

/** Registers the hooks of a {@link FleetHarness} in the calling test file. */
export function useFleetHarness(): FleetHarness {
  let redis: RedisServer | undefined
  let upstream: Upstream | undefined
  let fleet: Fleet | undefined
  beforeAll(async () => {
    redis = await startRedis()
  })
  afterAll(async () => {
    await redis?.close()
  })
  afterEach(async () => {
    redis?.resume()
    fleet?.dispose()
    fleet = undefined
    await upstream?.server.close()
    upstream = undefined
  })
  const harness: FleetHarness = {
    get redis() {
      return redis as RedisServer
    },
    get upstream() {
      return upstream as Upstream
    },
    serve: async () => {
      upstream = await startUpstream(V1)
      return upstream
    },
    start: async (size, options = {}) => {
      fleet = startFleet(size, harness.redis, await harness.serve(), options)
      return fleet
    },
    started: async (size, options = {}) => {
      const started = await harness.start(size, options)
      await Promise.all(started.members.map((m) => m.ready))
      return started
    },
  }
  return harness
}
