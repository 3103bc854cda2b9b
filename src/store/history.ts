/**
 * The map history: every map that became active, when, and its content (one gzip file per sha256, written
 * atomically, with a small JSON index), so a call can be priced on the map that was active at its time.
 * @module
 */
import type * as Fs from 'node:fs'
import type * as Path from 'node:path'
import type * as Zlib from 'node:zlib'
import { builtin, nodeCrypto, scrubUrls, writeFileAtomic } from '../_internal'
import type { CostArgs, CostResult, TokenCosts } from '../cost'
import { completionCost, costPerToken } from '../cost'
import { CostMapError, errorText } from '../errors'
import type { BuiltMap, CostMapData, IntegrityOptions } from '../map'
import { buildCostMapText } from '../map'
import type { ModelInfo } from '../resolve'
import { findModelInfo, getModelInfo } from '../resolve'

// Loaded only by a store with a history: a cold start without one never pays for the file system modules.
const fs = () => builtin<typeof Fs>('node:fs')
const zlib = () => builtin<typeof Zlib>('node:zlib')
const path = () => builtin<typeof Path>('node:path')

/**
 * The `history` option of `ModelCostMap`: where the maps and their index live, and how long to keep them.
 *
 * @example
 * ```ts
 * new ModelCostMap({ history: { dir: '/var/lib/costmap/history', maxAgeDays: 400 } })
 * ```
 */
export interface HistoryOptions {
  dir: string
  /** Forget maps that stopped being active longer ago than this (never the current one). @default keep all */
  maxAgeDays?: number
  /**
   * `false`: read and import only; the maps this store makes active are not recorded (a CLI or a billing job
   * reading a service's history must not add its own boot map to it). @default true
   */
  record?: boolean
}

/**
 * One map's time as the active map (`costs.history()`, `GET /model/cost_map/history`).
 *
 * @example
 * ```ts
 * costs.history().at(-1)?.active_until // null: the current map
 * ```
 */
export interface HistoryEntry {
  sha256: string
  /** ISO 8601 time it became active. */
  active_from: string
  /** ISO 8601 time the next map replaced it; null for the current one. */
  active_until: string | null
  source: 'remote' | 'local' | 'import'
  url: string | null
  model_count: number
}

/**
 * Pricing bound to the map active at one time (`costs.at(time)`).
 *
 * @example
 * ```ts
 * const then = costs.at('2025-07-15T12:00:00Z')
 * then.completionCost({ model: 'o3', usage }).totalCost
 * ```
 */
export interface PriceView {
  readonly sha256: string
  readonly active_from: string
  readonly active_until: string | null
  getModelInfo(model: string, provider?: string): ModelInfo
  findModelInfo(model: string, provider?: string): ModelInfo | undefined
  costPerToken(args: CostArgs): TokenCosts
  completionCost(args: CostArgs): CostResult
}

/**
 * A time `costs.at` and the history accept: a Date, epoch milliseconds, or an ISO 8601 string (a time
 * without a zone is UTC; `2025-06-02T19-06-17`, the history file names' form, too).
 */
export type TimeInput = Date | string | number

/**
 * History maps are history, not candidates to replace the active map: each entry is checked against the
 * schema, but neither the shrink ratio nor today's minimum count applies (a 2025-02 map has 776 models).
 */
const HISTORY_BUILD: IntegrityOptions = { minModelCount: 1, referenceCounts: [] }
const INDEX = 'index.json'
const LRU_SIZE = 4
const DAY_MS = 86_400_000
/** The largest map text a history takes from elsewhere unpacked (the fetch limit's default). */
const MAX_HISTORY_TEXT_BYTES = 32 * 1024 * 1024

/**
 * @internal One history entry and its map's gzip bytes, as a fleet shares them.
 * @example
 * ```ts
 * const [first] = history.shared() // { entry: { sha256, active_from, … }, gzip: Uint8Array }
 * ```
 */
export interface SharedHistoryEntry {
  entry: HistoryEntry
  gzip: Uint8Array
}

/**
 * @internal Epoch milliseconds of a {@link TimeInput}.
 * @throws {CostMapError} `INVALID_ARGUMENT`
 * @example
 * ```ts
 * parseTime('2025-06-02T19-06-17') // Date.UTC(2025, 5, 2, 19, 6, 17)
 * ```
 */
export function parseTime(value: TimeInput): number {
  let ms = Number.NaN
  if (value instanceof Date) ms = value.getTime()
  else if (typeof value === 'number') ms = value
  else if (typeof value === 'string') {
    const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2})[:-](\d{2})(?:[:-](\d{2}(?:\.\d+)?))?)?(Z|[+-]\d{2}:?\d{2})?$/i.exec(
      value.trim(),
    )
    if (m) ms = Date.parse(`${m[1]}T${m[2] ?? '00'}:${m[3] ?? '00'}:${m[4] ?? '00'}${m[5] ?? 'Z'}`)
  }
  // Date's own range: anything past it cannot be a call's time and would throw in toISOString.
  if (!(Math.abs(ms) <= 8.64e15)) {
    throw new CostMapError(
      'INVALID_ARGUMENT',
      `[costmap] not a time: ${JSON.stringify(String(value)).slice(0, 60)} (a Date, epoch ms or ISO 8601)`,
    )
  }
  return ms
}

/**
 * @internal The activation time a history file's name carries (`2025-06-02T19-06-17.json`), or undefined.
 * @example
 * ```ts
 * timeFromFileName('/h/2025-06-02T19:06:17Z.json') // Date.UTC(2025, 5, 2, 19, 6, 17)
 * ```
 */
export function timeFromFileName(file: string): number | undefined {
  const base = path()
    .basename(file)
    .replace(/\.json(\.gz)?$/i, '')
  try {
    return parseTime(base)
  } catch {
    return undefined
  }
}

/**
 * @internal The history of one directory. Reads are synchronous (a price is); writes are queued, atomic,
 * and never block pricing. Identical maps are stored once; the parsed past maps are kept in a small LRU.
 * @example
 * ```ts
 * const history = MapHistory.open({ dir }, console.warn)
 * history.find(Date.parse('2025-07-15T12:00:00Z'))?.sha256
 * ```
 */
export class MapHistory {
  private entries: HistoryEntry[] = []
  /** `active_from` of each entry in epoch ms, for the binary search of every priced record. */
  private starts: number[] = []
  private readonly lru = new Map<string, BuiltMap>()
  private writes: Promise<void> = Promise.resolve()
  private dirReady = false

  private constructor(
    private readonly options: HistoryOptions,
    private readonly warn: (message: string) => void,
  ) {}

  /** Opens `options.dir` (created on the first write), reading its index. A damaged index is set aside. */
  static open(options: HistoryOptions, warn: (message: string) => void): MapHistory {
    if (typeof options?.dir !== 'string' || options.dir === '')
      throw new CostMapError('INVALID_ARGUMENT', '[costmap] history.dir must be a directory path')
    const max = options.maxAgeDays
    if (max !== undefined && !(typeof max === 'number' && max > 0))
      throw new CostMapError('INVALID_ARGUMENT', '[costmap] history.maxAgeDays must be a number greater than 0')
    const history = new MapHistory(options, warn)
    history.setEntries(history.readIndex())
    return history
  }

  /** Every recorded activation, oldest first (copies). */
  list(): HistoryEntry[] {
    return this.entries.map((e) => ({ ...e }))
  }

  /** The entry active at `ms`, or undefined before the first. */
  find(ms: number): HistoryEntry | undefined {
    const starts = this.starts
    let lo = 0
    let hi = starts.length - 1
    let found = -1
    while (lo <= hi) {
      const mid = (lo + hi) >> 1
      if ((starts[mid] as number) <= ms) {
        found = mid
        lo = mid + 1
      } else hi = mid - 1
    }
    return found < 0 ? undefined : this.entries[found]
  }

  /** The latest entry (the current map when a store records into this history). */
  last(): HistoryEntry | undefined {
    return this.entries.at(-1)
  }

  /**
   * Records a map that became active at `at`. The same map as the latest entry records nothing (a restart,
   * a reload that changed nothing). `text` is the map's content; without it, the validated entries are kept.
   */
  record(
    map: { sha256: string; built: BuiltMap; text?: string; source: 'remote' | 'local'; url: string | null },
    at: Date,
  ) {
    if (map.sha256 && this.last()?.sha256 === map.sha256) return
    const text = map.text ?? JSON.stringify(map.built.map)
    const sha256 = map.sha256 || sha256Of(text)
    if (this.last()?.sha256 === sha256) return
    const entry: HistoryEntry = {
      sha256,
      active_from: at.toISOString(),
      active_until: null,
      source: map.source,
      // Kept on disk and shared through Redis: never with the URL's credentials or query token.
      url: scrubUrls(map.url),
      model_count: map.built.report.model_count,
    }
    this.insert(entry)
    this.remember(sha256, map.built)
    this.queue(async () => {
      await this.writeMap(sha256, text)
      await this.commit()
    })
  }

  /**
   * Adds past maps (`at` is when each became active). Each map is validated entry by entry; one that fails
   * is reported and the others are still imported. An entry already there (same time, same map) is skipped.
   *
   * @throws {CostMapError} `INVALID_ARGUMENT` for a bad `at`
   */
  async import(items: Iterable<{ at: TimeInput; text: string; url?: string | null }>): Promise<ImportResult[]> {
    // Every time is checked before anything is written: a bad one fails the whole call, not half of it.
    const timed = [...items].map((item) => ({ ...item, active_from: new Date(parseTime(item.at)).toISOString() }))
    const results: ImportResult[] = []
    for (const item of timed) {
      const active_from = item.active_from
      try {
        const sha256 = sha256Of(item.text)
        if (this.entries.some((e) => e.sha256 === sha256 && e.active_from === active_from)) {
          results.push({ sha256, active_from, status: 'unchanged', error: null })
          continue
        }
        const built = buildMap(item.text, sha256)
        await this.queued(() => this.writeMap(sha256, item.text))
        this.insert({
          sha256,
          active_from,
          active_until: null,
          source: 'import',
          url: scrubUrls(item.url ?? null),
          model_count: built.report.model_count,
        })
        this.remember(sha256, built)
        results.push({ sha256, active_from, status: 'imported', error: null })
      } catch (error) {
        results.push({ sha256: null, active_from, status: 'failed', error: errorText(error) })
      }
    }
    await this.queued(() => this.commit())
    return results
  }

  /**
   * The validated map of `sha256`: from the LRU, else read from its file and checked again.
   * @throws {CostMapError} `INTEGRITY_FAILED` when its file is missing or damaged
   */
  built(sha256: string): BuiltMap {
    const hit = this.lru.get(sha256)
    if (hit) {
      this.lru.delete(sha256)
      this.lru.set(sha256, hit)
      return hit
    }
    let text: string
    try {
      text = zlib()
        .gunzipSync(fs().readFileSync(this.mapFile(sha256)))
        .toString('utf8')
    } catch (error) {
      throw new CostMapError(
        'INTEGRITY_FAILED',
        `[costmap] the history map ${sha256} cannot be read: ${errorText(error)}`,
        {
          cause: error,
        },
      )
    }
    const built = buildMap(text, sha256)
    this.remember(sha256, built)
    return built
  }

  /** Resolves once every queued write landed (or failed and was warned about). */
  flush(): Promise<void> {
    return this.writes
  }

  /** Whether the map of `sha256` is stored here. */
  has(sha256: string): boolean {
    return this.lru.has(sha256) || (/^[0-9a-f]{64}$/.test(sha256) && fs().existsSync(this.mapFile(sha256)))
  }

  /** The stored (gzip) form of a map's text, as its file and a fleet hold it. */
  compress(text: string): Uint8Array {
    return zlib().gzipSync(text)
  }

  /**
   * The entries whose map file is here, each with that file's bytes (what a fleet shares); `only` keeps the
   * entries it accepts.
   */
  shared(only: (entry: HistoryEntry) => boolean = () => true): SharedHistoryEntry[] {
    return this.entries.filter(only).flatMap((entry) => {
      try {
        return [{ entry: { ...entry }, gzip: fs().readFileSync(this.mapFile(entry.sha256)) }]
      } catch {
        return []
      }
    })
  }

  /**
   * Adds a fleet's entries this history lacks, and the maps (`bodies`, gzip by sha256) it does not hold.
   * A body is checked first (size, then its sha256): one that fails is warned about and not stored, so its
   * entry prices nothing (`INTEGRITY_FAILED`) instead of letting the map before it price that time. The same
   * map twice in a row (the fleet's record and this instance's own one of the map it adopted later) is kept
   * once, at the earlier time. Returns how many entries were added.
   */
  async merge(incoming: readonly unknown[], bodies: ReadonlyMap<string, Uint8Array>): Promise<number> {
    for (const [sha256, gzip] of bodies) {
      try {
        const text = gunzipBounded(gzip)
        if (sha256Of(text) !== sha256) throw new Error('its content does not match its sha256')
        await this.queued(() => this.writeMap(sha256, text, gzip))
      } catch (error) {
        this.warn(`the fleet's history map ${sha256} was refused: ${errorText(error)}`)
      }
    }
    const key = (e: HistoryEntry) => `${e.active_from}|${e.sha256}`
    const byKey = new Map(this.entries.map((e) => [key(e), e]))
    let added = 0
    for (const raw of incoming) {
      if (!isEntry(raw)) continue
      const entry = cleanEntry(raw)
      if (byKey.has(key(entry))) continue
      byKey.set(key(entry), entry)
      added++
    }
    if (added === 0) return 0
    const sorted = [...byKey.values()].sort((a, b) => Date.parse(a.active_from) - Date.parse(b.active_from))
    this.setSorted(sorted.filter((e, i) => i === 0 || sorted[i - 1]?.sha256 !== e.sha256))
    await this.queued(() => this.commit())
    return added
  }

  private insert(entry: HistoryEntry): void {
    this.setSorted([...this.entries, entry].sort((a, b) => Date.parse(a.active_from) - Date.parse(b.active_from)))
  }

  /** Closes each entry of a sorted list with the next one's start, then applies the retention. */
  private setSorted(list: HistoryEntry[]): void {
    for (let i = 0; i < list.length; i++) {
      const next = list[i + 1]
      list[i] = { ...(list[i] as HistoryEntry), active_until: next ? next.active_from : null }
    }
    this.setEntries(this.prune(list))
  }

  private setEntries(list: HistoryEntry[]): void {
    this.entries = list
    this.starts = list.map((e) => Date.parse(e.active_from))
  }

  /** Retention: entries that ended more than `maxAgeDays` ago go; the latest one always stays. */
  private prune(list: HistoryEntry[]): HistoryEntry[] {
    const max = this.options.maxAgeDays
    if (max === undefined) return list
    const cutoff = Date.now() - max * DAY_MS
    return list.filter(
      (e, i) => i === list.length - 1 || e.active_until === null || Date.parse(e.active_until) >= cutoff,
    )
  }

  private remember(sha256: string, built: BuiltMap): void {
    this.lru.delete(sha256)
    this.lru.set(sha256, built)
    if (this.lru.size > LRU_SIZE) this.lru.delete(this.lru.keys().next().value as string)
  }

  private mapFile(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) throw new CostMapError('INTEGRITY_FAILED', `[costmap] not a sha256: ${sha256}`)
    return path().join(this.options.dir, `${sha256}.json.gz`)
  }

  private async writeMap(sha256: string, text: string, gzip?: Uint8Array): Promise<void> {
    const file = this.mapFile(sha256)
    await this.ensureDir()
    if (fs().existsSync(file)) return // content-addressed: the same map is stored once
    await writeFileAtomic(file, gzip ?? zlib().gzipSync(text))
  }

  /** Writes the index, then removes the map files no entry refers to any more. */
  private async commit(): Promise<void> {
    await this.ensureDir()
    const entries = this.entries
    await writeFileAtomic(path().join(this.options.dir, INDEX), `${JSON.stringify({ version: 1, entries }, null, 1)}\n`)
    const kept = new Set(entries.map((e) => e.sha256))
    for (const name of await fs().promises.readdir(this.options.dir)) {
      const sha = /^([0-9a-f]{64})\.json\.gz$/.exec(name)?.[1]
      if (sha && !kept.has(sha))
        await fs()
          .promises.unlink(path().join(this.options.dir, name))
          .catch(() => undefined)
    }
  }

  private async ensureDir(): Promise<void> {
    if (this.dirReady) return
    await fs().promises.mkdir(this.options.dir, { recursive: true })
    this.dirReady = true
  }

  private queue(work: () => Promise<void>): void {
    this.writes = this.writes
      .then(work)
      .catch((error) => this.warn(`could not write the map history in ${this.options.dir}: ${errorText(error)}`))
  }

  /** Like `queue`, but the caller gets the error. */
  private queued(work: () => Promise<void>): Promise<void> {
    const run = this.writes.then(work)
    this.writes = run.catch(() => undefined)
    return run
  }

  private readIndex(): HistoryEntry[] {
    const file = path().join(this.options.dir, INDEX)
    let text: string
    try {
      text = fs().readFileSync(file, 'utf8')
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return []
      throw new CostMapError('INVALID_ARGUMENT', `[costmap] cannot read the history index ${file}: ${errorText(error)}`)
    }
    try {
      const parsed = JSON.parse(text) as { entries?: unknown }
      if (!Array.isArray(parsed.entries) || !parsed.entries.every(isEntry)) throw new Error('unexpected shape')
      return parsed.entries
    } catch (error) {
      // Kept beside, not overwritten: the map files are still there to rebuild it from.
      const aside = `${file}.damaged-${Date.now()}`
      fs().renameSync(file, aside)
      this.warn(`the history index ${file} was damaged (${errorText(error)}); moved to ${aside}, starting a new one`)
      return []
    }
  }
}

/**
 * The outcome of importing one map (`costs.importHistory`): `unchanged` when it was there already.
 *
 * @example
 * ```ts
 * const failed = (await costs.importHistory(items)).filter((r) => r.status === 'failed')
 * ```
 */
export interface ImportResult {
  sha256: string | null
  active_from: string
  status: 'imported' | 'unchanged' | 'failed'
  error: string | null
}

/**
 * @internal A frozen view pricing on `snapshot` (the map of `entry` with the registrations applied).
 * @example
 * ```ts
 * makeView(entry, snapshot).completionCost({ model: 'o3', usage })
 * ```
 */
export function makeView(
  entry: HistoryEntry,
  snapshot: { readonly map: CostMapData; readonly sha256: string },
): PriceView {
  return Object.freeze({
    sha256: entry.sha256,
    active_from: entry.active_from,
    active_until: entry.active_until,
    getModelInfo: (model: string, provider?: string) => getModelInfo(snapshot, model, provider),
    findModelInfo: (model: string, provider?: string) => findModelInfo(snapshot, model, provider),
    costPerToken: (args: CostArgs) => costPerToken(snapshot, args),
    completionCost: (args: CostArgs) => completionCost(snapshot, args),
  })
}

/**
 * @internal The error for a time before the first recorded map: never silently the current map.
 * @example
 * ```ts
 * throw noMapAt(Date.parse('2020-01-01'), history.list()[0])
 * ```
 */
export function noMapAt(ms: number, first: HistoryEntry | undefined): CostMapError {
  const when = Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms)
  return new CostMapError(
    'NO_MAP_AT',
    first
      ? `[costmap] no map was recorded at ${when}: the history starts at ${first.active_from}`
      : `[costmap] no map was recorded at ${when}: the history is empty`,
  )
}

function buildMap(text: string, sha256: string): BuiltMap {
  const built = buildCostMapText(text, { ...HISTORY_BUILD, sha256 })
  if (!built.report.ok)
    throw new CostMapError(
      'INTEGRITY_FAILED',
      `[costmap] the map ${sha256.slice(0, 12)} is invalid: ${built.report.reason}`,
    )
  return built
}

/**
 * A map's text from its gzip form, bounded: a body from elsewhere (a fleet's Redis) could be a gzip bomb.
 * @throws {CostMapError} `BODY_TOO_LARGE` over {@link MAX_HISTORY_TEXT_BYTES}
 */
function gunzipBounded(gzip: Uint8Array): string {
  try {
    return zlib().gunzipSync(gzip, { maxOutputLength: MAX_HISTORY_TEXT_BYTES }).toString('utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE')
      throw new CostMapError('BODY_TOO_LARGE', `a history map is over ${MAX_HISTORY_TEXT_BYTES} bytes unpacked`)
    throw error
  }
}

/** A valid entry with only the known fields, its time in one form (the key that tells entries apart). */
function cleanEntry(e: HistoryEntry): HistoryEntry {
  return {
    sha256: e.sha256,
    active_from: new Date(Date.parse(e.active_from)).toISOString(),
    active_until: null,
    source: (['remote', 'local', 'import'] as const).includes(e.source) ? e.source : 'remote',
    url: typeof e.url === 'string' ? e.url : null,
    model_count: e.model_count,
  }
}

function sha256Of(text: string): string {
  return nodeCrypto().createHash('sha256').update(text).digest('hex')
}

function isEntry(value: unknown): value is HistoryEntry {
  const e = value as HistoryEntry
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof e.sha256 === 'string' &&
    /^[0-9a-f]{64}$/.test(e.sha256) &&
    typeof e.active_from === 'string' &&
    Number.isFinite(Date.parse(e.active_from)) &&
    (e.active_until === null || typeof e.active_until === 'string') &&
    Number.isFinite(e.model_count)
  )
}
