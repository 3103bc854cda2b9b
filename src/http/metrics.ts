/**
 * Prometheus metrics of a store through prom-client (an optional peer, passed in: this file never imports
 * it). Counters follow the store's `sync` event; gauges are read when scraped. Nothing touches pricing.
 * @module
 */
import type * as Prom from 'prom-client'
import type { ModelCostMap, SyncFailureReason, SyncRecord } from '../store'

/**
 * What {@link registerCostMapMetrics} returns: the registry the metrics are in, and `dispose()`, which stops
 * counting and removes them from it.
 *
 * @example
 * ```ts
 * const metrics = registerCostMapMetrics(costs)
 * metrics.dispose()
 * ```
 */
export interface CostMapMetrics {
  registry: Prom.Registry
  dispose(): void
}

/** @internal Every failure reason, counted from 0 so `increase()` alert rules see the first of each. */
export const FAILURE_REASONS: readonly SyncFailureReason[] = [
  'fetch',
  'http',
  'timeout',
  'parse',
  'integrity',
  'price_guard',
  'coordinator',
]
/** @internal Seconds, so the histograms of both adapters have the same buckets. */
export const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

/** @internal A counter every metrics adapter keeps (Prometheus name, with its `_total`). */
export interface CostMapCounter {
  name: string
  help: string
  labels: readonly string[]
}

/** @internal The counters of the syncs, as {@link countSync} adds to them. */
export const COST_MAP_COUNTERS: readonly CostMapCounter[] = [
  { name: 'costmap_reload_total', help: 'Sync attempts by trigger and outcome.', labels: ['trigger', 'status'] },
  { name: 'costmap_reload_failures_total', help: 'Failed syncs by reason.', labels: ['reason'] },
  { name: 'costmap_new_models_total', help: 'Models added by syncs.', labels: [] },
  { name: 'costmap_price_changes_total', help: 'Price fields changed by syncs.', labels: [] },
]

/**
 * @internal What one settled sync adds to {@link COST_MAP_COUNTERS}, through `add`.
 * @example
 * ```ts
 * countSync(record, (name, value, labels) => counters[name].add(value, labels))
 * ```
 */
export function countSync(r: SyncRecord, add: (name: string, value: number, labels?: Record<string, string>) => void) {
  add('costmap_reload_total', 1, { trigger: r.trigger, status: r.status })
  if (r.status === 'failed') add('costmap_reload_failures_total', 1, { reason: r.reason ?? 'fetch' })
  if (r.new_models) add('costmap_new_models_total', r.new_models)
  if (r.pricing_changes) add('costmap_price_changes_total', r.pricing_changes)
}

/** @internal A number read from the store when metrics are collected (Prometheus name; `unit` for OpenTelemetry). */
export interface CostMapGauge {
  name: string
  help: string
  unit?: 's'
  read(costs: ModelCostMap): number
}

/**
 * @internal The gauges every metrics adapter reports, read at collection time (never on the pricing path).
 * @example
 * ```ts
 * for (const g of COST_MAP_GAUGES) console.log(g.name, g.read(costs))
 * ```
 */
export const COST_MAP_GAUGES: readonly CostMapGauge[] = [
  {
    name: 'costmap_last_reload_successful',
    help: 'Whether the last sync attempt did not fail (1 before the first).',
    read: (costs) => (costs.syncs().data[0]?.status === 'failed' ? 0 : 1),
  },
  {
    name: 'costmap_last_reload_success_timestamp_seconds',
    help: 'When the last sync that did not fail settled.',
    unit: 's',
    read: (costs) => seconds(costs.lastSyncs().last_success),
  },
  {
    name: 'costmap_models',
    help: 'Models in the active map.',
    read: (costs) => Object.keys(costs.snapshot.map).length,
  },
  {
    name: 'costmap_map_age_seconds',
    help: 'Seconds since the active map was loaded.',
    unit: 's',
    read: (costs) => costs.readiness().map.age_seconds,
  },
  {
    name: 'costmap_fallback_active',
    help: 'Whether a local map is served because the remote one failed.',
    read: (costs) => {
      const s = costs.source()
      return s.source === 'local' && !s.is_env_forced && s.fallback_reason !== null ? 1 : 0
    },
  },
  {
    name: 'costmap_schedule_next_run_timestamp_seconds',
    help: 'Next scheduled sync (0 when none).',
    unit: 's',
    read: (costs) => seconds(costs.scheduleStatus().next_run),
  },
]

/** @internal Reported only by a store with a coordinator. */
export const FLEET_GAUGE: CostMapGauge = {
  name: 'costmap_fleet_connected',
  help: 'Whether the fleet coordinator is connected.',
  read: (costs) => (costs.source().coordination?.connected ? 1 : 0),
}

/**
 * @internal The metrics of `costs` in `registry`, made with the prom-client module `prom`.
 * @throws Error when a metric of the same name is already in `registry` (prom-client's)
 * @example
 * ```ts
 * defineCostMapMetrics(await import('prom-client'), costs, new Registry())
 * ```
 */
export function defineCostMapMetrics(prom: typeof Prom, costs: ModelCostMap, registry: Prom.Registry): CostMapMetrics {
  const registers = [registry]
  const names: string[] = []
  const counter = <T extends string>(name: string, help: string, labelNames: readonly T[] = []) => {
    names.push(name)
    return new prom.Counter<T>({ name, help, labelNames, registers })
  }
  const gauge = (name: string, help: string, read: () => number) => {
    names.push(name)
    return new prom.Gauge({
      name,
      help,
      registers,
      collect() {
        this.set(read())
      },
    })
  }
  const counters = new Map(COST_MAP_COUNTERS.map((c) => [c.name, counter(c.name, c.help, c.labels)]))
  // Every reason from 0, so `increase()` alert rules see the first failure of each.
  for (const reason of FAILURE_REASONS) counters.get('costmap_reload_failures_total')?.inc({ reason }, 0)
  names.push('costmap_reload_duration_seconds')
  const duration = new prom.Histogram({
    name: 'costmap_reload_duration_seconds',
    help: 'Duration of sync attempts.',
    buckets: DURATION_BUCKETS,
    registers,
  })
  const count = (r: SyncRecord) => {
    countSync(r, (name, value, labels) => counters.get(name)?.inc(labels ?? {}, value))
    duration.observe(r.duration_ms / 1000)
  }
  // Attempts made before the metrics existed (the startup sync of a handler created later) count too.
  for (const record of costs.syncs().data.slice().reverse()) count(record)
  const unsubscribe = costs.on('sync', ({ record }) => count(record))

  for (const g of COST_MAP_GAUGES) gauge(g.name, g.help, () => g.read(costs))
  names.push('costmap_map_info')
  new prom.Gauge({
    name: 'costmap_map_info',
    help: 'The active map (value 1).',
    labelNames: ['sha256', 'source'],
    registers,
    collect() {
      this.reset()
      this.set({ sha256: costs.snapshot.sha256, source: costs.snapshot.source }, 1)
    },
  })
  if (costs.source().coordination) gauge(FLEET_GAUGE.name, FLEET_GAUGE.help, () => FLEET_GAUGE.read(costs))
  return {
    registry,
    dispose() {
      unsubscribe()
      for (const name of names) registry.removeSingleMetric(name)
    },
  }
}

function seconds(iso: string | null): number {
  return iso === null ? 0 : Date.parse(iso) / 1000
}
