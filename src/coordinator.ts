/**
 * The seam between a {@link ModelCostMap} and a fleet: what a coordinator (such as `costmap/redis`) asks of
 * the store, and what the store asks of it. The store stays the only place that fetches, validates and swaps;
 * the coordinator decides who fetches and carries the result to everyone else.
 * @module
 */
import type { Deployment } from './deployments.info'
import type { BuiltMap } from './integrity'
import type { ScheduleStatus } from './scheduler'
import type { ReloadResult } from './store.types'

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
 * A fleet coordinator: one upstream fetch per fleet, one schedule, shared deployments. See
 * `createRedisCoordinator` in `costmap/redis`.
 *
 * @example
 * ```ts
 * const costs = new ModelCostMap({ coordinator: createRedisCoordinator({ url: 'redis://127.0.0.1:6379' }) })
 * ```
 */
export interface Coordinator {
  /** Connects and applies the fleet's map; resolves once the first attempt settled, never rejects. */
  start(host: CoordinatorHost, options: { scheduleHours?: number }): Promise<void>
  reload(mode: ReloadMode): Promise<ReloadResult>
  /** Sets (`hours`) or cancels (`null`) the fleet's schedule; answers at once, writes in the background. */
  schedule(hours: number | null): ScheduleStatus
  scheduleStatus(): ScheduleStatus
  status(): CoordinationStatus
  /** Shares a deployment added or changed (`value`) or removed (`null`) through the routes. */
  shareDeployment(id: string, value: unknown): Promise<void>
  /** The deployments shared so far (by id). */
  sharedDeployments(): Record<string, unknown>
  close(): Promise<void>
}
