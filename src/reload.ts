/**
 * One reload attempt, before anything is swapped: fetch (conditionally), hash, skip what is known, validate.
 * @module
 */
import type { CostMapDiff } from './diff'
import { CostMapError, errorText } from './errors'
import { type BuiltMap, parseCostMapText } from './integrity'
import { buildChecked, type ResolvedLoadOptions, sha256Hex } from './loader'
import type { ReloadResult } from './store.types'
import { fetchText } from './transport'

/** @internal What the upstream had for us. */
export type Candidate =
  | { kind: 'not_modified' }
  | { kind: 'same'; etag: string | null }
  | { kind: 'new'; built: BuiltMap; sha256: string; text: string; etag: string | null }

/**
 * @internal Fetches and validates the remote map. A file that fails validation is remembered by its
 * sha256 in `rejected`, so the same bad bytes are refused at once on the next tick instead of re-checked.
 * @throws {CostMapError} transport codes, `INVALID_JSON`, `INTEGRITY_FAILED`
 */
export async function fetchCandidate(
  options: ResolvedLoadOptions,
  activeSha: string | null,
  rejected: Map<string, string>,
): Promise<Candidate> {
  const fetched = await fetchText(options.url, options)
  if (fetched.notModified) return { kind: 'not_modified' }
  const sha256 = await sha256Hex(fetched.text)
  if (sha256 === activeSha) return { kind: 'same', etag: fetched.etag }
  const known = rejected.get(sha256)
  if (known) throw new CostMapError('INTEGRITY_FAILED', `${known} (this file was rejected before)`)
  try {
    const built = buildChecked(parseCostMapText(fetched.text), fetched.text, sha256, options)
    return { kind: 'new', built, sha256, text: fetched.text, etag: fetched.etag }
  } catch (error) {
    rejected.set(sha256, errorText(error))
    throw error
  }
}

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
