/**
 * The cost map as data: the zod schema of an entry, validation and LiteLLM's integrity checks, duplicate
 * and case scans, rule patterns, the diff and effective-price guard between two maps, and the bundled backup. Other folders import this folder through this file only.
 * @module
 */
export { type BackupManifest, backupManifest, backupText, loadBackup, loadBackupBuilt, localBackup } from './backup'
export {
  type CostMapDiff,
  checkGuard,
  DEFAULT_PRICE_CHANGE_GUARD,
  diffCostMaps,
  type PriceChange,
  type PriceChangeGuard,
  type PriceChangeRules,
} from './diff'
export { buildCostMap, buildCostMapText, parseCostMapText } from './integrity'
export { type CompiledRule, type CostMapData, EMPTY_META, extendMap, isBuiltMap, mapMeta } from './map'
export { MAX_RULE_NAME } from './pattern'
export type { BuildOptions, BuiltMap, DroppedEntry, IntegrityOptions, IntegrityReport } from './report'
export {
  type FallbackRule,
  formatIssues,
  isCleanEntry,
  lazySchemas,
  META_KEYS,
  type ModelEntry,
  mapSchemas,
  PRICE_KEY,
} from './schema'
export { validateModelCostMap } from './validate'
