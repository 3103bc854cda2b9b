/**
 * From parsed JSON to a validated, frozen cost map, with LiteLLM's integrity checks and a report.
 * @module
 */
import { CostMapError } from '../errors'
import { build, emptyReport, failed } from './build'
import { scanDuplicates } from './duplicates'
import { type EntryScan, readEntries, scanEntries } from './entries'
import type { BuildOptions, BuiltMap } from './report'

/**
 * @internal Validates `candidate` entry by entry, applies the integrity checks, and builds the frozen
 * map. Never throws for bad data: the report says what is wrong.
 */
export function buildCostMap(candidate: unknown, options: BuildOptions = {}): BuiltMap {
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
export function buildCostMapText(text: string, options: BuildOptions = {}): BuiltMap {
  const previous = options.previous
  if (previous?.texts && previous.ceiling === (options.priceCeiling ?? 0.01)) {
    const report = emptyReport()
    const read = readEntries(text, previous.texts, previous.map, report)
    if (read) return build(read.source, read.scan, report, options)
  }
  return buildCostMap(parseCostMapText(text), { ...options, text })
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
