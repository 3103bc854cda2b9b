/**
 * The price route of the route suite (issue 19), on every adapter: `POST /spend/calculate` with costmap's
 * body and LiteLLM's `completion_response` body, prices checked against `completionCost` on the same store
 * and against the entry's prices by hand; its 4xx answers.
 */
import { describe, expect, it } from 'vitest'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import type { ModelCostMap } from '../../src/store/store'
import { admin, viewer } from './fixtures'
import type { Ctx } from './suite'

const JSON_TYPE = { 'content-type': 'application/json' }

/** A price of the store's active map, read directly (never through the engine under test). */
function price(costs: ModelCostMap, model: string, field: string): number {
  const value = (costs.snapshot.map[model] as Record<string, unknown> | undefined)?.[field]
  expect(typeof value, `${model}.${field}`).toBe('number')
  return value as number
}

export function spendRouteTests(setup: (options?: CostMapHandlerOptions) => Promise<Ctx>): void {
  describe('POST /spend/calculate', () => {
    const post = (ctx: Ctx, body: unknown, headers: Record<string, string> = admin) =>
      ctx.call('/spend/calculate', {
        method: 'POST',
        headers: { ...headers, ...JSON_TYPE },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      })

    it('prices gpt-4o from a usage: cost = completionCost on the same store = the entry prices by hand', async () => {
      const ctx = await setup()
      const usage = { prompt_tokens: 1000, completion_tokens: 500 }
      const res = await post(ctx, { model: 'gpt-4o', usage }, viewer)
      expect(res.status).toBe(200)
      expect(res.headers.get('content-type')).toMatch(/application\/json/)
      const body = await res.json()
      const byHand =
        1000 * price(ctx.costs, 'gpt-4o', 'input_cost_per_token') +
        500 * price(ctx.costs, 'gpt-4o', 'output_cost_per_token')
      expect(body.cost).toBeGreaterThan(0)
      expect(body.cost).toBeCloseTo(byHand, 12)
      expect(body.cost).toBe(body.result.totalCost)
      expect(body.result).toEqual(JSON.parse(JSON.stringify(ctx.costs.completionCost({ model: 'gpt-4o', usage }))))
      expect(body.result).toMatchObject({ key: 'gpt-4o', provider: 'openai', sha256: ctx.costs.snapshot.sha256 })
      expect(body.result.breakdown.length).toBeGreaterThan(0)
      expect(ctx.upstream.requests).toHaveLength(0)
    })

    it.each([
      ['model and completion_response', { model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] }],
      ['completion_response.model only', {}],
    ])("LiteLLM's body with %s answers {cost}", async (_name, extra) => {
      const ctx = await setup()
      const completion_response = {
        id: 'chatcmpl-123',
        object: 'chat.completion',
        model: 'gpt-4o',
        choices: [{ index: 0, message: { role: 'assistant', content: 'Hello' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 2000, completion_tokens: 300, total_tokens: 2300 },
      }
      const res = await post(ctx, { ...extra, completion_response })
      expect(res.status).toBe(200)
      const body = await res.json()
      const byHand =
        2000 * price(ctx.costs, 'gpt-4o', 'input_cost_per_token') +
        300 * price(ctx.costs, 'gpt-4o', 'output_cost_per_token')
      expect(body.cost).toBeCloseTo(byHand, 12)
      expect(body.result.key).toBe('gpt-4o')
    })

    it('prices an Anthropic usage with cache reads and cache writes', async () => {
      const ctx = await setup()
      const model = 'claude-3-5-haiku-20241022'
      const usage = {
        input_tokens: 100,
        output_tokens: 50,
        cache_read_input_tokens: 2000,
        cache_creation_input_tokens: 400,
      }
      const res = await post(ctx, { model, usage })
      expect(res.status).toBe(200)
      const body = await res.json()
      const byHand =
        100 * price(ctx.costs, model, 'input_cost_per_token') +
        2000 * price(ctx.costs, model, 'cache_read_input_token_cost') +
        400 * price(ctx.costs, model, 'cache_creation_input_token_cost') +
        50 * price(ctx.costs, model, 'output_cost_per_token')
      expect(body.cost).toBeCloseTo(byHand, 12)
      expect(body.result.totalCost).toBe(ctx.costs.completionCost({ model, usage }).totalCost)
    })

    it('serviceTier selects the priority prices, in the body or on the completion_response', async () => {
      const ctx = await setup()
      const usage = { prompt_tokens: 1000, completion_tokens: 100 }
      const byHand =
        1000 * price(ctx.costs, 'gpt-4o', 'input_cost_per_token_priority') +
        100 * price(ctx.costs, 'gpt-4o', 'output_cost_per_token_priority')
      const asArgument = await (await post(ctx, { model: 'gpt-4o', usage, serviceTier: 'priority' })).json()
      expect(asArgument.cost).toBeCloseTo(byHand, 12)
      const onResponse = await post(ctx, {
        model: 'gpt-4o',
        completion_response: { model: 'gpt-4o', usage, service_tier: 'priority' },
      })
      expect((await onResponse.json()).cost).toBeCloseTo(byHand, 12)
      const standard = await (await post(ctx, { model: 'gpt-4o', usage })).json()
      expect(standard.cost).toBeLessThan(byHand)
    })

    it('passes the other pricing arguments through (provider, discount)', async () => {
      const ctx = await setup()
      const usage = { prompt_tokens: 1000, completion_tokens: 100 }
      const args = { model: 'gpt-4o', provider: 'openai', usage, discount: 0.5 }
      const body = await (await post(ctx, args)).json()
      expect(body.cost).toBe(ctx.costs.completionCost(args).totalCost)
      expect(body.cost).toBeCloseTo(ctx.costs.completionCost({ model: 'gpt-4o', usage }).totalCost / 2, 12)
    })

    it('usageFormat and preferReportedCost pass through: an AI SDK usage, an OpenRouter usage.cost billed', async () => {
      const ctx = await setup()
      const sdk = { model: 'gpt-4o', usage: { inputTokens: 1000, outputTokens: 100, totalTokens: 1100 } }
      const read = await (await post(ctx, { ...sdk, usageFormat: 'ai-sdk' })).json()
      const byHand =
        1000 * price(ctx.costs, 'gpt-4o', 'input_cost_per_token') +
        100 * price(ctx.costs, 'gpt-4o', 'output_cost_per_token')
      expect(read.cost).toBeCloseTo(byHand, 12)
      const usage = { prompt_tokens: 1000, completion_tokens: 100, cost: 0.123 }
      const billed = await (await post(ctx, { model: 'gpt-4o', usage, preferReportedCost: true })).json()
      expect(billed.cost).toBe(0.123)
      expect(billed.result).toMatchObject({ reportedCost: 0.123, costSource: 'reported' })
      const bad = await post(ctx, { ...sdk, usageFormat: 'ai_sdk' })
      expect(bad.status).toBe(422)
      expect((await bad.json()).error.message).toMatch(/usageFormat/)
    })

    it('an unknown model is a 404 with the suggestions', async () => {
      const ctx = await setup()
      const res = await post(ctx, { model: 'gpt4o', usage: { prompt_tokens: 1, completion_tokens: 1 } })
      expect(res.status).toBe(404)
      const body = await res.json()
      expect(body.detail).toMatch(/isn't mapped yet. model=gpt4o/)
      expect(body.suggestions[0]).toBe('gpt-4o')
      expect(body.suggestions).toEqual(expect.arrayContaining(['azure/gpt-4o']))
    })

    it.each([
      ['malformed JSON', '{"model": "gpt-4o", ', 400, /Invalid JSON/],
      ['a usage of the wrong shape', { model: 'gpt-4o', usage: 'lots' }, 422, /usage/],
      ['negative token counts', { model: 'gpt-4o', usage: { prompt_tokens: -5 } }, 422, /prompt_tokens/],
      ['no model anywhere', { usage: { prompt_tokens: 1 } }, 422, /model/],
      ['no usage (messages are not token-counted)', { model: 'gpt-4o', messages: [] }, 422, /usage/],
      ['an empty body', '', 422, /.+/],
      ['a JSON array', [], 422, /.+/],
      ['an unknown callType', { model: 'gpt-4o', usage: {}, callType: 'chat' }, 422, /callType/],
      ['a bad discount', { model: 'gpt-4o', usage: { prompt_tokens: 1 }, discount: 2 }, 422, /discount/],
      ['`at` without a configured history', { model: 'gpt-4o', usage: { prompt_tokens: 1 }, at: 0 }, 422, /history/],
    ])('%s: %s with a JSON detail, never a 500', async (_name, body, status, message) => {
      const ctx = await setup()
      const res = await post(ctx, body)
      expect(res.status).toBe(status)
      const { detail } = await res.json()
      expect(typeof detail === 'string' ? detail : JSON.stringify(detail)).toMatch(message)
    })

    it.each([
      ['malformed JSON', '{"model": ', admin, 400, 'invalid_request_error', '400', /Invalid JSON/],
      ['no usage', { model: 'gpt-4o' }, admin, 422, 'invalid_request_error', '422', /^usage: Field required/],
      [
        'a usage of the wrong shape',
        { model: 'gpt-4o', usage: 'lots' },
        admin,
        422,
        'invalid_request_error',
        '422',
        /^usage: /,
      ],
      [
        'a bad discount',
        { model: 'gpt-4o', usage: { prompt_tokens: 1 }, discount: 2 },
        admin,
        422,
        'invalid_request_error',
        '422',
        /discount/,
      ],
      [
        'an unknown model',
        { model: 'gpt4o', usage: { prompt_tokens: 1 } },
        admin,
        404,
        'invalid_request_error',
        'model_not_found',
        /isn't mapped yet/,
      ],
      [
        'a wrong key',
        { model: 'gpt-4o', usage: { prompt_tokens: 1 } },
        { authorization: 'Bearer wrong' },
        401,
        'authentication_error',
        'invalid_api_key',
        /Invalid API key/,
      ],
    ])(
      "%s: LiteLLM's detail and OpenAI's error in one body",
      async (_name, body, headers, status, type, code, message) => {
        const ctx = await setup()
        const res = await post(ctx, body, headers)
        expect(res.status).toBe(status)
        expect(res.headers.get('content-type')).toMatch(/application\/json/)
        const json = await res.json()
        expect(json.detail).toBeDefined()
        expect(json.error).toEqual({ message: expect.stringMatching(message), type, param: null, code })
        if (typeof json.detail === 'string') expect(json.error.message).toBe(json.detail)
        if (status === 404) expect(json.suggestions[0]).toBe('gpt-4o')
        if (status === 401) expect(res.headers.get('www-authenticate')).toBe('Bearer')
      },
    )

    it('any valid key: 401 without one, 200 for a viewer; GET is a 405', async () => {
      const ctx = await setup()
      const body = { model: 'gpt-4o', usage: { prompt_tokens: 10, completion_tokens: 10 } }
      expect((await post(ctx, body, {})).status).toBe(401)
      expect((await post(ctx, body, { authorization: 'Bearer wrong' })).status).toBe(401)
      expect((await post(ctx, body, viewer)).status).toBe(200)
      const get = await ctx.call('/spend/calculate', { headers: viewer })
      expect(get.status).toBe(405)
      expect(get.headers.get('allow')).toBe('POST')
    })
  })
}
