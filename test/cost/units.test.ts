/** Non-token prices, built-in tools, caller pricing, discount and margin, on real March 2026 entries. */
import { describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import type { CostArgs } from '../../src/cost/types'
import { isCostMapError } from '../../src/errors'
import { buildCostMap } from '../../src/map/integrity'
import { MAIN_MAP, readJson } from '../support/data'

const map = buildCostMap(readJson(MAIN_MAP)).map

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (e) {
    return isCostMapError(e) ? e.code : 'not a CostMapError'
  }
  return undefined
}

describe('per-unit call types', () => {
  it.each<[string, CostArgs, number, string?]>([
    ['TTS per character', { model: 'tts-1', callType: 'speech', promptCharacters: 44 }, 44 * 1.5e-5],
    ['TTS per character (azure)', { model: 'azure/tts-1', callType: 'speech', promptCharacters: 1000 }, 1000 * 1.5e-5],
    [
      'TTS priced by tokens when usage is given',
      {
        model: 'gpt-4o-mini-tts',
        callType: 'speech',
        usage: { prompt_tokens: 100, completion_tokens: 2000, completion_tokens_details: { audio_tokens: 2000 } },
      },
      100 * 2.5e-6 + 2000 * 1.2e-5,
    ],
    [
      'transcription per second (whisper-1)',
      { model: 'whisper-1', callType: 'transcription', durationSeconds: 10 },
      10 * 1e-4,
    ],
    [
      'transcription per second with output_cost_per_second 0.0 (deepgram): input price, not $0',
      { model: 'deepgram/nova-3', callType: 'transcription', durationSeconds: 60 },
      60 * 7.167e-5,
    ],
    [
      'transcription priced by tokens',
      {
        model: 'gpt-4o-transcribe',
        callType: 'transcription',
        usage: { prompt_tokens: 14, completion_tokens: 45, prompt_tokens_details: { audio_tokens: 14 } },
      },
      14 * 6e-6 + 45 * 1e-5,
    ],
    [
      'rerank per search unit',
      { model: 'cohere.rerank-v3-5:0', callType: 'rerank', billedUnits: { search_units: 3 } },
      3 * 0.002,
    ],
    ['rerank default 1 search unit', { model: 'rerank-english-v3.0', callType: 'rerank' }, 0.002],
    [
      'rerank per billed token (jina)',
      { model: 'jina-reranker-v2-base-multilingual', callType: 'rerank', billedUnits: { total_tokens: 5000 } },
      5000 * 1.8e-8,
    ],
    ['search flat per query', { model: 'perplexity/search', callType: 'search', queries: 4 }, 4 * 0.005],
    [
      'search tier by max_results (default 10)',
      { model: 'firecrawl/search', callType: 'search', queries: 2 },
      2 * 0.00166,
    ],
    [
      'search tier max_results 35',
      { model: 'firecrawl/search', callType: 'search', queries: 2, maxResults: 35 },
      2 * 0.00664,
    ],
    ['search above every row: last row', { model: 'firecrawl/search', callType: 'search', maxResults: 500 }, 0.0166],
    [
      'image per image (dall-e-3, no quality key)',
      { model: 'dall-e-3', callType: 'image_generation', image: { n: 3 } },
      3 * 0.04,
      'dall-e-3',
    ],
    [
      'image per pixel by quality/size key',
      { model: 'dall-e-3', callType: 'image_generation', image: { n: 2, size: '1024x1024', quality: 'hd' } },
      2 * 1024 * 1024 * 7.629e-8,
      'hd/1024-x-1024/dall-e-3',
    ],
    [
      'image per image by quality/size key (gpt-image-1)',
      { model: 'gpt-image-1', callType: 'image_generation', image: { size: '1024x1536', quality: 'medium' } },
      0.063,
      'medium/1024-x-1536/gpt-image-1',
    ],
    [
      'image per pixel by size key (dall-e-2)',
      { model: 'dall-e-2', callType: 'image_generation', image: { size: '1024-x-1024' } },
      1024 * 1024 * 1.9e-8,
      '1024-x-1024/dall-e-2',
    ],
    [
      'image per output image (imagen)',
      { model: 'vertex_ai/imagen-3.0-generate-001', callType: 'image_generation', image: { n: 4 } },
      4 * 0.04,
    ],
    [
      'image generation with token usage (gpt-image-1)',
      {
        model: 'gpt-image-1',
        callType: 'image_generation',
        usage: { input_tokens: 50, output_tokens: 4160, input_tokens_details: { text_tokens: 50, image_tokens: 0 } },
      },
      50 * 5e-6 + 4160 * 4e-5,
    ],
    ['video per second (sora-2)', { model: 'openai/sora-2', durationSeconds: 8 }, 8 * 0.1],
    ['video per second (veo)', { model: 'vertex_ai/veo-3.0-fast-generate-001', durationSeconds: 8 }, 8 * 0.15],
    [
      'embedding',
      { model: 'text-embedding-3-large', callType: 'embedding', usage: { prompt_tokens: 1000 } },
      1000 * 1.3e-7,
    ],
    [
      'batch with *_batches prices',
      { model: 'gpt-4o', callType: 'batch', usage: { prompt_tokens: 1000, completion_tokens: 500 } },
      1000 * 1.25e-6 + 500 * 5e-6,
    ],
    [
      'batch at half price with cache',
      {
        model: 'claude-sonnet-4-5',
        callType: 'batch',
        usage: { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 400 } },
      },
      (600 * 3e-6) / 2 + (400 * 3e-7) / 2 + (500 * 1.5e-5) / 2,
    ],
  ])('%s', (_name, args, expected, key) => {
    const r = completionCost(map, args)
    expect(r.totalCost).toBeCloseTo(expected, 12)
    if (key !== undefined) expect(r.key).toBe(key)
    expect(r.breakdown.reduce((s, p) => s + p.cost, 0)).toBeCloseTo(r.totalCost, 15)
  })

  it('rejects missing or invalid per-unit arguments', () => {
    expect(codeOf(() => completionCost(map, { model: 'whisper-1', callType: 'transcription' }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(codeOf(() => completionCost(map, { model: 'firecrawl/search', callType: 'search', queries: -1 }))).toBe(
      'INVALID_ARGUMENT',
    )
    expect(
      codeOf(() =>
        completionCost(map, { model: 'hd/1024-x-1024/dall-e-3', callType: 'image_generation', image: { size: 'big' } }),
      ),
    ).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => completionCost(map, { model: 'gpt-4o', callType: 'chat' as never }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => completionCost(map, null as never))).toBe('INVALID_ARGUMENT')
  })
})

describe('built-in tools', () => {
  it.each<[string, CostArgs, number]>([
    [
      'Anthropic server_tool_use web search at the medium context price',
      {
        model: 'claude-sonnet-4-5',
        usage: { input_tokens: 100, output_tokens: 10, server_tool_use: { web_search_requests: 3 } },
      },
      100 * 3e-6 + 10 * 1.5e-5 + 3 * 0.01,
    ],
    [
      'OpenAI search model, high context size',
      {
        model: 'gpt-4o-search-preview',
        usage: { prompt_tokens: 100, completion_tokens: 10 },
        webSearch: { requests: 1, contextSize: 'high' },
      },
      100 * 2.5e-6 + 10 * 1e-5 + 0.05,
    ],
    [
      'Gemini grounding without a table: $0.035 per request',
      {
        model: 'gemini/gemini-2.5-flash',
        usage: { prompt_tokens: 100, completion_tokens: 10 },
        webSearch: { requests: 2 },
      },
      100 * 3e-7 + 10 * 2.5e-6 + 2 * 0.035,
    ],
  ])('%s', (_name, args, expected) => {
    const r = completionCost(map, args)
    expect(r.totalCost).toBeCloseTo(expected, 15)
    expect(r.breakdown.some((p) => p.component === 'web_search' && p.side === 'tool')).toBe(true)
    // costPerToken is before tools, as LiteLLM's cost_per_token.
    const pt = costPerToken(map, args)
    expect(pt.promptCost + pt.completionCost).toBeLessThan(r.totalCost)
  })
})

describe('caller pricing', () => {
  const usage = { prompt_tokens: 1000, completion_tokens: 100 }

  it('an explicit 0 wins over the provider price (LiteLLM #25204)', () => {
    const r = completionCost(map, {
      model: 'claude-sonnet-4-5',
      provider: 'anthropic',
      usage,
      customPricing: { input_cost_per_token: 0, output_cost_per_token: 0 },
    })
    expect(r.totalCost).toBe(0)
    expect(r.key).toBe('claude-sonnet-4-5')
  })

  it('overrides only the given fields; other map prices stay', () => {
    const args = {
      model: 'gpt-4o',
      usage: { ...usage, prompt_tokens_details: { cached_tokens: 500 } },
      customPricing: { input_cost_per_token: 1e-6 },
    }
    expect(completionCost(map, args).totalCost).toBeCloseTo(500 * 1e-6 + 500 * 1.25e-6 + 100 * 1e-5, 15)
  })

  it('prices a model the map does not know from the caller prices alone', () => {
    const r = completionCost(map, {
      model: 'my-llama',
      provider: 'hosted_vllm',
      usage,
      customPricing: { input_cost_per_token: '2e-7' as unknown as number, output_cost_per_token: 4e-7 },
    })
    expect(r.totalCost).toBeCloseTo(1000 * 2e-7 + 100 * 4e-7, 15)
    expect(r).toMatchObject({ key: 'my-llama', provider: 'hosted_vllm' })
  })

  it('per-second caller pricing uses responseTimeMs', () => {
    const r = completionCost(map, {
      model: 'any-model',
      customPricing: { output_cost_per_second: 0.002 },
      responseTimeMs: 1500,
    })
    expect(r.completionCost).toBeCloseTo(0.003, 15)
  })

  it('a malformed caller price is INVALID_ARGUMENT, never a $0 component', () => {
    expect(
      codeOf(() =>
        completionCost(map, {
          model: 'gpt-4o',
          usage,
          customPricing: { input_cost_per_token: 'cheap' as unknown as number },
        }),
      ),
    ).toBe('INVALID_ARGUMENT')
    expect(
      codeOf(() => completionCost(map, { model: 'gpt-4o', usage, customPricing: { input_cost_per_token: -1 } })),
    ).toBe('INVALID_ARGUMENT')
  })
})

describe('discount and margin (discount first, then margin)', () => {
  const base = 100 * 3e-5 + 50 * 6e-5
  const usage = { prompt_tokens: 100, completion_tokens: 50 }
  it.each<[string, Partial<CostArgs>, number]>([
    ['margin number', { margin: 0.1 }, base * 1.1],
    ['margin fixed amount', { margin: { fixed_amount: 0.001 } }, base + 0.001],
    ['margin percentage + fixed', { margin: { percentage: 0.08, fixed_amount: 0.0005 } }, base * 1.08 + 0.0005],
    ['per-provider tables', { discount: { openai: 0.05 }, margin: { openai: 0.1 } }, base * 0.95 * 1.1],
    ['global margin when the provider has none', { margin: { anthropic: 0.5, global: 0.05 } }, base * 1.05],
    ['discount for another provider: none', { discount: { anthropic: 0.5 } }, base],
  ])('%s', (_name, extra, expected) => {
    const r = completionCost(map, { model: 'gpt-4', usage, ...extra })
    expect(r.totalCost).toBeCloseTo(expected, 15)
    expect(r.promptCost + r.completionCost).toBeCloseTo(base, 15)
    expect(r.breakdown.reduce((s, p) => s + p.cost, 0)).toBeCloseTo(r.totalCost, 15)
  })

  it('rejects a discount outside 0..1 and a malformed margin', () => {
    expect(codeOf(() => completionCost(map, { model: 'gpt-4', usage, discount: 1.5 }))).toBe('INVALID_ARGUMENT')
    expect(codeOf(() => completionCost(map, { model: 'gpt-4', usage, margin: { percentage: Number.NaN } }))).toBe(
      'INVALID_ARGUMENT',
    )
  })
})

describe('per-second-only entries (Bedrock provisioned throughput, LiteLLM §10.11)', () => {
  const key = 'bedrock/us-east-1/1-month-commitment/anthropic.claude-instant-v1'

  it('a token-only call is an error, never a silent $0', () => {
    const map = buildCostMap(readJson(MAIN_MAP)).map
    expect(map[key]?.input_cost_per_second).toBeGreaterThan(0)
    expect(() => completionCost(map, { model: key, usage: { prompt_tokens: 100, completion_tokens: 10 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })

  it('with a duration it is priced by time', () => {
    const map = buildCostMap(readJson(MAIN_MAP)).map
    // LiteLLM's generic time path bills input and output seconds (0.011 + 0.011 per second here).
    const r = completionCost(map, {
      model: key,
      usage: { prompt_tokens: 100, completion_tokens: 10 },
      durationSeconds: 30,
    })
    expect(r.promptCost).toBeCloseTo(30 * 0.011, 12)
    expect(r.completionCost).toBeCloseTo(30 * 0.011, 12)
  })
})
