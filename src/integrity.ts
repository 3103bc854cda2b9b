/**
 * From parsed JSON to a validated, frozen cost map, with LiteLLM's integrity checks and a report.
 * @module
 */
import { CostMapError } from './errors'
import { build, emptyReport, failed } from './integrity.build'
import { scanDuplicates } from './integrity.duplicates'
import { type EntryScan, type EntryTexts, readEntries, scanEntries } from './integrity.entries'
import type { CostMapData } from './map'

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
  /** Reject a map with more than ratio x `growthReference.count` models (abnormal growth). @default 5 */
  maxGrowthRatio?: number
  /** The count abnormal growth is measured against (none: no growth check). */
  growthReference?: { name: string; count: number }
  /** Reject the map when more than this share of entries is invalid. @default 0.05 */
  maxInvalidRatio?: number
  /** Per-token prices above this are flagged in `suspicious_prices` (not dropped). @default 0.01 */
  priceCeiling?: number
  /** The raw JSON text, for the duplicate-key scan JSON.parse cannot do. */
  text?: string
  /** sha256 of the raw bytes, kept on the map so every price can name the data it came from. */
  sha256?: string
  /**
   * @internal The map this one replaces (a reload): entries written exactly as in its text are taken from it
   * as they are, since validating the same text again would make the same objects and findings. The texts
   * of this map's entries are kept for the next reload.
   */
  previous?: BuiltMap
}

/** @internal A validated map plus its report (the map is empty when `report.ok` is false). */
export interface BuiltMap {
  map: CostMapData
  report: IntegrityReport
  /** Each entry's text and the price ceiling, when built from a text: what the next build compares with. */
  texts?: EntryTexts
  ceiling?: number
}

/**
 * @internal Validates `candidate` entry by entry, applies the integrity checks, and builds the frozen
 * map. Never throws for bad data: the report says what is wrong.
 */
export function buildCostMap(candidate: unknown, options: IntegrityOptions = {}): BuiltMap {
  const report = emptyReport()
  if (typeof candidate !== 'object' || candidate === null || Array.isArray(candidate)) {
    const type = candidate === null ? 'null' : Array.isArray(candidate) ? 'array' : typeof candidate
    return failed(report, `expected a JSON object of models at the top level, got ${type}`)
  }
  const source = candidate as Record<string, unknown>
  let scan: EntryScan | null = null
  if (options.text !== undefined) {
    // Entry by entry (a little slower) only for a reload, which keeps the texts for the next one.
    scan = options.previous ? scanEntries(options.text, source, options.previous.texts, report) : null
    if (!scan) scanDuplicates(options.text, source, report)
  }
  return build(source, scan, report, options)
}

/**
 * @internal {@link buildCostMap} of a JSON text. When `options.previous` (the active map) was built from a
 * text too, only the entries written differently are parsed and checked: the others are its objects. Any
 * other case, or a text that is not `{ "key": value, ... }` as expected, parses the whole text.
 * @throws {CostMapError} `INVALID_JSON`
 * @example
 * ```ts
 * const next = buildCostMapText(text, { previous: active }) // entries as in `active` are its objects
 * ```
 */
export function buildCostMapText(text: string, options: IntegrityOptions = {}): BuiltMap {
  const previous = options.previous
  if (previous?.texts && previous.ceiling === (options.priceCeiling ?? 0.01)) {
    const report = emptyReport()
    const read = readEntries(text, previous.texts, previous.map, report)
    if (read) return build(read.source, read.scan, report, options)
  }
  return buildCostMap(parseCostMapText(text), { ...options, text })
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
    try {
      return buildCostMapText(candidate, options).report
    } catch (error) {
      return { ...emptyReport(), reason: (error as Error).message }
    }
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
