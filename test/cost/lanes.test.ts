/**
 * The pricing memo: a model's resolution, price plan and rates are remembered per map object, and a
 * price served from them is the price of the same call on a map that remembers nothing yet, bit for bit
 * and error for error; a new map or snapshot is never served another's.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import type { CostArgs } from '../../src/cost/types'
import { buildCostMap } from '../../src/map/integrity'
import { type CostMapData, extendMap } from '../../src/map/map'
import type { ModelEntry } from '../../src/map/schema'
import type { MapLike } from '../../src/resolve/lookup'
import { ModelCostMap } from '../../src/store/store'
import { MAIN_MAP, readJson } from '../support/data'

const map = buildCostMap(readJson(MAIN_MAP)).map
const gpt4o = map['gpt-4o'] as ModelEntry

/** Prices and errors as plain data, so results compare with Object.is on every number. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() }
  } catch (error) {
    const e = error as { name: string; code?: string; message: string }
    return { error: { name: e.name, code: e.code, message: e.message } }
  }
}

// A hand-made map: numeric-string prices are accepted, a garbage tier price is an error only when used.
const handMade: Record<string, Record<string, unknown>> = {
  'str-priced': { litellm_provider: 'openai', input_cost_per_token: '1e-6', output_cost_per_token: '2e-6' },
  'bad-tier': {
    litellm_provider: 'openai',
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
    input_cost_per_token_above_200k_tokens: 'cheap',
  },
}

/**
 * A copy of `target` that remembers nothing: a new map object (so a new resolution memo) whose entry
 * `key` is a new object too (so a new price plan and new rates).
 */
function fresh(target: MapLike, key: string | undefined): MapLike {
  const copy = (m: CostMapData): CostMapData =>
    key !== undefined && m[key] !== undefined
      ? extendMap(m, { [key]: { ...(m[key] as ModelEntry) } })
      : extendMap(m, {})
  if (target === handMade) {
    const out = { ...handMade }
    if (key !== undefined && out[key] !== undefined) out[key] = { ...out[key] }
    return out
  }
  if (target === map) return copy(map)
  const snapshot = target as { map: CostMapData; sha256: string }
  return { map: copy(snapshot.map), sha256: snapshot.sha256 }
}

const MODELS = [
  'gpt-4o',
  ' GPT-4o ',
  'openai/gpt-4o',
  'azure/gpt-4o',
  'gpt-5',
  'o3',
  'claude-sonnet-4-5',
  'claude-opus-4-6',
  'us.anthropic.claude-sonnet-4-5-20250929-v1:0',
  'anthropic.claude-3-5-sonnet-20241022-v2:0',
  'gemini/gemini-2.5-pro',
  'gemini-3-pro-preview',
  'deepseek/deepseek-chat',
  'xai/grok-3-mini',
  'dashscope/qwen-flash',
  'azure/whisper-1',
  'amazon.nova-2-pro-preview-20251202-v1:0',
  'text-embedding-3-small',
  'acme-llm-7',
  '',
]

describe('a price from the memo is the price computed afresh', () => {
  const valid = fc.oneof(
    fc.nat({ max: 400_000 }),
    fc.double({ min: 0, max: 1e6, noNaN: true }),
    // Context-tier thresholds (a prompt above N is billed at the tier, at N it is not).
    fc.constantFrom(0, 128_000, 128_001, 200_000, 200_001, 272_000, 272_001),
  )
  const anyCount = fc.oneof(
    { weight: 6, arbitrary: valid },
    { weight: 1, arbitrary: fc.constantFrom(undefined, null, 0, -0, -1, Number.NaN, Infinity, 1e308, '5', true, {}) },
  )
  // Usually absent; when present, usually zero (as OpenAI sends audio_tokens: 0).
  const rare = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    { weight: 2, arbitrary: fc.constant(0) },
    { weight: 2, arbitrary: anyCount },
  )
  const split = fc.oneof(
    { weight: 4, arbitrary: fc.constant(undefined) },
    {
      weight: 2,
      arbitrary: fc.record({ ephemeral_5m_input_tokens: rare, ephemeral_1h_input_tokens: rare }, { requiredKeys: [] }),
    },
    { weight: 1, arbitrary: fc.constantFrom(null, 5, 'x', []) },
  )
  const details = <T>(fields: Record<string, fc.Arbitrary<T>>) =>
    fc.oneof(
      { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) },
      { weight: 2, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom(null, 7, 'x', []) },
    )
  const extras = {
    server_tool_use: fc.oneof(fc.constant(undefined), fc.record({ web_search_requests: rare }, { requiredKeys: [] })),
    inference_geo: fc.constantFrom(undefined, undefined, 'us', 'global', 5),
    speed: fc.constantFrom(undefined, undefined, 'fast', 'standard'),
    service_tier: fc.constantFrom(undefined, undefined, 'default', 'flex', 'PRIORITY', 3),
  }
  const chat = fc.record(
    {
      prompt_tokens: anyCount,
      completion_tokens: anyCount,
      total_tokens: rare,
      prompt_tokens_details: details({
        cached_tokens: anyCount,
        cache_creation_tokens: rare,
        text_tokens: rare,
        audio_tokens: rare,
        image_tokens: rare,
        character_count: rare,
        image_count: rare,
        video_length_seconds: rare,
        web_search_requests: rare,
        cache_creation_token_details: split,
      }),
      completion_tokens_details: details({
        reasoning_tokens: anyCount,
        text_tokens: rare,
        audio_tokens: rare,
        image_tokens: rare,
      }),
      cache_read_input_tokens: rare,
      prompt_cache_hit_tokens: rare,
      cache_creation_input_tokens: rare,
      cache_creation: split,
      reasoning_tokens: rare,
      num_search_queries: rare,
      ...extras,
    },
    { requiredKeys: ['prompt_tokens'] },
  )
  const responses = fc.record(
    {
      input_tokens: anyCount,
      output_tokens: anyCount,
      input_tokens_details: details({
        cached_tokens: anyCount,
        text_tokens: rare,
        image_tokens: rare,
        audio_tokens: rare,
      }),
      output_tokens_details: details({ reasoning_tokens: anyCount }),
      ...extras,
    },
    { requiredKeys: ['input_tokens', 'input_tokens_details'] },
  )
  const anthropic = fc.record(
    {
      input_tokens: anyCount,
      output_tokens: anyCount,
      cache_read_input_tokens: anyCount,
      cache_creation_input_tokens: anyCount,
      cache_creation: split,
      ...extras,
    },
    { requiredKeys: ['input_tokens'] },
  )
  const other = fc.constantFrom(
    undefined,
    null,
    'usage',
    [],
    {},
    { promptTokenCount: 10, candidatesTokenCount: 5 },
    { usage: { prompt_tokens: 10, completion_tokens: 5 } },
  )
  // The shapes providers send on most calls (valid counts, the odd zero), so the lane is exercised too.
  const zeroOrAbsent = fc.constantFrom(undefined, 0)
  const plain = fc.oneof(
    // xAI: reasoning reported outside completion_tokens, which the total tells.
    fc.tuple(valid, valid, fc.nat({ max: 5000 })).map(([p, c, r]) => ({
      prompt_tokens: p,
      completion_tokens: c,
      total_tokens: p + c + r,
      completion_tokens_details: { reasoning_tokens: r },
    })),
    fc.record(
      {
        prompt_tokens: valid,
        completion_tokens: valid,
        total_tokens: fc.oneof(valid, zeroOrAbsent),
        prompt_tokens_details: fc.record(
          { cached_tokens: valid, text_tokens: valid, audio_tokens: zeroOrAbsent },
          { requiredKeys: [] },
        ),
        completion_tokens_details: fc.record(
          { reasoning_tokens: valid, text_tokens: valid, audio_tokens: zeroOrAbsent },
          { requiredKeys: [] },
        ),
      },
      { requiredKeys: ['prompt_tokens', 'completion_tokens'] },
    ),
    fc.record({
      input_tokens: valid,
      output_tokens: valid,
      input_tokens_details: fc.record({ cached_tokens: valid }),
      output_tokens_details: fc.record({ reasoning_tokens: valid }),
    }),
    fc.record(
      { input_tokens: valid, output_tokens: valid, cache_read_input_tokens: valid, cache_creation_input_tokens: valid },
      { requiredKeys: ['input_tokens', 'output_tokens'] },
    ),
  )
  const usage = fc.oneof(
    { weight: 8, arbitrary: plain },
    { weight: 4, arbitrary: chat },
    { weight: 2, arbitrary: responses },
    { weight: 2, arbitrary: anthropic },
    { weight: 1, arbitrary: other },
  )
  const options = fc.oneof(
    { weight: 8, arbitrary: fc.constant({}) },
    {
      weight: 3,
      arbitrary: fc.constantFrom<Partial<CostArgs>>(
        { provider: 'openai' },
        { provider: 'OpenAI' },
        { provider: '' },
        { provider: 5 as never },
        { serviceTier: 'flex' },
        { serviceTier: 'standard' },
        { serviceTier: 4 as never },
        { callType: 'completion' },
        { callType: 'embedding' },
        { callType: 'batch' },
        { region: 'us-east-1' },
        { discount: 0.1 },
        { margin: 0.1 },
        { webSearch: { requests: 1 } },
        { customPricing: { input_cost_per_token: 1e-6 } },
      ),
    },
  )
  const args = fc.record({
    model: fc.oneof({ weight: 12, arbitrary: fc.constantFrom(...MODELS) }, { weight: 1, arbitrary: fc.constant(7) }),
    usage,
    options,
  })

  it.each([
    ['the March 2026 map', map],
    ['a snapshot of it', { map, sha256: 'f'.repeat(64) }],
    ['a hand-made map', handMade],
  ] as const)('completionCost and costPerToken, random calls on %s', (_name, target) => {
    const models = target === handMade ? ['str-priced', 'str-priced', 'bad-tier', 'gpt-4o'] : null
    let priced = 0
    let runs = 0
    fc.assert(
      fc.property(args, fc.nat(3), (a, pick) => {
        const call = { model: models ? models[pick] : a.model, usage: a.usage, ...a.options } as CostArgs
        runs++
        // Twice on the same map: the second call is served from what the first remembered.
        outcome(() => completionCost(target, call))
        const memo = outcome(() => completionCost(target, call))
        const key = (memo as { value?: { key: string } }).value?.key
        if (key !== undefined) priced++
        expect(memo).toStrictEqual(outcome(() => completionCost(fresh(target, key), call)))
        expect(outcome(() => costPerToken(target, call))).toStrictEqual(
          outcome(() => costPerToken(fresh(target, key), call)),
        )
      }),
      { numRuns: 500 },
    )
    // The property says nothing unless a good share of the calls was priced.
    expect(priced / runs).toBeGreaterThan(0.3)
  })

  it('usage objects that are not plain are read field by field, getters included', () => {
    class Usage {
      prompt_tokens = 1000
      completion_tokens = 100
      // A getter lives on the prototype: a for-in over the instance would not see it.
      get cache_read_input_tokens(): number {
        return 600
      }
    }
    const plain = { prompt_tokens: 1000, completion_tokens: 100, cache_read_input_tokens: 600 }
    const nullProto = Object.assign(Object.create(null), plain)
    for (const usage of [new Usage(), nullProto, Object.freeze({ ...plain })])
      expect(completionCost(map, { model: 'gpt-4o', usage })).toStrictEqual(
        completionCost(map, { model: 'gpt-4o', usage: plain }),
      )
    expect(completionCost(map, { model: 'gpt-4o', usage: new Usage() }).breakdown[1]).toMatchObject({
      component: 'input_cached',
      units: 600,
    })
  })

  const usages = [
    { prompt_tokens: 1200, completion_tokens: 350, total_tokens: 1550 },
    { prompt_tokens: 5000, completion_tokens: 800, prompt_tokens_details: { cached_tokens: 4096, audio_tokens: 0 } },
    { prompt_tokens: 900, completion_tokens: 2400, completion_tokens_details: { reasoning_tokens: 1800 } },
    { prompt_tokens: 20_000, completion_tokens: 800, total_tokens: 20_800, cache_creation_input_tokens: 3000 },
    { input_tokens: 300, output_tokens: 500, cache_creation_input_tokens: 2000, cache_read_input_tokens: 12000 },
    { input_tokens: 2000, output_tokens: 6000 },
    { prompt_tokens: 250_000, completion_tokens: 1200, prompt_tokens_details: { cached_tokens: 100_000 } },
  ]
  it.each([
    ...['gpt-4o', 'gpt-4o-mini', 'gpt-4.1', 'gpt-4.1-mini', 'gpt-5', 'gpt-5-mini', 'o1', 'o3', 'o3-mini', 'o4-mini'],
    ...['claude-3-5-sonnet-20241022', 'claude-3-7-sonnet-20250219', 'claude-sonnet-4-20250514'],
    ...['claude-opus-4-20250514', 'claude-3-haiku-20240307', 'claude-sonnet-4-5', 'claude-opus-4-1'],
    ...['claude-3-5-haiku-20241022', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'gemini-1.5-pro'],
    ...['gemini-2.0-flash', 'gemini-2.5-pro', 'gemini-2.5-flash', 'gemini/gemini-2.5-pro', 'gemini/gemini-2.5-flash'],
    ...['azure/gpt-4o', 'deepseek-chat', 'deepseek/deepseek-chat', 'xai/grok-3-mini', 'mistral/mistral-large-latest'],
    'groq/llama-3.3-70b-versatile',
  ])("bench/cost.bench.ts's mixes on %s: the same price warm and fresh, and not free", (model) => {
    for (const usage of usages) {
      const call = { model, usage }
      const warm = completionCost(map, call)
      expect(warm.totalCost).toBeGreaterThan(0)
      expect(completionCost(map, call)).toStrictEqual(completionCost(fresh(map, warm.key), call))
    }
  })
})

describe('the memo', () => {
  const usage = { prompt_tokens: 1000, completion_tokens: 100 }

  it('is per map object: a new map is priced from its own entries, the old one still from its own', () => {
    const dearer = extendMap(map, { 'gpt-4o': { ...gpt4o, input_cost_per_token: 1e-3 } })
    const cheap = 1000 * 2.5e-6 + 100 * 1e-5
    const dear = 1000 * 1e-3 + 100 * 1e-5
    // Alternating, so both the last-map shortcut and the per-map context are exercised.
    for (const [target, expected] of [
      [map, cheap],
      [dearer, dear],
      [map, cheap],
      [dearer, dear],
    ] as const)
      expect(completionCost(target, { model: 'gpt-4o', usage }).totalCost).toBeCloseTo(expected, 12)
  })

  it('is per snapshot object: each snapshot reports its own sha256', () => {
    const a = { map, sha256: 'a'.repeat(64) }
    const b = { map, sha256: 'b'.repeat(64) }
    expect([a, b, a].map((s) => completionCost(s, { model: 'gpt-4o', usage }).sha256)).toEqual([
      a.sha256,
      b.sha256,
      a.sha256,
    ])
  })

  it('a registered model is priced from the next snapshot on; an older snapshot keeps its prices', () => {
    const costs = new ModelCostMap({ autoLoad: false })
    try {
      const before = costs.snapshot
      const old = costs.completionCost({ model: 'gpt-4o', usage })
      costs.registerModel({ 'gpt-4o': { input_cost_per_token: 0 } })
      expect(costs.completionCost({ model: 'gpt-4o', usage }).promptCost).toBe(0)
      expect(completionCost(before, { model: 'gpt-4o', usage })).toStrictEqual(old)
      expect(old.promptCost).toBeGreaterThan(0)
    } finally {
      costs.dispose()
    }
  })

  it.each([
    ['an unknown model', { model: 'acme-llm-7', usage }, 'MODEL_NOT_MAPPED'],
    ['an entry with no price', { model: 'no-price', usage }, 'MODEL_NOT_MAPPED'],
    ['a garbage tier price, once used', { model: 'bad-tier', usage: { prompt_tokens: 300_000 } }, 'INVALID_ARGUMENT'],
  ] as const)('%s is an error on every call, never a remembered $0', (_name, call, code) => {
    const target = { ...handMade, 'no-price': { litellm_provider: 'openai', mode: 'chat' } }
    for (let i = 0; i < 3; i++) expect(() => completionCost(target, call)).toThrow(expect.objectContaining({ code }))
  })
})
