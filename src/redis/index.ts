/**
 * redis: the entry other folders import from.
 * @module
 */
export { createRedisCoordinator, type RedisCoordinatorOptions } from './coordinator'
