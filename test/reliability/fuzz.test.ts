// Property-based tests: arbitrary maps, entries, usage objects and HTTP requests never crash anything.
// 10,000 runs per property by default; COSTMAP_FUZZ_RUNS=100000 for a longer hunt.
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import type { CallType } from '../../src/cost/types'
import { isCostMapError } from '../../src/errors'
import { createCostMapHandler, ROUTE_PATHS } from '../../src/http/handler'
import { getModelCostMap } from '../../src/load/loader'
import { buildCostMap } from '../../src/map/integrity'
import type { CostMapData } from '../../src/map/map'
import { isCleanEntry, PRICE_KEY } from '../../src/map/schema'
import { ModelEntrySchema } from '../../src/schema-entry'
import { ModelCostMap } from '../../src/store/store'
import { admin, KEY, viewer } from '../routes/fixtures'
import './harness' // no timer or socket left open after each property
import { MAIN_MAP, readJson } from '../support/data'

const RUNS = Number(process.env.COSTMAP_FUZZ_RUNS ?? 10_000)
const TIMEOUT = 120_000

// --- Generators ---

/** Values that stress a numeric field: negatives, non-finite, strings that look numeric, wrong types. */
const numberish = fc.oneof(
  fc.double(),
  fc.integer({ min: -10, max: 2_000_000 }),
  fc.constantFrom('1e-6', '0.001', '128k', '', 'NaN', 'Infinity', '-1', ' 2 ', null, true),
  fc.jsonValue({ maxDepth: 1 }),
)
const FIELDS = [
  'litellm_provider',
  'mode',
  'max_tokens',
  'max_input_tokens',
  'max_output_tokens',
  'input_cost_per_token',
  'output_cost_per_token',
  'cache_read_input_token_cost',
  'input_cost_per_token_above_200k_tokens',
  'output_cost_per_second',
  'tiered_pricing',
  'search_context_cost_per_query',
  'provider_specific_entry',
  'aliases',
  'supports_vision',
  'metadata',
  '__proto__',
  'constructor',
] as const
/** Price fields, for `customPricing` (numbers of any sign; the structure itself is typed). */
const PRICES = FIELDS.filter((f) => PRICE_KEY.test(f))
const entry = fc.oneof(
  fc
    .dictionary(fc.constantFrom(...FIELDS), numberish, { maxKeys: 8 })
    .map((d) => ({ litellm_provider: 'openai', input_cost_per_token: 1e-6, ...d })),
  fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(numberish, fc.jsonValue({ maxDepth: 3 })), { maxKeys: 8 }),
  fc.jsonValue({ maxDepth: 2 }),
)
const modelKey = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('gpt-4o', '__proto__', 'constructor', 'toString', 'sample_spec', '', ' ', 'a\u0000b', 'GPT-4O'),
)
/** A map-shaped JSON text: mostly entries, some junk, sometimes not an object at all. */
const mapText = fc.oneof(
  { weight: 4, arbitrary: fc.dictionary(modelKey, entry, { maxKeys: 12 }).map((d) => JSON.stringify(d)) },
  { weight: 1, arbitrary: fc.jsonValue().map((v) => JSON.stringify(v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
  {
    weight: 1,
    arbitrary: fc.tuple(fc.dictionary(modelKey, entry, { maxKeys: 6 }), fc.nat()).map(([d, cut]) => {
      const text = JSON.stringify(d)
      return text.slice(0, cut % (text.length + 1)) // truncated
    }),
  },
)

const polluted = () => ({}) as Record<string, unknown>

// --- Loader and entry schema ---

describe('arbitrary JSON for the loader and the entry schema', () => {
  it(
    'getModelCostMap never throws; what it loads is valid, what it refuses says why',
    async () => {
      let body = ''
      const upstream = (async () => new Response(body)) as typeof fetch
      const options = { fetch: upstream, minModelCount: 1, maxShrinkRatio: 0, retry: { attempts: 1 } }
      await fc.assert(
        fc.asyncProperty(mapText, async (text) => {
          body = text
          const result = await getModelCostMap('http://upstream.test/map.json', options)
          expect(polluted().polluted).toBeUndefined()
          if (result.source === 'local') {
            expect(result.fallback_reason).toMatch(/^Remote (fetch failed|data failed integrity validation): \S/)
            return
          }
          const keys = Object.keys(result.map)
          expect(result.model_count).toBe(keys.length)
          expect(keys.length).toBeGreaterThan(0)
          for (const key of keys) {
            expect(['__proto__', 'constructor', 'prototype', 'sample_spec', '']).not.toContain(key.trim())
            expect(ModelEntrySchema.safeParse(result.map[key]).success).toBe(true)
          }
        }),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )

  it(
    'an entry the schema accepts has only finite prices >= 0 and whole limits >= 0',
    () => {
      fc.assert(
        fc.property(entry, (candidate) => {
          const input = JSON.parse(JSON.stringify(candidate ?? null)) as unknown
          isCleanEntry(input) // must not throw either
          const { map, report } = buildCostMap({ m: input }, { minModelCount: 0, maxInvalidRatio: 1 })
          expect(report.model_count + report.dropped.length).toBe(1)
          const parsed = ModelEntrySchema.safeParse(input)
          if (!parsed.success) return
          const data = parsed.data as Record<string, unknown>
          expect(typeof data.litellm_provider === 'string' && data.litellm_provider !== '').toBe(true)
          for (const [field, value] of Object.entries(data)) {
            if (PRICE_KEY.test(field) && typeof value === 'number') {
              expect(Number.isFinite(value) && value >= 0, field).toBe(true)
            }
            if (/^max_(input_|output_)?tokens$/.test(field) && value !== undefined) {
              expect(Number.isInteger(value) && (value as number) >= 0, field).toBe(true)
            }
          }
          if (map.m) expect(Object.isFrozen(map.m)).toBe(true)
        }),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )
})

// --- Pricing ---

describe('arbitrary usage for the pricing functions, on the real map', () => {
  const map = buildCostMap(readJson(MAIN_MAP)).map as CostMapData
  const models = Object.keys(map).sort()
  /**
   * A price above a token threshold lower than the base price makes the cost fall by the data's own
   * choice (gemini-2.0-flash-exp: $0 above 128k tokens); such a model cannot be monotonic.
   */
  const cheaperAbove = (e: Record<string, unknown>) =>
    Object.entries(e).some(([field, v]) => {
      const m = /^(.*)_above_\d+k?_tokens(.*)$/.exec(field)
      const base = m ? e[`${m[1]}${m[2]}`] : undefined
      return typeof v === 'number' && typeof base === 'number' && v < base
    })
  /** Models priced per token for chat: the ones a usage object alone prices. */
  const tokenModels = models.filter((k) => {
    const e = map[k] as Record<string, unknown>
    return (
      ['chat', 'completion', 'responses'].includes(String(e.mode)) &&
      typeof e.input_cost_per_token === 'number' &&
      typeof e.output_cost_per_token === 'number' &&
      !cheaperAbove(e)
    )
  })
  const count = fc.oneof(fc.nat({ max: 5_000_000 }), numberish)
  const usage = fc.oneof(
    fc.record(
      {
        prompt_tokens: count,
        completion_tokens: count,
        prompt_tokens_details: fc.record({ cached_tokens: count, audio_tokens: count }, { requiredKeys: [] }),
        completion_tokens_details: fc.record({ reasoning_tokens: count, audio_tokens: count }, { requiredKeys: [] }),
      },
      { requiredKeys: [] },
    ),
    fc.record(
      {
        input_tokens: count,
        output_tokens: count,
        cache_read_input_tokens: count,
        cache_creation_input_tokens: count,
        cache_creation: fc.record({ ephemeral_5m_input_tokens: count, ephemeral_1h_input_tokens: count }),
      },
      { requiredKeys: [] },
    ),
    fc.record({ usageMetadata: fc.record({ promptTokenCount: count, candidatesTokenCount: count }) }),
    fc.anything({ maxDepth: 2 }),
  )
  const callType = fc.constantFrom<CallType | undefined>(
    undefined,
    'completion',
    'embedding',
    'speech',
    'transcription',
    'rerank',
    'batch',
    'image_generation',
    'search',
  )

  it(
    'never throws anything but a CostMapError, and never a NaN or negative cost',
    () => {
      fc.assert(
        fc.property(
          fc.constantFrom(...models),
          usage,
          callType,
          fc.option(numberish),
          fc.option(fc.dictionary(fc.constantFrom(...PRICES), fc.double({ min: -1, max: 1 }), { maxKeys: 3 })),
          fc.option(fc.constantFrom('openai', 'anthropic', 'bedrock', 'vertex_ai', 'nope')),
          (model, u, type, seconds, customPricing, provider) => {
            const args = {
              model,
              usage: u,
              callType: type,
              durationSeconds: seconds as number,
              serviceTier: typeof seconds === 'string' ? seconds : undefined,
              customPricing: customPricing ?? undefined,
              provider: provider ?? undefined,
            }
            const finite = (cost: number) => expect(Number.isFinite(cost) && cost >= 0, String(cost)).toBe(true)
            try {
              const r = completionCost(map, args)
              for (const cost of [r.totalCost, r.promptCost, r.completionCost]) finite(cost)
              for (const part of r.breakdown) finite(Math.abs(part.cost))
            } catch (error) {
              if (!isCostMapError(error)) throw error
            }
            try {
              const r = costPerToken(map, args)
              finite(r.promptCost)
              finite(r.completionCost)
            } catch (error) {
              if (!isCostMapError(error)) throw error
            }
          },
        ),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )

  const tokens = fc.nat({ max: 2_000_000 })
  const step = fc.integer({ min: 1, max: 500_000 })
  const cost = (model: string, u: unknown) => completionCost(map, { model, usage: u }).totalCost
  const notLess = (more: number, less: number) => expect(more).toBeGreaterThanOrEqual(less * (1 - 1e-12))

  it('the monotonic properties cover nearly every chat model', () => {
    expect(tokenModels.length).toBeGreaterThan(2000)
    expect(tokenModels).not.toContain('gemini-2.0-flash-exp')
  })

  it(
    'cost never falls when a token count rises (OpenAI usage: prompt, completion)',
    () => {
      fc.assert(
        fc.property(fc.constantFrom(...tokenModels), tokens, tokens, tokens, step, (model, p, c, k, d) => {
          const cached = Math.min(k, p)
          const u = (prompt: number, completion: number) => ({
            prompt_tokens: prompt,
            completion_tokens: completion,
            prompt_tokens_details: { cached_tokens: cached },
          })
          const base = cost(model, u(p, c))
          notLess(cost(model, u(p + d, c)), base)
          notLess(cost(model, u(p, c + d)), base)
        }),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )

  it(
    'cost never falls when a token count rises (Anthropic usage: input, output, cache read, cache write)',
    () => {
      const fields = [
        'input_tokens',
        'output_tokens',
        'cache_read_input_tokens',
        'cache_creation_input_tokens',
      ] as const
      fc.assert(
        fc.property(
          fc.constantFrom(...tokenModels),
          fc.tuple(tokens, tokens, tokens, tokens),
          fc.constantFrom(...fields),
          step,
          (model, counts, field, d) => {
            const u = Object.fromEntries(fields.map((f, i) => [f, counts[i]])) as Record<string, number>
            notLess(cost(model, { ...u, [field]: (u[field] as number) + d }), cost(model, u))
          },
        ),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )
})

// --- HTTP handler ---

describe('arbitrary requests for the route handler', () => {
  const costs = new ModelCostMap({
    autoLoad: false,
    url: 'http://upstream.test/map.json',
    fetch: (async () => new Response('down', { status: 503 })) as typeof fetch,
    retry: { attempts: 1 },
  })
  afterAll(() => costs.dispose())
  const handler = createCostMapHandler(costs, {
    masterKey: KEY,
    authorize: (req) => (req.headers.get('authorization') === viewer.authorization ? 'viewer' : null),
    modelList: [{ model_name: 'gpt-4o', litellm_params: { model: 'gpt-4o', api_key: 'sk-secret' } }],
    env: {},
  })

  const text = fc.string({ maxLength: 40 })
  const headerValue = fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, ''))
  const path = fc.oneof(
    fc.constantFrom(...ROUTE_PATHS),
    fc.constantFrom(...ROUTE_PATHS).chain((p) => text.map((s) => `${p}${s}`)),
    text.map((s) => `/${s}`),
  )
  const query = fc.dictionary(
    fc.constantFrom('hours', 'litellm_model_id', 'url', 'key', 'x'),
    fc.oneof(text, fc.constantFrom('6', '0', '-1', '1e309', '0.5', 'NaN', '8761')),
    { maxKeys: 3 },
  )
  const deployment = fc.record(
    {
      model_name: fc.oneof(text, fc.constant('my-model')),
      litellm_params: fc.record(
        { model: fc.constantFrom('gpt-4o', 'x', ''), input_cost_per_token: numberish },
        {
          requiredKeys: [],
        },
      ),
      model_info: fc.record({ id: fc.oneof(text, fc.integer()), base_model: text }, { requiredKeys: [] }),
      id: fc.oneof(text, fc.integer()),
    },
    { requiredKeys: [] },
  )
  const body = fc.oneof(
    text,
    fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
    deployment.map((d) => JSON.stringify(d)),
  )
  const request = fc.record({
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'PUT', 'PATCH', 'HEAD', 'OPTIONS'),
    path,
    query,
    auth: fc.oneof(
      fc.constantFrom(admin, viewer, {}, { 'x-litellm-api-key': KEY }),
      headerValue.map((v) => ({ authorization: v })),
    ),
    contentType: fc.option(
      fc.oneof(fc.constantFrom('application/json', 'text/plain', 'application/x-www-form-urlencoded'), headerValue),
    ),
    body: fc.option(body),
  })

  it(
    "never answers 500, and every error is JSON with a detail (OpenAI's error.message on /v1/models)",
    async () => {
      await fc.assert(
        fc.asyncProperty(request, async (r) => {
          const url = new URL(`http://localhost${r.path.startsWith('/') ? '' : '/'}${r.path}`)
          for (const [k, v] of Object.entries(r.query)) url.searchParams.append(k, v)
          const headers: Record<string, string> = { ...r.auth }
          if (r.contentType !== null) headers['content-type'] = r.contentType
          const withBody = r.body !== null && r.method !== 'GET' && r.method !== 'HEAD'
          const response = await handler(
            new Request(url, { method: r.method, headers, body: withBody ? r.body : null }),
          )
          if (response === null) return
          expect(response.status).not.toBe(500)
          if (response.status >= 400 && r.method !== 'HEAD') {
            expect(response.headers.get('content-type')).toBe('application/json')
            const body = await response.json()
            if (/^\/v1\/models(?:\/|$)/.test(url.pathname)) expect(typeof body.error.message).toBe('string')
            else expect(body).toHaveProperty('detail')
          }
        }),
        { numRuns: RUNS },
      )
    },
    TIMEOUT,
  )
})
