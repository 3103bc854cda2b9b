/**
 * The cost-map part of the route suite: reload (success, failure, rate limit) and the schedule routes.
 */
import { describe, expect, it } from 'vitest'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import { AUTH, admin, KEY, sha, viewer } from './fixtures'
import type { Ctx } from './suite'

export function costMapRouteTests(
  setup: (options?: CostMapHandlerOptions) => Promise<Ctx>,
  mapText: () => string,
): void {
  describe('reload', () => {
    it('200 with LiteLLM message and the new map active (unchanged: the same bytes as the bundled map)', async () => {
      const { call, costs, upstream } = await setup()
      const res = await call('/reload/model_cost_map', { method: 'POST', headers: admin })
      expect(res.status).toBe(200)
      const body = await res.json()
      expect(body).toEqual({
        message: `Price data reloaded successfully! ${body.models_count} models updated.`,
        status: 'unchanged',
        models_count: costs.source().model_count,
        timestamp: expect.any(String),
        new_models: [],
        removed_models: [],
        changed_models: [],
        pricing_changes: 0,
        price_changes: [],
        price_changes_truncated: false,
        sha256: sha(mapText()),
      })
      expect(body.models_count).toBeGreaterThan(1000)
      expect(upstream.requests).toHaveLength(1)
      expect(costs.source()).toMatchObject({ source: 'remote', sha256: sha(mapText()) })
      expect(res.headers.get('cache-control')).toBe('no-store')
      expect(res.headers.get('access-control-allow-origin')).toBeNull()
    })

    it('502 on failure, the active map kept, no upstream page echoed', async () => {
      const { call, costs, reply } = await setup()
      const before = costs.source().sha256
      reply({ status: 200, headers: { 'content-type': 'text/html' }, body: '<html>sk-live-SECRET-token-xyz</html>' })
      const res = await call('/reload/model_cost_map', { method: 'POST', headers: admin })
      expect(res.status).toBe(502)
      const text = await res.text()
      expect(JSON.parse(text).detail).toMatch(/^Failed to reload model cost map: .+\. Current pricing data was kept\.$/)
      expect(text).not.toContain('SECRET')
      expect(text).not.toContain(KEY)
      expect(costs.source().sha256).toBe(before)
      reply({ status: 500, body: 'boom' })
      const second = await call('/reload/model_cost_map', { method: 'POST', headers: admin })
      expect(second.status).toBe(502)
      const source = await (await call('/model/cost_map/source', { headers: admin })).json()
      expect(source.sha256).toBe(before)
      expect(source.last_error).toEqual(expect.any(String))
    })

    it('is rate limited: 429 with Retry-After past the burst', async () => {
      const { call, upstream } = await setup({ ...AUTH, rateLimit: { burst: 2, perMinute: 1 } })
      const statuses: number[] = []
      let retryAfter: string | null = null
      for (let i = 0; i < 5; i++) {
        const res = await call('/reload/model_cost_map', { method: 'POST', headers: admin })
        statuses.push(res.status)
        if (res.status === 429) retryAfter = res.headers.get('retry-after')
      }
      expect(statuses).toEqual([200, 200, 429, 429, 429])
      expect(Number(retryAfter)).toBeGreaterThanOrEqual(1)
      expect(upstream.requests.length).toBeLessThanOrEqual(2)
      // The schedule routes share the bucket; status reads do not.
      expect((await call('/schedule/model_cost_map_reload?hours=1', { method: 'POST', headers: admin })).status).toBe(
        429,
      )
      expect((await call('/schedule/model_cost_map_reload/status', { headers: admin })).status).toBe(200)
    })

    it('a flood of 50 concurrent reloads makes at most burst upstream fetches', async () => {
      const { call, upstream } = await setup()
      const all = await Promise.all(
        Array.from({ length: 50 }, () => call('/reload/model_cost_map', { method: 'POST', headers: admin })),
      )
      const statuses = all.map((r) => r.status)
      expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(45)
      expect(statuses.every((s) => s === 200 || s === 429)).toBe(true)
      expect(upstream.requests.length).toBeLessThanOrEqual(5)
    })
  })

  describe('schedule', () => {
    it('schedules, reports, cancels with LiteLLM messages', async () => {
      const { call } = await setup()
      const res = await call('/schedule/model_cost_map_reload?hours=6', { method: 'POST', headers: admin })
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({
        message: 'Model cost map reload scheduled for every 6 hours',
        status: 'success',
        interval_hours: 6,
        timestamp: expect.any(String),
      })
      const status = await (await call('/schedule/model_cost_map_reload/status', { headers: viewer })).json()
      expect(status).toEqual({
        scheduled: true,
        interval_hours: 6,
        last_run: null,
        next_run: expect.any(String),
        last_success: null,
        last_failure: null,
        success_count: 0,
        failure_count: 0,
        model_count: expect.any(Number),
      })
      const cancel = await call('/schedule/model_cost_map_reload', { method: 'DELETE', headers: admin })
      expect(await cancel.json()).toEqual({
        message: 'Model cost map reload schedule cancelled',
        status: 'success',
        timestamp: expect.any(String),
      })
      const again = await call('/schedule/model_cost_map_reload', { method: 'DELETE', headers: admin })
      expect(again.status).toBe(200)
      const after = await (await call('/schedule/model_cost_map_reload/status', { headers: admin })).json()
      expect(after).toMatchObject({ scheduled: false, interval_hours: null, last_run: null, next_run: null })
    })

    it('400 for every bad hours value, and the schedule stays as it was', async () => {
      const { call, costs, upstream } = await setup({ ...AUTH, rateLimit: false })
      costs.schedule(6)
      const bad = ['', 'abc', '0', '-1', '1e9', '6h', 'Infinity', 'NaN', '0x10', '1e2', '0.001', '8761', '-0']
      for (const hours of [null, ...bad]) {
        const query = hours === null ? '' : `?hours=${encodeURIComponent(hours)}`
        const res = await call(`/schedule/model_cost_map_reload${query}`, { method: 'POST', headers: admin })
        expect(res.status, String(hours)).toBe(400)
        expect(typeof (await res.json()).detail).toBe('string')
      }
      for (const hours of ['0', '-1']) {
        const res = await call(`/schedule/model_cost_map_reload?hours=${hours}`, { method: 'POST', headers: admin })
        expect((await res.json()).detail).toBe('Hours must be greater than 0')
      }
      const twice = await call('/schedule/model_cost_map_reload?hours=1&hours=2', { method: 'POST', headers: admin })
      expect(twice.status).toBe(400)
      expect(costs.scheduleStatus()).toMatchObject({ scheduled: true, interval_hours: 6 })
      const half = await call('/schedule/model_cost_map_reload?hours=0.5', { method: 'POST', headers: admin })
      expect((await half.json()).interval_hours).toBe(0.5)
      expect(upstream.requests).toHaveLength(0)
    })
  })
}
