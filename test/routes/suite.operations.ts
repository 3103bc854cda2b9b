/**
 * The operations part of the route suite (issue 16), on every adapter: the reload answer of a changed map,
 * /model/cost_map/syncs, the status route's counts, health without a key, /metrics, the rate limit that
 * never refuses a cancel, /v1/models/{id} and OpenAI's error shape on /v1/models.
 */
import { describe, expect, it } from 'vitest'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import { AUTH, admin, KEY, viewer } from './fixtures'
import type { Ctx } from './suite'
import { OPTIONS } from './suite.models'

/** `text` with gpt-4o's input price doubled and one model added. */
export function changedMap(text: string): string {
  const map = JSON.parse(text) as Record<string, Record<string, unknown>>
  map['gpt-4o'] = { ...map['gpt-4o'], input_cost_per_token: 5e-6 }
  map['my-new-model'] = {
    litellm_provider: 'openai',
    mode: 'chat',
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
  }
  return JSON.stringify(map)
}

export function operationsRouteTests(
  setup: (options?: CostMapHandlerOptions) => Promise<Ctx>,
  mapText: () => string,
): void {
  describe('operations', () => {
    it('a changed map: the reload answer lists new models and price changes; /syncs and the status route count it', async () => {
      const { call, reply } = await setup()
      reply({ body: changedMap(mapText()) })
      const res = await call('/reload/model_cost_map', { method: 'POST', headers: admin })
      expect(await res.json()).toMatchObject({
        status: 'success',
        new_models: ['my-new-model'],
        removed_models: [],
        changed_models: ['gpt-4o'],
        pricing_changes: 1,
        price_changes: [{ model: 'gpt-4o', field: 'input_cost_per_token', old: 2.5e-6, new: 5e-6 }],
        price_changes_truncated: false,
      })
      reply({ status: 500, body: 'down' })
      expect((await call('/reload/model_cost_map', { method: 'POST', headers: admin })).status).toBe(502)
      const syncs = await (await call('/model/cost_map/syncs', { headers: viewer })).json()
      expect(syncs.counts).toEqual({ success: 1, unchanged: 0, failed: 1 })
      expect(syncs.success_rate).toBe(0.5)
      expect(syncs.data.map((r: { status: string; trigger: string }) => [r.trigger, r.status])).toEqual([
        ['manual', 'failed'],
        ['manual', 'success'],
      ])
      const status = await (await call('/schedule/model_cost_map_reload/status', { headers: viewer })).json()
      expect(status).toMatchObject({
        success_count: 1,
        failure_count: 1,
        last_success: syncs.data[1].timestamp,
        last_failure: syncs.data[0].timestamp,
        model_count: syncs.data[0].models_count,
      })
    })

    it('health needs no key and shows no secret; readiness says healthy or degraded', async () => {
      const { call, reply, upstream } = await setup()
      const live = await call('/health/liveliness')
      expect(live.status).toBe(200)
      expect(await live.json()).toBe("I'm alive!")
      reply({ status: 404, body: 'no such file' })
      await call('/reload/model_cost_map', { method: 'POST', headers: admin })
      const res = await call('/health/readiness')
      expect(res.status).toBe(200)
      const text = await res.text()
      const body = JSON.parse(text)
      expect(body).toMatchObject({
        status: 'degraded',
        map: { source: 'local', model_count: expect.any(Number), age_seconds: expect.any(Number) },
        last_success: null,
        last_failure: expect.any(String),
      })
      expect(text).not.toContain(KEY)
      reply({ body: mapText() })
      await call('/reload/model_cost_map', { method: 'POST', headers: admin })
      expect(await (await call('/health/readiness')).json()).toMatchObject({
        status: 'healthy',
        map: { source: 'remote' },
      })
      expect(upstream.requests).toHaveLength(2)
    })

    it('/metrics: 404 by default, admin or viewer with metrics: true, no key with public', async () => {
      const off = await setup()
      expect((await off.call('/metrics', { headers: admin })).status).toBe(404)
      const on = await setup({ ...AUTH, metrics: true })
      expect((await on.call('/metrics')).status).toBe(401)
      const res = await on.call('/metrics', { headers: viewer })
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/)
      expect(await res.text()).toMatch(/^costmap_models \d{4}$/m)
      const open = await setup({ ...AUTH, metrics: { public: true } })
      expect(await (await open.call('/metrics')).text()).toMatch(/^costmap_last_reload_successful 1$/m)
    })

    it('a cancel is never rate limited, and a 400 does not use up the budget', async () => {
      const { call, upstream } = await setup({ ...AUTH, rateLimit: { burst: 2, perMinute: 1 } })
      for (let i = 0; i < 5; i++) {
        const bad = await call('/schedule/model_cost_map_reload?hours=0', { method: 'POST', headers: admin })
        expect(bad.status).toBe(400)
      }
      const reloads = []
      for (let i = 0; i < 3; i++)
        reloads.push((await call('/reload/model_cost_map', { method: 'POST', headers: admin })).status)
      expect(reloads).toEqual([200, 200, 429])
      expect(upstream.requests).toHaveLength(2)
      for (let i = 0; i < 5; i++) {
        expect((await call('/schedule/model_cost_map_reload', { method: 'DELETE', headers: admin })).status).toBe(200)
      }
    })

    it('/v1/models/{id} answers one deployment model group, 404 in OpenAI shape for others', async () => {
      const { call } = await setup(OPTIONS)
      const one = await call('/v1/models/gpt-4', { headers: viewer })
      expect(await one.json()).toEqual({ id: 'gpt-4', object: 'model', created: 1677610602, owned_by: 'openai' })
      const missing = await call('/v1/models/gpt-4o', { headers: viewer })
      expect(missing.status).toBe(404)
      expect(await missing.json()).toEqual({
        error: {
          message: "The model 'gpt-4o' does not exist",
          type: 'invalid_request_error',
          param: null,
          code: 'model_not_found',
        },
      })
    })

    // LiteLLM answers /v1/model/info errors with FastAPI's `detail`: that route keeps it beside `error`.
    it.each([
      ['/v1/models', 401, undefined],
      ['/v1/models/gpt-4', 401, undefined],
      ['/v1/model/info', 401, 'Invalid API key'],
      ['/v1/models', 405, undefined],
      ['/v1/model/info', 405, 'Method Not Allowed'],
    ])("%s: a %i is OpenAI's shape, with the message and the headers", async (path, status, detail) => {
      const { call } = await setup(OPTIONS)
      const res =
        status === 401
          ? await call(path, { headers: { authorization: 'Bearer sk-wrong' } })
          : await call(path, { method: 'PUT', headers: viewer })
      expect(res.status).toBe(status)
      const error =
        status === 401
          ? { message: 'Invalid API key', type: 'authentication_error', param: null, code: 'invalid_api_key' }
          : { message: 'Method Not Allowed', type: 'invalid_request_error', param: null, code: '405' }
      if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer')
      else expect(res.headers.get('allow')).toBe('GET')
      expect(await res.json()).toEqual(detail === undefined ? { error } : { detail, error })
    })
  })
}
