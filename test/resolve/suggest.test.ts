// "Did you mean" suggestions on MODEL_NOT_MAPPED, LiteLLM's Azure alias table and Vertex partner names.
import { describe, expect, it } from 'vitest'
import { completionCost } from '../../src/cost/cost'
import { CostMapError, isCostMapError } from '../../src/errors'
import { buildCostMap } from '../../src/map/integrity'
import { contextOf } from '../../src/resolve/lookup'
import { getModelInfo } from '../../src/resolve/resolve'
import { distance, MAX_SUGGESTIONS, suggestModels } from '../../src/resolve/suggest'
import { MAIN_MAP, readJson } from '../support/data'

const main = buildCostMap(readJson(MAIN_MAP)).map
const raw = readJson(MAIN_MAP) as Record<string, Record<string, number>>

function notMappedError(run: () => unknown): CostMapError {
  try {
    run()
  } catch (error) {
    if (isCostMapError(error)) return error
    throw error
  }
  throw new Error('expected MODEL_NOT_MAPPED')
}

describe('MODEL_NOT_MAPPED carries suggestions', () => {
  it.each([
    // [model, provider, first suggestion, also suggested]
    ['grok-code-fast-1', undefined, 'xai/grok-code-fast-1', 'azure_ai/grok-code-fast-1'],
    ['openai/grok-code-fast-1', undefined, 'xai/grok-code-fast-1', 'azure_ai/grok-code-fast-1'],
    ['grok-code-fast-1', 'openai', 'xai/grok-code-fast-1', 'azure_ai/grok-code-fast-1'],
    ['gtp-4o', undefined, 'gpt-4o', 'azure/gpt-4o'],
    ['claude-sonet-4-5-20250929', undefined, 'claude-sonnet-4-5-20250929', undefined],
    ['claude-sonnet-4-5', 'openai', 'claude-sonnet-4-5', undefined],
  ])('%s (provider %s) suggests %s first', (model, provider, first, also) => {
    const error = notMappedError(() => getModelInfo(main, model, provider))
    expect(error.code).toBe('MODEL_NOT_MAPPED')
    expect(error.suggestions[0]).toBe(first)
    if (also) expect(error.suggestions).toContain(also)
    expect(error.suggestions.length).toBeLessThanOrEqual(MAX_SUGGESTIONS)
    for (const key of error.suggestions) expect(main[key], key).toBeDefined()
    // LiteLLM's message stays word for word: the suggestions are a field.
    expect(error.message).toMatch(/^This model isn't mapped yet\. model=/)
  })

  it("keys of the caller's provider come first among equally close ones", () => {
    const { suggestions } = notMappedError(() => getModelInfo(main, 'grok-code-fast', 'azure_ai'))
    expect(suggestions[0]).toBe('xai/grok-code-fast') // the exact name wins over the provider
    expect(suggestions.indexOf('azure_ai/grok-code-fast-1')).toBeLessThan(suggestions.indexOf('xai/grok-code-fast-1'))
  })

  it('completionCost throws the same suggestions as getModelInfo', () => {
    const error = notMappedError(() =>
      completionCost(main, { model: 'grok-code-fast-1', usage: { prompt_tokens: 1000, completion_tokens: 100 } }),
    )
    expect(error.suggestions).toEqual(notMappedError(() => getModelInfo(main, 'grok-code-fast-1')).suggestions)
  })

  it.each([['my-private-model'], ['x'], ['q'.repeat(5000)]])('nothing close to %s: an empty list', (model) => {
    expect(notMappedError(() => getModelInfo(main, model)).suggestions).toEqual([])
  })

  it('other errors have an empty, frozen list', () => {
    const error = new CostMapError('TIMEOUT', 'slow')
    expect(error.suggestions).toEqual([])
    expect(Object.isFrozen(error.suggestions)).toBe(true)
  })

  it('stays cheap: 2,000 distinct unknown models in well under 3 seconds (a full scan took 6)', () => {
    const index = contextOf(main).index
    suggestModels(index, 'warm-up') // builds the suggestion index once
    const started = performance.now()
    for (let i = 0; i < 2000; i++) suggestModels(index, `unknown-model-${i}-turbo-preview`)
    expect(performance.now() - started).toBeLessThan(3000)
  })

  it.each([
    ['gpt-4o', 'gpt-4o', 0],
    ['gtp-4o', 'gpt-4o', 1],
    ['gpt4o', 'gpt-4o', 1],
    ['gpt-4o', 'gpt-4o-mini', 4],
    ['claude', 'claud', 1],
  ])('distance(%s, %s) = %i (capped at limit + 1)', (a, b, d) => {
    expect(distance(a, b, 3)).toBe(Math.min(d, 4))
  })
})

describe("LiteLLM's Azure aliases and Vertex partner names", () => {
  it.each([
    // [model, provider, key, matched_by]
    ['gpt-35-turbo', undefined, 'azure/gpt-35-turbo', 'azure_alias'],
    ['gpt-35-turbo', 'azure', 'azure/gpt-35-turbo', 'azure_alias'],
    ['gpt-35-turbo-16k', undefined, 'azure/gpt-35-turbo-16k', 'azure_alias'],
    ['gpt-35-turbo-instruct', undefined, 'azure/gpt-35-turbo-instruct', 'azure_alias'],
    ['azure/gpt-41', undefined, 'gpt-4.1', 'azure_alias'],
    ['azure/gpt-41-mini', undefined, 'gpt-4.1-mini', 'azure_alias'],
    ['azure/gpt-41-nano', undefined, 'gpt-4.1-nano', 'azure_alias'],
    ['ada', undefined, 'azure/ada', 'azure_alias'],
    ['mistral-large', 'vertex_ai', 'vertex_ai/mistral-large@latest', 'vertex_partner'],
    ['vertex_ai/mistral-large', undefined, 'vertex_ai/mistral-large@latest', 'vertex_partner'],
    ['mistral-nemo', 'vertex_ai', 'vertex_ai/mistral-nemo@latest', 'vertex_partner'],
    ['codestral', 'vertex_ai_beta', 'vertex_ai/codestral@latest', 'vertex_partner'],
    ['llama-3.1-405b-instruct-maas', 'vertex_ai', 'vertex_ai/meta/llama-3.1-405b-instruct-maas', 'vertex_partner'],
    // Not rewritten: a name with its own version, and the same name for another provider.
    ['mistral-large@2407', 'vertex_ai', 'vertex_ai/mistral-large@2407', 'provider_prefix'],
  ])('%s (provider %s) resolves to %s', (model, provider, key, matchedBy) => {
    const info = getModelInfo(main, model, provider)
    expect(info.key).toBe(key)
    expect(info.matched_by).toBe(matchedBy)
  })

  it('mistral-large without vertex_ai is not a Vertex name', () => {
    expect(() => getModelInfo(main, 'mistral-large')).toThrow(/isn't mapped yet/)
  })

  it.each([
    ['gpt-35-turbo', undefined, 'azure/gpt-35-turbo'],
    ['mistral-large', 'vertex_ai', 'vertex_ai/mistral-large@latest'],
  ])('%s is priced at the entry LiteLLM uses (%s -> %s)', (model, provider, key) => {
    const entry = raw[key] as Record<string, number>
    const result = completionCost(main, {
      model,
      ...(provider ? { provider } : {}),
      usage: { prompt_tokens: 1000, completion_tokens: 200 },
    })
    expect(result.key).toBe(key)
    expect(result.totalCost).toBeGreaterThan(0)
    expect(result.totalCost).toBeCloseTo(
      1000 * (entry.input_cost_per_token as number) + 200 * (entry.output_cost_per_token as number),
      15,
    )
  })
})

describe('customPricing without a price for an unknown model', () => {
  it.each([[{}], [{ litellm_provider: 'openai' }], [{ max_tokens: 1000 }]])(
    'customPricing %j is MODEL_NOT_MAPPED, never $0',
    (customPricing) => {
      const error = notMappedError(() =>
        completionCost(main, {
          model: 'my-private-model',
          customPricing,
          usage: { prompt_tokens: 1000, completion_tokens: 100 },
        }),
      )
      expect(error.code).toBe('MODEL_NOT_MAPPED')
      expect(error.message).toMatch(/has no price/)
    },
  )

  it('an explicit 0 is a price', () => {
    const result = completionCost(main, {
      model: 'my-private-model',
      customPricing: { input_cost_per_token: 0, output_cost_per_token: 0 },
      usage: { prompt_tokens: 1000, completion_tokens: 100 },
    })
    expect(result.totalCost).toBe(0)
  })
})
