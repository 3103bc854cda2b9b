/**
 * What a reload reports: the ReloadResult and LiteLLM's structured sync log line.
 * @module
 */
import type { CostMapDiff } from '../map'
import type { ReloadResult } from './types'

/** How many price changes a ReloadResult lists: a route answer and a webhook stay small. */
export const PRICE_CHANGES_SHOWN = 100

/** @internal A ReloadResult for the map now active. */
export function reloadResult(
  status: ReloadResult['status'],
  error: string | null,
  modelsCount: number,
  active: { source: 'remote' | 'local'; sha256: string },
  diff?: CostMapDiff,
): ReloadResult {
  return {
    status,
    models_count: modelsCount,
    new_models: diff?.new_models ?? [],
    removed_models: diff?.removed_models ?? [],
    pricing_changes: diff?.pricing_changes ?? 0,
    price_changes: diff?.price_changes.slice(0, PRICE_CHANGES_SHOWN) ?? [],
    price_changes_truncated: (diff?.price_changes.length ?? 0) > PRICE_CHANGES_SHOWN,
    changed_models: diff?.changed_models ?? [],
    source: active.source,
    sha256: active.sha256,
    error,
    timestamp: new Date().toISOString(),
  }
}

/** @internal LiteLLM's structured sync log line for one reload. */
export function syncLogLine(result: ReloadResult): Record<string, unknown> {
  return {
    timestamp: result.timestamp,
    action: 'model_cost_map_reload',
    status: result.status,
    models_updated: result.new_models.length + result.changed_models.length + result.removed_models.length,
    new_models: result.new_models,
    pricing_changes: result.pricing_changes,
    error: result.error,
  }
}
