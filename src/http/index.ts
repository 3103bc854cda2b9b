/**
 * The admin and model routes as a web-standard handler (`Request -> Response`): auth, rate limit,
 * deployments, and the node:http bridge the adapters and `costmap serve` use. Other folders import this folder through this file only.
 * @module
 */
export type { Authorize, CostMapRole } from './auth'
export { deploymentSchemas, type ResolveEnv } from './deployments'
export {
  type CostMapHandler,
  type CostMapHandlerOptions,
  createCostMapHandler,
  type MetricsOptions,
  type MetricsRegistry,
  MODEL_BY_ID_PREFIX,
  ROUTE_PATHS,
} from './handler'
export {
  COST_MAP_COUNTERS,
  COST_MAP_GAUGES,
  type CostMapMetrics,
  countSync,
  DURATION_BUCKETS,
  defineCostMapMetrics,
  FLEET_GAUGE,
} from './metrics'
export { answerNode, refuseConnect, toNodeListener, toWebRequest } from './node'
export type { RateLimitOptions } from './rate-limit'
