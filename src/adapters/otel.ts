/**
 * `costmap/otel`: the store's sync metrics on an OpenTelemetry meter (needs the optional peer
 * `@opentelemetry/api`, and an SDK the application already sets up). The same metrics, names and buckets
 * as `costmap/prometheus`.
 *
 * @example
 * ```ts
 * import { metrics } from '@opentelemetry/api'
 * import { ModelCostMap } from 'costmap'
 * import { registerCostMapOtelMetrics } from 'costmap/otel'
 * const costs = new ModelCostMap({ scheduleHours: 6 })
 * registerCostMapOtelMetrics(costs, metrics.getMeter('my-gateway'))
 * ```
 * @module
 */
import { type Attributes, type Meter, metrics, type ObservableGauge } from '@opentelemetry/api'
import { COST_MAP_COUNTERS, COST_MAP_GAUGES, countSync, DURATION_BUCKETS, FLEET_GAUGE } from '../http'
import type { ModelCostMap } from '../store'

// Every subpath re-exports the core: that keeps the shared code in one chunk (see src/redis-entry.ts).
export * from '..'

/**
 * Reports the metrics of `costs` on `meter` (default: the global meter provider's `costmap` meter): the
 * counters `costmap_reload_total{trigger,status}`, `costmap_reload_failures_total{reason}`,
 * `costmap_new_models_total`, `costmap_price_changes_total`, the histogram `costmap_reload_duration_seconds`
 * (unit `s`), and the gauges `costmap_last_reload_successful`, `costmap_last_reload_success_timestamp_seconds`,
 * `costmap_models`, `costmap_map_info{sha256,source}`, `costmap_map_age_seconds`, `costmap_fallback_active`,
 * `costmap_schedule_next_run_timestamp_seconds` and, with a coordinator, `costmap_fleet_connected`. Counters
 * follow the syncs (those before the call too); gauges are read when the SDK collects; pricing is not
 * touched. `dispose()` stops both (an OpenTelemetry meter cannot delete an instrument).
 *
 * @example
 * ```ts
 * const otel = registerCostMapOtelMetrics(costs, meterProvider.getMeter('costmap'))
 * otel.dispose()
 * ```
 */
export function registerCostMapOtelMetrics(
  costs: ModelCostMap,
  meter: Meter = metrics.getMeter('costmap'),
): { dispose(): void } {
  const counters = new Map(COST_MAP_COUNTERS.map((c) => [c.name, meter.createCounter(c.name, { description: c.help })]))
  const duration = meter.createHistogram('costmap_reload_duration_seconds', {
    description: 'Duration of sync attempts.',
    unit: 's',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  })
  const count = (record: Parameters<typeof countSync>[0]) => {
    countSync(record, (name, value, labels) => counters.get(name)?.add(value, labels))
    duration.record(record.duration_ms / 1000)
  }
  for (const record of costs.syncs().data.slice().reverse()) count(record)
  const unsubscribe = costs.on('sync', ({ record }) => count(record))

  const specs = costs.source().coordination ? [...COST_MAP_GAUGES, FLEET_GAUGE] : COST_MAP_GAUGES
  const gauges = specs.map(
    (g) =>
      [g, meter.createObservableGauge(g.name, { description: g.help, ...(g.unit ? { unit: g.unit } : {}) })] as const,
  )
  const info = meter.createObservableGauge('costmap_map_info', { description: 'The active map (value 1).' })
  const observe = (result: { observe(o: ObservableGauge, value: number, attributes?: Attributes): void }) => {
    for (const [g, gauge] of gauges) result.observe(gauge, g.read(costs))
    result.observe(info, 1, { sha256: costs.snapshot.sha256, source: costs.snapshot.source })
  }
  const observables = [...gauges.map(([, gauge]) => gauge), info]
  meter.addBatchObservableCallback(observe, observables)
  return {
    dispose() {
      unsubscribe()
      meter.removeBatchObservableCallback(observe, observables)
    },
  }
}
