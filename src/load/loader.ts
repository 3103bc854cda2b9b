/**
 * `getModelCostMap`: LiteLLM's loading rules (env switches, integrity checks, fallback to the bundled
 * backup), plus a deadline, a size cap, retries, ETags and proxies.
 * @module
 */

import { CostMapError, errorText } from '../errors'
import type { CostMapData } from '../map'
import {
  type BuildOptions,
  type BuiltMap,
  backupManifest,
  buildCostMap,
  buildCostMapText,
  type IntegrityReport,
  localBackup,
} from '../map'
import { DEFAULT_MODEL_COST_MAP_URL, fetchText, type TransportOptions, withoutCredentials } from './transport'

/**
 * Options for {@link getModelCostMap}. Options win over environment variables.
 *
 * @example
 * ```ts
 * await getModelCostMap(undefined, { local: false, minModelCount: 100, timeoutMs: 8000 })
 * ```
 */
export interface LoadOptions extends TransportOptions {
  /**
   * The map's URL (http, https, `file:` or an absolute path), when options are the only argument
   * (`getModelCostMap({ url })`); a `url` argument wins. @default env LITELLM_MODEL_COST_MAP_URL, else upstream
   */
  url?: string
  /** Never touch the network; use the backup. @default env LITELLM_LOCAL_MODEL_COST_MAP === 'true' */
  local?: boolean
  /** @default env MODEL_COST_MAP_MIN_MODEL_COUNT, else 50 */
  minModelCount?: number
  /** @default env MODEL_COST_MAP_MAX_SHRINK_RATIO, else 0.5 */
  maxShrinkRatio?: number
  /**
   * Also reject a map smaller than ratio x this count (the map you already serve). The count is trusted up to
   * {@link ACTIVE_REFERENCE_CAP} x the bundled backup's, so one bloated map that went live cannot make every
   * genuine map after it look shrunk.
   */
  activeModelCount?: number
  /**
   * Reject a map with more than this many times the models of the reference (the larger of the bundled
   * backup's count and the trusted active count): a bloated map is treated like a shrunk one.
   * @default env MODEL_COST_MAP_MAX_GROWTH_RATIO, else 5
   */
  maxGrowthRatio?: number
  /** Reject a map when more than this share of its entries is invalid. @default 0.05 */
  maxInvalidRatio?: number
  /** Flag per-token prices above this. @default 0.01 */
  priceCeiling?: number
  /** A backup to use instead of the bundled one: raw JSON text or a parsed object. */
  backup?: string | Record<string, unknown>
  /** Where `warn` lines go when the remote map is not used. @default none */
  logger?: { warn?: (message: string) => void }
}

/**
 * @internal {@link LoadOptions} plus what only the store passes on a reload: kept out of the public type so
 * that a user never sees (or sets) them.
 */
export interface ReloadLoadOptions extends LoadOptions {
  /**
   * The active map is the backup itself: with a backup of your own (often a trimmed map), its count is no
   * reference for growth.
   */
  activeIsBackup?: boolean
  /** The active map: entries written exactly as there are not checked again. */
  previous?: BuiltMap
}

/**
 * The outcome of a load. Field names are LiteLLM's (`/model/cost_map/source` returns them as they are).
 *
 * @example
 * ```ts
 * const { map, source, fallback_reason } = await getModelCostMap()
 * ```
 */
export interface LoadResult {
  map: CostMapData
  source: 'remote' | 'local'
  url: string | null
  is_env_forced: boolean
  fallback_reason: string | null
  model_count: number
  loaded_at: string
  sha256: string
  etag: string | null
  dropped: Array<{ key: string; reason: string }>
  /** The integrity report of the map that was used. */
  report: IntegrityReport
}

/** @internal Options resolved against the environment. */
export interface ResolvedLoadOptions extends ReloadLoadOptions {
  url: string
  local: boolean
  minModelCount: number
  maxShrinkRatio: number
  maxGrowthRatio: number
  timeoutMs: number
}

/**
 * The active map's count is a shrink and growth reference only up to this many times the bundled backup's
 * count. Upstream grew about 1.25x in its busiest month (2025-12 -> 2026-01) and shrinks rarely, so a live
 * map beyond 1.5x the backup is more likely bloated than genuine; capping it keeps a genuine map of the
 * backup's size (or three quarters of it) admissible after a bloated one.
 */
export const ACTIVE_REFERENCE_CAP = 1.5

/** @internal Applies LiteLLM's env variables; explicit options win. */
export function resolveLoadOptions(url: string | undefined, options: ReloadLoadOptions = {}): ResolvedLoadOptions {
  const env = options.env ?? (typeof process === 'undefined' ? {} : process.env)
  return {
    ...options,
    url: url ?? options.url ?? env.LITELLM_MODEL_COST_MAP_URL ?? DEFAULT_MODEL_COST_MAP_URL,
    local: options.local ?? env.LITELLM_LOCAL_MODEL_COST_MAP?.toLowerCase() === 'true',
    minModelCount: options.minModelCount ?? envNumber(env.MODEL_COST_MAP_MIN_MODEL_COUNT, 50),
    maxShrinkRatio: options.maxShrinkRatio ?? envNumber(env.MODEL_COST_MAP_MAX_SHRINK_RATIO, 0.5),
    maxGrowthRatio: options.maxGrowthRatio ?? envNumber(env.MODEL_COST_MAP_MAX_GROWTH_RATIO, 5),
    timeoutMs: options.timeoutMs ?? envNumber(env.COSTMAP_TIMEOUT_MS, 5000),
  }
}

function envNumber(value: string | undefined, fallback: number): number {
  const n = value === undefined || value.trim() === '' ? Number.NaN : Number(value)
  return Number.isFinite(n) && n >= 0 ? n : fallback
}

/**
 * Loads LiteLLM's model cost map: the remote file when it can be fetched and passes the integrity
 * checks, the bundled backup otherwise (with the reason). Never throws for a remote failure.
 *
 * @param url - defaults to `options.url`, env `LITELLM_MODEL_COST_MAP_URL`, then
 *   {@link DEFAULT_MODEL_COST_MAP_URL}; a `file:` URL or absolute path works for air-gapped sites. The
 *   options object may also come first: `getModelCostMap({ url, timeoutMs })`.
 * @throws {CostMapError} `INVALID_ARGUMENT` for a URL that is not a non-empty string (a `URL` object, a
 *   number…) or options that are not an object: a mistake in the call is not a reason to fall back;
 *   `INTEGRITY_FAILED` only if the backup itself is unusable.
 * @example
 * ```ts
 * const result = await getModelCostMap()
 * if (result.source === 'local') log.warn(result.fallback_reason)
 * await getModelCostMap({ url: 'https://example.com/prices.json', timeoutMs: 8000 })
 * ```
 */
export async function getModelCostMap(url?: string, options?: LoadOptions): Promise<LoadResult>
export async function getModelCostMap(options: LoadOptions): Promise<LoadResult>
export async function getModelCostMap(
  first?: string | LoadOptions | null,
  second: LoadOptions = {},
): Promise<LoadResult> {
  const [url, options] = loadArguments(first, second)
  // A JavaScript caller can pass any key: the store's reload options are never a caller's.
  const { previous: _previous, activeIsBackup: _activeIsBackup, ...own } = options as ReloadLoadOptions
  const resolved = resolveLoadOptions(url, own)
  const loadedAt = new Date().toISOString()
  if (resolved.local) return fromBackup(resolved, loadedAt, null, true, null)
  try {
    const fetched = await fetchRemote(resolved)
    return { ...fetched, loaded_at: loadedAt }
  } catch (error) {
    const reason = fallbackReason(error)
    // The credentials of a `user:pass@` URL are sent, never shown: not in the log line, not in the result.
    const shown = withoutCredentials(resolved.url)
    resolved.logger?.warn?.(`[costmap] could not use ${shown}: ${reason}. Falling back to the local backup.`)
    return fromBackup(resolved, loadedAt, shown, false, reason)
  }
}

/** The two call shapes, checked: `(url?, options?)` and `(options)`. `null` stands for "not given". */
function loadArguments(first: unknown, second: unknown): [string | undefined, LoadOptions] {
  if (second === null || typeof second !== 'object' || Array.isArray(second))
    throw new CostMapError(
      'INVALID_ARGUMENT',
      `[costmap] getModelCostMap options must be an object, got ${kind(second)}`,
    )
  const isOptions = typeof first === 'object' && first !== null && !Array.isArray(first) && !(first instanceof URL)
  const options = (isOptions ? { ...second, ...(first as LoadOptions) } : second) as LoadOptions
  const url = isOptions || first === null ? undefined : first
  for (const [name, value] of [
    ['url', url],
    ['options.url', options.url],
  ] as const) {
    if (value !== undefined && (typeof value !== 'string' || value.trim() === '')) {
      const hint = value instanceof URL ? ' (pass url.href)' : ''
      throw new CostMapError(
        'INVALID_ARGUMENT',
        `[costmap] getModelCostMap ${name} must be a non-empty string, got ${kind(value)}${hint}`,
      )
    }
  }
  return [url as string | undefined, options]
}

function kind(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'an array'
  if (value instanceof URL) return 'a URL object'
  if (typeof value === 'string') return JSON.stringify(value)
  if (typeof value === 'function') return 'a function'
  return typeof value === 'object' ? 'an object' : `${typeof value} ${String(value)}`
}

/** @internal LiteLLM's `fallback_reason` text for a failed remote load. */
export function fallbackReason(error: unknown): string {
  return error instanceof CostMapError && error.code === 'INTEGRITY_FAILED'
    ? `Remote data failed integrity validation: ${error.message}`
    : `Remote fetch failed: ${errorText(error)}`
}

/**
 * @internal One remote attempt with integrity checks, no fallback (`getModelCostMap` falls back itself).
 * @throws {CostMapError} any transport code, `INVALID_JSON`, `INTEGRITY_FAILED`, or `NOT_MODIFIED` after a 304
 */
export async function fetchRemote(options: ResolvedLoadOptions): Promise<Omit<LoadResult, 'loaded_at'>> {
  const candidate = await fetchCandidate(options, null, new Map())
  if (candidate.kind !== 'new') {
    throw new CostMapError('NOT_MODIFIED', `${withoutCredentials(options.url)} has not changed (HTTP 304)`, {
      status: 304,
    })
  }
  const url = withoutCredentials(options.url)
  return describe(candidate.built, 'remote', url, false, null, candidate.sha256, candidate.etag)
}

/** @internal What the upstream had for us. */
export type Candidate =
  | { kind: 'not_modified' }
  | { kind: 'same'; etag: string | null }
  | { kind: 'new'; built: BuiltMap; sha256: string; text: string; etag: string | null }

/**
 * @internal Fetches the remote map and passes it through `admit` (the store's gate; by default the integrity
 * checks). A file `admit` refuses is remembered by its sha256 in `rejected`, so the same bad bytes are
 * refused at once on the next tick instead of re-checked.
 * @throws {CostMapError} transport codes, `INVALID_JSON`, `INTEGRITY_FAILED`
 */
export async function fetchCandidate(
  options: ResolvedLoadOptions,
  activeSha: string | null,
  rejected: Map<string, string>,
  admit: (text: string, sha256: string) => BuiltMap = (text, sha256) => buildCheckedText(text, sha256, options),
): Promise<Candidate> {
  const fetched = await fetchText(options.url, options)
  if (fetched.notModified) return { kind: 'not_modified' }
  const sha256 = await sha256Hex(fetched.bytes)
  if (sha256 === activeSha) return { kind: 'same', etag: fetched.etag }
  const known = rejected.get(sha256)
  if (known) throw new CostMapError('INTEGRITY_FAILED', `${known} (this file was rejected before)`)
  try {
    const built = admit(fetched.text, sha256)
    return { kind: 'new', built, sha256, text: fetched.text, etag: fetched.etag }
  } catch (error) {
    rejected.set(sha256, errorText(error))
    throw error
  }
}

/**
 * @internal Validates a parsed map against the thresholds and the backup's (and active map's) count; the
 * report says whether it passed.
 * @example
 * ```ts
 * buildReported(parsed, text, sha256, resolveLoadOptions(url)).report.ok
 * ```
 */
export function buildReported(parsed: unknown, text: string, sha256: string, options: ResolvedLoadOptions): BuiltMap {
  return buildCostMap(parsed, integrityOptions(text, sha256, options))
}

/**
 * @internal Parses and validates a map text like {@link buildReported}, throwing `INTEGRITY_FAILED` when the
 * map is refused. With `options.previous` (a reload), only the entries written differently from the active
 * map are parsed and checked.
 * @throws {CostMapError} `INVALID_JSON`, `INTEGRITY_FAILED`
 */
export function buildCheckedText(text: string, sha256: string, options: ResolvedLoadOptions): BuiltMap {
  const built = buildCostMapText(text, integrityOptions(text, sha256, options))
  if (!built.report.ok) throw new CostMapError('INTEGRITY_FAILED', built.report.reason ?? 'integrity check failed')
  return built
}

function integrityOptions(text: string, sha256: string, options: ResolvedLoadOptions): BuildOptions {
  const backup = options.backup ? 0 : backupManifest().model_count
  const referenceCounts = [{ name: 'backup', count: backup }]
  const active = trustedActiveCount(options.activeModelCount ?? 0, backup)
  if (active) referenceCounts.push({ name: 'active', count: active })
  const growth =
    active > backup && !(backup === 0 && options.activeIsBackup)
      ? { name: 'active', count: active }
      : { name: 'backup', count: backup }
  return {
    text,
    sha256,
    minModelCount: options.minModelCount,
    maxShrinkRatio: options.maxShrinkRatio,
    referenceCounts,
    maxGrowthRatio: options.maxGrowthRatio,
    growthReference: growth,
    previous: options.previous,
    ...(options.maxInvalidRatio === undefined ? {} : { maxInvalidRatio: options.maxInvalidRatio }),
    ...(options.priceCeiling === undefined ? {} : { priceCeiling: options.priceCeiling }),
  }
}

/**
 * @internal The active count as a reference: capped at {@link ACTIVE_REFERENCE_CAP} x the bundled backup's
 * count (uncapped with a backup of your own, whose count says nothing about upstream's).
 */
export function trustedActiveCount(active: number, backup: number): number {
  return backup > 0 ? Math.min(active, Math.floor(backup * ACTIVE_REFERENCE_CAP)) : active
}

async function fromBackup(
  options: ResolvedLoadOptions,
  loadedAt: string,
  url: string | null,
  forced: boolean,
  reason: string | null,
): Promise<LoadResult> {
  const backup = localBackup(options.backup)
  const sha256 = backup.sha256 ?? (await sha256Hex(backup.text ?? ''))
  return { ...describe(backup.built, 'local', url, forced, reason, sha256, null), loaded_at: loadedAt }
}

function describe(
  built: BuiltMap,
  source: 'remote' | 'local',
  url: string | null,
  forced: boolean,
  reason: string | null,
  sha256: string,
  etag: string | null,
): Omit<LoadResult, 'loaded_at'> {
  return {
    map: built.map,
    source,
    url,
    is_env_forced: forced,
    fallback_reason: reason,
    model_count: built.report.model_count,
    sha256,
    etag,
    dropped: built.report.dropped,
    report: built.report,
  }
}

/** @internal sha256 of UTF-8 text (or of its bytes when the caller has them), hex; WebCrypto, so edge runtimes too. */
export async function sha256Hex(input: string | Uint8Array): Promise<string> {
  const bytes = typeof input === 'string' ? new TextEncoder().encode(input) : input
  const digest = await globalThis.crypto.subtle.digest('SHA-256', bytes as BufferSource)
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('')
}
