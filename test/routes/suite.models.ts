/**
 * The model-management part of the route suite: /model/info merge and redaction, /v1/models, and
 * /model/new, /model/update, /model/delete with custom prices.
 */
import { createHash } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { modelList } from '../../examples/model-list'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import { AUTH, admin, viewer } from './fixtures'
import type { Ctx } from './suite'

/** The config example of litellm-curl-examples.md (the examples' list, without their zero-priced self-hosted model). */
export const MODEL_LIST = modelList.slice(0, 2)
const ENV: Record<string, string> = { OPENAI_API_KEY: 'sk-openai-ABCDEFGH', AZURE_API_KEY_EU: 'azure-key-0123456789' }
export const OPTIONS: CostMapHandlerOptions = { ...AUTH, modelList: MODEL_LIST, resolveEnv: (name) => ENV[name] }

/** LiteLLM's id: SHA-256 of the model name, then each param's key and value, no separators. */
function litellmId(name: string, params: Record<string, string | number>): string {
  return createHash('sha256')
    .update(
      name +
        Object.entries(params)
          .map(([k, v]) => k + String(v))
          .join(''),
    )
    .digest('hex')
}

export function modelRouteTests(setup: (options?: CostMapHandlerOptions) => Promise<Ctx>): void {
  describe('model info', () => {
    it('returns config model_info merged with the cost map, with LiteLLM ids and no secrets', async () => {
      const { call } = await setup(OPTIONS)
      for (const path of ['/model/info', '/v1/model/info']) {
        const res = await call(path, { headers: viewer })
        expect(res.status).toBe(200)
        const text = await res.text()
        expect(text).not.toMatch(/os\.environ|sk-openai|azure-key/)
        const { data } = JSON.parse(text)
        expect(data).toHaveLength(2)
        const [gpt4, azure] = data
        expect(gpt4.model_name).toBe('gpt-4')
        expect(gpt4.litellm_params).toEqual({ model: 'gpt-4' })
        expect(gpt4.model_info).toMatchObject({
          id: litellmId('gpt-4', { model: 'gpt-4', api_key: ENV.OPENAI_API_KEY as string }),
          db_model: false,
          my_custom_key: 'my_custom_value',
          key: 'gpt-4',
          max_tokens: 4096,
          max_input_tokens: 8192,
          max_output_tokens: 4096,
          input_cost_per_token: 3e-5,
          output_cost_per_token: 6e-5,
          litellm_provider: 'openai',
          mode: 'chat',
          output_cost_per_audio_token: null,
        })
        expect(Object.keys(gpt4.model_info)).toEqual(expect.arrayContaining(['tpm', 'rpm', 'supported_openai_params']))
        expect(azure.litellm_params).toEqual({
          model: 'azure/gpt-turbo-small-eu',
          api_base: 'https://my-endpoint-europe.openai.azure.com/',
          rpm: 6,
        })
        expect(azure.model_info).toMatchObject({
          id: litellmId('gpt-3.5-turbo', {
            model: 'azure/gpt-turbo-small-eu',
            api_base: 'https://my-endpoint-europe.openai.azure.com/',
            api_key: ENV.AZURE_API_KEY_EU as string,
            rpm: 6,
          }),
          base_model: 'azure/gpt-35-turbo',
          key: 'azure/gpt-35-turbo',
          litellm_provider: 'azure',
          input_cost_per_token: 5e-7,
        })
      }
    })

    it('config model_info wins over the cost map', async () => {
      const { call } = await setup({
        ...AUTH,
        modelList: [{ model_name: 'g', litellm_params: { model: 'gpt-4' }, model_info: { max_tokens: 7, mode: 'x' } }],
      })
      const { data } = await (await call('/model/info', { headers: admin })).json()
      expect(data[0].model_info).toMatchObject({ max_tokens: 7, mode: 'x', max_input_tokens: 8192 })
    })

    it('?litellm_model_id= returns one deployment; an unknown id is a 400', async () => {
      const { call } = await setup(OPTIONS)
      const id = litellmId('gpt-4', { model: 'gpt-4', api_key: ENV.OPENAI_API_KEY as string })
      const one = await (await call(`/v1/model/info?litellm_model_id=${id}`, { headers: admin })).json()
      expect(one.data).toHaveLength(1)
      expect(one.data[0].model_info.id).toBe(id)
      const res = await call('/v1/model/info?litellm_model_id=nope', { headers: admin })
      expect(res.status).toBe(400)
      // LiteLLM's body (its clients read `detail.error`) plus OpenAI's `error`, which the openai client reads.
      expect(await res.json()).toEqual({
        detail: { error: 'Model id = nope not found on litellm proxy' },
        error: {
          message: 'Model id = nope not found on litellm proxy',
          type: 'invalid_request_error',
          param: null,
          code: '400',
        },
      })
      const plain = await call('/model/info?litellm_model_id=nope', { headers: admin })
      expect(await plain.json()).toEqual({ detail: { error: 'Model id = nope not found on litellm proxy' } })
    })

    it('removes and masks secrets exactly as LiteLLM, *cost* keys exempt', async () => {
      const { call } = await setup({
        ...AUTH,
        modelList: [
          {
            model_name: 'secrets',
            litellm_params: {
              model: 'azure/gpt-4o',
              api_key: 'sk-REMOVED-0000000000',
              client_secret: 'REMOVED-client-secret',
              vertex_credentials: '{"REMOVED": true}',
              aws_access_key_id: 'AKIAREMOVED00000',
              aws_secret_access_key: 'REMOVED-aws-secret',
              aws_session_token: 'abcd1234efgh5678',
              azure_ad_token: 'short',
              input_cost_per_token: 1.5e-6,
              litellm_credential_name: 'my-azure-credential',
              api_base: 'os.environ/AZURE_API_BASE',
              api_version: '2024-06-01',
              extra_headers: { Authorization: 'Bearer abcdefghijkl', 'x-trace': 'keep-me' },
            },
          },
        ],
      })
      const text = await (await call('/model/info', { headers: admin })).text()
      expect(text).not.toMatch(/REMOVED|os\.environ/)
      const params = JSON.parse(text).data[0].litellm_params
      expect(params).toEqual({
        model: 'azure/gpt-4o',
        aws_session_token: 'abcd********5678',
        azure_ad_token: 'short',
        input_cost_per_token: 1.5e-6,
        litellm_credential_name: 'my-azure-credential',
        api_version: '2024-06-01',
        extra_headers: { Authorization: 'Bear***********ijkl', 'x-trace': 'keep-me' },
      })
    })
  })

  describe('/v1/models', () => {
    it('lists the model groups of the deployments', async () => {
      const { call } = await setup(OPTIONS)
      const body = await (await call('/v1/models', { headers: viewer })).json()
      expect(body).toEqual({
        object: 'list',
        data: [
          { id: 'gpt-4', object: 'model', created: 1677610602, owned_by: 'openai' },
          { id: 'gpt-3.5-turbo', object: 'model', created: 1677610602, owned_by: 'azure' },
        ],
      })
    })

    it("lists no model without deployments (LiteLLM's meaning), the cost map on its own route, and expands wildcard groups", async () => {
      const { call, costs } = await setup()
      expect(await (await call('/v1/models', { headers: admin })).json()).toEqual({ object: 'list', data: [] })
      const all = await (await call('/model/cost_map/models', { headers: viewer })).json()
      expect(all.object).toBe('list')
      expect(all.data).toHaveLength(costs.source().model_count)
      expect(all.data).toContainEqual({ id: 'gpt-4o', object: 'model', created: 1677610602, owned_by: 'openai' })
      const wild = await setup({
        ...AUTH,
        modelList: [{ model_name: 'anthropic/*', litellm_params: { model: 'anthropic/*' } }],
      })
      const { data } = await (await wild.call('/v1/models', { headers: admin })).json()
      expect(data.length).toBeGreaterThan(5)
      for (const m of data)
        expect(m).toMatchObject({ id: expect.stringMatching(/^anthropic\//), owned_by: 'anthropic' })
    })
  })
}
