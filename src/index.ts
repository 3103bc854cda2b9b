/**
 * costmap: LiteLLM's model cost map for Node services. Load it with a bundled backup, validate it,
 * hot-swap it without a restart, and price every LLM call as LiteLLM does.
 *
 * @example
 * ```ts
 * import { ModelCostMap } from 'costmap'
 * const costs = new ModelCostMap({ scheduleHours: 6 })
 * costs.completionCost({ model: 'gpt-4o', usage: response.usage }).totalCost
 * ```
 * @module
 */

export type { Authorize, CostMapRole } from './auth'
export { type BackupManifest, backupManifest, loadBackup } from './backup'
export { completionCost, costPerToken } from './cost'
export type {
  Adjustments,
  CallType,
  CostArgs,
  CostComponent,
  CostResult,
  MarginSpec,
  TokenCosts,
} from './cost.types'
export type { ResolveEnv } from './deployments'
export type { Deployment } from './deployments.info'
export { type CostMapDiff, diffCostMaps, type PriceChange, type PriceChangeGuard, type PriceChangeRules } from './diff'
export { CostMapError, type CostMapErrorCode, isCostMapError } from './errors'
export { type CostMapHandler, type CostMapHandlerOptions, createCostMapHandler } from './handler'
export {
  type DroppedEntry,
  type IntegrityOptions,
  type IntegrityReport,
  validateModelCostMap,
} from './integrity'
export { getModelCostMap, type LoadOptions, type LoadResult } from './loader'
export type { CostMapData } from './map'
export { MODEL_INFO_FIELDS, type ModelInfo, type ModelInfoField, type PricingTier } from './model-info'
export type { RateLimitOptions } from './rate-limit'
export { findModelInfo, getModelInfo } from './resolve'
export type { MapLike } from './resolve.index'
export type { ScheduleStatus } from './scheduler'
export { type FallbackRule, META_KEYS, type ModelEntry } from './schema'
export { toNodeListener } from './serve'
export { ModelCostMap } from './store'
export type {
  ModelCostMapEvents,
  ModelCostMapOptions,
  ReloadResult,
  Snapshot,
  SourceInfo,
} from './store.types'
export { DEFAULT_MODEL_COST_MAP_URL, type TransportOptions } from './transport'
