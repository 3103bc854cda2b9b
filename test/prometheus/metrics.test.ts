// costmap/prometheus: registerCostMapMetrics on a store and on a real redis fleet, scraped from the registry.
import { Registry, register } from 'prom-client'
import { afterEach, describe, expect, it } from 'vitest'
import { registerCostMapMetrics } from '../../src/prometheus-entry'
import { ModelCostMap } from '../../src/store/store'
import { allOn, sha256, useFleetHarness, V1, V2, waitFor } from '../redis/fixtures'
import { samples } from '../support/prometheus'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

describe('registerCostMapMetrics', () => {
  it("registers in prom-client's global registry by default; dispose() removes every metric", async () => {
    const costs = new ModelCostMap({ autoLoad: false, scheduleHours: 6 })
    cleanup.push(() => costs.dispose())
    const metrics = registerCostMapMetrics(costs)
    expect(metrics.registry).toBe(register)
    const m = samples(await register.metrics())
    expect(m.costmap_models).toBe(Object.keys(costs.snapshot.map).length)
    expect(m.costmap_fallback_active).toBe(0)
    expect((m.costmap_schedule_next_run_timestamp_seconds ?? 0) * 1000).toBe(
      Date.parse(costs.scheduleStatus().next_run ?? ''),
    )
    // A second registration in the same registry is prom-client's error, not a silent double count.
    expect(() => registerCostMapMetrics(costs)).toThrow(/already been registered/)
    metrics.dispose()
    expect(await register.metrics()).not.toMatch(/costmap_/)
  })

  it('counts the startup sync made before the metrics existed, once', async () => {
    const costs = new ModelCostMap({
      url: 'http://127.0.0.1:9/unreachable.json',
      retry: { attempts: 1 },
      timeoutMs: 500,
    })
    cleanup.push(() => costs.dispose())
    await costs.ready
    const registry = new Registry()
    const metrics = registerCostMapMetrics(costs, registry)
    cleanup.push(() => metrics.dispose())
    const m = samples(await registry.metrics())
    expect(m).toMatchObject({
      'costmap_reload_total{trigger="startup",status="failed"}': 1,
      'costmap_reload_failures_total{reason="fetch"}': 1,
      costmap_last_reload_successful: 0,
      costmap_last_reload_success_timestamp_seconds: 0,
      costmap_fallback_active: 1,
    })
  })
})

describe('in a fleet', () => {
  const h = useFleetHarness()

  it('reports costmap_fleet_connected, and a map another instance fetched as a fleet sync', async () => {
    const f = await h.started(2)
    await waitFor('every instance on v1', allOn(f, sha256(V1)))
    const [first, second] = f.members as [ModelCostMap, ModelCostMap]
    const registry = new Registry()
    const metrics = registerCostMapMetrics(second, registry)
    cleanup.push(() => metrics.dispose())
    h.upstream.body = V2
    expect((await first.reload()).status).toBe('success')
    await waitFor('instance 2 on v2', allOn(f, sha256(V2)))
    const m = samples(await registry.metrics())
    expect(m.costmap_fleet_connected).toBe(1)
    expect(m['costmap_reload_total{trigger="fleet",status="success"}']).toBe(1)
    expect(second.syncs().data[0]).toMatchObject({ trigger: 'fleet', status: 'success', sha256: sha256(V2) })
  })
})
