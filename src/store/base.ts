/**
 * The snapshot side of the store: the upstream map, the registered models laid over it, the frozen snapshot
 * they make, events, and the pricing helpers bound to the current snapshot. `ModelCostMap` adds loading,
 * reloads, the schedule and fleets on top.
 * @module
 */

import mitt, { type Emitter } from 'mitt'
import { scrubUrls } from '../_internal'
import type { CostArgs, CostResult, TokenCosts } from '../cost'
import { completionCost, costPerToken } from '../cost'
import { errorText } from '../errors'
import type { BuiltMap, CostMapData, CostMapDiff, ModelEntry } from '../map'
import { extendMap, localBackup } from '../map'
import type { ModelInfo } from '../resolve'
import { findModelInfo, getModelInfo } from '../resolve'
import { parseTime, type TimeInput } from './history'
import { mergeRegistrations } from './registry'
import { reloadResult } from './reload'
import type { ModelCostMapEvents, ModelCostMapOptions, ReloadResult, Snapshot } from './types'

const MANY_STORES = 10
const NONE: readonly string[] = []
let liveStores = 0
let warnedMany = false

/**
 * @internal Counts a live store and returns its release (for `dispose`). More than ten in one process
 * usually means a store per request, each with its own map, schedule and fetches: warned once per process,
 * through the store's logger and `process.emitWarning` (Unleash warns at the same count).
 * @example
 * ```ts
 * const release = trackStore((m) => logger.warn(m))
 * ```
 */
export function trackStore(warn: (message: string) => void): () => void {
  liveStores++
  if (liveStores > MANY_STORES && !warnedMany) {
    warnedMany = true
    const message = `${liveStores} ModelCostMap instances are live in this process: create one and share it, and dispose() the ones you are done with (each keeps its own map, schedule and fetches)`
    warn(message)
    process.emitWarning(message, { code: 'COSTMAP_MANY_INSTANCES' })
  }
  let released = false
  return () => {
    if (!released) liveStores--
    released = true
  }
}

/** @internal The upstream map behind the active snapshot (before registered models are applied). */
export interface Base {
  built: BuiltMap
  sha256: string
  source: 'remote' | 'local'
  url: string | null
  loadedAt: string
  /** The fetched text of a remote map, kept so a coordinator can re-seed an emptied fleet store. */
  text?: string
  etag?: string | null
}

/**
 * @internal The base of {@link ModelCostMap}: snapshots, registrations, events and bound pricing.
 * @example
 * ```ts
 * class MyStore extends SnapshotStore {}
 * ```
 */
export class SnapshotStore {
  protected current: Snapshot
  protected base: Base
  /** mitt: listeners by event, each emit over a copy of the list; `dispose()` clears `emitter.all`. */
  protected readonly emitter: Emitter<ModelCostMapEvents> = mitt<ModelCostMapEvents>()
  private version = 1
  private readonly custom = new Map<string, Partial<ModelEntry>>()
  /** Epoch ms from which a registration applies to past times (`at()`); absent: every time. */
  private readonly froms = new Map<string, number>()

  constructor(protected readonly options: ModelCostMapOptions = {}) {
    const backup = localBackup(this.options.backup)
    this.base = {
      built: backup.built,
      sha256: backup.sha256 ?? '',
      source: 'local',
      url: null,
      loadedAt: new Date().toISOString(),
    }
    this.current = this.makeSnapshot()
    if (options.models) this.registerModel(options.models)
  }

  /** The current frozen snapshot: read it once per computation to price consistently. */
  get snapshot(): Snapshot {
    return this.current
  }

  /**
   * Adds models or overrides fields of existing ones (merged into the entry the key resolves to).
   * Registrations survive every reload, so custom prices, including an explicit 0, never vanish.
   *
   * They apply to the current map and, in `at(time)`, to every past time, unless registered with `from`
   * (Date, ISO 8601 or epoch ms): then a time before `from` prices on that time's map alone (the model is
   * `MODEL_NOT_MAPPED` then, or has the map's own price). Registering a key again keeps its `from` unless
   * `from` is given; `from: null` makes it apply at every time again.
   *
   * @throws {CostMapError} `INVALID_ARGUMENT` when a merged entry fails the schema or `from` is not a time
   *   (nothing is applied)
   * @example
   * ```ts
   * costs.registerModel({ 'my-llama': { litellm_provider: 'openai', input_cost_per_token: 0, output_cost_per_token: 0 } })
   * costs.registerModel({ 'gpt-4o': { input_cost_per_token: 2e-6 } }, { from: '2026-01-01T00:00:00Z' }) // a negotiated price
   * ```
   */
  registerModel(entries: Record<string, Partial<ModelEntry>>, options?: { from?: TimeInput | null }): void {
    const from = options?.from == null ? options?.from : parseTime(options.from)
    const next = new Map(this.custom)
    for (const [key, partial] of Object.entries(entries)) next.set(key, { ...next.get(key), ...partial })
    mergeRegistrations(this.base.built.map, next) // throws before anything is applied
    for (const [key, value] of next) this.custom.set(key, value)
    for (const key of Object.keys(entries)) {
      if (from === null) this.froms.delete(key)
      else if (from !== undefined) this.froms.set(key, from)
    }
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
    for (const key of keys) {
      changed = this.custom.delete(key) || changed
      this.froms.delete(key)
    }
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

  /** {@link getModelInfo} on the current snapshot. @example `costs.getModelInfo('gpt-4o').max_tokens` */
  getModelInfo(model: string, provider?: string): ModelInfo {
    return getModelInfo(this.current, model, provider)
  }

  /** {@link findModelInfo} on the current snapshot. @example `costs.findModelInfo('x') // undefined` */
  findModelInfo(model: string, provider?: string): ModelInfo | undefined {
    return findModelInfo(this.current, model, provider)
  }

  /**
   * @internal The map key `model` resolves to in the loaded map alone, registrations left out: the model a
   * registration under that name would reprice for every caller.
   * @example
   * ```ts
   * costs.mapKeyFor('GPT-4O') // 'gpt-4o'
   * ```
   */
  mapKeyFor(model: string): string | undefined {
    return findModelInfo(this.base.built.map, model)?.key
  }

  /** {@link costPerToken} on the current snapshot. @example `costs.costPerToken({ model: 'gpt-4o', usage })` */
  costPerToken(args: CostArgs): TokenCosts {
    return costPerToken(this.current, args)
  }

  /** {@link completionCost} on the current snapshot. @example `costs.completionCost({ model, usage }).totalCost` */
  completionCost(args: CostArgs): CostResult {
    return completionCost(this.current, args)
  }

  protected swap(base: Base): void {
    this.base = base
    this.current = this.makeSnapshot()
  }

  /**
   * `base` with the registered models laid over it: every one for the current map; for the map of a past
   * time `at` (epoch ms), those without a `from` later than `at`.
   */
  protected withRegistrations(base: CostMapData, at?: number): CostMapData {
    const onInvalid = (key: string) =>
      this.warn(`registered model ${key} does not validate against the new map; skipped`)
    const late = at === undefined ? [] : this.registeredAfter(at)
    const custom = late.length ? new Map([...this.custom].filter(([key]) => !late.includes(key))) : this.custom
    return custom.size ? extendMap(base, mergeRegistrations(base, custom, onInvalid)) : base
  }

  /** The registrations whose `from` is later than `at` (epoch ms), sorted: what a view of that time leaves out. */
  protected registeredAfter(at: number): readonly string[] {
    if (this.froms.size === 0) return NONE
    const keys: string[] = []
    for (const [key, from] of this.froms) if (from > at) keys.push(key)
    return keys.sort()
  }

  private makeSnapshot(): Snapshot {
    const map = this.withRegistrations(this.base.built.map)
    return Object.freeze({
      version: this.version++,
      sha256: this.base.sha256,
      loaded_at: this.base.loadedAt,
      source: this.base.source,
      map,
    })
  }

  protected result(status: ReloadResult['status'], error: string | null, diff?: CostMapDiff): ReloadResult {
    return reloadResult(status, error, Object.keys(this.current.map).length, this.base, diff)
  }

  protected warn(message: string): void {
    // Warnings quote errors that may name the map's URL: no credentials or query token in a log.
    this.options.logger?.warn?.(`[costmap] ${scrubUrls(message)}`)
  }
}
