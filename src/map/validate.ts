/**
 * `validateModelCostMap`: the checks loading applies, with the bundled backup as the shrink and growth reference.
 * @module
 */
import { backupManifest } from './backup'
import { emptyReport } from './build'
import { buildCostMap, buildCostMapText } from './integrity'
import type { BuildOptions, IntegrityOptions, IntegrityReport } from './report'

/**
 * Checks a candidate cost map the way loading does (entry schema, minimum count, shrink and growth against
 * the bundled backup's model count, invalid-entry share, duplicates, suspicious prices) without installing
 * it. Pass the raw JSON text to get the duplicate-key scan too. The backup is the reference unless told
 * otherwise: `referenceCounts` replaces it as the shrink reference (`[]` = no shrink check) and
 * `growthReference` as the growth one (`undefined` = no growth check). Environment variables are the
 * loader's: this function reads none.
 *
 * @example
 * ```ts
 * const report = validateModelCostMap(await readFile('map.json', 'utf8'))
 * report.ok || console.error(report.reason, report.dropped)
 * // A trimmed map of your own: no shrink check.
 * validateModelCostMap(mine, { minModelCount: 1, referenceCounts: [] })
 * ```
 */
export function validateModelCostMap(candidate: unknown, options: IntegrityOptions = {}): IntegrityReport {
  // A JavaScript caller can pass any key: the reload shortcut is the library's own, never a caller's.
  const { previous: _internal, ...own } = options as BuildOptions
  const checks = withBackupReference(own)
  if (typeof candidate === 'string') {
    try {
      return buildCostMapText(candidate, checks).report
    } catch (error) {
      return { ...emptyReport(), reason: (error as Error).message }
    }
  }
  return buildCostMap(candidate, checks).report
}

function withBackupReference(options: IntegrityOptions): IntegrityOptions {
  const shrink = options.referenceCounts === undefined
  const growth = !Object.hasOwn(options, 'growthReference')
  if (!shrink && !growth) return options
  let count: number
  try {
    count = backupManifest().model_count
  } catch {
    // A bundle that left the backup folder behind: nothing to compare with, the other checks still apply.
    return options
  }
  const backup = { name: 'backup', count }
  return {
    ...options,
    ...(shrink ? { referenceCounts: [backup] } : {}),
    ...(growth ? { growthReference: backup } : {}),
  }
}
