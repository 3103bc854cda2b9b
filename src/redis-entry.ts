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
export type { CoordinationStatus, Coordinator } from './coordinator'
export { createRedisCoordinator, type RedisCoordinatorOptions } from './redis'
