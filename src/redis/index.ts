/**
 * The Redis fleet coordinator: one fetch per fleet through a fenced lease, the shared map, schedule and
 * deployments. Other folders import this folder through this file only.
 * @module
 */
export { createRedisCoordinator, type RedisCoordinatorOptions } from './coordinator'
