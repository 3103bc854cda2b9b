/**
 * The entry-by-entry build of a cost map: each entry checked (or taken from the active map when written as
 * there), the integrity thresholds applied, the map frozen, and the report filled in.
 * @module
 */

import type { EntryScan } from './entries'
import { attach, buildMapMeta, caseCollisions, EMPTY_META } from './map'
import type { BuildOptions, BuiltMap, Findings, IntegrityReport } from './report'
import {
  findForbiddenKey,
  formatIssues,
  isCleanEntry,
  META_KEYS,
  type ModelEntry,
  mapSchemas,
  PRICE_KEY,
} from './schema'

const MAX_KEY_LENGTH = 512
const MAX_MODELS = 200_000

/** @internal A report with nothing found yet. */
export function emptyReport(): IntegrityReport {
  return {
    ok: false,
    reason: null,
    model_count: 0,
    dropped: [],
    duplicate_keys: [],
    duplicate_fields: [],
    case_collisions: [],
    suspicious_prices: [],
  }
}

/** @internal A refused map: empty, with `reason` set. */
export function failed(report: IntegrityReport, reason: string): BuiltMap {
  report.reason = reason
  return { map: attach(Object.create(null), EMPTY_META), report }
}

/**
 * @internal Checks the entries of `source` (walked in its own order) and builds the map. Entries that `scan`
 * found written as in `options.previous` are its objects.
 */
export function build(
  source: Record<string, unknown>,
  scan: EntryScan | null,
  report: IntegrityReport,
  options: BuildOptions,
): BuiltMap {
  const map = Object.create(null) as Record<string, ModelEntry>
  const fail = (reason: string) => failed(report, reason)
  const previous = options.previous
  const ceiling = options.priceCeiling ?? 0.01
  // Entries written exactly as in the active map: its objects, frozen and checked with the same ceiling.
  const reused = scan && previous?.ceiling === ceiling ? previous : undefined
  const unchanged = reused && scan?.unchanged
  const findings = reused && findingsByKey(reused.report.suspicious_prices)
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
    const same = unchanged?.has(key) ? (reused?.map[key] as ModelEntry | undefined) : undefined
    if (same) {
      map[key] = same
      keys.push(key)
      entries.push(same)
      for (const finding of findings?.get(key) ?? []) report.suspicious_prices.push({ ...finding })
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
  report.case_collisions = caseCollisions(keys)
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
  const growth = options.growthReference
  const most = options.maxGrowthRatio ?? 5
  if (growth && growth.count > 0 && count > growth.count * most) {
    return fail(`map grew abnormally (fetched=${count}, ${growth.name}=${growth.count}, threshold=${most}x)`)
  }
  const meta = buildMapMeta(source.fallback_generalizations, map, keys, entries, report, options.sha256 ?? null)
  for (const entry of entries) Object.freeze(entry)
  report.ok = true
  return {
    map: attach(map, meta),
    report,
    ...(scan ? { texts: { keys: scan.keys, texts: scan.texts }, ceiling } : {}),
  }
}

/**
 * @internal The map of a file that was validated, unchanged, when it was written (the bundled backup), with the
 * findings validation reported then: no entry is checked again, and `source`, parsed for this call alone,
 * becomes the map (a null prototype, its meta keys removed). A loop of its own: on a cold start it runs
 * interpreted, once per entry, and every branch the checked path needs would cost there.
 */
export function buildTrusted(source: Record<string, unknown>, findings: Findings, sha256: string | null): BuiltMap {
  const report = emptyReport()
  const rules = source.fallback_generalizations
  Object.setPrototypeOf(source, null)
  for (const key of META_KEYS) delete source[key]
  const map = source as Record<string, ModelEntry>
  // Only the entries with aliases matter to the map's meta.
  const aliased: string[] = []
  const withAliases: ModelEntry[] = []
  let count = 0
  for (const key in map) {
    const entry = Object.freeze(map[key] as ModelEntry)
    count++
    if (entry.aliases !== undefined) {
      aliased.push(key)
      withAliases.push(entry)
    }
  }
  if (count === 0) return failed(report, 'map is empty (no model entries)')
  report.model_count = count
  report.suspicious_prices.push(...findings.suspicious_prices)
  report.case_collisions = findings.case_collisions
  report.duplicate_keys = findings.duplicate_keys
  report.duplicate_fields = findings.duplicate_fields
  const meta = buildMapMeta(rules, map, aliased, withAliases, report, sha256)
  report.ok = true
  return { map: attach(map, meta), report }
}

type Finding = IntegrityReport['suspicious_prices'][number]

function findingsByKey(list: readonly Finding[]): Map<string, Finding[]> {
  const byKey = new Map<string, Finding[]>()
  for (const finding of list) {
    const same = byKey.get(finding.key)
    if (same) same.push(finding)
    else byKey.set(finding.key, [finding])
  }
  return byKey
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
