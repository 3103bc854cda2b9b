/**
 * The last LiteLLM gaps of issue 17 (item 3): Vertex's per-character route, the Azure model-router fee,
 * and fireworks_ai / databricks cache reads. Run against LiteLLM's own bundled map (1.82.1). "LiteLLM"
 * numbers follow its source at 1.82.1: llms/vertex_ai/cost_calculator.py (`cost_router`,
 * `cost_per_character`), llms/azure_ai/cost_calculator.py, llms/fireworks_ai and llms/databricks
 * cost calculators (prompt_tokens x input + completion_tokens x output). Where costmap differs on
 * purpose, the test checks our value, LiteLLM's, and that they differ (docs/deviations.md).
 */
import { describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import type { CostArgs } from '../../src/cost/types'
import { isCostMapError } from '../../src/errors'
import { buildCostMap } from '../../src/map/integrity'
import { LITELLM_BACKUP_MAP, readJson } from '../support/data'

const map = buildCostMap(readJson(LITELLM_BACKUP_MAP)).map

function errorOf(fn: () => unknown): { code: string; message: string } | undefined {
  try {
    fn()
  } catch (e) {
    return isCostMapError(e) ? { code: e.code, message: e.message } : { code: 'not a CostMapError', message: String(e) }
  }
  return undefined
}

function close(actual: number, expected: number): void {
  expect(Math.abs(actual - expected) / Math.max(Math.abs(expected), Number.MIN_VALUE)).toBeLessThanOrEqual(1e-9)
}

const usage = (prompt: number, completion: number) => ({ prompt_tokens: prompt, completion_tokens: completion })

describe('Vertex per-character models (LiteLLM cost_router / cost_per_character)', () => {
  // [name, args, LiteLLM's prompt cost, LiteLLM's completion cost]
  it.each<[string, CostArgs, number, number]>([
    [
      'chat-bison: both sides per character',
      { model: 'chat-bison', usage: usage(1000, 200), promptCharacters: 4000, completionCharacters: 800 },
      4000 * 2.5e-7,
      800 * 5e-7,
    ],
    [
      'gemini-1.5-pro on vertex_ai: both sides per character',
      {
        model: 'gemini-1.5-pro',
        provider: 'vertex_ai',
        usage: usage(1000, 250),
        promptCharacters: 5000,
        completionCharacters: 900,
      },
      5000 * 3.125e-7,
      900 * 1.25e-6,
    ],
    [
      'gemini-1.0-pro via its vertex_ai/ prefix',
      { model: 'vertex_ai/gemini-1.0-pro', usage: usage(300, 50), promptCharacters: 1300, completionCharacters: 260 },
      1300 * 1.25e-7,
      260 * 3.75e-7,
    ],
    [
      'only promptCharacters: the completion is priced by its tokens',
      { model: 'gemini-1.5-flash', provider: 'vertex_ai', usage: usage(500, 100), promptCharacters: 2100 },
      2100 * 1.875e-8,
      100 * 3e-7,
    ],
    [
      'only completionCharacters: the prompt is priced by its tokens',
      { model: 'codechat-bison', provider: 'vertex_ai', usage: usage(500, 100), completionCharacters: 420 },
      500 * 1.25e-7,
      420 * 5e-7,
    ],
    [
      'text-bison (no token price at all) with characters and no usage',
      { model: 'text-bison', promptCharacters: 3000, completionCharacters: 600 },
      3000 * 2.5e-7,
      600 * 5e-7,
    ],
    [
      'medlm-large (characters only) with characters and a usage',
      {
        model: 'medlm-large',
        provider: 'vertex_ai',
        usage: usage(750, 150),
        promptCharacters: 3000,
        completionCharacters: 600,
      },
      3000 * 5e-6,
      600 * 1.5e-5,
    ],
    [
      'gemini-2 models stay per token on Vertex (characters ignored)',
      { model: 'gemini-2.0-flash-exp', provider: 'vertex_ai', usage: usage(1000, 200), promptCharacters: 4000 },
      1000 * 1.5e-7,
      200 * 6e-7,
    ],
    [
      'embeddings stay per token on Vertex (characters ignored)',
      { model: 'text-embedding-004', callType: 'embedding', usage: usage(1000, 0), promptCharacters: 4000 },
      1000 * 1e-7,
      0,
    ],
    [
      'without characters: tokens, as before (gemini-1.5-pro)',
      { model: 'gemini-1.5-pro', provider: 'vertex_ai', usage: usage(1000, 200) },
      1000 * 1.25e-6,
      200 * 5e-6,
    ],
    [
      'without characters: tokens, as before (chat-bison)',
      { model: 'chat-bison', usage: usage(1000, 200) },
      1000 * 1.25e-7,
      200 * 1.25e-7,
    ],
  ])('%s', (_name, args, prompt, completion) => {
    const r = completionCost(map, args)
    close(r.promptCost, prompt)
    close(r.completionCost, completion)
    close(r.totalCost, prompt + completion)
    close(
      r.breakdown.reduce((s, p) => s + p.cost, 0),
      r.totalCost,
    )
    const pt = costPerToken(map, args)
    close(pt.promptCost, prompt)
    close(pt.completionCost, completion)
  })

  it('names the character price in the breakdown', () => {
    const r = completionCost(map, { model: 'chat-bison', usage: usage(1000, 200), promptCharacters: 4000 })
    expect(r.breakdown.map((p) => [p.component, p.unit, p.units, p.priceKey])).toEqual([
      ['input_characters', 'character', 4000, 'input_cost_per_character'],
      ['output_text', 'token', 200, 'output_cost_per_token'],
    ])
  })

  it.each<[string, CostArgs]>([
    ['text-bison, prompt tokens and no promptCharacters', { model: 'text-bison', usage: usage(1000, 0) }],
    [
      'medlm-medium, completion tokens and no completionCharacters',
      { model: 'medlm-medium', provider: 'vertex_ai', usage: usage(0, 200), promptCharacters: 10 },
    ],
    ['tts-1 priced as a completion by tokens', { model: 'tts-1', usage: usage(100, 0) }],
    ['a negative character count', { model: 'chat-bison', usage: usage(10, 10), promptCharacters: -1 }],
    ['a character count that is not a number', { model: 'chat-bison', promptCharacters: '12' as unknown as number }],
  ])('%s is INVALID_ARGUMENT, never priced at zero (LiteLLM: 0 USD for the first three)', (_name, args) => {
    const error = errorOf(() => completionCost(map, args))
    expect(error?.code).toBe('INVALID_ARGUMENT')
    expect(error?.message).toMatch(/Characters/)
  })

  // Deviations (docs/deviations.md): LiteLLM 1.82.1 picks the 128k tier by characters x 4 (a prompt of
  // 32,001 characters, ~8k tokens, pays the long-context price), per side, and bills the completion
  // of that tier as completion_tokens x the per-character price.
  it.each<[string, CostArgs, [number, number], [number, number]]>([
    [
      '40,000 prompt characters in a 9,000-token prompt: the base price (LiteLLM: the 128k price)',
      {
        model: 'gemini-1.5-pro',
        provider: 'vertex_ai',
        usage: usage(9000, 500),
        promptCharacters: 40_000,
        completionCharacters: 2000,
      },
      [40_000 * 3.125e-7, 2000 * 1.25e-6],
      [40_000 * 6.25e-7, 2000 * 1.25e-6],
    ],
    [
      '40,000 completion characters: characters at the base price (LiteLLM: completion tokens x the 128k character price)',
      {
        model: 'gemini-1.5-pro',
        provider: 'vertex_ai',
        usage: usage(1000, 9000),
        promptCharacters: 4100,
        completionCharacters: 40_000,
      },
      [4100 * 3.125e-7, 40_000 * 1.25e-6],
      [4100 * 3.125e-7, 9000 * 2.5e-6],
    ],
    [
      'a 200,000-token prompt: both sides at the 128k character prices (LiteLLM: the output tier by output characters)',
      {
        model: 'gemini-1.5-pro',
        provider: 'vertex_ai',
        usage: usage(200_000, 300),
        promptCharacters: 800_000,
        completionCharacters: 1000,
      },
      [800_000 * 6.25e-7, 1000 * 2.5e-6],
      [800_000 * 6.25e-7, 1000 * 1.25e-6],
    ],
  ])('deviation: %s', (_name, args, ours, litellm) => {
    const r = completionCost(map, args)
    close(r.promptCost, ours[0])
    close(r.completionCost, ours[1])
    expect(r.totalCost).not.toBeCloseTo(litellm[0] + litellm[1], 9)
  })

  it('the 128k character tier without a usage: characters / 4 tokens', () => {
    const args: CostArgs = { model: 'gemini-1.5-pro', provider: 'vertex_ai', promptCharacters: 600_000 }
    close(completionCost(map, args).promptCost, 600_000 * 6.25e-7)
    close(completionCost(map, { ...args, promptCharacters: 400_000 }).promptCost, 400_000 * 3.125e-7)
  })
})

describe('Azure AI Foundry model router: flat fee per prompt token (azure_ai/model_router)', () => {
  const fee = 1.4e-7
  // gpt-4.1-nano: 1e-7 in, 2.5e-8 cached, 4e-7 out (the entry the served name resolves to).
  it.each<[string, CostArgs, string, number, number]>([
    [
      'azure_ai/model_router/<served model>',
      { model: 'azure_ai/model_router/gpt-4.1-nano', usage: usage(1000, 200) },
      'gpt-4.1-nano',
      1000 * 1e-7 + 1000 * fee,
      200 * 4e-7,
    ],
    [
      'model_router/<served model> with provider azure_ai',
      { model: 'model_router/gpt-4.1-nano', provider: 'azure_ai', usage: usage(1000, 200) },
      'gpt-4.1-nano',
      1000 * 1e-7 + 1000 * fee,
      200 * 4e-7,
    ],
    [
      'azure/model-router/<served model> (Azure OpenAI deployments)',
      { model: 'azure/model-router/gpt-4.1-nano', usage: usage(1000, 200) },
      'azure/gpt-4.1-nano',
      1000 * 1e-7 + 1000 * fee,
      200 * 4e-7,
    ],
    [
      'cached prompt tokens pay the fee too (it is per prompt token)',
      {
        model: 'azure_ai/model_router/gpt-4.1-nano',
        usage: { prompt_tokens: 1000, completion_tokens: 200, prompt_tokens_details: { cached_tokens: 800 } },
      },
      'gpt-4.1-nano',
      200 * 1e-7 + 800 * 2.5e-8 + 1000 * fee,
      200 * 4e-7,
    ],
    [
      'the fee entry itself: the fee once',
      { model: 'azure_ai/model_router', usage: usage(1000, 200) },
      'azure_ai/model_router',
      1000 * fee,
      0,
    ],
    [
      'an unknown deployment priced by customPricing, plus the fee',
      {
        model: 'azure-model-router',
        provider: 'azure_ai',
        usage: usage(1000, 200),
        customPricing: { input_cost_per_token: 2e-6, output_cost_per_token: 8e-6 },
      },
      'azure-model-router',
      1000 * 2e-6 + 1000 * fee,
      200 * 8e-6,
    ],
  ])('%s', (_name, args, key, prompt, completion) => {
    const r = completionCost(map, args)
    expect(r.key).toBe(key)
    close(r.promptCost, prompt)
    close(r.completionCost, completion)
    close(r.totalCost, prompt + completion)
    close(
      r.breakdown.reduce((s, p) => s + p.cost, 0),
      r.totalCost,
    )
    const fees = r.breakdown.filter((p) => p.component === 'router_fee')
    expect(fees.length).toBe(key === 'azure_ai/model_router' ? 0 : 1)
    const pt = costPerToken(map, args)
    close(pt.promptCost, prompt)
  })

  it('the fee line names its rate and where it came from', () => {
    const r = completionCost(map, { model: 'azure_ai/model_router/gpt-4.1-nano', usage: usage(1000, 200) })
    expect(r.breakdown.find((p) => p.component === 'router_fee')).toEqual({
      component: 'router_fee',
      side: 'prompt',
      units: 1000,
      unit: 'token',
      rate: fee,
      cost: 1000 * fee,
      priceKey: 'azure_ai/model_router:input_cost_per_token',
    })
  })

  it.each<[string, CostArgs]>([
    ['a deployment name without the routed model', { model: 'azure-model-router', provider: 'azure_ai' }],
    ['the LiteLLM docs pattern with a deployment name', { model: 'azure_ai/model_router/azure-model-router' }],
    ['azure/model-router alone', { model: 'azure/model-router' }],
  ])('%s: MODEL_NOT_MAPPED saying what to pass (LiteLLM: the fee alone)', (_name, args) => {
    const error = errorOf(() => completionCost(map, { ...args, usage: usage(1000, 200) }))
    expect(error?.code).toBe('MODEL_NOT_MAPPED')
    expect(error?.message).toMatch(/Azure model router.*azure_ai\/model_router\/<model>/)
  })

  it('a router-shaped name of another provider gets no fee', () => {
    const error = errorOf(() => completionCost(map, { model: 'model-router/gpt-4.1-nano', provider: 'openai' }))
    expect(error?.code).toBe('MODEL_NOT_MAPPED')
    expect(error?.message).not.toMatch(/Azure model router/)
  })

  it('a map without the azure_ai/model_router entry charges no fee (LiteLLM reads the same entry)', () => {
    const small = buildCostMap(
      { 'gpt-4.1-nano': { litellm_provider: 'openai', input_cost_per_token: 1e-7, output_cost_per_token: 4e-7 } },
      { minModelCount: 0 },
    ).map
    const r = completionCost(small, { model: 'azure_ai/model_router/gpt-4.1-nano', usage: usage(1000, 200) })
    close(r.totalCost, 1000 * 1e-7 + 200 * 4e-7)
  })

  // Deviation (docs/deviations.md): LiteLLM 1.82.1 adds the fee only when the priced name is
  // router-shaped (not when Azure answers with the served model, fixed after 1.82.1 by #22957), and
  // then twice in completion_cost: once in azure_ai's cost_per_token, once more as an additional cost (#37653).
  it('deviation: the served model plus the fee exactly once', () => {
    const r = completionCost(map, { model: 'azure_ai/model_router/gpt-4.1-nano', usage: usage(1000, 200) })
    const served = 1000 * 1e-7 + 200 * 4e-7
    close(r.totalCost, served + 1000 * fee)
    expect(r.totalCost).not.toBeCloseTo(served, 9) // 1.82.1 when the response names the served model
    expect(r.totalCost).not.toBeCloseTo(served + 2 * 1000 * fee, 9) // 1.82.1 with a router-shaped name
  })
})

describe('fireworks_ai and databricks cache reads (deviation: LiteLLM ignores them)', () => {
  const cachedUsage = {
    prompt_tokens: 10_000,
    completion_tokens: 500,
    prompt_tokens_details: { cached_tokens: 8000 },
  }
  const databricks = buildCostMap(
    {
      'databricks/databricks-cached-test': {
        litellm_provider: 'databricks',
        input_cost_per_token: 1e-6,
        cache_read_input_token_cost: 1e-7,
        output_cost_per_token: 3e-6,
      },
    },
    { minModelCount: 0 },
  ).map
  // [name, map, model, ours, LiteLLM 1.82.1: prompt_tokens x input + completion_tokens x output]
  it.each<[string, typeof map, string, number, number]>([
    [
      'fireworks_ai/kimi-k2p5',
      map,
      'fireworks_ai/kimi-k2p5',
      2000 * 6e-7 + 8000 * 1e-7 + 500 * 3e-6,
      10_000 * 6e-7 + 500 * 3e-6,
    ],
    [
      'fireworks_ai/accounts/fireworks/models/glm-4p7',
      map,
      'fireworks_ai/accounts/fireworks/models/glm-4p7',
      2000 * 6e-7 + 8000 * 3e-7 + 500 * 2.2e-6,
      10_000 * 6e-7 + 500 * 2.2e-6,
    ],
    [
      'a databricks entry with a cache-read price',
      databricks,
      'databricks/databricks-cached-test',
      2000 * 1e-6 + 8000 * 1e-7 + 500 * 3e-6,
      10_000 * 1e-6 + 500 * 3e-6,
    ],
  ])('%s: cached tokens at the entry cache price', (_name, m, model, ours, litellm) => {
    const r = completionCost(m, { model, usage: cachedUsage })
    close(r.totalCost, ours)
    expect(r.totalCost).toBeLessThan(litellm)
    expect(r.breakdown.find((p) => p.component === 'input_cached')?.priceKey).toBe('cache_read_input_token_cost')
  })

  it('a real databricks entry (no cache-read price) bills cached tokens at the input price: LiteLLM number', () => {
    const r = completionCost(map, { model: 'databricks/databricks-claude-opus-4', usage: cachedUsage })
    close(r.totalCost, 10_000 * 1.5000020000000002e-5 + 500 * 7.500003000000001e-5)
  })
})
