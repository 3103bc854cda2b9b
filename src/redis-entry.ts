/**
 * `costmap/redis`: one cost map for a fleet through Redis (needs the optional peer `ioredis`).
 *
 * @example
 * ```ts
 * import { ModelCostMap } from 'costmap'
 * import { createRedisCoordinator } from 'costmap/redis'
 * const costs = new ModelCostMap({ coordinator: createRedisCoordinator({ url: process.env.REDIS_URL }) })
 * ```
 * @module
 */
// The fleet's types live here, not in the core: `CoordinatorHost` and `FetchedMap` are the store's internals.

// Every subpath re-exports the core: that keeps the shared code in one chunk, so `import 'costmap'` loads two
// files instead of nine (a third of its cold start), and one import line serves both.
export * from './index'
export { createRedisCoordinator, type RedisCoordinatorOptions } from './redis'
export type { CoordinationStatus, Coordinator, FleetRecord, ReloadMode } from './store'
