import { describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import { buildCostMap } from '../../src/map/integrity'
import { findModelInfo, getModelInfo } from '../../src/resolve/resolve'
import { MAIN_MAP, readJson } from '../support/data'

const main = buildCostMap(readJson(MAIN_MAP)).map
const usage = { prompt_tokens: 1000, completion_tokens: 100 }
const RULE = 'rule:together_ai_size'

/** The cost of `usage` at an entry's per-token prices. */
function costAt(key: string): number {
  const entry = main[key] as { input_cost_per_token: number; output_cost_per_token: number }
  return usage.prompt_tokens * entry.input_cost_per_token + usage.completion_tokens * entry.output_cost_per_token
}

describe('together_ai size buckets (fallback for models the map does not price)', () => {
  it.each([
    // [model, provider, bucket key]
    ['together_ai/meta-llama/Some-New-70B-Instruct', undefined, 'together-ai-41.1b-80b'],
    ['meta-llama/Some-New-70B-Instruct', ' Together_AI ', 'together-ai-41.1b-80b'],
    ['acme/new-4b', 'together_ai', 'together-ai-up-to-4b'],
    // LiteLLM's regex cannot read a decimal: `4.1b` is 1b.
    ['acme/new-4.1b', 'together_ai', 'together-ai-up-to-4b'],
    ['acme/new-5b', 'together_ai', 'together-ai-4.1b-8b'],
    ['acme/new-8b', 'together_ai', 'together-ai-4.1b-8b'],
    ['acme/new-9b', 'together_ai', 'together-ai-8.1b-21b'],
    ['acme/new-8x22B', 'together_ai', 'together-ai-21.1b-41b'],
    ['acme/llama-3.1-405b-a70b', 'together_ai', undefined], // the first match wins: 405
    ['acme/new-110b', 'together_ai', 'together-ai-81.1b-110b'],
    ['acme/new-111b', 'together_ai', undefined],
    ['acme/new-model', 'together_ai', undefined],
    ['acme/new-bert-80M-retrieval', 'together_ai', 'together-ai-embedding-up-to-150m'],
    ['acme/new-bert-350m', 'together_ai', 'together-ai-embedding-151m-to-350m'],
    ['acme/new-bert-351m', 'together_ai', undefined],
    ['openai/Some-New-70B-Instruct', undefined, undefined],
    ['acme/new-70b', 'deepinfra', undefined],
  ])('%s (provider %s) -> %s', (model, provider, bucket) => {
    const info = findModelInfo(main, model, provider)
    if (bucket === undefined) {
      expect(info).toBeUndefined()
      expect(() => completionCost(main, { model, provider, usage })).toThrow(/isn't mapped yet/)
      return
    }
    expect(info).toMatchObject({ key: bucket, matched_by: RULE, litellm_provider: 'together_ai' })
    expect(getModelInfo(main, model, provider)).toBe(info) // memoized per map
    const cost = completionCost(main, { model, provider, usage })
    expect(cost).toMatchObject({ key: bucket, provider: 'together_ai' })
    expect(cost.totalCost).toBeCloseTo(costAt(bucket), 15)
    const sides = costPerToken(main, { model, provider, usage })
    expect(sides.promptCost + sides.completionCost).toBe(cost.totalCost)
  })

  it('keeps a published rate: the exact entry wins over its bucket (LiteLLM 1.82.1 reprices it)', () => {
    const key = 'together_ai/meta-llama/Meta-Llama-3.1-8B-Instruct-Turbo'
    const info = getModelInfo(main, key)
    expect(info.key).toBe(key)
    expect(info.matched_by).toBeUndefined()
    const cost = completionCost(main, { model: key, usage })
    expect(cost.key).toBe(key)
    expect(cost.totalCost).toBeCloseTo(costAt(key), 15)
    expect(costAt(key)).not.toBeCloseTo(costAt('together-ai-4.1b-8b'), 15)
    const free = 'together_ai/meta-llama/Llama-3.3-70B-Instruct-Turbo-Free'
    expect(completionCost(main, { model: free, usage }).totalCost).toBe(0) // a published 0 is a price
  })

  it('prices an entry without a published rate by its bucket and keeps its other fields', () => {
    const key = 'together_ai/Qwen/Qwen2.5-72B-Instruct-Turbo'
    expect(main[key]?.input_cost_per_token).toBeUndefined()
    const info = getModelInfo(main, 'Qwen/Qwen2.5-72B-Instruct-Turbo', 'together_ai')
    expect(info).toMatchObject({ key, matched_by: RULE, supports_function_calling: true, mode: 'chat' })
    expect(info.input_cost_per_token).toBe(main['together-ai-41.1b-80b']?.input_cost_per_token)
    const cost = completionCost(main, { model: key, usage })
    expect(cost.key).toBe(key)
    expect(cost.totalCost).toBeCloseTo(costAt('together-ai-41.1b-80b'), 15)
  })

  it('is not mapped when the map lacks the bucket entries', () => {
    const entry = { litellm_provider: 'together_ai', mode: 'chat' }
    const plain = buildCostMap({ 'together_ai/acme/old-7b': entry }, { minModelCount: 0 }).map
    expect(findModelInfo(plain, 'together_ai/acme/new-7b')).toBeUndefined()
    expect(getModelInfo(plain, 'together_ai/acme/old-7b').matched_by).toBeUndefined()
  })
})
