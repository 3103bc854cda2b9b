import { scrubUrls } from '../_internal'
import type { CostArgs, CostResult, TokenCosts } from '../cost'
import { CostMapError, errorText } from '../errors'
import {
  buildCheckedText,
  CacheWriter,
  fallbackReason,
  fetchCandidate,
  loadCachedMap,
  resolveLoadOptions,
  sha256Hex,
  withoutCredentials,
} from '../load'
import type { BuiltMap, CostMapData } from '../map'
import {
  backupManifest,
  backupText,
  type CostMapDiff,
  checkGuard,
  DEFAULT_PRICE_CHANGE_GUARD,
  diffCostMaps,
  localBackup,
} from '../map'
import { SnapshotStore, trackStore } from './base'
import {
  type HistoryEntry,
  type ImportResult,
  MapHistory,
  makeView,
  noMapAt,
  type PriceView,
  parseTime,
  type TimeInput,
} from './history'
import { createNotifier } from './notify'
import { syncLogLine } from './reload'
import { checkHours, Scheduler, type ScheduleStatus } from './scheduler'
import { failureReason, SyncLog, withCounts } from './syncs'
import type {
  CoordinationStatus,
  Coordinator,
  CoordinatorHost,
  FetchedMap,
  FleetRecord,
  HostHistory,
  ModelCostMapOptions,
  Readiness,
  ReloadMode,
  ReloadResult,
  SourceInfo,
  SyncFailureReason,
  SyncSummary,
  SyncTrigger,
} from './types'

const TRIGGERS: Record<ReloadMode, SyncTrigger> = { manual: 'manual', scheduled: 'schedule', start: 'startup' }

/**
 * A hot-swappable LiteLLM cost map with reloads, a schedule, events and bound pricing helpers.
 *
 * @example
 * ```ts
 * const costs = new ModelCostMap({ scheduleHours: 6 })
 * costs.completionCost({ model: 'gpt-4o', usage }).totalCost // priced on the backup until the remote map lands
 * costs.on('change', (r) => log.info(`${r.new_models.length} new models`))
 * ```
 */
export class ModelCostMap extends SnapshotStore {
  /** Resolves once the first remote attempt settled (success or fallback). Never rejects. */
  readonly ready: Promise<void>
  private etag: string | null = null
  private fallbackReason: string | null = null
  private lastError: string | null = null
  private lastFailure: string | null = null
  private readonly forced: boolean
  private readonly rejected = new Map<string, string>()
  private readonly scheduler: Scheduler
  private inflight: Promise<ReloadResult> | null = null
  private readonly coordinator: Coordinator | undefined
  private abort: AbortController | null = null
  private disposed = false
  /** The guard's diff, kept for apply (which needs the same one) so a reload diffs the maps once. */
  private lastDiff: { before: CostMapData; after: CostMapData; diff: CostMapDiff } | null = null
  private readonly release = trackStore((message) => this.warn(message))
  private cacheWriter: CacheWriter | undefined
  private readonly mapHistory: MapHistory | undefined
  /**
   * Views of past maps, valid for one current snapshot, by entry and the registrations left out (those
   * with a later `from`).
   */
  private views = new Map<HistoryEntry | string, PriceView>()
  private viewsFor: object | null = null
  private readonly syncLog = new SyncLog()
  /** Why the attempt now settling failed (set with its `failed` result, read when it is recorded). */
  private failedAs: SyncFailureReason | null = null
  private readonly createdAt = Date.now()

  constructor(options: ModelCostMapOptions = {}) {
    super(options)
    if (options.history) {
      this.mapHistory = MapHistory.open(options.history, (message) => this.warn(message))
      // The bundled backup at boot is recorded only into an empty history: a restart must not put an older
      // map in the middle of the history for the seconds before the remote map lands again. In a fleet it is
      // never recorded: the history is the fleet's maps, and this instance's backup is not one of them.
      if (!this.mapHistory.last() && options.history.record !== false && !options.coordinator) this.recordActive()
    }
    this.forced = resolveLoadOptions(options.url, options).local
    this.scheduler = new Scheduler(
      async () => (await this.reloadAs('scheduled')).status !== 'failed',
      options.scheduleJitter,
    )
    this.coordinator = options.coordinator
    if (options.notify) {
      try {
        createNotifier(this, options.notify, (message) => this.warn(message))
      } catch (error) {
        this.release()
        throw error
      }
    }
    if (options.scheduleHours !== undefined && !this.coordinator) this.schedule(options.scheduleHours)
    this.ready = options.autoLoad === false && !this.coordinator ? Promise.resolve() : this.start()
  }

  /**
   * Fetches the remote map now. Ten concurrent calls make one fetch and share its result. A failure
   * keeps the active map and says why.
   *
   * @example
   * ```ts
   * const { status, new_models } = await costs.reload()
   * ```
   */
  reload(): Promise<ReloadResult> {
    return this.reloadAs('manual')
  }

  /**
   * Reloads every `hours` (fractions allowed, from 1/60 to 8760), replacing any earlier schedule. With a
   * coordinator, the schedule is the fleet's: set on one instance, it runs once per interval for all.
   *
   * @throws {CostMapError} `INVALID_SCHEDULE`
   * @example
   * ```ts
   * costs.schedule(6).next_run
   * ```
   */
  schedule(hours: number): ScheduleStatus {
    if (this.coordinator) return this.emitSchedule(this.coordinator.schedule(checkHours(hours)))
    this.scheduler.start(hours)
    return this.emitSchedule(this.scheduler.status())
  }

  /** Stops the schedule (idempotent). @example `costs.cancelSchedule().scheduled // false` */
  cancelSchedule(): ScheduleStatus {
    if (this.coordinator) return this.emitSchedule(this.coordinator.schedule(null))
    this.scheduler.cancel()
    return this.emitSchedule(this.scheduler.status())
  }

  /** `{ scheduled, interval_hours, last_run, next_run }`. @example `costs.scheduleStatus().next_run` */
  scheduleStatus(): ScheduleStatus {
    return this.coordinator ? this.coordinator.scheduleStatus() : this.scheduler.status()
  }

  /** Where the active map came from. @example `costs.source().sha256` */
  source(): SourceInfo & { coordination?: CoordinationStatus } {
    const info: SourceInfo = {
      source: this.base.source,
      url: this.base.url,
      is_env_forced: this.forced,
      fallback_reason: this.fallbackReason,
      model_count: Object.keys(this.current.map).length,
      loaded_at: this.base.loadedAt,
      sha256: this.base.sha256,
      etag: this.etag,
      version: this.current.version,
      last_error: this.lastError,
    }
    return this.coordinator ? { ...info, coordination: this.coordinator.status() } : info
  }

  /**
   * The last 100 sync attempts (newest first) and the counts of every attempt since start.
   *
   * @example
   * ```ts
   * const { counts, success_rate, data } = costs.syncs()
   * ```
   */
  syncs(): SyncSummary {
    return this.syncLog.summary()
  }

  /**
   * The fleet's sync log: the last 100 attempts of every instance (newest first, each with its
   * `instance_id`), counted over those; without a coordinator, {@link syncs}.
   *
   * @throws {CostMapError} `FETCH_FAILED` when the coordinator cannot be read (Redis down)
   * @example
   * ```ts
   * const { data } = await costs.fleetSyncs() // data[0].instance_id
   * ```
   */
  async fleetSyncs(): Promise<SyncSummary> {
    if (!this.coordinator?.fleetSyncs) return this.syncs()
    try {
      return withCounts(await this.coordinator.fleetSyncs())
    } catch (error) {
      throw new CostMapError('FETCH_FAILED', `[costmap] could not read the fleet's sync log: ${errorText(error)}`, {
        cause: error,
      })
    }
  }

  /** When the last sync that did not fail and the last failed one settled (ISO strings or null). @example `costs.lastSyncs().last_failure` */
  lastSyncs(): { last_success: string | null; last_failure: string | null } {
    return { last_success: this.syncLog.lastSuccess, last_failure: this.syncLog.lastFailure }
  }

  /**
   * Whether this instance serves the map it should: `degraded` while it serves a local map (the bundled
   * backup or the cache file) because the last fetch failed, or when the last good sync is older than twice
   * the schedule's interval.
   *
   * @example
   * ```ts
   * costs.readiness().status // 'healthy'
   * ```
   */
  readiness(now = Date.now()): Readiness {
    const reasons: string[] = []
    if (this.base.source === 'local' && !this.forced && this.lastError !== null) {
      reasons.push(`serving a local map because the last sync failed: ${this.lastError}`)
    }
    const hours = this.scheduleStatus().interval_hours
    const lastGood = this.syncLog.lastSuccess === null ? this.createdAt : Date.parse(this.syncLog.lastSuccess)
    if (hours !== null && now - lastGood > 2 * hours * 3_600_000) {
      reasons.push(`no successful sync for over twice the schedule's ${hours} h`)
    }
    return {
      status: reasons.length ? 'degraded' : 'healthy',
      reasons,
      map: {
        source: this.base.source,
        sha256: this.base.sha256,
        model_count: Object.keys(this.current.map).length,
        loaded_at: this.base.loadedAt,
        age_seconds: Math.max(0, Math.round((now - Date.parse(this.base.loadedAt)) / 1000)),
        fallback_reason: this.fallbackReason,
      },
      ...this.lastSyncs(),
    }
  }

  /**
   * @internal Shares a deployment added, changed (`value`) or removed (`null`) through the routes with the
   * fleet; a no-op without a coordinator.
   * @example
   * ```ts
   * costs.shareDeployment(id, stored)
   * ```
   */
  shareDeployment(id: string, value: unknown): void {
    this.coordinator
      ?.shareDeployment(id, value)
      .catch((e) => this.warn(`could not share deployment ${id}: ${errorText(e)}`))
  }

  /** @internal The deployments the fleet shares, by id. @example `costs.sharedDeployments()` */
  sharedDeployments(): Record<string, unknown> {
    return this.coordinator?.sharedDeployments() ?? {}
  }

  /**
   * Every map that was active, oldest first (`[]` without the `history` option).
   * @example
   * ```ts
   * costs.history().at(-1)?.active_until // null: the current map
   * ```
   */
  history(): HistoryEntry[] {
    return this.mapHistory?.list() ?? []
  }

  /**
   * @internal The validated map of the history entry `sha256` (no registrations), through the history's LRU;
   * undefined without the `history` option.
   * @throws {CostMapError} `INTEGRITY_FAILED` when its stored file is missing or damaged
   * @example
   * ```ts
   * costs.historyMap(costs.history().at(-2)!.sha256)?.['gpt-4o']
   * ```
   */
  historyMap(sha256: string): CostMapData | undefined {
    return this.mapHistory?.built(sha256).map
  }

  /**
   * Adds past maps to the history (`at`: when each became active, e.g. from the file name). Each map is
   * validated entry by entry, not against the shrink ratio or minimum count; importing twice changes nothing.
   *
   * @throws {CostMapError} `INVALID_ARGUMENT` without the `history` option or for a bad `at`
   * @example
   * ```ts
   * await costs.importHistory([{ at: '2025-06-02T19:06:17Z', text: await readFile(file, 'utf8') }])
   * ```
   */
  async importHistory(items: Iterable<{ at: TimeInput; text: string }>): Promise<ImportResult[]> {
    const history = this.requireHistory()
    const results = await history.import(items)
    this.views.clear()
    if (this.coordinator?.shareHistory) {
      // Unchanged ones too: importing again after Redis was down shares what the first call could not.
      const done = new Set(results.filter((r) => r.sha256 !== null).map((r) => `${r.active_from}|${r.sha256}`))
      const items = history.shared((e) => done.has(`${e.active_from}|${e.sha256}`))
      try {
        await this.coordinator.shareHistory(items)
      } catch (error) {
        throw new CostMapError(
          'FETCH_FAILED',
          `[costmap] imported into this instance's history but not shared with the fleet (${errorText(error)}); import again once Redis is back`,
          { cause: error },
        )
      }
    }
    return results
  }

  /**
   * Pricing on the map that was active at `time` (Date, ISO 8601 or epoch ms). Registered models apply,
   * except those registered with a `from` later than `time`.
   *
   * @throws {CostMapError} `NO_MAP_AT` before the first recorded map; `INVALID_ARGUMENT` for a bad time or
   *   without the `history` option; `INTEGRITY_FAILED` when the stored map cannot be read
   * @example
   * ```ts
   * costs.at('2025-07-15T12:00:00Z').completionCost({ model: 'o3', usage }).totalCost
   * ```
   */
  at(time: TimeInput): PriceView {
    const history = this.requireHistory()
    const ms = parseTime(time)
    const entry = history.find(ms)
    if (!entry) throw noMapAt(ms, history.list()[0])
    if (this.viewsFor !== this.current) {
      this.views.clear()
      this.viewsFor = this.current
    }
    const late = this.registeredAfter(ms)
    // Keyed by the entry itself unless some registration is left out (the common case costs no string).
    const key = late.length ? `${entry.active_from}|${entry.sha256}|${late.join('\n')}` : entry
    let view = this.views.get(key)
    if (!view) {
      const live = late.length === 0 && entry === history.last() && entry.sha256 === this.recordedSha
      const snapshot = live
        ? this.current
        : { map: this.withRegistrations(history.built(entry.sha256).map, ms), sha256: entry.sha256 }
      view = makeView(entry, snapshot)
      if (this.views.size >= 32) this.views.clear()
      this.views.set(key, view)
    }
    return view
  }

  /** {@link completionCost} on the current snapshot, or with `at` on the map active then (see {@link at}). */
  override completionCost(args: CostArgs & { at?: TimeInput }): CostResult {
    return args?.at === undefined ? super.completionCost(args) : this.at(args.at).completionCost(args)
  }

  /** {@link costPerToken} on the current snapshot, or with `at` on the map active then (see {@link at}). */
  override costPerToken(args: CostArgs & { at?: TimeInput }): TokenCosts {
    return args?.at === undefined ? super.costPerToken(args) : this.at(args.at).costPerToken(args)
  }

  /** Resolves once the history's queued writes landed (a no-op without the `history` option). */
  flushHistory(): Promise<void> {
    return this.mapHistory?.flush() ?? Promise.resolve()
  }

  /** Clears the schedule, cancels an in-flight fetch and drops every listener. */
  dispose(): void {
    this.release()
    this.disposed = true
    this.scheduler.cancel()
    this.abort?.abort()
    this.emitter.all.clear()
    this.coordinator?.close().catch(() => undefined)
  }

  // --- Internal helpers ---

  private async start(): Promise<void> {
    if (this.options.cacheFile) await this.loadCache(this.options.cacheFile)
    if (this.coordinator) {
      if (!this.disposed) await this.coordinator.start(this.host(), { scheduleHours: this.options.scheduleHours })
      return
    }
    if (this.forced || this.disposed) return
    const result = await this.reloadAs('start').catch(() => null)
    if (result?.status === 'failed' && this.base.source === 'local') this.fallbackReason = this.lastFailure
  }

  private reloadAs(mode: ReloadMode): Promise<ReloadResult> {
    if (this.disposed) return Promise.reject(new CostMapError('DISPOSED', '[costmap] this ModelCostMap was disposed'))
    const started = performance.now()
    this.inflight ??= (this.coordinator ? this.coordinator.reload(mode) : this.runReload())
      .then((result) => this.finish(result, TRIGGERS[mode], started))
      .finally(() => {
        this.inflight = null
      })
    return this.inflight
  }

  private async runReload(): Promise<ReloadResult> {
    this.scheduler.lastRun = new Date()
    if (this.loadOptions(null).local) {
      const backup = localBackup(this.options.backup)
      return this.apply({ built: backup.built, sha256: backup.sha256 ?? '', text: backup.text }, 'local', null, null)
    }
    const fetched = await this.fetchNext(this.base.source === 'remote' ? this.etag : null)
    return 'built' in fetched ? this.applyFetched(fetched) : fetched
  }

  /** Fetches and validates the remote map (conditional on `etag`) without applying it. */
  private async fetchNext(etag: string | null): Promise<FetchedMap | ReloadResult> {
    const options = this.loadOptions(etag)
    this.abort = new AbortController()
    try {
      const active = this.base.source === 'remote' ? this.base.sha256 : null
      const admit = (text: string, sha256: string) => this.admit(text, sha256)
      const candidate = await fetchCandidate({ ...options, signal: this.abort.signal }, active, this.rejected, admit)
      if (candidate.kind !== 'new') {
        if (candidate.kind === 'same') this.etag = candidate.etag
        return this.result('unchanged', null)
      }
      // Recorded (source(), history, cache file, Redis) without the credentials it was fetched with.
      return { ...candidate, url: withoutCredentials(options.url) }
    } catch (error) {
      this.lastFailure = scrubUrls(fallbackReason(error))
      return this.fail(errorText(error), failureReason(error))
    } finally {
      this.abort = null
    }
  }

  /** Applies a fetched map and queues it for the cache file. */
  private async applyFetched(fetched: FetchedMap): Promise<ReloadResult> {
    const result = this.apply(fetched, 'remote', fetched.url, fetched.etag, fetched.text)
    if (this.options.cacheFile && this.base.built === fetched.built) {
      const meta = { sha256: fetched.sha256, etag: fetched.etag, url: fetched.url, fetched_at: this.base.loadedAt }
      // In the background: a slow or hung disk must not hold this reload or the next ones.
      const { timeoutMs } = resolveLoadOptions(this.options.url, this.options)
      this.cacheWriter ??= new CacheWriter(this.options.cacheFile, timeoutMs, (message) => this.warn(message))
      this.cacheWriter.write(fetched.text, meta)
    }
    return result
  }

  /** A map another instance published: verified again here, because Redis content is not trusted blindly. */
  private async adopt(text: string, record: FleetRecord): Promise<ReloadResult> {
    // Outside a reload of this instance, the map is another instance's sync: recorded as the fleet's.
    if (this.inflight === null) {
      const started = performance.now()
      return this.finish(await this.adoptChecked(text, record), 'fleet', started, false)
    }
    return this.adoptChecked(text, record)
  }

  private async adoptChecked(text: string, record: FleetRecord): Promise<ReloadResult> {
    try {
      const sha256 = await sha256Hex(text)
      if (sha256 !== record.sha256) {
        throw new CostMapError(
          'INTEGRITY_FAILED',
          `[costmap] the fleet's map does not match its sha256 ${record.sha256}`,
        )
      }
      const built = this.admit(text, sha256)
      return await this.applyFetched({ built, sha256, text, etag: record.etag, url: record.url })
    } catch (error) {
      return this.fail(errorText(error), failureReason(error))
    }
  }

  /**
   * The one gate of every map that can become active (fetched, adopted from the fleet, read from the cache
   * file): entry schema and integrity (counts against the backup and the trusted active count, growth),
   * then the price-change guard against the active upstream map. Redis and the cache file are checked as
   * strictly as the upstream, because whoever can write them would otherwise decide prices.
   *
   * @throws {CostMapError} `INVALID_JSON`, or `INTEGRITY_FAILED` with the reason (a held map's starts with
   *   `held back by priceChangeGuard:`)
   */
  private admit(text: string, sha256: string): BuiltMap {
    const built = buildCheckedText(text, sha256, this.loadOptions(null))
    const guard = this.options.priceChangeGuard ?? DEFAULT_PRICE_CHANGE_GUARD
    const held = checkGuard(guard, this.base.built.map, built.map, () => this.diffTo(built.map))
    if (held) {
      this.lastDiff = null
      throw new CostMapError('INTEGRITY_FAILED', `held back by priceChangeGuard: ${held}`)
    }
    return built
  }

  private loadOptions(etag: string | null) {
    return resolveLoadOptions(this.options.url, {
      ...this.options,
      etag,
      activeModelCount: this.base.built.report.model_count,
      activeIsBackup: this.base.source === 'local' && this.base.url === null,
      previous: this.base.built,
    })
  }

  private host(): CoordinatorHost {
    return {
      // The backup is not the fleet's map even when its bytes are the same: apply it as the remote one.
      activeSha: () => (this.base.source === 'remote' ? this.base.sha256 : ''),
      activeText: () => {
        const { text, etag, url, built } = this.base
        return text === undefined ? null : { text, etag: etag ?? null, url, model_count: built.report.model_count }
      },
      fetch: (etag) => this.fetchNext(etag),
      apply: (fetched) => this.applyFetched(fetched),
      adopt: (text, record) => this.adopt(text, record),
      fail: (error) => this.fail(error, 'coordinator'),
      unchanged: () => this.result('unchanged', null),
      reload: (mode) => this.reloadAs(mode),
      scheduleChanged: (status) => this.emitter.emit('schedule', status),
      deploymentChanged: (id, value) => this.emitter.emit('deployment', { id, deployment: value }),
      warn: (message) => this.warn(message),
      ...(this.mapHistory ? { history: this.hostHistory(this.mapHistory) } : {}),
    }
  }

  private hostHistory(history: MapHistory): HostHistory {
    return {
      records: this.options.history?.record !== false,
      maxAgeDays: this.options.history?.maxAgeDays,
      has: (sha256) => history.has(sha256),
      compress: (text) => history.compress(text),
      shared: () => history.shared(),
      merge: async (entries, bodies) => {
        if (await history.merge(entries, bodies)) this.views.clear()
      },
    }
  }

  /** Swaps in a validated map and reports what changed. */
  private apply(
    next: { built: BuiltMap; sha256: string; text?: string | null },
    source: 'remote' | 'local',
    url: string | null,
    etag: string | null,
    text?: string,
  ): ReloadResult {
    const before = this.base
    const same = next.sha256 !== '' && next.sha256 === before.sha256
    if (same && source === before.source) return this.result('unchanged', null)
    const diff = this.diffTo(next.built.map)
    this.lastDiff = null
    this.etag = etag
    this.fallbackReason = null
    this.lastError = null
    this.swap({ built: next.built, sha256: next.sha256, source, url, loadedAt: new Date().toISOString(), text, etag })
    this.recordActive(text ?? next.text)
    // The same bytes from another source (the first fetch of a map identical to the backup) change no price.
    if (same) return this.result('unchanged', null)
    const result = this.result('success', null, diff)
    this.emitter.emit('change', { ...result, previous_sha256: before.sha256, price_changes: diff.price_changes })
    return result
  }

  private recordedSha: string | undefined

  /** Records the active upstream map in the history (its text, when known, is what is stored). */
  private recordActive(text?: string | null): void {
    const history = this.mapHistory
    if (!history || this.options.history?.record === false) return
    const { built, sha256, source, url } = this.base
    const own = source === 'local' && url === null && !sha256 ? this.localText() : undefined
    const content = text ?? (source === 'local' && url === null && sha256 ? backupText() : own)
    const at = new Date(this.base.loadedAt)
    history.record({ built, sha256, source, url, ...(content === undefined ? {} : { text: content }) }, at)
    this.recordedSha = history.last()?.sha256
  }

  /** The text of a backup given as an option (a string as it is, an object as JSON). */
  private localText(): string | undefined {
    const backup = this.options.backup
    return backup === undefined ? undefined : typeof backup === 'string' ? backup : JSON.stringify(backup)
  }

  private requireHistory(): MapHistory {
    if (!this.mapHistory)
      throw new CostMapError(
        'INVALID_ARGUMENT',
        '[costmap] prices at a time need the history option ({ history: { dir } })',
      )
    return this.mapHistory
  }

  /** The diff from the active map to `after`, reusing the guard's when it was made against the same maps. */
  private diffTo(after: CostMapData): CostMapDiff {
    const before = this.base.built.map
    const last = this.lastDiff
    if (last?.before === before && last.after === after) return last.diff
    const diff = diffCostMaps(before, after)
    this.lastDiff = { before, after, diff }
    return diff
  }

  private fail(raw: string, reason: SyncFailureReason): ReloadResult {
    // The text travels to routes, logs, Redis and webhooks: a token or credentials in the map's URL must not.
    const error = scrubUrls(raw)
    this.failedAs = reason
    // A fetch cut short by dispose() is no failure worth reporting (a server that could not start).
    if (this.disposed) return this.result('failed', error)
    this.lastError = error
    this.emitter.emit('reload_failed', { error, keptVersion: this.current.version })
    this.warn(`reload failed, current pricing data was kept: ${error}`)
    return this.result('failed', error)
  }

  /** Records a settled attempt; `announce` = a reload of this instance (the `reload` event, the log line). */
  private finish(result: ReloadResult, trigger: SyncTrigger, started: number, announce = true): ReloadResult {
    const reason = result.status === 'failed' ? (this.failedAs ?? 'fetch') : null
    this.failedAs = null
    if (this.disposed) return result
    // A good fetch, an unchanged one too, means the upstream recovered.
    if (result.status !== 'failed') this.lastError = null
    const record = {
      timestamp: result.timestamp,
      trigger,
      status: result.status,
      error: result.error,
      reason,
      duration_ms: Math.round(performance.now() - started),
      sha256: result.sha256,
      models_count: result.models_count,
      new_models: result.new_models.length,
      pricing_changes: result.pricing_changes,
    }
    this.syncLog.add(record)
    // Followers' adoptions too (trigger 'fleet'): the fleet's log shows every instance's attempts.
    this.coordinator?.recordSync?.(record)
    if (announce) this.emitter.emit('reload', result)
    this.emitter.emit('sync', { record, result })
    if (announce) this.options.logger?.info?.(syncLogLine(result))
    return result
  }

  private async loadCache(file: string): Promise<void> {
    try {
      const notBefore = this.options.backup === undefined ? backupManifest().generated_at : '1970-01-01T00:00:00Z'
      const limits = resolveLoadOptions(this.options.url, this.options)
      const cached = await loadCachedMap(file, notBefore, limits, (text, sha256) => this.admit(text, sha256))
      if (!cached) return
      this.apply(cached, 'local', file, null)
      this.base.loadedAt = cached.meta.fetched_at
      this.fallbackReason = `Using the last good map saved at ${cached.meta.fetched_at} until the remote map loads`
    } catch (error) {
      this.warn(`ignoring the cache file ${file}: ${errorText(error)}`)
    }
  }

  private emitSchedule(status: ScheduleStatus): ScheduleStatus {
    this.emitter.emit('schedule', status)
    return status
  }
}
