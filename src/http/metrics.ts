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

const FAILURE_REASONS: readonly SyncFailureReason[] = [
  'fetch',
  'http',
  'timeout',
  'parse',
  'integrity',
  'price_guard',
  'coordinator',
]
const DURATION_BUCKETS = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

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
  const reloads = counter('costmap_reload_total', 'Sync attempts by trigger and outcome.', ['trigger', 'status'])
  const failures = counter('costmap_reload_failures_total', 'Failed syncs by reason.', ['reason'])
  // Every reason from 0, so `increase()` alert rules see the first failure of each.
  for (const reason of FAILURE_REASONS) failures.inc({ reason }, 0)
  const newModels = counter('costmap_new_models_total', 'Models added by syncs.')
  const priceChanges = counter('costmap_price_changes_total', 'Price fields changed by syncs.')
  names.push('costmap_reload_duration_seconds')
  const duration = new prom.Histogram({
    name: 'costmap_reload_duration_seconds',
    help: 'Duration of sync attempts.',
    buckets: DURATION_BUCKETS,
    registers,
  })
  const count = (r: SyncRecord) => {
    reloads.inc({ trigger: r.trigger, status: r.status })
    if (r.status === 'failed') failures.inc({ reason: r.reason ?? 'fetch' })
    if (r.new_models) newModels.inc(r.new_models)
    if (r.pricing_changes) priceChanges.inc(r.pricing_changes)
    duration.observe(r.duration_ms / 1000)
  }
  // Attempts made before the metrics existed (the startup sync of a handler created later) count too.
  for (const record of costs.syncs().data.slice().reverse()) count(record)
  const unsubscribe = costs.on('sync', ({ record }) => count(record))

  gauge('costmap_last_reload_successful', 'Whether the last sync attempt did not fail (1 before the first).', () =>
    costs.syncs().data[0]?.status === 'failed' ? 0 : 1,
  )
  gauge('costmap_last_reload_success_timestamp_seconds', 'When the last sync that did not fail settled.', () =>
    seconds(costs.lastSyncs().last_success),
  )
  gauge('costmap_models', 'Models in the active map.', () => Object.keys(costs.snapshot.map).length)
  gauge('costmap_map_age_seconds', 'Seconds since the active map was loaded.', () => costs.readiness().map.age_seconds)
  gauge('costmap_fallback_active', 'Whether a local map is served because the remote one failed.', () => {
    const s = costs.source()
    return s.source === 'local' && !s.is_env_forced && s.fallback_reason !== null ? 1 : 0
  })
  gauge('costmap_schedule_next_run_timestamp_seconds', 'Next scheduled sync (0 when none).', () =>
    seconds(costs.scheduleStatus().next_run),
  )
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
  if (costs.source().coordination) {
    gauge('costmap_fleet_connected', 'Whether the fleet coordinator is connected.', () =>
      costs.source().coordination?.connected ? 1 : 0,
    )
  }
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
