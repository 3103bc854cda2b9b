/**
 * `costmap/redis`: one cost map for a fleet of instances through Redis (ioredis). One instance fetches per
 * reload (a fenced lease decides which), publishes the validated text under its sha256, and every other
 * instance verifies and swaps it; the schedule, a reload revision and added deployments live in Redis too.
 * Pub/sub only carries hints: instances also poll the small `current` record and re-read on reconnect.
 * @module
 */
import { hostname } from 'node:os'
import { Redis, type RedisOptions } from 'ioredis'
import { CostMapError } from '../errors'
import type { Coordinator } from '../store'
import { RedisFleet } from './fleet'
import type { FleetSettings } from './protocol'

/**
 * Options of {@link createRedisCoordinator}.
 *
 * @example
 * ```ts
 * createRedisCoordinator({ url: process.env.REDIS_URL, prefix: 'costmap:{prod}:' })
 * ```
 */
export interface RedisCoordinatorOptions {
  /** @default env COSTMAP_REDIS_URL, else REDIS_URL, else redis://127.0.0.1:6379 */
  url?: string
  /**
   * Your ioredis client: costmap connects two duplicates of it (its host, auth and TLS, with costmap's
   * timeouts and no offline queue), one for commands and one for the subscription, and never closes yours.
   */
  client?: Redis
  /** Key prefix; wrap a part in `{…}` to keep every key in one Redis Cluster slot. @default 'costmap:' */
  prefix?: string
  /** This instance's name in the fleet records. @default hostname-pid-random */
  instanceId?: string
  /** How long a fetch may hold the fleet's lease; a holder paused longer is fenced out. @default 60000 */
  leaseMs?: number
  /** Poll of the `current` record, because pub/sub can drop messages. @default 30000 */
  reconcileMs?: number
  /** Every Redis command fails after this long (Redis down = keep serving the last good map). @default 2000 */
  commandTimeoutMs?: number
  /** At start, fetch (through the lease) only when the fleet's map was checked longer ago than this. @default 600000 */
  freshForMs?: number
}

/**
 * A fleet coordinator on Redis, for `new ModelCostMap({ coordinator })`. Redis unreachable at start: the
 * instance serves its backup or cache file and keeps retrying; Redis down later: it keeps its map.
 *
 * @throws {CostMapError} `INVALID_ARGUMENT` for a non-positive timing option
 * @example
 * ```ts
 * import { ModelCostMap } from 'costmap'
 * import { createRedisCoordinator } from 'costmap/redis'
 * const costs = new ModelCostMap({ coordinator: createRedisCoordinator({ url: 'redis://127.0.0.1:6379' }) })
 * ```
 */
export function createRedisCoordinator(options: RedisCoordinatorOptions = {}): Coordinator {
  const settings: FleetSettings = {
    prefix: options.prefix ?? 'costmap:',
    instanceId: options.instanceId ?? `${hostname()}-${process.pid}-${crypto.randomUUID().slice(0, 8)}`,
    leaseMs: positive('leaseMs', options.leaseMs, 60_000),
    reconcileMs: positive('reconcileMs', options.reconcileMs, 30_000),
    commandTimeoutMs: positive('commandTimeoutMs', options.commandTimeoutMs, 2_000),
    freshForMs: positive('freshForMs', options.freshForMs, 600_000, true),
  }
  const url = options.url ?? process.env.COSTMAP_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379'
  const connection: RedisOptions = {
    lazyConnect: true,
    // Fail fast while Redis is down instead of queueing commands without bound.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: settings.commandTimeoutMs,
    connectTimeout: settings.commandTimeoutMs,
    autoResubscribe: false,
    retryStrategy: (times) => Math.min(100 * 2 ** times, 5_000),
  }
  const connect = () => (options.client ? options.client.duplicate(connection) : new Redis(url, connection))
  return new RedisFleet(connect(), connect(), settings)
}

function positive(name: string, value: number | undefined, fallback: number, zeroOk = false): number {
  if (value === undefined) return fallback
  if (!Number.isFinite(value) || value < 0 || (value === 0 && !zeroOk)) {
    throw new CostMapError('INVALID_ARGUMENT', `[costmap] ${name} must be a positive number of milliseconds`)
  }
  return value
}
