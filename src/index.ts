/**
 * costmap: LiteLLM's model cost map for Node services. Load it with a bundled backup, validate it,
 * hot-swap it without a restart, and price every LLM call as LiteLLM does.
 *
 * @example
 * ```ts
 * import { getModelCostMap } from 'costmap'
 * const { map, source } = await getModelCostMap()
 * ```
 * @module
 */
export { type BackupManifest, backupManifest, loadBackup } from './backup'
export { CostMapError, type CostMapErrorCode, isCostMapError } from './errors'
export {
  type CostMapData,
  type DroppedEntry,
  type IntegrityOptions,
  type IntegrityReport,
  validateModelCostMap,
} from './integrity'
export { getModelCostMap, type LoadOptions, type LoadResult } from './loader'
export { type FallbackRule, FallbackRuleSchema, META_KEYS, type ModelEntry, ModelEntrySchema } from './schema'
export { DEFAULT_MODEL_COST_MAP_URL, type TransportOptions } from './transport'
