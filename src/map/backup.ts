/**
 * The bundled backup map: the package's `backup/` folder, read on first use. A file read and `JSON.parse` is
 * the fastest start there is; the same text compiled into a module took three times as long.
 * @module
 */

import { existsSync, readFileSync } from 'node:fs'
import { CostMapError, errorText } from '../errors'
import { buildTrusted } from './build'
import { buildCostMap, parseCostMapText } from './integrity'
import type { CostMapData } from './map'
import type { BuiltMap, Findings, IntegrityReport } from './report'
import { META_KEYS } from './schema'

/**
 * What `npm run backup:update` recorded about the bundled file.
 *
 * @example
 * ```ts
 * backupManifest().model_count // 2668
 * ```
 */
export interface BackupManifest {
  sha256: string
  model_count: number
  bytes: number
  source: string
  generated_at: string
}

/** @internal What `npm run backup:update` also records, so that start-up need not validate the file again. */
export interface ManifestFile extends BackupManifest {
  /** Validation kept every model entry exactly as parsed: none dropped, none coerced. */
  verbatim?: boolean
  /** The prices that validation flagged (the report a full validation would give). */
  suspicious_prices?: IntegrityReport['suspicious_prices']
  /** The keys that differ only by case (idem). */
  case_collisions?: IntegrityReport['case_collisions']
  /** Keys and fields written twice in the text (idem: JSON.parse keeps the last, the report names them). */
  duplicate_keys?: IntegrityReport['duplicate_keys']
  duplicate_fields?: IntegrityReport['duplicate_fields']
}

/**
 * @internal What `npm run backup:update` records about a file it validated (`map` and `report`, built from
 * `parsed`), so that start-up can build the same map and report without checking each entry again: whether
 * validation kept every model entry as parsed (`verbatim`), and every finding the report holds beside the
 * counts. A property test (test/map/backup.test.ts) holds the trusted build equal to the full one.
 *
 * @example
 * ```ts
 * const manifest = { sha256, model_count, ...manifestFindings(parsed, built.map, built.report) }
 * ```
 */
export function manifestFindings(
  parsed: Readonly<Record<string, unknown>>,
  map: CostMapData,
  report: IntegrityReport,
): Findings & { verbatim: boolean } {
  return {
    verbatim: Object.entries(parsed).every(([key, entry]) => META_KEYS.has(key) || map[key] === entry),
    suspicious_prices: report.suspicious_prices,
    case_collisions: report.case_collisions,
    duplicate_keys: report.duplicate_keys,
    duplicate_fields: report.duplicate_fields,
  }
}

/**
 * The package's `backup/` folder. The build's chunks sit in `dist/`, one level below the package root; this
 * file sits two levels below it (`src/map/`) when tests run the sources. Looked up on first use.
 */
let backupDir: URL | undefined
const bundledDir = (): URL =>
  (backupDir ??= new URL(
    existsSync(new URL('../backup/manifest.json', import.meta.url)) ? '../backup/' : '../../backup/',
    import.meta.url,
  ))

/**
 * @throws {CostMapError} `BACKUP_MISSING` when the file is not there: a bundler left the package's `backup/`
 * folder behind (pass `options.backup`, or ship the folder next to the bundle).
 */
function readBundled(name: string): string {
  const url = new URL(name, bundledDir())
  try {
    return readFileSync(url, 'utf8')
  } catch (error) {
    throw new CostMapError(
      'BACKUP_MISSING',
      `[costmap] the bundled backup ${url.pathname} cannot be read: ${errorText(error)}`,
      {
        cause: error,
      },
    )
  }
}

let manifestFile: ManifestFile | undefined
let manifest: BackupManifest | undefined
let built: BuiltMap | undefined

function readManifest(): ManifestFile {
  manifestFile ??= JSON.parse(readBundled('manifest.json')) as ManifestFile
  return manifestFile
}

/**
 * The manifest of the bundled backup (sha256, model count, source, date), without parsing the map.
 *
 * @example
 * ```ts
 * console.log(`backup from ${backupManifest().generated_at}`)
 * ```
 */
export function backupManifest(): BackupManifest {
  if (!manifest) {
    const { sha256, model_count, bytes, source, generated_at } = readManifest()
    manifest = { sha256, model_count, bytes, source, generated_at }
  }
  return manifest
}

/**
 * The bundled backup exactly as it was generated (the LiteLLM JSON text).
 *
 * @throws {CostMapError} `BACKUP_MISSING` when the package's `backup/` folder is not there
 * @example
 * ```ts
 * const raw = JSON.parse(backupText())
 * ```
 */
export function backupText(): string {
  return readBundled('model_prices_and_context_window.json')
}

/**
 * The bundled backup as a validated, frozen map. Synchronous; parsed once, then cached.
 *
 * @throws {CostMapError} `INTEGRITY_FAILED` if the bundled file does not validate (a broken build);
 * `BACKUP_MISSING` if the package's `backup/` folder is not there (a bundle that left it behind)
 * @example
 * ```ts
 * import { loadBackup, getModelInfo } from 'costmap'
 * getModelInfo(loadBackup(), 'gpt-4o').input_cost_per_token
 * ```
 */
export function loadBackup(): CostMapData {
  return loadBackupBuilt().map
}

/** @internal The backup map with its integrity report. */
export function loadBackupBuilt(): BuiltMap {
  if (built) return built
  const text = backupText()
  const file = readManifest()
  // buildVerbatim makes the parsed object the map: validating after all needs a parse of its own.
  const trusted = file.verbatim ? buildVerbatim(parseCostMapText(text) as Record<string, unknown>, file) : null
  const result = trusted ?? buildCostMap(parseCostMapText(text), { sha256: file.sha256, minModelCount: 1 })
  if (!result.report.ok) {
    throw new CostMapError('INTEGRITY_FAILED', `[costmap] the bundled backup is invalid: ${result.report.reason}`)
  }
  built = result
  return result
}

/**
 * @internal What {@link buildCostMap} makes of the bundled file, without checking each entry again (that check
 * is most of a cold start): the backup script ran the same validation when it wrote the file, and recorded
 * that every entry passed unchanged and which prices it flagged. Null (validate after all) when the file does
 * not have the manifest's model count, i.e. the two do not belong together. `parsed` becomes the map (a null
 * prototype, meta keys removed): pass an object parsed for this call alone.
 */
export function buildVerbatim(parsed: Record<string, unknown>, file: ManifestFile): BuiltMap | null {
  const { suspicious_prices, case_collisions, duplicate_keys, duplicate_fields } = file
  // A manifest from before a finding was recorded cannot vouch for it: validate after all.
  if (!suspicious_prices || !case_collisions || !duplicate_keys || !duplicate_fields) return null
  const findings = { suspicious_prices, case_collisions, duplicate_keys, duplicate_fields }
  const built = buildTrusted(parsed, findings, file.sha256)
  return built.report.model_count === file.model_count ? built : null
}

/**
 * @internal The backup a load falls back to: the bundled one, or a caller's (`options.backup`: JSON text
 * or a parsed object), validated. `sha256` is null for a caller's backup until the loader hashes it.
 * @throws {CostMapError} `INTEGRITY_FAILED` when the backup does not validate
 */
export function localBackup(custom?: string | Record<string, unknown>): {
  built: BuiltMap
  sha256: string | null
  text: string | null
} {
  if (custom === undefined) return { built: loadBackupBuilt(), sha256: backupManifest().sha256, text: null }
  const text = typeof custom === 'string' ? custom : JSON.stringify(custom)
  const built = buildCostMap(typeof custom === 'string' ? parseCostMapText(text) : custom, { minModelCount: 1, text })
  if (!built.report.ok)
    throw new CostMapError('INTEGRITY_FAILED', `[costmap] the backup is invalid: ${built.report.reason}`)
  return { built, sha256: null, text }
}
