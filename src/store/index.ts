/**
 * store: the entry other folders import from.
 * @module
 */

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
  ReloadMode,
  ReloadResult,
  Snapshot,
  SourceInfo,
} from './types'
