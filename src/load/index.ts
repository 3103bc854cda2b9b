/**
 * Getting a map: the transport (ofetch, deadline, size cap), `getModelCostMap`'s loading rules and the
 * cache file. Other folders import this folder through this file only.
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
export { DEFAULT_MODEL_COST_MAP_URL, fetchText, type TransportOptions, withoutCredentials } from './transport'
