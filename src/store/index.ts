/**
 * `ModelCostMap`: snapshots and their swap, reloads through one gate, the schedule, registered models,
 * events, and the coordinator seam a fleet implements. Other folders import this folder through this file only.
 * @module
 */

export { scrubUrls } from './notify'
export { checkHours, retryDelay, type ScheduleStatus, setLongTimeout } from './scheduler'
export { ModelCostMap } from './store'
export type {
  CoordinationStatus,
  Coordinator,
  CoordinatorHost,
  Deployment,
  FetchedMap,
  FleetRecord,
  ModelCostMapEvents,
  ModelCostMapOptions,
  NotifyEvent,
  NotifyOptions,
  Readiness,
  ReloadMode,
  ReloadResult,
  Snapshot,
  SourceInfo,
  SyncFailureReason,
  SyncRecord,
  SyncSummary,
  SyncTrigger,
} from './types'
