/**
 * Types of the store: snapshots, reload results, source info, events and options.
 * @module
 */
import type { Coordinator } from './coordinator'
import type { Deployment } from './deployments.info'
import type { PriceChange, PriceChangeGuard } from './diff'
import type { LoadOptions, LoadResult } from './loader'
import type { CostMapData } from './map'
import type { ScheduleStatus } from './scheduler'
import type { ModelEntry } from './schema'

/**
 * One frozen version of the map. A cost computed during a reload uses the old or the new snapshot, never a mix.
 *
 * @example
 * ```ts
 * const { version, sha256, map } = costs.snapshot
 * ```
 */
export interface Snapshot {
  readonly version: number
  readonly sha256: string
  readonly loaded_at: string
  readonly source: 'remote' | 'local'
  /** The map with registered models applied. */
  readonly map: CostMapData
}

/**
 * The outcome of a reload, as LiteLLM's sync endpoints and logs report it.
 *
 * @example
 * ```ts
 * const r = await costs.reload()
 * if (r.status === 'failed') alert(r.error)
 * ```
 */
export interface ReloadResult {
  status: 'success' | 'unchanged' | 'failed'
  models_count: number
  new_models: string[]
  removed_models: string[]
  pricing_changes: number
  changed_models: string[]
  source: 'remote' | 'local'
  sha256: string
  error: string | null
  timestamp: string
}

/**
 * Where the active map came from (`GET /model/cost_map/source`).
 *
 * @example
 * ```ts
 * costs.source().fallback_reason
 * ```
 */
export interface SourceInfo
  extends Pick<
    LoadResult,
    'source' | 'url' | 'is_env_forced' | 'fallback_reason' | 'model_count' | 'loaded_at' | 'sha256' | 'etag'
  > {
  version: number
  /** Why the last reload failed (the active map was kept), or null. */
  last_error: string | null
}

/**
 * Events of {@link ModelCostMap} (`costs.on(event, listener)`), a closed map: a misspelt event name does not
 * compile. Declared as a type, not an interface, so that it satisfies mitt's `Record<EventType, unknown>`
 * without an index signature that would let any name through.
 *
 * @example
 * ```ts
 * costs.on('change', (r) => log.info(`${r.previous_sha256} -> ${r.sha256}: ${r.pricing_changes} price changes`))
 * costs.on('reload_failed', ({ error, keptVersion }) => alert(`kept version ${keptVersion}: ${error}`))
 * ```
 */
export type ModelCostMapEvents = {
  /** A reload swapped the map: its result, the sha256 it replaced and the price changes. */
  change: ReloadResult & { previous_sha256: string; price_changes: PriceChange[] }
  /** Every reload attempt's result (success, unchanged or failed). */
  reload: ReloadResult
  /** A reload failed and the active map (snapshot `keptVersion`) was kept. */
  reload_failed: { error: string; keptVersion: number }
  /** The schedule was set, cancelled or ran (here or, with a coordinator, anywhere in the fleet). */
  schedule: ScheduleStatus
  /**
   * A deployment added, changed or removed (`deployment: null`) on another instance of the fleet, as that
   * instance shared it (the handler's registry validates it again before applying it).
   */
  deployment: { id: string; deployment: Deployment | null }
}

/**
 * Options of {@link ModelCostMap}: every loading option, plus the store's own.
 *
 * @example
 * ```ts
 * new ModelCostMap({ cacheFile: '/var/cache/costmap.json', scheduleHours: 6, logger: pino() })
 * ```
 */
export interface ModelCostMapOptions
  extends Omit<LoadOptions, 'etag' | 'activeModelCount' | 'activeIsBackup' | 'signal' | 'logger'> {
  /** The remote map. @default env LITELLM_MODEL_COST_MAP_URL, else LiteLLM's upstream URL */
  url?: string
  /** Start loading the remote map in the background at construction. @default true */
  autoLoad?: boolean
  /** Keep the last good remote map here and start from it when it is newer than the bundled backup. */
  cacheFile?: string
  /** Start a reload schedule at construction. */
  scheduleHours?: number
  /** Spread scheduled reloads over up to this fraction of the interval (0..1). @default 0 */
  scheduleJitter?: number
  /**
   * Holds back a map (fetched, from the fleet or from the cache file) whose effective prices moved
   * suspiciously; see {@link PriceChangeGuard}. `false` turns it off.
   * @default `{ maxFactor: Infinity, holdToZero: false, holdFromZero: false, holdVanished: false }`: a model that
   *   would become free
   */
  priceChangeGuard?: PriceChangeGuard | false
  /** Models and custom prices to register at start (see {@link ModelCostMap.registerModel}). */
  models?: Record<string, Partial<ModelEntry>>
  /**
   * Shares one map, one schedule and the deployments added through the routes across a fleet (see
   * `createRedisCoordinator` in `costmap/redis`). With a coordinator, `scheduleHours` only seeds a fleet
   * that has no schedule yet, and a restart applies the fleet's map instead of fetching.
   */
  coordinator?: Coordinator
  /** `info` gets the structured sync log line of each reload; `warn` gets problems. @default none */
  logger?: { info?: (entry: Record<string, unknown>) => void; warn?: (message: string) => void }
}
