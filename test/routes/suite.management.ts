/**
 * The model-management part of the route suite: /model/new, /model/update, /model/delete, their 4xx
 * answers, and custom prices that price a deployment id across reloads.
 */
import { describe, expect, it } from 'vitest'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import { MAIN_MAP, readText } from '../support/data'
import { AUTH, admin } from './fixtures'
import type { Ctx } from './suite'
import { OPTIONS } from './suite.models'

const json = { ...admin, 'content-type': 'application/json' }

export function managementRouteTests(setup: (options?: CostMapHandlerOptions) => Promise<Ctx>): void {
  describe('model management', () => {
    it('new, update, delete with LiteLLM shapes and messages', async () => {
      const { call } = await setup(OPTIONS)
      const created = await call('/model/new', {
        method: 'POST',
        headers: { ...json, accept: 'application/json' },
        body: JSON.stringify({
          model_name: 'azure-gpt-turbo',
          litellm_params: {
            model: 'azure/gpt-3.5-turbo',
            api_key: 'os.environ/AZURE_API_KEY',
            api_base: 'my-azure-api-base',
          },
        }),
      })
      expect(created.status).toBe(200)
      const stored = await created.json()
      expect(stored).toEqual({
        model_name: 'azure-gpt-turbo',
        litellm_params: { model: 'azure/gpt-3.5-turbo', api_base: 'my-azure-api-base' },
        model_info: { id: expect.stringMatching(/^[0-9a-f-]{36}$/), db_model: true },
      })
      const id = stored.model_info.id
      const info = await (await call(`/model/info?litellm_model_id=${id}`, { headers: admin })).json()
      expect(info.data[0].model_name).toBe('azure-gpt-turbo')
      const list = await (await call('/v1/models', { headers: admin })).json()
      expect(list.data.map((m: { id: string }) => m.id)).toContain('azure-gpt-turbo')

      const updated = await call('/model/update', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ model_info: { id }, litellm_params: { rpm: 10, api_base: null } }),
      })
      expect(updated.status).toBe(200)
      expect((await updated.json()).litellm_params).toEqual({
        model: 'azure/gpt-3.5-turbo',
        api_base: 'my-azure-api-base',
        rpm: 10,
      })

      const deleted = await call('/model/delete', { method: 'POST', headers: json, body: JSON.stringify({ id }) })
      expect(await deleted.json()).toEqual({ message: `Model: ${id} deleted successfully` })
      const again = await call('/model/delete', { method: 'POST', headers: json, body: JSON.stringify({ id }) })
      expect(again.status).toBe(400)
      expect(await again.json()).toEqual({ detail: { error: `Model with id=${id} not found` } })
      const unknown = await call('/model/update', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ model_info: { id: 'nope' } }),
      })
      expect(unknown.status).toBe(400)
    })

    it('400 for malformed JSON, 422 for a wrong shape or price, 415 for a form, 400 for a duplicate id', async () => {
      const { call } = await setup(OPTIONS)
      const post = (body: string, headers: Record<string, string> = json) =>
        call('/model/new', { method: 'POST', headers, body })
      const malformed = await post('{"model_name": ')
      expect(malformed.status).toBe(400)
      expect((await malformed.json()).detail).toMatch(/^Invalid JSON body/)
      const missing = await post(JSON.stringify({ litellm_params: { model: 'x' } }))
      expect(missing.status).toBe(422)
      expect((await missing.json()).detail).toEqual([
        { type: 'missing', loc: ['body', 'model_name'], msg: 'Field required' },
      ])
      expect((await post('[]')).status).toBe(422)
      expect((await post('')).status).toBe(422)
      const price = await post(
        JSON.stringify({ model_name: 'x', litellm_params: { model: 'gpt-4o', input_cost_per_token: -1 } }),
      )
      expect(price.status).toBe(422)
      expect(
        (await post('model_name=x', { ...admin, 'content-type': 'application/x-www-form-urlencoded' })).status,
      ).toBe(415)
      const body = JSON.stringify({ model_name: 'd', litellm_params: { model: 'gpt-4o' }, model_info: { id: 'dup' } })
      expect((await post(body)).status).toBe(200)
      expect((await post(body)).status).toBe(400)
      expect((await call('/model/delete', { method: 'POST', headers: json, body: '{}' })).status).toBe(422)
      const polluted = await post('{"model_name":"p","litellm_params":{"model":"gpt-4o"},"__proto__":{"admin":true}}')
      expect(polluted.status).toBe(200)
      expect(({} as Record<string, unknown>).admin).toBeUndefined()
    })

    it.each(['gpt-4o', 'GPT-4O', 'openai/gpt-4o'])(
      'a deployment id %s that names a map model is refused (422): it never reprices that model',
      async (id) => {
        const { call, costs } = await setup(OPTIONS)
        const usage = { prompt_tokens: 1000, completion_tokens: 100 }
        const before = costs.completionCost({ model: 'gpt-4o', usage })
        expect(before.promptCost).toBeCloseTo(1000 * 2.5e-6, 12)
        const res = await call('/model/new', {
          method: 'POST',
          headers: json,
          body: JSON.stringify({
            model_name: 'cheap',
            litellm_params: { model: 'openai/gpt-4o', input_cost_per_token: 1e-9, output_cost_per_token: 1e-9 },
            model_info: { id },
          }),
        })
        expect(res.status).toBe(422)
        expect((await res.json()).detail).toMatch(/names the cost map's model gpt-4o/)
        for (const model of ['gpt-4o', id]) expect(costs.completionCost({ model, usage })).toEqual(before)
        const info = await call(`/model/info?litellm_model_id=${encodeURIComponent(id)}`, { headers: admin })
        expect(info.status).toBe(400)
      },
    )

    it('a config deployment whose model_info.id names a map model is refused at start', async () => {
      const modelList = [
        {
          model_name: 'cheap',
          litellm_params: { model: 'gpt-4o', input_cost_per_token: 0 },
          model_info: { id: 'gpt-4o' },
        },
      ]
      await expect(setup({ ...AUTH, modelList })).rejects.toThrow(
        /modelList\[0\]\.model_info\.id: Model id=gpt-4o names the cost map's model gpt-4o/,
      )
    })

    it('an id the upstream later adds as a model: after the reload the map prices it for every caller, with a warning', async () => {
      const warnings: string[] = []
      const { call, costs, reply } = await setup({ ...AUTH, logger: { warn: (message) => warnings.push(message) } })
      const usage = { prompt_tokens: 1000, completion_tokens: 100 }
      const added = await call('/model/new', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          model_name: 'team',
          litellm_params: { model: 'openai/gpt-4o', input_cost_per_token: 1e-9, output_cost_per_token: 1e-9 },
          model_info: { id: 'brand-new-model' },
        }),
      })
      expect(added.status).toBe(200)
      expect(costs.completionCost({ model: 'brand-new-model', usage }).promptCost).toBeCloseTo(1000 * 1e-9, 15)
      const map = JSON.parse(readText(MAIN_MAP))
      map['brand-new-model'] = {
        litellm_provider: 'openai',
        mode: 'chat',
        input_cost_per_token: 3e-6,
        output_cost_per_token: 1.5e-5,
      }
      reply({ body: JSON.stringify(map) })
      expect((await call('/reload/model_cost_map', { method: 'POST', headers: admin })).status).toBe(200)
      expect(costs.completionCost({ model: 'brand-new-model', usage }).promptCost).toBeCloseTo(1000 * 3e-6, 12)
      expect(warnings).toEqual([
        "[costmap] deployment id brand-new-model is now a model of the cost map: the map's prices apply to brand-new-model, not the deployment's",
      ])
      // The deployment itself stays listed, and deleting it leaves the map's model alone.
      expect((await call('/model/info?litellm_model_id=brand-new-model', { headers: admin })).status).toBe(200)
      const deleted = await call('/model/delete', { method: 'POST', headers: json, body: '{"id":"brand-new-model"}' })
      expect(deleted.status).toBe(200)
      expect(costs.completionCost({ model: 'brand-new-model', usage }).promptCost).toBeCloseTo(1000 * 3e-6, 12)
    })

    it('custom prices of a deployment price its id, and survive a reload', async () => {
      const { call, costs } = await setup({
        ...AUTH,
        modelList: [{ model_name: 'free-gpt', litellm_params: { model: 'gpt-4o', input_cost_per_token: 0 } }],
      })
      const { data } = await (await call('/model/info', { headers: admin })).json()
      const id: string = data[0].model_info.id
      expect(data[0].model_info).toMatchObject({ input_cost_per_token: 0, output_cost_per_token: 1e-5 })
      const usage = { prompt_tokens: 1000, completion_tokens: 100 }
      const before = costs.completionCost({ model: id, usage })
      expect(before.promptCost).toBe(0)
      expect(before.completionCost).toBeCloseTo(100 * 1e-5, 12)
      expect(costs.completionCost({ model: 'gpt-4o', usage }).promptCost).toBeCloseTo(1000 * 2.5e-6, 12)

      const reload = await call('/reload/model_cost_map', { method: 'POST', headers: admin })
      expect(reload.status).toBe(200)
      expect(costs.source().source).toBe('remote')
      expect(costs.completionCost({ model: id, usage }).promptCost).toBe(0)

      const added = await call('/model/new', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          model_name: 'my-llama',
          litellm_params: { model: 'ollama/llama3', input_cost_per_token: 0, output_cost_per_token: 0 },
        }),
      })
      const newId: string = (await added.json()).model_info.id
      expect(costs.completionCost({ model: newId, usage }).totalCost).toBe(0)

      // Deleting the deployment removes the prices registered under its id.
      const deleted = await call('/model/delete', {
        method: 'POST',
        headers: json,
        body: JSON.stringify({ id: newId }),
      })
      expect(deleted.status).toBe(200)
      expect(costs.findModelInfo(newId)).toBeUndefined()
    })
  })
}
