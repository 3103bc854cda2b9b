/**
 * What a reload reports: the ReloadResult and LiteLLM's structured sync log line.
 * @module
 */
import type { CostMapDiff } from '../map'
import type { ReloadResult } from './types'

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
  }
}
