/**
 * `costmap/prometheus`: the store's sync metrics in a prom-client registry (needs the optional peer
 * `prom-client`). The handler's `metrics` option serves the same metrics on `GET /metrics`.
 *
 * @example
 * ```ts
 * import { register } from 'prom-client'
 * import { ModelCostMap } from 'costmap'
 * import { registerCostMapMetrics } from 'costmap/prometheus'
 * const costs = new ModelCostMap({ scheduleHours: 6 })
 * registerCostMapMetrics(costs) // now in prom-client's global registry, next to your own metrics
 * app.get('/metrics', async (_req, res) => res.type(register.contentType).send(await register.metrics()))
 * ```
 * @module
 */
import * as prom from 'prom-client'
import { type CostMapMetrics, defineCostMapMetrics } from './http'
import type { ModelCostMap } from './store'

export type { CostMapMetrics } from './http'
// Every subpath re-exports the core: that keeps the shared code in one chunk (see src/redis-entry.ts).
export * from './index'

/**
 * Registers the metrics of `costs` (`costmap_reload_total{trigger,status}`, `costmap_reload_failures_total{reason}`,
 * `costmap_reload_duration_seconds`, `costmap_last_reload_successful`, `costmap_last_reload_success_timestamp_seconds`,
 * `costmap_models`, `costmap_map_info{sha256,source}`, `costmap_map_age_seconds`, `costmap_fallback_active`,
 * `costmap_new_models_total`, `costmap_price_changes_total`, `costmap_schedule_next_run_timestamp_seconds`, and
 * with a coordinator `costmap_fleet_connected`). Counters follow the syncs; gauges are read at scrape time;
 * pricing is not touched.
 *
 * @param registry where to register them @default prom-client's global `register`
 * @throws Error (prom-client's) when the registry already holds them
 * @example
 * ```ts
 * const metrics = registerCostMapMetrics(costs, new Registry())
 * await metrics.registry.metrics()
 * metrics.dispose()
 * ```
 */
export function registerCostMapMetrics(costs: ModelCostMap, registry: prom.Registry = prom.register): CostMapMetrics {
  return defineCostMapMetrics(prom, costs, registry)
}
