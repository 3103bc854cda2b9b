/**
 * `ModelCostMap`: snapshots and their swap, reloads through one gate, the schedule, registered models,
 * events, and the coordinator seam a fleet implements. Other folders import this folder through this file only.
 * @module
 */

export {
  type HistoryEntry,
  type HistoryOptions,
  type ImportResult,
  type PriceView,
  parseTime,
  type SharedHistoryEntry,
  type TimeInput,
  timeFromFileName,
} from './history'
export { type RepricedRecord, type RepriceOptions, repriceRecords } from './reprice'
export { checkHours, retryDelay, type ScheduleStatus, setLongTimeout } from './scheduler'
export { ModelCostMap } from './store'
export type {
  CoordinationStatus,
  Coordinator,
  CoordinatorHost,
  Deployment,
  FetchedMap,
  FleetRecord,
  HostHistory,
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
