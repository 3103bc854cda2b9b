/**
 * http: the entry other folders import from.
 * @module
 */
export type { Authorize, CostMapRole } from './auth'
export { deploymentSchemas, type ResolveEnv } from './deployments'
export { type CostMapHandler, type CostMapHandlerOptions, createCostMapHandler, ROUTE_PATHS } from './handler'
export { answerNode, refuseConnect, toNodeListener, toWebRequest } from './node'
export type { RateLimitOptions } from './rate-limit'
