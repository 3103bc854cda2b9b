/**
 * load: the entry other folders import from.
 * @module
 */
export { CacheWriter, loadCachedMap } from './disk-cache'
export {
  buildCheckedText,
  buildReported,
  fallbackReason,
  fetchCandidate,
  getModelCostMap,
  type LoadOptions,
  type LoadResult,
  resolveLoadOptions,
  sha256Hex,
} from './loader'
export { DEFAULT_MODEL_COST_MAP_URL, fetchText, type TransportOptions } from './transport'
