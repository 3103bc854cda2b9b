/**
 * Getting cost maps for the CLI: any URL or file path from the command line, with a progress line on a
 * terminal, the loader's checks, and atomic writes.
 * @module
 */
import { mkdir } from 'node:fs/promises'
import { dirname, resolve } from 'node:path'
import { writeFileAtomic } from '../_internal'
import { CostMapError, errorText } from '../errors'
import { buildReported, fetchText, resolveLoadOptions, sha256Hex, withoutCredentials } from '../load'
import { type BuiltMap, backupManifest, buildCostMap, loadBackupBuilt, parseCostMapText } from '../map'
import { type Output, paint } from './format'

/** @internal A fetched map file, before validation. */
export interface FetchedMap {
  location: string
  text: string
  sha256: string
}

/** @internal A validated map and where it came from. */
export interface LoadedMap {
  location: string
  sha256: string
  built: BuiltMap
}

/**
 * @internal A location as the loader takes it: URLs unchanged, file paths (relative ones too) absolute.
 * @example
 * ```ts
 * mapLocation('./map.json') // '/home/me/map.json'
 * ```
 */
export function mapLocation(spec: string): string {
  return /^(https?|file):/i.test(spec) ? spec : resolve(spec)
}

/**
 * @internal Downloads or reads a map (deadline, size cap, retries and proxies as the loader does). A
 * download that takes a while shows its progress on stderr when stderr is a terminal.
 * @throws {CostMapError} transport codes
 * @example
 * ```ts
 * const { text, sha256 } = await fetchMap('https://…/model_prices_and_context_window.json', out)
 * ```
 */
export async function fetchMap(spec: string, out: Output): Promise<FetchedMap> {
  const location = mapLocation(spec)
  const options = resolveLoadOptions(location, { env: out.env })
  // Printed and put in --json as it is, so without the credentials of a `user:pass@` URL (they are sent only).
  const shown = withoutCredentials(location)
  const progress = out.interactive ? progressLine(shown, out) : undefined
  try {
    const fetched = await fetchText(location, { ...options, onProgress: progress?.update })
    return { location: shown, text: fetched.text, sha256: await sha256Hex(fetched.text) }
  } finally {
    progress?.done()
  }
}

/**
 * @internal Validates with the loader's thresholds (env `MODEL_COST_MAP_MIN_MODEL_COUNT`,
 * `MODEL_COST_MAP_MAX_SHRINK_RATIO`, shrink against the bundled backup). The report says whether it
 * passed, and why not (text that is not JSON included).
 * @example
 * ```ts
 * const built = checkMap(fetched, out.env)
 * if (!built.report.ok) console.error(built.report.reason)
 * ```
 */
export function checkMap(
  fetched: FetchedMap,
  env: Record<string, string | undefined>,
  overrides: CheckOverrides = {},
): BuiltMap {
  let parsed: unknown
  try {
    parsed = parseCostMapText(fetched.text)
  } catch (error) {
    const failed = buildCostMap(undefined)
    failed.report.reason = errorText(error)
    return failed
  }
  const { reference, ...thresholds } = overrides
  const options = resolveLoadOptions(fetched.location, { env, ...thresholds })
  if (reference === undefined) return buildReported(parsed, fetched.text, fetched.sha256, options)
  return buildCostMap(parsed, {
    text: fetched.text,
    sha256: fetched.sha256,
    minModelCount: options.minModelCount,
    maxShrinkRatio: options.maxShrinkRatio,
    maxGrowthRatio: options.maxGrowthRatio,
    referenceCounts: [reference],
    growthReference: reference,
  })
}

/** @internal Command-line thresholds for {@link checkMap}: they win over the environment. */
export interface CheckOverrides {
  minModelCount?: number
  maxShrinkRatio?: number
  /** The map whose count is the shrink and growth reference, instead of the bundled backup. */
  reference?: { name: string; count: number }
}

/**
 * @internal A map to read prices from or compare (`--map`, `--against`, `diff`): any size, entries
 * validated, the bundled backup when `spec` is undefined.
 * @throws {CostMapError} transport codes, `INVALID_JSON`, `INTEGRITY_FAILED`
 * @example
 * ```ts
 * const { built } = await loadMap(values.map, out)
 * ```
 */
export async function loadMap(spec: string | undefined, out: Output): Promise<LoadedMap> {
  if (spec === undefined) {
    return { location: 'the bundled backup', sha256: backupManifest().sha256, built: loadBackupBuilt() }
  }
  const fetched = await fetchMap(spec, out)
  let parsed: unknown
  try {
    parsed = parseCostMapText(fetched.text)
  } catch (error) {
    // With two files (diff), the message must say which one is bad.
    throw new CostMapError('INVALID_JSON', `${fetched.location}: ${errorText(error)}`, { cause: error })
  }
  const built = buildCostMap(parsed, { text: fetched.text, minModelCount: 1 })
  if (!built.report.ok) throw new CostMapError('INTEGRITY_FAILED', `${fetched.location}: ${built.report.reason}`)
  return { location: fetched.location, sha256: fetched.sha256, built }
}

/**
 * @internal {@link writeFileAtomic} with the path made absolute (its folders created) and named in the error.
 * @example
 * ```ts
 * await writeAtomic('map.json', text)
 * ```
 */
export async function writeAtomic(path: string, text: string): Promise<void> {
  const target = resolve(path)
  try {
    await mkdir(dirname(target), { recursive: true })
    await writeFileAtomic(target, text)
  } catch (error) {
    throw new Error(`could not write ${target}: ${(error as Error).message}`, { cause: error })
  }
}

/** Shows nothing for quick downloads; after half a second, one line redrawn at most ten times a second. */
function progressLine(location: string, out: Output) {
  const started = Date.now()
  let drawn = 0
  let shown = false
  const mb = (bytes: number) => (bytes / 1_048_576).toFixed(1)
  return {
    update(received: number, total: number | null) {
      const now = Date.now()
      if (now - started < 500 || now - drawn < 100) return
      drawn = now
      shown = true
      const size = total
        ? `${mb(received)} / ${mb(total)} MB (${Math.floor((received / total) * 100)}%)`
        : `${mb(received)} MB`
      process.stderr.write(`\r\x1b[K${paint(out.errorColor, 'dim', `Downloading ${location}: ${size}`)}`)
    },
    done() {
      if (shown) process.stderr.write('\r\x1b[K')
    },
  }
}
