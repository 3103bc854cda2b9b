/**
 * `ModelCostMap`: the object a service creates at start-up and never restarts for new models. Usable at
 * once on the bundled backup; the remote map arrives in the background; a reload swaps one frozen
 * snapshot by reference and never replaces a good map with a bad one.
 * @module
 */
import mitt from 'mitt'
import { backupManifest, localBackup } from './backup'
import { completionCost, costPerToken } from './cost'
import type { CostArgs, CostResult, TokenCosts } from './cost.types'
import { type CostMapDiff, checkGuard, diffCostMaps } from './diff'
import { loadCachedMap, writeCache } from './disk-cache'
import { CostMapError, errorText } from './errors'
import type { BuiltMap } from './integrity'
import { fallbackReason, fetchCandidate, resolveLoadOptions } from './loader'
import { extendMap } from './map'
import type { ModelInfo } from './model-info'
import { mergeRegistrations } from './registry'
import { reloadResult, syncLogLine } from './reload'
import { findModelInfo, getModelInfo } from './resolve'
import { Scheduler, type ScheduleStatus } from './scheduler'
import type { ModelEntry } from './schema'
import type { ModelCostMapEvents, ModelCostMapOptions, ReloadResult, Snapshot, SourceInfo } from './store.types'

/** The upstream map behind the active snapshot (before registered models are applied). */
interface Base {
  built: BuiltMap
  sha256: string
  source: 'remote' | 'local'
  url: string | null
  loadedAt: string
}

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
export class ModelCostMap {
  /** Resolves once the first remote attempt settled (success or fallback). Never rejects. */
  readonly ready: Promise<void>
  private current: Snapshot
  private base: Base
  private version = 1
  private etag: string | null = null
  private fallbackReason: string | null = null
  private lastError: string | null = null
  private lastFailure: string | null = null
  private readonly forced: boolean
  private readonly custom = new Map<string, Partial<ModelEntry>>()
  private readonly rejected = new Map<string, string>()
  private readonly emitter = mitt<ModelCostMapEvents>()
  private readonly scheduler: Scheduler
  private inflight: Promise<ReloadResult> | null = null
  private abort: AbortController | null = null
  private disposed = false

  constructor(private readonly options: ModelCostMapOptions = {}) {
    const backup = localBackup(this.options.backup)
    this.forced = resolveLoadOptions(options.url, options).local
    this.base = {
      built: backup.built,
      sha256: backup.sha256 ?? '',
      source: 'local',
      url: null,
      loadedAt: new Date().toISOString(),
    }
    this.current = this.makeSnapshot()
    if (options.models) this.registerModel(options.models)
    this.scheduler = new Scheduler(async () => (await this.reload()).status !== 'failed', options.scheduleJitter)
    if (options.scheduleHours !== undefined) this.schedule(options.scheduleHours)
    this.ready = options.autoLoad === false ? Promise.resolve() : this.start()
  }

  /** The current frozen snapshot: read it once per computation to price consistently. */
  get snapshot(): Snapshot {
    return this.current
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
    if (this.disposed) return Promise.reject(new CostMapError('DISPOSED', '[costmap] this ModelCostMap was disposed'))
    this.inflight ??= this.runReload().finally(() => {
      this.inflight = null
    })
    return this.inflight
  }

  /**
   * Reloads every `hours` (fractions allowed, at most 8760), replacing any earlier schedule.
   *
   * @throws {CostMapError} `INVALID_SCHEDULE`
   * @example
   * ```ts
   * costs.schedule(6).next_run
   * ```
   */
  schedule(hours: number): ScheduleStatus {
    this.scheduler.start(hours)
    return this.emitSchedule()
  }

  /** Stops the schedule (idempotent). @example `costs.cancelSchedule().scheduled // false` */
  cancelSchedule(): ScheduleStatus {
    this.scheduler.cancel()
    return this.emitSchedule()
  }

  /** `{ scheduled, interval_hours, last_run, next_run }`. @example `costs.scheduleStatus().next_run` */
  scheduleStatus(): ScheduleStatus {
    return this.scheduler.status()
  }

  /** Where the active map came from. @example `costs.source().sha256` */
  source(): SourceInfo {
    return {
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
  }

  /**
   * Adds models or overrides fields of existing ones (merged into the entry the key resolves to).
   * Registrations survive every reload, so custom prices, including an explicit 0, never vanish.
   *
   * @throws {CostMapError} `INVALID_ARGUMENT` when a merged entry fails the schema (nothing is applied)
   * @example
   * ```ts
   * costs.registerModel({ 'my-llama': { litellm_provider: 'openai', input_cost_per_token: 0, output_cost_per_token: 0 } })
   * ```
   */
  registerModel(entries: Record<string, Partial<ModelEntry>>): void {
    const next = new Map(this.custom)
    for (const [key, partial] of Object.entries(entries)) next.set(key, { ...next.get(key), ...partial })
    mergeRegistrations(this.base.built.map, next) // throws before anything is applied
    for (const [key, value] of next) this.custom.set(key, value)
    this.swap(this.base)
  }

  /**
   * Removes registrations (a deleted deployment's prices); keys that were never registered are ignored.
   *
   * @example
   * ```ts
   * costs.unregisterModel(['my-llama'])
   * ```
   */
  unregisterModel(keys: readonly string[]): void {
    let changed = false
    for (const key of keys) changed = this.custom.delete(key) || changed
    if (changed) this.swap(this.base)
  }

  /** Subscribes to an event; returns the unsubscribe function. A throwing listener is logged, never fatal. */
  on<K extends keyof ModelCostMapEvents & string>(
    event: K,
    listener: (payload: ModelCostMapEvents[K]) => void,
  ): () => void {
    const guarded = (payload: ModelCostMapEvents[K]) => {
      try {
        const result = listener(payload) as unknown
        if (result instanceof Promise) result.catch((e) => this.warn(`a ${event} listener failed: ${errorText(e)}`))
      } catch (error) {
        this.warn(`a ${event} listener threw: ${errorText(error)}`)
      }
    }
    this.emitter.on(event, guarded)
    return () => this.emitter.off(event, guarded)
  }

  /** Clears the schedule, cancels an in-flight fetch and drops every listener. */
  dispose(): void {
    this.disposed = true
    this.scheduler.cancel()
    this.abort?.abort()
    this.emitter.all.clear()
  }

  /** {@link getModelInfo} on the current snapshot. @example `costs.getModelInfo('gpt-4o').max_tokens` */
  getModelInfo(model: string, provider?: string): ModelInfo {
    return getModelInfo(this.current, model, provider)
  }

  /** {@link findModelInfo} on the current snapshot. @example `costs.findModelInfo('x') // undefined` */
  findModelInfo(model: string, provider?: string): ModelInfo | undefined {
    return findModelInfo(this.current, model, provider)
  }

  /** {@link costPerToken} on the current snapshot. @example `costs.costPerToken({ model: 'gpt-4o', usage })` */
  costPerToken(args: CostArgs): TokenCosts {
    return costPerToken(this.current, args)
  }

  /** {@link completionCost} on the current snapshot. @example `costs.completionCost({ model, usage }).totalCost` */
  completionCost(args: CostArgs): CostResult {
    return completionCost(this.current, args)
  }

  // --- Internal helpers ---

  private async start(): Promise<void> {
    if (this.options.cacheFile) await this.loadCache(this.options.cacheFile)
    if (this.forced || this.disposed) return
    const result = await this.reload().catch(() => null)
    if (result?.status === 'failed' && this.base.source === 'local') this.fallbackReason = this.lastFailure
  }

  private async runReload(): Promise<ReloadResult> {
    const options = resolveLoadOptions(this.options.url, {
      ...this.options,
      etag: this.base.source === 'remote' ? this.etag : null,
      activeModelCount: this.base.built.report.model_count,
    })
    this.scheduler.lastRun = new Date()
    if (options.local) {
      const backup = localBackup(this.options.backup)
      return this.finish(this.apply({ built: backup.built, sha256: backup.sha256 ?? '' }, 'local', null, null))
    }
    this.abort = new AbortController()
    try {
      const active = this.base.source === 'remote' ? this.base.sha256 : null
      const candidate = await fetchCandidate({ ...options, signal: this.abort.signal }, active, this.rejected)
      if (candidate.kind !== 'new') {
        if (candidate.kind === 'same') this.etag = candidate.etag
        return this.finish(this.result('unchanged', null))
      }
      const held = checkGuard(this.options.priceChangeGuard, diffCostMaps(this.base.built.map, candidate.built.map))
      if (held) {
        this.rejected.set(candidate.sha256, `held back by priceChangeGuard: ${held}`)
        return this.finish(this.fail(`held back by priceChangeGuard: ${held}`))
      }
      const result = this.apply(candidate, 'remote', options.url, candidate.etag)
      if (this.options.cacheFile) {
        const meta = {
          sha256: candidate.sha256,
          etag: candidate.etag,
          url: options.url,
          fetched_at: this.base.loadedAt,
        }
        const error = await writeCache(this.options.cacheFile, candidate.text, meta)
        if (error) this.warn(`could not write the cache file ${this.options.cacheFile}: ${error.message}`)
      }
      return this.finish(result)
    } catch (error) {
      this.lastFailure = fallbackReason(error)
      return this.finish(this.fail(errorText(error)))
    } finally {
      this.abort = null
    }
  }

  /** Swaps in a validated map and reports what changed. */
  private apply(
    next: { built: BuiltMap; sha256: string },
    source: 'remote' | 'local',
    url: string | null,
    etag: string | null,
  ): ReloadResult {
    const before = this.base
    if (next.sha256 && next.sha256 === before.sha256 && source === before.source) return this.result('unchanged', null)
    const diff = diffCostMaps(before.built.map, next.built.map)
    this.etag = etag
    this.fallbackReason = null
    this.lastError = null
    this.swap({ built: next.built, sha256: next.sha256, source, url, loadedAt: new Date().toISOString() })
    const result = this.result('success', null, diff)
    this.emitter.emit('change', { ...result, previous_sha256: before.sha256, price_changes: diff.price_changes })
    return result
  }

  private swap(base: Base): void {
    this.base = base
    this.current = this.makeSnapshot()
  }

  private makeSnapshot(): Snapshot {
    const base = this.base.built.map
    const onInvalid = (key: string) =>
      this.warn(`registered model ${key} does not validate against the new map; skipped`)
    const map = this.custom.size ? extendMap(base, mergeRegistrations(base, this.custom, onInvalid)) : base
    return Object.freeze({
      version: this.version++,
      sha256: this.base.sha256,
      loaded_at: this.base.loadedAt,
      source: this.base.source,
      map,
    })
  }

  private fail(error: string): ReloadResult {
    this.lastError = error
    this.emitter.emit('reload_failed', { error, keptVersion: this.current.version })
    this.warn(`reload failed, current pricing data was kept: ${error}`)
    return this.result('failed', error)
  }

  private result(status: ReloadResult['status'], error: string | null, diff?: CostMapDiff): ReloadResult {
    return reloadResult(status, error, Object.keys(this.current.map).length, this.base, diff)
  }

  private finish(result: ReloadResult): ReloadResult {
    this.emitter.emit('reload', result)
    this.options.logger?.info?.(syncLogLine(result))
    return result
  }

  private async loadCache(file: string): Promise<void> {
    try {
      const notBefore = this.options.backup === undefined ? backupManifest().generated_at : '1970-01-01T00:00:00Z'
      const cached = await loadCachedMap(file, notBefore, resolveLoadOptions(this.options.url, this.options))
      if (!cached) return
      this.apply(cached, 'local', file, null)
      this.base.loadedAt = cached.meta.fetched_at
      this.fallbackReason = `Using the last good map saved at ${cached.meta.fetched_at} until the remote map loads`
    } catch (error) {
      this.warn(`ignoring the cache file ${file}: ${errorText(error)}`)
    }
  }

  private emitSchedule(): ScheduleStatus {
    const status = this.scheduler.status()
    this.emitter.emit('schedule', status)
    return status
  }

  private warn(message: string): void {
    this.options.logger?.warn?.(`[costmap] ${message}`)
  }
}
