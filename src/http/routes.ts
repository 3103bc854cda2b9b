/**
 * The cost-map routes: reload, schedule, cancel, schedule status and source, with LiteLLM's messages.
 * @module
 */

import { scrubUrls } from '../_internal'
import { isCostMapError } from '../errors'
import type { HistoryEntry, ModelCostMap } from '../store'
import { checkHours } from '../store'
import { HttpError } from './respond'

const DECIMAL = /^\s*[+-]?(?:\d+(?:\.\d*)?|\.\d+)\s*$/

/**
 * @internal `POST /reload/model_cost_map`. A failed reload keeps the active map and answers 502, as later
 * LiteLLM does; a good one says what changed (`status: 'unchanged'` when nothing did).
 * @example
 * ```ts
 * await reload(costs) // { message: 'Price data reloaded successfully! 2345 models updated.', status: 'success', … }
 * ```
 */
export async function reload(costs: ModelCostMap): Promise<Record<string, unknown>> {
  const result = await costs.reload()
  if (result.status === 'failed') {
    throw new HttpError(
      502,
      `Failed to reload model cost map: ${oneLine(result.error ?? 'unknown error')}. Current pricing data was kept.`,
    )
  }
  return {
    message: `Price data reloaded successfully! ${result.models_count} models updated.`,
    status: result.status,
    models_count: result.models_count,
    timestamp: result.timestamp,
    new_models: result.new_models,
    removed_models: result.removed_models,
    changed_models: result.changed_models,
    pricing_changes: result.pricing_changes,
    price_changes: result.price_changes,
    price_changes_truncated: result.price_changes_truncated,
    sha256: result.sha256,
  }
}

/**
 * @internal `POST /schedule/model_cost_map_reload?hours=N`: a plain decimal number of hours, at least a
 * minute and at most a year; anything else is a 400 and leaves the current schedule as it was.
 * @example
 * ```ts
 * schedule(costs, new URL('http://x/schedule/model_cost_map_reload?hours=6')).interval_hours // 6
 * ```
 */
export function schedule(costs: ModelCostMap, url: URL): Record<string, unknown> {
  const values = url.searchParams.getAll('hours')
  if (values.length === 0) throw new HttpError(400, 'Missing required query parameter: hours')
  if (values.length > 1) throw new HttpError(400, 'Pass the hours query parameter once')
  const raw = values[0] as string
  if (!DECIMAL.test(raw))
    throw new HttpError(400, `Hours must be a number of hours such as 6 or 0.5, got ${quote(raw)}`)
  let hours: number
  try {
    hours = checkHours(raw)
  } catch (error) {
    if (isCostMapError(error)) throw new HttpError(400, error.message)
    throw error
  }
  const status = costs.schedule(hours)
  return {
    message: `Model cost map reload scheduled for every ${hours} hours`,
    status: 'success',
    interval_hours: status.interval_hours,
    timestamp: new Date().toISOString(),
  }
}

/**
 * @internal `DELETE /schedule/model_cost_map_reload`: idempotent, 200 when nothing was scheduled too.
 * @example
 * ```ts
 * cancel(costs).message // 'Model cost map reload schedule cancelled'
 * ```
 */
export function cancel(costs: ModelCostMap): Record<string, unknown> {
  costs.cancelSchedule()
  return { message: 'Model cost map reload schedule cancelled', status: 'success', timestamp: new Date().toISOString() }
}

/**
 * @internal `GET /schedule/model_cost_map_reload/status`: LiteLLM's four fields, then the sync counts.
 * @example
 * ```ts
 * scheduleStatus(costs).success_count
 * ```
 */
export function scheduleStatus(costs: ModelCostMap): Record<string, unknown> {
  const { counts } = costs.syncs()
  return {
    ...costs.scheduleStatus(),
    ...costs.lastSyncs(),
    success_count: counts.success + counts.unchanged,
    failure_count: counts.failed,
    model_count: Object.keys(costs.snapshot.map).length,
  }
}

/**
 * @internal `GET /model/cost_map/source`: LiteLLM's fields, then `version` and `last_error`, and in a fleet
 * `coordination` (this instance's view of the coordinator).
 * @example
 * ```ts
 * source(costs).sha256
 * ```
 */
export function source(costs: ModelCostMap): Record<string, unknown> {
  const s = costs.source()
  // Errors are scrubbed where the store records them; the configured URL and the fleet's view are not.
  const coordination = s.coordination && { ...s.coordination, last_error: scrubUrls(s.coordination.last_error) }
  return {
    source: s.source,
    url: scrubUrls(s.url),
    is_env_forced: s.is_env_forced,
    fallback_reason: s.fallback_reason,
    model_count: s.model_count,
    loaded_at: s.loaded_at,
    sha256: s.sha256,
    etag: s.etag,
    version: s.version,
    last_error: s.last_error,
    ...(coordination ? { coordination } : {}),
  }
}

/**
 * @internal `GET /model/cost_map/history`: every map that was active, oldest first (`[]` without a history).
 * @example
 * ```ts
 * history(costs).data.at(-1)?.active_until // null
 * ```
 */
export function history(costs: ModelCostMap): { data: HistoryEntry[] } {
  return { data: costs.history().map((entry) => ({ ...entry, url: scrubUrls(entry.url) })) }
}

function quote(raw: string): string {
  return JSON.stringify(raw.length > 40 ? `${raw.slice(0, 40)}…` : raw)
}

/** Keeps an upstream error to one bounded line: never an echoed page. */
function oneLine(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim()
  return line.length > 300 ? `${line.slice(0, 300)}…` : line
}
