/**
 * What validating a map finds and the thresholds it applies: the report, its options, and the built map that
 * carries both.
 * @module
 */
import type { EntryTexts } from './entries'
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
 * @internal What a report holds beside the counts and drops: what the backup script records so that a
 * trusted start reports it too.
 */
export type Findings = Pick<
  IntegrityReport,
  'suspicious_prices' | 'case_collisions' | 'duplicate_keys' | 'duplicate_fields'
>

/**
 * Thresholds for {@link validateModelCostMap}. Environment variables are read by the loader, not here.
 *
 * @example
 * ```ts
 * validateModelCostMap(data, { minModelCount: 50, referenceCounts: [{ name: "active", count: 2600 }], maxShrinkRatio: 0.5 })
 * ```
 */
export interface IntegrityOptions {
  /** Reject a map with fewer models. @default 50 */
  minModelCount?: number
  /** Reject a map smaller than ratio x each reference count. @default 0.5 */
  maxShrinkRatio?: number
  /**
   * Model counts to compare against (the backup, the active map). `validateModelCostMap` uses the bundled
   * backup's when this is absent; `[]` turns the shrink check off.
   */
  referenceCounts?: Array<{ name: string; count: number }>
  /** Reject a map with more than ratio x `growthReference.count` models (abnormal growth). @default 5 */
  maxGrowthRatio?: number
  /**
   * The count abnormal growth is measured against (none: no growth check). `validateModelCostMap` uses the
   * bundled backup's when the property is absent.
   */
  growthReference?: { name: string; count: number }
  /** Reject the map when more than this share of entries is invalid. @default 0.05 */
  maxInvalidRatio?: number
  /** Per-token prices above this are flagged in `suspicious_prices` (not dropped). @default 0.01 */
  priceCeiling?: number
  /** The raw JSON text, for the duplicate-key scan JSON.parse cannot do. */
  text?: string
  /** sha256 of the raw bytes, kept on the map so every price can name the data it came from. */
  sha256?: string
}

/**
 * @internal {@link IntegrityOptions} plus what only the library's own callers pass: kept out of the public
 * type so that a user never sees (or sets) the reload shortcut.
 */
export interface BuildOptions extends IntegrityOptions {
  /**
   * The map this one replaces (a reload): entries written exactly as in its text are taken from it as they
   * are, since validating the same text again would make the same objects and findings (property tests in
   * test/map/entries.test.ts hold the two builds equal). The texts of this map's entries are kept for the
   * next reload.
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
