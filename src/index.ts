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

export type {
  Adjustments,
  CallType,
  CostArgs,
  CostComponent,
  CostResult,
  MarginSpec,
  TokenCosts,
  UsageFormat,
} from './cost'
export { completionCost, costPerToken } from './cost'
export { CostMapError, type CostMapErrorCode, isCostMapError } from './errors'
export type { Authorize, CostMapRole, RateLimitOptions, ResolveEnv } from './http'
export { type CostMapHandler, type CostMapHandlerOptions, createCostMapHandler, toNodeListener } from './http'
export {
  DEFAULT_MODEL_COST_MAP_URL,
  getModelCostMap,
  type LoadOptions,
  type LoadResult,
  type TransportOptions,
} from './load'
export type { CostMapData } from './map'
export {
  type BackupManifest,
  backupManifest,
  type CostMapDiff,
  type DroppedEntry,
  diffCostMaps,
  type FallbackRule,
  type IntegrityOptions,
  type IntegrityReport,
  loadBackup,
  META_KEYS,
  type ModelEntry,
  type PriceChange,
  type PriceChangeGuard,
  type PriceChangeRules,
  validateModelCostMap,
} from './map'
export type { MapLike } from './resolve'
export {
  findModelInfo,
  getModelInfo,
  MODEL_INFO_FIELDS,
  type ModelInfo,
  type ModelInfoField,
  type PricingTier,
} from './resolve'
export type {
  Deployment,
  HistoryEntry,
  HistoryOptions,
  ModelCostMapEvents,
  ModelCostMapOptions,
  NotifyEvent,
  NotifyOptions,
  PriceView,
  Readiness,
  ReloadResult,
  RepricedRecord,
  RepriceOptions,
  ScheduleStatus,
  Snapshot,
  SourceInfo,
  SyncFailureReason,
  SyncRecord,
  SyncSummary,
  SyncTrigger,
  TimeInput,
} from './store'
export { ModelCostMap, repriceRecords } from './store'
