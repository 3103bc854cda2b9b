// costmap/otel (src/adapters/otel.ts): registerCostMapOtelMetrics on a real OpenTelemetry SDK meter (MeterProvider and a pull
// reader), against a real upstream; the same names and values as costmap/prometheus on the same store.
import { DataPointType, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics'
import { Registry } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { registerCostMapOtelMetrics } from '../../src/adapters/otel'
import { registerCostMapMetrics } from '../../src/prometheus-entry'
import { ModelCostMap } from '../../src/store/store'
import { changedMap } from '../routes/suite.operations'
import { MAIN_MAP, readText } from '../support/data'
import { samples } from '../support/prometheus'
import { type Reply, startServer } from '../support/server'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** A reader the test pulls, as a Prometheus exporter would on a scrape. */
class PullReader extends MetricReader {
  protected async onShutdown(): Promise<void> {}
  protected async onForceFlush(): Promise<void> {}
}

/**
 * What the SDK collected, in the Prometheus sample names of `test/support/prometheus.ts`: counters and
 * gauges by `name{labels}`, a histogram as its `_count` and `_sum`.
 */
async function collect(reader: MetricReader): Promise<Record<string, number>> {
  const { resourceMetrics, errors } = await reader.collect()
  expect(errors).toEqual([])
  const out: Record<string, number> = {}
  for (const metric of resourceMetrics.scopeMetrics.flatMap((s) => s.metrics)) {
    for (const point of metric.dataPoints) {
      const labels = Object.entries(point.attributes).map(([k, v]) => `${k}="${String(v)}"`)
      const name = metric.descriptor.name + (labels.length ? `{${labels.join(',')}}` : '')
      if (metric.dataPointType === DataPointType.HISTOGRAM) {
        const value = point.value as { count: number; sum?: number }
        out[`${name}_count`] = value.count
        out[`${name}_sum`] = value.sum ?? 0
      } else out[name] = point.value as number
    }
  }
  return out
}

async function setup() {
  let reply: Reply = { status: 503, body: 'down' }
  const upstream = await startServer(() => reply)
  cleanup.push(() => upstream.close())
  const costs = new ModelCostMap({
    url: `${upstream.url}/map.json`,
    retry: { attempts: 1 },
    timeoutMs: 2000,
    scheduleHours: 6,
  })
  cleanup.push(() => costs.dispose())
  await costs.ready
  const reader = new PullReader()
  const provider = new MeterProvider({ readers: [reader] })
  cleanup.push(() => provider.shutdown())
  return { costs, reader, meter: provider.getMeter('test'), reply: (next: Reply) => (reply = next) }
}

describe('registerCostMapOtelMetrics', () => {
  it('counts the startup sync made before it, then every sync; gauges are read at collection', async () => {
    const { costs, reader, meter, reply } = await setup()
    const otel = registerCostMapOtelMetrics(costs, meter)
    cleanup.push(() => otel.dispose())
    expect(await collect(reader)).toMatchObject({
      'costmap_reload_total{trigger="startup",status="failed"}': 1,
      'costmap_reload_failures_total{reason="http"}': 1,
      costmap_reload_duration_seconds_count: 1,
      costmap_last_reload_successful: 0,
      costmap_last_reload_success_timestamp_seconds: 0,
      costmap_fallback_active: 1,
      costmap_models: Object.keys(costs.snapshot.map).length,
      [`costmap_map_info{sha256="${costs.snapshot.sha256}",source="local"}`]: 1,
    })
    reply({ body: changedMap(readText(MAIN_MAP)) })
    expect((await costs.reload()).status).toBe('success')
    const after = await collect(reader)
    expect(after).toMatchObject({
      'costmap_reload_total{trigger="manual",status="success"}': 1,
      costmap_new_models_total: 1,
      costmap_price_changes_total: 1,
      costmap_reload_duration_seconds_count: 2,
      costmap_last_reload_successful: 1,
      costmap_fallback_active: 0,
      [`costmap_map_info{sha256="${costs.snapshot.sha256}",source="remote"}`]: 1,
    })
    expect(after.costmap_last_reload_success_timestamp_seconds).toBe(
      Date.parse(costs.lastSyncs().last_success ?? '') / 1000,
    )
    expect(Object.keys(after).some((k) => k.startsWith('costmap_fleet_connected'))).toBe(false)
  })

  it('reports what costmap/prometheus reports, under the same names', async () => {
    const { costs, reader, meter, reply } = await setup()
    reply({ body: changedMap(readText(MAIN_MAP)) })
    await costs.reload()
    const otel = registerCostMapOtelMetrics(costs, meter)
    cleanup.push(() => otel.dispose())
    const registry = new Registry()
    const prom = registerCostMapMetrics(costs, registry)
    cleanup.push(() => prom.dispose())
    const fromOtel = await collect(reader)
    const fromProm = samples(await registry.metrics())
    // prom-client also writes the zero failure reasons and the histogram's buckets: compare what OTel has.
    const names = Object.keys(fromOtel).filter((k) => !k.startsWith('costmap_map_age_seconds'))
    expect(names.length).toBeGreaterThanOrEqual(12)
    for (const name of names) expect([name, fromOtel[name]]).toEqual([name, fromProm[name]])
    expect(Math.abs((fromOtel.costmap_map_age_seconds ?? -9) - (fromProm.costmap_map_age_seconds ?? 9))).toBeLessThan(2)
  })

  it('dispose() stops counting and observing', async () => {
    const { costs, reader, meter, reply } = await setup()
    const otel = registerCostMapOtelMetrics(costs, meter)
    otel.dispose()
    reply({ body: changedMap(readText(MAIN_MAP)) })
    await costs.reload()
    const after = await collect(reader)
    expect(after['costmap_reload_total{trigger="manual",status="success"}']).toBeUndefined()
    expect(after.costmap_models).toBeUndefined()
    expect(after['costmap_reload_total{trigger="startup",status="failed"}']).toBe(1)
  })
})
