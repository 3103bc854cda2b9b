/** Token pricing on real entries of the March 2026 map: usage shapes, cache, audio, image, reasoning. */
import { describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import type { CostArgs } from '../../src/cost/types'
import { isCostMapError } from '../../src/errors'
import { buildCostMap } from '../../src/map/integrity'
import { MAIN_MAP, readJson } from '../support/data'

const map = buildCostMap(readJson(MAIN_MAP)).map

function total(args: CostArgs): number {
  return completionCost(map, args).totalCost
}

describe('usage shapes (expectations from the entry prices)', () => {
  it.each([
    // [name, model, usage, expected USD]
    ['OpenAI chat', 'gpt-4o', { prompt_tokens: 1000, completion_tokens: 500 }, 1000 * 2.5e-6 + 500 * 1e-5],
    [
      'OpenAI chat, cached subset of prompt_tokens',
      'gpt-4o',
      { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 600 } },
      400 * 2.5e-6 + 600 * 1.25e-6 + 500 * 1e-5,
    ],
    [
      'OpenAI responses',
      'o3',
      {
        input_tokens: 2000,
        output_tokens: 900,
        input_tokens_details: { cached_tokens: 1500 },
        output_tokens_details: { reasoning_tokens: 700 },
      },
      500 * 2e-6 + 1500 * 5e-7 + 900 * 8e-6,
    ],
    [
      'Anthropic: input_tokens excludes cache reads and writes',
      'claude-sonnet-4-5',
      { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 3000, cache_creation_input_tokens: 200 },
      100 * 3e-6 + 3000 * 3e-7 + 200 * 3.75e-6 + 50 * 1.5e-5,
    ],
    [
      'Anthropic 5 min / 1 h cache writes',
      'claude-3-7-sonnet-20250219',
      {
        input_tokens: 10,
        output_tokens: 20,
        cache_creation_input_tokens: 1500,
        cache_creation: { ephemeral_5m_input_tokens: 500, ephemeral_1h_input_tokens: 1000 },
      },
      10 * 3e-6 + 500 * 3.75e-6 + 1000 * 6e-6 + 20 * 1.5e-5,
    ],
    [
      'Gemini usageMetadata (thoughts outside candidates, cached inside prompt)',
      'gemini/gemini-2.5-flash',
      { promptTokenCount: 1000, candidatesTokenCount: 200, thoughtsTokenCount: 300, cachedContentTokenCount: 400 },
      600 * 3e-7 + 400 * 3e-8 + 200 * 2.5e-6 + 300 * 2.5e-6,
    ],
    [
      'Gemini usageMetadata with audio modality, wrapped in a response',
      'gemini/gemini-2.5-flash',
      {
        usageMetadata: {
          promptTokenCount: 1000,
          candidatesTokenCount: 10,
          promptTokensDetails: [
            { modality: 'TEXT', tokenCount: 700 },
            { modality: 'AUDIO', tokenCount: 300 },
          ],
        },
      },
      700 * 3e-7 + 300 * 1e-6 + 10 * 2.5e-6,
    ],
    [
      'a whole OpenAI response object',
      'gpt-4o',
      { id: 'x', usage: { prompt_tokens: 10, completion_tokens: 1 } },
      10 * 2.5e-6 + 1e-5,
    ],
    ['no usage', 'gpt-4o', undefined, 0],
  ])('%s', (_name, model, usage, expected) => {
    expect(total({ model, usage })).toBeCloseTo(expected, 15)
  })

  it.each([
    ['negative', { prompt_tokens: -1 }],
    ['NaN', { prompt_tokens: Number.NaN }],
    ['Infinity', { completion_tokens: Number.POSITIVE_INFINITY }],
    ['string count', { prompt_tokens: '100' }],
    ['non-object usage', 42],
    ['array usage', [1, 2]],
    ['non-object details', { prompt_tokens: 1, prompt_tokens_details: 5 }],
    ['negative nested count', { prompt_tokens: 10, prompt_tokens_details: { cached_tokens: -3 } }],
    ['unknown shape', { tokens: 10 }],
    ['bad Gemini modality list', { promptTokenCount: 1, promptTokensDetails: {} }],
  ])('rejects invalid usage (%s) with INVALID_USAGE', (_name, usage) => {
    let error: unknown
    try {
      completionCost(map, { model: 'gpt-4o', usage })
    } catch (e) {
      error = e
    }
    expect(isCostMapError(error) && error.code).toBe('INVALID_USAGE')
  })

  it('unknown model: MODEL_NOT_MAPPED, never $0', () => {
    expect(() => completionCost(map, { model: 'nope-9000', usage: { prompt_tokens: 1 } })).toThrow(/isn't mapped yet/)
    expect(() => costPerToken(map, { model: 'nope-9000' })).toThrow(/isn't mapped yet/)
  })
})

describe('token buckets', () => {
  it.each([
    [
      'input and output audio tokens',
      'gpt-4o-audio-preview',
      {
        prompt_tokens: 1000,
        completion_tokens: 600,
        prompt_tokens_details: { audio_tokens: 400 },
        completion_tokens_details: { audio_tokens: 500 },
      },
      600 * 2.5e-6 + 400 * 4e-5 + 100 * 1e-5 + 500 * 8e-5,
    ],
    [
      'reasoning at output_cost_per_reasoning_token',
      'gemini/gemini-2.5-flash',
      { prompt_tokens: 100, completion_tokens: 1000, completion_tokens_details: { reasoning_tokens: 800 } },
      100 * 3e-7 + 200 * 2.5e-6 + 800 * 2.5e-6,
    ],
    [
      'output image tokens at output_cost_per_image_token',
      'gemini-2.5-flash-image',
      { prompt_tokens: 20, completion_tokens: 1300, completion_tokens_details: { image_tokens: 1290 } },
      20 * 3e-7 + 10 * 2.5e-6 + 1290 * 3e-5,
    ],
    [
      'input image tokens without their own price use the input price',
      'gpt-4o',
      { prompt_tokens: 1000, completion_tokens: 0, prompt_tokens_details: { image_tokens: 765, text_tokens: 235 } },
      1000 * 2.5e-6,
    ],
    [
      'embeddings: prompt tokens at the input price',
      'text-embedding-3-large',
      { prompt_tokens: 5000, total_tokens: 5000 },
      5000 * 1.3e-7,
    ],
  ])('%s', (_name, model, usage, expected) => {
    expect(total({ model, usage })).toBeCloseTo(expected, 15)
  })

  it('breakdown explains the bill: components add up to the total', () => {
    const r = completionCost(map, {
      model: 'claude-sonnet-4-5',
      usage: { input_tokens: 100, output_tokens: 50, cache_read_input_tokens: 3000, cache_creation_input_tokens: 200 },
    })
    expect(r.breakdown.map((p) => [p.component, p.units, p.rate, p.priceKey])).toEqual([
      ['input_text', 100, 3e-6, 'input_cost_per_token'],
      ['input_cached', 3000, 3e-7, 'cache_read_input_token_cost'],
      ['cache_write', 200, 3.75e-6, 'cache_creation_input_token_cost'],
      ['output_text', 50, 1.5e-5, 'output_cost_per_token'],
    ])
    expect(r.breakdown.reduce((s, p) => s + p.cost, 0)).toBeCloseTo(r.totalCost, 18)
    expect(r).toMatchObject({ key: 'claude-sonnet-4-5', provider: 'anthropic', sha256: null })
    expect(r.promptCost + r.completionCost).toBe(r.totalCost)
  })
})

describe('deviations from LiteLLM 1.82.1 (docs/deviations.md)', () => {
  it('xAI: reasoning outside completion_tokens is billed once (LiteLLM adds it twice when it is inside)', () => {
    // xAI reports total = prompt + completion + reasoning: reasoning is extra output.
    const outside = {
      prompt_tokens: 100,
      completion_tokens: 50,
      total_tokens: 350,
      completion_tokens_details: { reasoning_tokens: 200 },
    }
    expect(total({ model: 'xai/grok-4', usage: outside })).toBeCloseTo(100 * 3e-6 + 250 * 1.5e-5, 15)
    // OpenAI-style: reasoning inside completion_tokens; LiteLLM's xAI path would bill 450 output tokens.
    const inside = {
      prompt_tokens: 100,
      completion_tokens: 250,
      total_tokens: 350,
      completion_tokens_details: { reasoning_tokens: 200 },
    }
    const ours = total({ model: 'xai/grok-4', usage: inside })
    expect(ours).toBeCloseTo(100 * 3e-6 + 250 * 1.5e-5, 15)
    expect(ours).not.toBeCloseTo(100 * 3e-6 + 450 * 1.5e-5, 10)
  })

  it('Perplexity: reasoning tokens are not billed on top of completion tokens', () => {
    const usage = { prompt_tokens: 100, completion_tokens: 500, completion_tokens_details: { reasoning_tokens: 300 } }
    const ours = total({ model: 'perplexity/sonar-reasoning-pro', usage })
    expect(ours).toBeCloseTo(100 * 2e-6 + 500 * 8e-6, 15)
    expect(ours).not.toBeCloseTo(100 * 2e-6 + 500 * 8e-6 + 300 * 8e-6, 10)
  })

  it('explicit text_tokens that include reasoning: reasoning billed once', () => {
    const usage = {
      prompt_tokens: 10,
      completion_tokens: 1000,
      completion_tokens_details: { text_tokens: 1000, reasoning_tokens: 800 },
    }
    const ours = total({ model: 'gemini/gemini-2.5-flash', usage })
    expect(ours).toBeCloseTo(10 * 3e-7 + 1000 * 2.5e-6, 15)
    expect(ours).not.toBeCloseTo(10 * 3e-7 + 1800 * 2.5e-6, 10) // LiteLLM
  })

  it('prompt audio inside text_tokens without cached tokens: billed once', () => {
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 0,
      prompt_tokens_details: { text_tokens: 1000, audio_tokens: 400 },
    }
    const ours = total({ model: 'gpt-4o-audio-preview', usage })
    expect(ours).toBeCloseTo(600 * 2.5e-6 + 400 * 4e-5, 15)
    expect(ours).not.toBeCloseTo(1000 * 2.5e-6 + 400 * 4e-5, 10) // LiteLLM: repair only when cached > 0
  })

  it('Anthropic input_tokens passed as prompt_tokens: text never goes negative', () => {
    const usage = { prompt_tokens: 100, completion_tokens: 10, cache_read_input_tokens: 5000 }
    const r = completionCost(map, { model: 'claude-sonnet-4-5', usage })
    expect(r.promptCost).toBeCloseTo(5000 * 3e-7, 15)
    expect(r.promptCost).toBeGreaterThan(0)
    expect((100 - 5000) * 3e-6 + 5000 * 3e-7).toBeLessThan(0) // LiteLLM's prompt cost
  })

  it('cached tokens of an entry without a cache-read price cost the input price, not $0', () => {
    const usage = { prompt_tokens: 1000, completion_tokens: 0, prompt_tokens_details: { cached_tokens: 800 } }
    expect(total({ model: 'xai/grok-4', usage })).toBeCloseTo(1000 * 3e-6, 15)
  })

  it('a 1 h cache write without a 1 h price costs the 5 min write price, not $0', () => {
    const usage = {
      input_tokens: 0,
      output_tokens: 0,
      cache_creation_input_tokens: 100,
      cache_creation: { ephemeral_1h_input_tokens: 100 },
    }
    expect(total({ model: 'claude-sonnet-4-5', usage })).toBeCloseTo(100 * 3.75e-6, 15)
  })

  it('(perplexity/sonar, perplexity) is priced from perplexity/sonar, not the price-less perplexity/perplexity/sonar', () => {
    expect(map['perplexity/perplexity/sonar']?.input_cost_per_token).toBeUndefined()
    const r = completionCost(map, {
      model: 'perplexity/sonar',
      provider: 'perplexity',
      usage: { prompt_tokens: 1000, completion_tokens: 100 },
    })
    expect(r.key).toBe('perplexity/sonar')
    expect(r.totalCost).toBeCloseTo(1100 * 1e-6, 15)
  })
})

describe('a serviceTier that is not a string', () => {
  it.each([4, { tier: 'flex' }, true])('%j is INVALID_ARGUMENT, never a TypeError', (serviceTier) => {
    const args = {
      model: 'gpt-4o',
      usage: { prompt_tokens: 10, completion_tokens: 5 },
      serviceTier,
    } as unknown as CostArgs
    for (const price of [() => completionCost(map, args), () => costPerToken(map, args)]) {
      let caught: unknown
      try {
        price()
      } catch (error) {
        caught = error
      }
      expect(isCostMapError(caught) && caught.code).toBe('INVALID_ARGUMENT')
    }
  })
})
