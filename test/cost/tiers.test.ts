/** Context tiers, service tiers, tiered_pricing rows, region keys and provider multipliers. */
import { describe, expect, it } from 'vitest'
import { completionCost } from '../../src/cost/cost'
import type { CostArgs } from '../../src/cost/types'
import { buildCostMap } from '../../src/map/integrity'
import { historyFiles, MAIN_MAP, readJson } from '../support/data'

const map = buildCostMap(readJson(MAIN_MAP)).map
const newest = buildCostMap(readJson(historyFiles().at(-1) as string)).map

const chat = (prompt: number, completion: number, cached = 0) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  prompt_tokens_details: { cached_tokens: cached },
})

describe('context tiers (*_above_<N>k_tokens): strict >, whole request, tier cache rates', () => {
  it.each([
    // [name, map, model, args, expected]
    [
      'claude-sonnet-4-5 at exactly 200k: base',
      map,
      'claude-sonnet-4-5',
      { usage: chat(200_000, 100) },
      200_000 * 3e-6 + 100 * 1.5e-5,
    ],
    [
      'claude-sonnet-4-5 at 200001: whole request at the tier',
      map,
      'claude-sonnet-4-5',
      { usage: chat(200_001, 100) },
      200_001 * 6e-6 + 100 * 2.25e-5,
    ],
    [
      'claude-sonnet-4-5 above 200k: tier cache read and write rates',
      map,
      'claude-sonnet-4-5',
      {
        usage: {
          input_tokens: 1000,
          output_tokens: 10,
          cache_read_input_tokens: 250_000,
          cache_creation_input_tokens: 2000,
        },
      },
      1000 * 6e-6 + 250_000 * 6e-7 + 2000 * 7.5e-6 + 10 * 2.25e-5,
    ],
    [
      'gemini-1.5-pro-002 above 128k (vertex)',
      map,
      'gemini-1.5-pro-002',
      { provider: 'vertex_ai', usage: chat(130_000, 1000) },
      130_000 * 2.5e-6 + 1000 * 1e-5,
    ],
    [
      'gemini-3-pro-preview priority above 200k: tier + service-tier keys (LiteLLM ignores them)',
      map,
      'gemini-3-pro-preview',
      { serviceTier: 'priority', usage: chat(300_000, 1000, 100_000) },
      200_000 * 7.2e-6 + 100_000 * 7.2e-7 + 1000 * 3.24e-5,
    ],
    [
      'gpt-5.4 at 272000: base (newest map)',
      newest,
      'gpt-5.4',
      { usage: chat(272_000, 100) },
      272_000 * 2.5e-6 + 100 * 1.5e-5,
    ],
    [
      'gpt-5.4 above 272k with cache (newest map)',
      newest,
      'gpt-5.4',
      { usage: chat(300_000, 100, 200_000) },
      100_000 * 5e-6 + 200_000 * 5e-7 + 100 * 2.25e-5,
    ],
    [
      'gpt-5.6 above 272k: tier cache-write rate (newest map)',
      newest,
      'gpt-5.6',
      { usage: { input_tokens: 280_000, output_tokens: 0, input_tokens_details: { cached_tokens: 0 } } },
      280_000 * 1e-5,
    ],
    [
      'azure_ai/gpt-5.5 priority above 272k: *_above_272k_tokens_priority (newest map)',
      newest,
      'azure_ai/gpt-5.5',
      { serviceTier: 'priority', usage: chat(400_000, 1000, 100_000) },
      300_000 * 2e-5 + 100_000 * 2e-6 + 1000 * 9e-5,
    ],
  ])('%s', (_name, m, model, args, expected) => {
    expect(completionCost(m, { model, ...(args as Partial<CostArgs>) }).totalCost).toBeCloseTo(expected, 12)
  })

  it('orders thresholds numerically, for any N (LiteLLM compared the key strings)', () => {
    const entry = {
      litellm_provider: 'acme',
      input_cost_per_token: 1e-6,
      input_cost_per_token_above_128k_tokens: 2e-6,
      input_cost_per_token_above_272k_tokens: 3e-6,
      input_cost_per_token_above_1000k_tokens: 4e-6,
      'input_cost_per_token_above_1.5m_tokens': 5e-6,
    }
    const m = buildCostMap({ 'acme/long': entry }, { minModelCount: 0 }).map
    const cost = (n: number) => completionCost(m, { model: 'acme/long', usage: { prompt_tokens: n } }).totalCost
    expect(cost(100_000)).toBeCloseTo(100_000 * 1e-6, 15)
    expect(cost(200_000)).toBeCloseTo(200_000 * 2e-6, 15)
    expect(cost(500_000)).toBeCloseTo(500_000 * 3e-6, 15)
    expect(cost(1_200_000)).toBeCloseTo(1_200_000 * 4e-6, 15) // "272k" > "1000k" as strings
    expect(cost(2_000_000)).toBeCloseTo(2_000_000 * 5e-6, 15)
  })

  it('image tokens in a tiered request use the tier rate (LiteLLM: base rate)', () => {
    const entry = { litellm_provider: 'acme', input_cost_per_token: 1e-6, input_cost_per_token_above_200k_tokens: 2e-6 }
    const m = buildCostMap({ 'acme/vision': entry }, { minModelCount: 0 }).map
    const usage = { prompt_tokens: 250_000, prompt_tokens_details: { image_tokens: 50_000, text_tokens: 200_000 } }
    const ours = completionCost(m, { model: 'acme/vision', usage }).totalCost
    expect(ours).toBeCloseTo(250_000 * 2e-6, 15)
    expect(ours).not.toBeCloseTo(200_000 * 2e-6 + 50_000 * 1e-6, 10)
  })

  it('the breakdown names the tier key it used', () => {
    const r = completionCost(newest, { model: 'azure_ai/gpt-5.5', serviceTier: 'priority', usage: chat(400_000, 1) })
    expect(r.breakdown[0]?.priceKey).toBe('input_cost_per_token_above_272k_tokens_priority')
  })
})

describe('service tiers', () => {
  it.each([
    ['gpt-5 flex', 'gpt-5', 'flex', 1000 * 6.25e-7 + 500 * 5e-6],
    ['gpt-5 priority', 'gpt-5', 'priority', 1000 * 2.5e-6 + 500 * 2e-5],
    ['gpt-5 PRIORITY (any case)', 'gpt-5', 'PRIORITY', 1000 * 2.5e-6 + 500 * 2e-5],
    ['gpt-5 standard uses base keys', 'gpt-5', 'standard', 1000 * 1.25e-6 + 500 * 1e-5],
    ['gpt-5-nano priority: output falls back to base', 'gpt-5-nano', 'priority', 1000 * 2.5e-6 + 500 * 4e-7],
    ['gpt-4o flex: no flex keys, base prices', 'gpt-4o', 'flex', 1000 * 2.5e-6 + 500 * 1e-5],
    [
      'claude-sonnet-4-5 priority: Anthropic keeps the tier (LiteLLM drops it)',
      'claude-sonnet-4-5',
      'priority',
      1000 * 3e-6 + 500 * 1.5e-5,
    ],
  ])('%s', (_name, model, serviceTier, expected) => {
    expect(completionCost(map, { model, serviceTier, usage: chat(1000, 500) }).totalCost).toBeCloseTo(expected, 15)
  })

  it('cache reads use the tier price too, and usage.service_tier is read when the arg is absent', () => {
    const usage = { ...chat(1000, 0, 400), service_tier: 'flex' }
    expect(completionCost(map, { model: 'o3', usage }).totalCost).toBeCloseTo(600 * 1e-6 + 400 * 2.5e-7, 15)
  })
})

describe('tiered_pricing rows (Dashscope)', () => {
  const usage = { prompt_tokens: 300_000, completion_tokens: 300_000 }
  it.each([
    ['request (default): the row holding the input size', undefined, 300_000 * 2.5e-7 + 300_000 * 2e-6],
    [
      'graduated (LiteLLM 1.82.1)',
      'graduated' as const,
      256_000 * 5e-8 + 44_000 * 2.5e-7 + 256_000 * 4e-7 + 44_000 * 2e-6,
    ],
  ])('%s', (_name, tieredPricing, expected) => {
    const r = completionCost(map, { model: 'dashscope/qwen-flash', usage, tieredPricing })
    expect(r.totalCost).toBeCloseTo(expected, 12)
  })

  it('request mode: first row for small inputs, last row above every range', () => {
    const cost = (n: number) =>
      completionCost(map, { model: 'dashscope/qwen-flash', usage: { prompt_tokens: n } }).totalCost
    expect(cost(256_000)).toBeCloseTo(256_000 * 5e-8, 15)
    expect(cost(2_000_000)).toBeCloseTo(2_000_000 * 2.5e-7, 15)
  })
})

describe('region keys and provider multipliers', () => {
  it('uses bedrock/<region>/<model> when a region is given', () => {
    const args = { model: 'anthropic.claude-instant-v1', provider: 'bedrock', usage: chat(1000, 1000) }
    expect(completionCost(map, { ...args, region: 'ap-northeast-1' })).toMatchObject({
      key: 'bedrock/ap-northeast-1/anthropic.claude-instant-v1',
    })
    expect(completionCost(map, { ...args, region: 'ap-northeast-1' }).totalCost).toBeCloseTo(
      1000 * 2.23e-6 + 1000 * 7.55e-6,
      15,
    )
    expect(completionCost(map, { ...args, region: 'mars-1' }).totalCost).toBeCloseTo(1000 * 8e-7 + 1000 * 2.4e-6, 15)
  })

  it.each([
    ['no geo, normal speed', {}, 1],
    ['us geo x1.1', { inference_geo: 'us' }, 1.1],
    ['fast x6', { speed: 'fast' }, 6],
    ['us and fast', { inference_geo: 'us', speed: 'fast' }, 6.6],
    ['global geo: none', { inference_geo: 'global' }, 1],
  ])('claude-opus-4-6 provider_specific_entry: %s (cache not multiplied)', (_name, extra, factor) => {
    const usage = { input_tokens: 800, output_tokens: 500, cache_read_input_tokens: 200, ...extra }
    const expected = (800 * 5e-6 + 500 * 2.5e-5) * factor + 200 * 5e-7
    expect(completionCost(map, { model: 'claude-opus-4-6', usage }).totalCost).toBeCloseTo(expected, 15)
  })
})
