/**
 * From parsed JSON to a validated, frozen cost map, with LiteLLM's integrity checks and a report.
 * @module
 */
import { CostMapError } from './errors'
import { scanDuplicates } from './integrity.duplicates'
import { attach, buildMapMeta, type CostMapData, caseCollisions, EMPTY_META } from './map'
import {
  findForbiddenKey,
  formatIssues,
  isCleanEntry,
  META_KEYS,
  type ModelEntry,
  mapSchemas,
  PRICE_KEY,
} from './schema'

/** One entry left out of the map, and why. */
export interface DroppedEntry {
  key: string
  reason: string
}

/**
 * The outcome of validating a candidate map. `ok: false` means it must not replace the active map.
 *
 * @example
 * ```ts
 * const report = validateModelCostMap(JSON.parse(text))
 * if (!report.ok) console.error(report.reason)
 * ```
 */
export interface IntegrityReport {
  ok: boolean
  reason: string | null
  model_count: number
  dropped: DroppedEntry[]
  /** Top-level keys written more than once in the raw text (JSON.parse keeps the last). */
  duplicate_keys: string[]
  /** Entry fields written more than once, as `model.field`. */
  duplicate_fields: string[]
  /** Groups of keys that differ only by case. */
  case_collisions: string[][]
  /** Per-token prices above the ceiling: probably a per-1M price written per token. */
  suspicious_prices: Array<{ key: string; field: string; value: number }>
}

/**
 * Thresholds for {@link validateModelCostMap}. Environment variables are read by the loader, not here.
 *
 * @example
 * ```ts
 * validateModelCostMap(data, { minModelCount: 50, referenceCount: 2600, maxShrinkRatio: 0.5 })
 * ```
 */
export interface IntegrityOptions {
  /** Reject a map with fewer models. @default 50 */
  minModelCount?: number
  /** Reject a map smaller than ratio x each reference count. @default 0.5 */
  maxShrinkRatio?: number
  /** Model counts to compare against (the backup, the active map). */
  referenceCounts?: Array<{ name: string; count: number }>
  /** Reject the map when more than this share of entries is invalid. @default 0.05 */
  maxInvalidRatio?: number
  /** Per-token prices above this are flagged in `suspicious_prices` (not dropped). @default 0.01 */
  priceCeiling?: number
  /** The raw JSON text, for the duplicate-key scan JSON.parse cannot do. */
  text?: string
  /** sha256 of the raw bytes, kept on the map so every price can name the data it came from. */
  sha256?: string
  /**
   * @internal The map was validated, unchanged, when it was written (the bundled backup): entries are taken
   * as they are, and these are the findings that validation reported.
   */
  trusted?: Pick<IntegrityReport, 'suspicious_prices' | 'case_collisions'>
}

const MAX_KEY_LENGTH = 512
const MAX_MODELS = 200_000

/** @internal A validated map plus its report (the map is empty when `report.ok` is false). */
export interface BuiltMap {
  map: CostMapData
  report: IntegrityReport
}

/**
 * @internal Validates `candidate` entry by entry, applies the integrity checks, and builds the frozen
 * map. Never throws for bad data: the report says what is wrong.
 */
export function buildCostMap(candidate: unknown, options: IntegrityOptions = {}): BuiltMap {
  const report: IntegrityReport = {
    ok: false,
    reason: null,
    model_count: 0,
    dropped: [],
    duplicate_keys: [],
    duplicate_fields: [],
    case_collisions: [],
    suspicious_prices: [],
  }
  const map = Object.create(null) as Record<string, ModelEntry>
  const fail = (reason: string): BuiltMap => {
    report.reason = reason
    return { map: attach(Object.create(null), EMPTY_META), report }
  }
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    const type = candidate === null ? 'null' : Array.isArray(candidate) ? 'array' : typeof candidate
    return fail(`expected a JSON object of models at the top level, got ${type}`)
  }
  const source = candidate as Record<string, unknown>
  if (options.text !== undefined) scanDuplicates(options.text, source, report)
  const ceiling = options.priceCeiling ?? 0.01
  const trusted = options.trusted
  const flagged: string[] = []
  // The accepted keys and entries in map order: later passes walk these, not the map (a dictionary-mode object).
  const keys: string[] = []
  const entries: ModelEntry[] = []
  let total = 0
  for (const key in source) {
    if (!Object.hasOwn(source, key) || META_KEYS.has(key)) continue
    total++
    if (total > MAX_MODELS) return fail(`map has more than ${MAX_MODELS} entries`)
    const value = source[key]
    if (trusted) {
      map[key] = value as ModelEntry
      keys.push(key)
      entries.push(value as ModelEntry)
      continue
    }
    const keyProblem = checkKey(key)
    if (keyProblem) {
      report.dropped.push({ key, reason: keyProblem })
      continue
    }
    if (isCleanEntry(value, ceiling, flagged)) {
      map[key] = value as ModelEntry
      keys.push(key)
      entries.push(value as ModelEntry)
      for (const field of flagged)
        report.suspicious_prices.push({ key, field, value: (value as Record<string, number>)[field] as number })
      flagged.length = 0
      continue
    }
    flagged.length = 0
    const forbidden = findForbiddenKey(value)
    if (forbidden) {
      report.dropped.push({ key, reason: `forbidden key ${forbidden}` })
      continue
    }
    const parsed = mapSchemas().ModelEntrySchema.safeParse(value)
    if (parsed.success) {
      map[key] = parsed.data
      keys.push(key)
      entries.push(parsed.data)
      checkPrices(key, parsed.data, ceiling, report)
    } else report.dropped.push({ key, reason: formatIssues(parsed.error.issues) })
  }
  if (trusted) {
    report.suspicious_prices.push(...trusted.suspicious_prices)
    report.case_collisions = trusted.case_collisions
  } else report.case_collisions = caseCollisions(keys)
  const count = total - report.dropped.length
  report.model_count = count
  if (total === 0) return fail('map is empty (no model entries)')
  const invalidRatio = options.maxInvalidRatio ?? 0.05
  if (report.dropped.length > total * invalidRatio) {
    return fail(
      `${report.dropped.length} of ${total} entries failed validation (more than ${Math.round(invalidRatio * 100)}%)`,
    )
  }
  const min = options.minModelCount ?? 50
  if (count < min) return fail(`map has only ${count} models (minimum=${min})`)
  const ratio = options.maxShrinkRatio ?? 0.5
  for (const ref of options.referenceCounts ?? []) {
    if (ref.count > 0 && count < ref.count * ratio) {
      return fail(
        `map shrank significantly (fetched=${count}, ${ref.name}=${ref.count}, threshold=${Math.round(ratio * 100)}%)`,
      )
    }
  }
  const meta = buildMapMeta(source.fallback_generalizations, map, keys, entries, report, options.sha256 ?? null)
  for (const entry of entries) Object.freeze(entry)
  report.ok = true
  return { map: attach(map, meta), report }
}

/**
 * Checks a candidate cost map the way loading does (entry schema, minimum count, shrink ratio,
 * duplicates, suspicious prices) without installing it. Pass the raw JSON text to get the
 * duplicate-key scan too.
 *
 * @example
 * ```ts
 * const report = validateModelCostMap(await readFile('map.json', 'utf8'))
 * report.ok || console.error(report.reason, report.dropped)
 * ```
 */
export function validateModelCostMap(candidate: unknown, options: IntegrityOptions = {}): IntegrityReport {
  if (typeof candidate === 'string') {
    let parsed: unknown
    try {
      parsed = parseCostMapText(candidate)
    } catch (error) {
      return { ...buildCostMap(undefined).report, reason: (error as Error).message }
    }
    return buildCostMap(parsed, { ...options, text: candidate }).report
  }
  return buildCostMap(candidate, options).report
}

/**
 * @internal JSON text -> value, with a distinct reason for each way a download goes wrong.
 * @throws {CostMapError} `INVALID_JSON`
 */
export function parseCostMapText(text: string): unknown {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text
  const start = body.trimStart()
  if (start === '') throw new CostMapError('INVALID_JSON', 'invalid JSON: the body is empty')
  if (start.startsWith('<')) throw new CostMapError('INVALID_JSON', 'invalid JSON: the body is HTML, not the cost map')
  try {
    return JSON.parse(body)
  } catch (error) {
    throw new CostMapError('INVALID_JSON', `invalid JSON (truncated or malformed): ${(error as Error).message}`, {
      cause: error,
    })
  }
}

function checkKey(key: string): string | null {
  if (key === '' || key.trim() === '') return 'empty model key'
  if (key.length > MAX_KEY_LENGTH) return `model key longer than ${MAX_KEY_LENGTH} characters`
  if (hasControl(key)) return 'control characters in the model key'
  if (key === '__proto__' || key === 'constructor' || key === 'prototype') return 'reserved key name'
  return null
}

/** U+0000-U+001F or U+007F: a loop, cheaper than a regex call on the short keys of 2,600 models. */
function hasControl(key: string): boolean {
  for (let i = 0; i < key.length; i++) {
    const c = key.charCodeAt(i)
    if (c < 32 || c === 127) return true
  }
  return false
}

function checkPrices(key: string, entry: Record<string, unknown>, ceiling: number, report: IntegrityReport): void {
  for (const field in entry) {
    const value = entry[field]
    if (typeof value === 'number' && value > ceiling && field.includes('per_token') && PRICE_KEY.test(field)) {
      report.suspicious_prices.push({ key, field, value })
    }
  }
}
