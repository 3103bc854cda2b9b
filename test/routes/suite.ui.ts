/**
 * The status page's routes in the route suite, on every adapter: the page itself (no key, no data, its
 * headers), `GET /model/cost_map/last_change` (null until a reload changes the map, then what changed) and
 * `GET /model/cost_map/search` (ranked matches with prices; bounded query and limit).
 */
import { describe, expect, it } from 'vitest'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import { admin, viewer } from './fixtures'
import type { Ctx } from './suite'

export function uiRouteTests(setup: (options?: CostMapHandlerOptions) => Promise<Ctx>, mapText: () => string): void {
  describe('status page routes', () => {
    it.each(['GET', 'HEAD'])(
      '%s /model/cost_map/ui needs no key and answers the page with its headers',
      async (method) => {
        const ctx = await setup()
        const res = await ctx.call('/model/cost_map/ui', { method })
        expect(res.status).toBe(200)
        expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
        expect(res.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'nonce-/)
        expect(res.headers.get('referrer-policy')).toBe('no-referrer')
        const text = await res.text()
        if (method === 'GET') expect(text).toMatch(/<form name="calculate"/)
        else expect(text).toBe('')
        expect((await ctx.call('/model/cost_map/ui', { method: 'POST' })).status).toBe(405)
      },
    )

    it('last_change: 401 without a key, null before a change, then the change a reload made', async () => {
      const ctx = await setup()
      expect((await ctx.call('/model/cost_map/last_change')).status).toBe(401)
      expect(await (await ctx.call('/model/cost_map/last_change', { headers: viewer })).json()).toEqual({ data: null })
      const map = JSON.parse(mapText()) as Record<string, Record<string, unknown>>
      const old = map['gpt-4o']?.output_cost_per_token as number
      map['gpt-4o'] = { ...map['gpt-4o'], output_cost_per_token: old * 1.5 }
      map['costmap-route-test/new'] = { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6 }
      ctx.reply({ body: JSON.stringify(map) })
      const reload = await ctx.call('/reload/model_cost_map', { method: 'POST', headers: admin })
      expect(reload.status).toBe(200)
      const { data } = await (await ctx.call('/model/cost_map/last_change', { headers: viewer })).json()
      expect(data).toMatchObject({
        sha256: ctx.costs.snapshot.sha256,
        new_models: ['costmap-route-test/new'],
        removed_models: [],
        price_changes_truncated: false,
      })
      expect(data.previous_sha256).not.toBe(data.sha256)
      expect(data.price_changes).toContainEqual({
        model: 'gpt-4o',
        field: 'output_cost_per_token',
        old,
        new: old * 1.5,
      })
    })

    it('search: exact match first, every word must match, prices as the map has them', async () => {
      const ctx = await setup()
      const search = async (query: string) => {
        const res = await ctx.call(`/model/cost_map/search?${query}`, { headers: viewer })
        expect(res.status, query).toBe(200)
        return res.json()
      }
      const exact = await search('q=GPT-4o&limit=5')
      expect(exact.data).toHaveLength(5)
      expect(exact.total).toBeGreaterThan(5)
      const entry = ctx.costs.snapshot.map['gpt-4o'] as Record<string, unknown>
      expect(exact.data[0]).toEqual({
        model: 'gpt-4o',
        provider: 'openai',
        mode: 'chat',
        input_cost_per_token: entry.input_cost_per_token,
        output_cost_per_token: entry.output_cost_per_token,
        cache_read_input_token_cost: entry.cache_read_input_token_cost,
        max_input_tokens: entry.max_input_tokens,
        max_output_tokens: entry.max_output_tokens,
      })
      const words = await search('q=bedrock+sonnet&limit=200')
      expect(words.total).toBeGreaterThan(0)
      for (const row of words.data) expect(`${row.model} ${row.provider}`.toLowerCase()).toMatch(/sonnet/)
      expect((await search('q=zz-no-such-model-zz')).total).toBe(0)
      const all = await search('')
      expect(all.total).toBe(Object.keys(ctx.costs.snapshot.map).length)
      expect(all.data).toHaveLength(50)
    })

    it.each([
      ['limit=0', /limit/],
      ['limit=201', /limit/],
      ['limit=ten', /limit/],
      [`q=${'x'.repeat(201)}`, /200 characters/],
    ])('search with %s is a 400 with a detail', async (query, message) => {
      const ctx = await setup()
      const res = await ctx.call(`/model/cost_map/search?${query}`, { headers: viewer })
      expect(res.status).toBe(400)
      expect((await res.json()).detail).toMatch(message)
    })
  })
}
