import { describe, expect, it } from 'vitest'
import { completionCost } from '../../src/cost/cost'
import { isCostMapError } from '../../src/errors'
import { buildCostMap } from '../../src/map/integrity'
import { MODEL_INFO_FIELDS } from '../../src/resolve/model-info'
import { findModelInfo, getModelInfo } from '../../src/resolve/resolve'
import { historyFiles, LITELLM_BACKUP_MAP, MAIN_MAP, readJson } from '../support/data'

const main = buildCostMap(readJson(MAIN_MAP)).map
const newest = buildCostMap(readJson(historyFiles().at(-1) as string)).map

describe('resolution on the March 2026 map', () => {
  it.each([
    // [model, provider, key, matched_by]
    ['gpt-4o', undefined, 'gpt-4o', undefined],
    ['GPT-4O', undefined, 'gpt-4o', 'case_insensitive'],
    ['  gpt-4o \n', undefined, 'gpt-4o', undefined],
    ['openai/gpt-4o', undefined, 'gpt-4o', 'split'],
    ['gpt-4o', 'azure', 'azure/gpt-4o', 'provider_prefix'],
    ['gpt-4o', ' Azure ', 'azure/gpt-4o', 'provider_prefix'],
    ['gemini-1.5-pro-002', 'gemini', 'gemini/gemini-1.5-pro-002', 'provider_prefix'],
    ['gemini-2.5-pro', 'vertex_ai', 'gemini-2.5-pro', undefined],
    ['GEMINI/GEMINI-2.5-PRO', undefined, 'gemini/gemini-2.5-pro', 'case_insensitive'],
    ['Anthropic/claude-sonnet-4-5', undefined, 'claude-sonnet-4-5', 'split'],
    [
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'bedrock',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      undefined,
    ],
    [
      'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      undefined,
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'split',
    ],
    [
      'bedrock/converse/anthropic.claude-3-5-sonnet-20240620-v1:0',
      undefined,
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'stripped',
    ],
    [
      'anthropic.claude-3-5-sonnet-20240620-v1:0:200k',
      'bedrock',
      'anthropic.claude-3-5-sonnet-20240620-v1:0',
      'stripped',
    ],
    [
      'arn:aws:bedrock:us-east-1:123456789012:inference-profile/us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'bedrock',
      'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
      'stripped',
    ],
    [
      'eu.anthropic.claude-3-5-sonnet-20240620-v1:0',
      'bedrock',
      'eu.anthropic.claude-3-5-sonnet-20240620-v1:0',
      undefined,
    ],
    ['ft:gpt-3.5-turbo:my-org:custom_suffix:id', 'openai', 'ft:gpt-3.5-turbo', 'stripped'],
    ['ft:gpt-4o-mini-2024-07-18:acme::AbC123', undefined, 'ft:gpt-4o-mini-2024-07-18', 'stripped'],
    ['azure/command-r-plus', undefined, 'azure/command-r-plus', undefined],
    ['perplexity/sonar', 'perplexity', 'perplexity/sonar', undefined],
    ['sonar', 'perplexity', 'perplexity/sonar', 'provider_prefix'],
  ])('%s (provider %s) -> %s', (model, provider, key, matchedBy) => {
    const info = getModelInfo(main, model, provider)
    expect(info.key).toBe(key)
    expect(info.matched_by).toBe(matchedBy)
    expect(info.litellm_provider).toBe(main[key]?.litellm_provider)
  })

  it('resolves every key of the map by its own name (LiteLLM misses 18)', () => {
    const missed: string[] = []
    for (const key in main) if (getModelInfo(main, key).key !== key) missed.push(key)
    expect(missed).toEqual([])
    expect(Object.keys(main).length).toBeGreaterThan(2600)
  })

  it('strips a three-digit Vertex version, never a date suffix (LiteLLM strips any -<digits>)', () => {
    const entry = { litellm_provider: 'vertex_ai', input_cost_per_token: 1e-6 }
    const m = buildCostMap({ 'vertex_ai/gemini-x': entry }, { minModelCount: 0 }).map
    expect(getModelInfo(m, 'gemini-x-001', 'vertex_ai')).toMatchObject({
      key: 'vertex_ai/gemini-x',
      matched_by: 'stripped',
    })
    expect(findModelInfo(m, 'gemini-x-20250514', 'vertex_ai')).toBeUndefined()
  })

  it('rejects an entry of another provider (provider match)', () => {
    expect(findModelInfo(main, 'claude-sonnet-4-5', 'openai')).toBeUndefined()
    expect(getModelInfo(main, 'claude-sonnet-4-5', 'anthropic').key).toBe('claude-sonnet-4-5')
    expect(getModelInfo(main, 'gpt-4o', 'azure_ai').key).toBe('gpt-4o') // azure_ai may use openai entries
    expect(getModelInfo(main, 'gemini-2.5-pro', 'vertex_ai').litellm_provider).toBe('vertex_ai-language-models')
  })

  it('throws MODEL_NOT_MAPPED with LiteLLM message text; findModelInfo returns undefined', () => {
    let error: unknown
    try {
      getModelInfo(main, 'my-private-model', 'openai')
    } catch (e) {
      error = e
    }
    expect(isCostMapError(error) && error.code).toBe('MODEL_NOT_MAPPED')
    expect((error as Error).message).toBe(
      "This model isn't mapped yet. model=my-private-model, custom_llm_provider=openai. Add it here - https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json.",
    )
    expect(findModelInfo(main, 'my-private-model')).toBeUndefined()
    expect(findModelInfo(main, '   ')).toBeUndefined()
    expect(findModelInfo(main, 'toString')).toBeUndefined()
    expect(() => getModelInfo(main, 42 as unknown as string)).toThrow(/model must be a string/)
  })
})

describe('ModelInfo shape', () => {
  it('has the 67 LiteLLM fields (null when absent), every entry field, and key', () => {
    const info = getModelInfo(main, 'gpt-4o')
    expect(MODEL_INFO_FIELDS).toHaveLength(67)
    for (const field of MODEL_INFO_FIELDS) expect(info).toHaveProperty(field)
    expect(info.input_cost_per_token).toBe(2.5e-6)
    expect(info.input_cost_per_token_flex).toBeNull()
    expect(info.supported_openai_params).toBeNull()
    expect(info.key).toBe('gpt-4o')
    // Outside LiteLLM's whitelist, still visible:
    expect(info.supported_endpoints).toEqual(main['gpt-4o']?.supported_endpoints)
    expect(Object.isFrozen(info)).toBe(true)
  })

  it('exposes the newer keys of the newest history file', () => {
    const info = getModelInfo(newest, 'azure_ai/gpt-5.5')
    expect(info.input_cost_per_token_above_272k_tokens).toBe(1e-5)
    expect(info.input_cost_per_token_above_272k_tokens_priority).toBe(2e-5)
    expect(info.cache_read_input_token_cost_above_272k_tokens_priority).toBe(2e-6)
  })

  it('caches per map: the same object comes back', () => {
    expect(getModelInfo(main, 'gpt-4o')).toBe(getModelInfo(main, 'gpt-4o'))
  })
})

describe('map-like inputs', () => {
  const entry = { litellm_provider: 'openai', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 }

  it('accepts a snapshot-like object and keeps its sha256', () => {
    const snapshot = { version: 3, sha256: 'abc', map: main }
    expect(getModelInfo(snapshot, 'gpt-4o').key).toBe('gpt-4o')
    expect(completionCost(snapshot, { model: 'gpt-4o', usage: { prompt_tokens: 1 } }).sha256).toBe('abc')
    const withSha = buildCostMap(readJson(LITELLM_BACKUP_MAP), { sha256: 'def' }).map
    expect(completionCost(withSha, { model: 'gpt-4o', usage: { prompt_tokens: 1 } }).sha256).toBe('def')
  })

  it('accepts a hand-made plain object (with a model called "map")', () => {
    const plain = { 'my-model': entry, map: { ...entry, input_cost_per_token: 5e-6 } }
    expect(getModelInfo(plain, 'MY-MODEL').key).toBe('my-model')
    expect(getModelInfo(plain, 'map').input_cost_per_token).toBe(5e-6)
    expect(findModelInfo(plain, 'hasOwnProperty')).toBeUndefined()
  })

  it('resolves per-entry aliases, exact and case-insensitive', () => {
    const map = buildCostMap({ 'acme/model-1': { ...entry, aliases: ['acme-latest'] } }, { minModelCount: 0 }).map
    expect(getModelInfo(map, 'acme-latest')).toMatchObject({ key: 'acme/model-1', matched_by: 'alias' })
    expect(getModelInfo(map, 'ACME-LATEST')).toMatchObject({ key: 'acme/model-1', matched_by: 'alias' })
  })
})

describe('fallback_generalizations rules (newest history file)', () => {
  it('answers unknown Claude ids only after exact and case-insensitive lookups miss', () => {
    const info = getModelInfo(newest, 'claude-opus-9-9')
    expect(info.matched_by).toMatch(/^rule:claude-family-baseline\b/)
    expect(info.litellm_provider).toBe('anthropic')
    expect(info.supports_adaptive_thinking).toBe(true)
    expect(info.max_input_tokens).toBe(200000)
    expect(info.input_cost_per_token).toBeNull()
    expect(getModelInfo(newest, 'global.anthropic.claude-opus-9-9').litellm_provider).toBe('bedrock')
    expect(getModelInfo(newest, 'vertex_ai/claude-opus-9-9', 'vertex_ai').litellm_provider).toBe('vertex_ai')
    expect(getModelInfo(newest, 'claude-opus-4-6').matched_by).toBeUndefined()
    expect(findModelInfo(newest, 'llama-9')).toBeUndefined()
    expect(findModelInfo(main, 'claude-opus-9-9')).toBeUndefined() // the March map has no rules
  })

  it('never prices a rule-only model at $0: MODEL_NOT_MAPPED unless the caller gives prices', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 10 }
    expect(() => completionCost(newest, { model: 'claude-opus-9-9', usage })).toThrow(/rules carry no prices/)
    const priced = completionCost(newest, {
      model: 'claude-opus-9-9',
      usage,
      customPricing: { input_cost_per_token: 1e-5, output_cost_per_token: 5e-5 },
    })
    expect(priced.totalCost).toBeCloseTo(1000 * 1e-5 + 10 * 5e-5, 15)
    expect(priced.provider).toBe('anthropic')
  })

  it('routes a bare id, and fill_missing_for_providers fills only missing keys', () => {
    const rules = [
      { name: 'route', pattern: '^acme-', model_info: { litellm_provider: 'acme' } },
      {
        name: 'caps',
        pattern: '^acme-',
        model_info: { mode: 'chat', supports_vision: true },
        fill_missing_for_providers: ['acme'],
      },
    ]
    const built = buildCostMap(
      {
        'acme/acme-1': { litellm_provider: 'acme', input_cost_per_token: 1e-6, supports_vision: false },
        fallback_generalizations: { rules },
      },
      { minModelCount: 0 },
    ).map
    expect(getModelInfo(built, 'acme-1')).toMatchObject({
      key: 'acme/acme-1',
      matched_by: 'rule:route',
      mode: 'chat',
      supports_vision: false,
    })
    expect(getModelInfo(built, 'acme-2')).toMatchObject({
      key: 'acme-2',
      matched_by: 'rule:caps',
      litellm_provider: 'acme',
    })
  })
})
