/**
 * Types of the store: snapshots, reload results, source info, events and options.
 * @module
 */

import type { LoadOptions, LoadResult } from '../load'
import type { BuiltMap, CostMapData, ModelEntry, PriceChange, PriceChangeGuard } from '../map'
import type { HistoryOptions, SharedHistoryEntry } from './history'
import type { ScheduleStatus } from './scheduler'

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
  /** The first 100 price fields that moved (the `change` event lists them all), `old -> new` (USD per unit). */
  price_changes: PriceChange[]
  /** True when `price_changes` lists fewer than `pricing_changes`. */
  price_changes_truncated: boolean
  changed_models: string[]
  source: 'remote' | 'local'
  sha256: string
  error: string | null
  timestamp: string
}

/**
 * What started a sync: the first load, `costs.reload()` / the reload route, the schedule, or a map another
 * instance of the fleet published.
 */
export type SyncTrigger = 'startup' | 'manual' | 'schedule' | 'fleet'

/**
 * Why a sync failed, for metrics and alerts: the transport (`fetch`, `http`, `timeout`), the content
 * (`parse`, `integrity`), the price-change guard holding a map back (`price_guard`), or the fleet
 * (`coordinator`).
 */
export type SyncFailureReason = 'fetch' | 'http' | 'timeout' | 'parse' | 'integrity' | 'price_guard' | 'coordinator'

/**
 * One sync attempt (`costs.syncs().data`, `GET /model/cost_map/syncs`).
 *
 * @example
 * ```ts
 * const last = costs.syncs().data[0] // { timestamp, trigger: 'schedule', status: 'unchanged', error: null, … }
 * ```
 */
export interface SyncRecord {
  timestamp: string
  trigger: SyncTrigger
  status: ReloadResult['status']
  error: string | null
  /** Why it failed, null unless `status` is `failed`. */
  reason: SyncFailureReason | null
  duration_ms: number
  /** The active map's sha256 after the attempt. */
  sha256: string
  models_count: number
  new_models: number
  pricing_changes: number
}

/**
 * The sync log as `costs.syncs()` returns it: newest first, with counts over every attempt since start.
 *
 * @example
 * ```ts
 * const { counts, success_rate } = costs.syncs() // { success: 40, unchanged: 200, failed: 2 }, 0.99
 * ```
 */
export interface SyncSummary {
  data: SyncRecord[]
  counts: { success: number; unchanged: number; failed: number }
  /** Attempts that did not fail over all attempts (1 before the first). */
  success_rate: number
}

/**
 * Whether this instance serves a map it should (`GET /health/readiness`): `degraded` when it serves the
 * bundled backup because the remote map failed, or when the last good sync is older than twice the schedule.
 *
 * @example
 * ```ts
 * if (costs.readiness().status === 'degraded') page(costs.readiness().reasons)
 * ```
 */
export interface Readiness {
  status: 'healthy' | 'degraded'
  /** Why it is degraded (empty when healthy). */
  reasons: string[]
  map: {
    source: 'remote' | 'local'
    sha256: string
    model_count: number
    loaded_at: string
    age_seconds: number
    fallback_reason: string | null
  }
  last_success: string | null
  last_failure: string | null
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
  /**
   * Every sync attempt once it settled, as `costs.syncs()` records it, with its result: reloads here and maps
   * adopted from the fleet (what metrics and alerts count).
   */
  sync: { record: SyncRecord; result: ReloadResult }
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
  /**
   * Records every map that becomes active in `dir` (content-addressed, gzip) so `costs.at(time)` prices on
   * the map active then; see {@link HistoryOptions}.
   */
  history?: HistoryOptions
  /**
   * Alerts: POSTs `{ event, text, ...result }` to `url` (a Slack or Teams incoming webhook works as it is)
   * on a map change, a failed reload (once per distinct error) or a map held back by the price-change
   * guard. From configuration only; a failed POST is logged and never affects a reload.
   */
  notify?: NotifyOptions
  /** `info` gets the structured sync log line of each reload; `warn` gets problems. @default none */
  logger?: { info?: (entry: Record<string, unknown>) => void; warn?: (message: string) => void }
}

/**
 * Where and when {@link ModelCostMapOptions.notify} posts.
 *
 * @example
 * ```ts
 * new ModelCostMap({ notify: { url: process.env.SLACK_WEBHOOK_URL, events: ['reload_failed', 'held'] } })
 * ```
 */
export interface NotifyOptions {
  /** An http(s) URL. */
  url: string
  /** @default ['change', 'reload_failed', 'held'] */
  events?: NotifyEvent[]
  /** Extra request headers (an auth token). */
  headers?: Record<string, string>
  /** Per POST. @default 5000 */
  timeoutMs?: number
}

/** `change`: a reload swapped the map; `reload_failed`: a reload failed; `held`: the price-change guard held a map back. */
export type NotifyEvent = 'change' | 'reload_failed' | 'held'

/**
 * A deployment in LiteLLM's `model_list` shape (config file, `/model/new` body): what a fleet shares and
 * the `deployment` event carries; the HTTP layer stores and serves them.
 *
 * @example
 * ```ts
 * const d: Deployment = { model_name: 'gpt-4', litellm_params: { model: 'gpt-4', api_key: 'os.environ/OPENAI_API_KEY' } }
 * ```
 */
export interface Deployment {
  model_name: string
  litellm_params: { model: string; [param: string]: unknown }
  model_info?: { id?: string; [field: string]: unknown }
}

// --- The fleet seam: what a coordinator (such as `costmap/redis`) asks of the store, and what the store asks
// of it. The store stays the only place that fetches, validates and swaps; the coordinator decides who
// fetches and carries the result to everyone else.

/** The fleet's record of the published map (`current` in Redis). */
export interface FleetRecord {
  /** Incremented on every publish. */
  version: number
  sha256: string
  etag: string | null
  url: string | null
  fetched_at: string
  model_count: number
}

/** A map the store fetched and validated but has not applied yet. */
export interface FetchedMap {
  built: BuiltMap
  sha256: string
  text: string
  etag: string | null
  url: string | null
}

/**
 * Why a reload was asked for: a scheduled one only runs when the fleet's schedule says it is due; the one at
 * start does not wait for another instance's fetch.
 */
export type ReloadMode = 'manual' | 'scheduled' | 'start'

/**
 * @internal What the store lends its coordinator.
 * @example
 * ```ts
 * const fetched = await host.fetch(record?.etag ?? null)
 * ```
 */
export interface CoordinatorHost {
  /** sha256 of the active upstream map (before registrations). */
  activeSha(): string
  /** The active map's text when it came from a remote source (to re-seed an emptied fleet store). */
  activeText(): { text: string; etag: string | null; url: string | null; model_count: number } | null
  /** Fetches and validates the upstream map without applying it; `ReloadResult` when there is nothing to apply. */
  fetch(etag: string | null): Promise<FetchedMap | ReloadResult>
  /** Applies a map this instance fetched and validated. */
  apply(fetched: FetchedMap): Promise<ReloadResult>
  /**
   * Verifies a map another instance published (sha256, then the store's one gate: schema, integrity and the
   * price-change guard against this instance's map) and applies it.
   */
  adopt(text: string, record: FleetRecord): Promise<ReloadResult>
  /** A failed ReloadResult that keeps the active map (and says why). */
  fail(error: string): ReloadResult
  /** An `unchanged` ReloadResult for the active map. */
  unchanged(): ReloadResult
  /** The store's own single-flight reload (events, logs), used by the fleet schedule. */
  reload(mode: ReloadMode): Promise<ReloadResult>
  /** Tells listeners about a schedule change made anywhere in the fleet. */
  scheduleChanged(status: ScheduleStatus): void
  /** Tells the deployments registry about a deployment added, changed (`value`) or removed (`null`) elsewhere. */
  deploymentChanged(id: string, value: Deployment | null): void
  warn(message: string): void
  /** This instance's map history (the `history` option), which the coordinator shares with the fleet. */
  history?: HostHistory
}

/**
 * @internal The map history a store lends its coordinator: the fleet's records are merged into it (so
 * `history()` and `at()` stay synchronous and work from what this instance holds while Redis is down).
 * @example
 * ```ts
 * if (host.history && !host.history.has(sha256)) bodies.set(sha256, await redis.getBuffer(key))
 * ```
 */
export interface HostHistory {
  /** False with `history.record: false`: this instance only reads the history. */
  readonly records: boolean
  /** The option's retention, applied to the fleet's history by the instance that records. */
  readonly maxAgeDays: number | undefined
  /** Whether the map of `sha256` is stored here. */
  has(sha256: string): boolean
  /** The stored (gzip) form of a map's text. */
  compress(text: string): Uint8Array
  /** Every entry whose map is stored here, with the map's gzip bytes. */
  shared(): SharedHistoryEntry[]
  /** Adds the fleet's entries (checked here, as Redis content is not trusted) and the maps this one lacks. */
  merge(entries: readonly unknown[], bodies: ReadonlyMap<string, Uint8Array>): Promise<void>
}

/** Coordination facts shown by `source()` and `GET /model/cost_map/source`. */
export interface CoordinationStatus {
  kind: string
  instance_id: string
  connected: boolean
  /** The fleet's published version this instance applied (0 before the first). */
  applied_version: number
  /** Manual reload requests counted fleet-wide. */
  reload_revision: number
  last_error: string | null
}

/**
 * A fleet coordinator: one upstream fetch per fleet, one schedule, shared deployments. Made by
 * `createRedisCoordinator` in `costmap/redis`; the members marked internal are the store's seam and are
 * left out of the published types.
 *
 * @example
 * ```ts
 * const costs = new ModelCostMap({ coordinator: createRedisCoordinator({ url: 'redis://127.0.0.1:6379' }) })
 * ```
 */
export interface Coordinator {
  /** @internal Connects and applies the fleet's map; resolves once the first attempt settled, never rejects. */
  start(host: CoordinatorHost, options: { scheduleHours?: number }): Promise<void>
  /** @internal A reload through the fleet. */
  reload(mode: ReloadMode): Promise<ReloadResult>
  /** @internal Sets (`hours`) or cancels (`null`) the fleet's schedule; answers at once, writes in the background. */
  schedule(hours: number | null): ScheduleStatus
  /** @internal The fleet's schedule. */
  scheduleStatus(): ScheduleStatus
  /** This instance's view of the fleet (`source().coordination`). */
  status(): CoordinationStatus
  /** @internal Shares a deployment added or changed (`value`) or removed (`null`) through the routes. */
  shareDeployment(id: string, value: unknown): Promise<void>
  /** @internal The deployments shared so far (by id). */
  sharedDeployments(): Record<string, unknown>
  /** @internal Adds a sync attempt of this instance to the fleet's sync log (best effort: never throws, never waits). */
  recordSync?(record: SyncRecord): void
  /** @internal The fleet's sync log, newest first, each record with the instance that made it. */
  fleetSyncs?(): Promise<Array<SyncRecord & { instance_id: string }>>
  /**
   * @internal Adds entries (and their maps) to the fleet's history, each once (`importHistory` on one
   * instance). Rejects when the fleet cannot be written.
   */
  shareHistory?(items: readonly SharedHistoryEntry[]): Promise<void>
  /** Closes its connections (the store's `dispose()` does). */
  close(): Promise<void>
}
