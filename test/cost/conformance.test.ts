/**
 * The 57 cases LiteLLM 1.82.1 computed itself (shared/conformance/litellm_cases.json), run against the
 * same data (LiteLLM's backup map). Each passes to the case's relative tolerance, or is a listed
 * deviation (docs/deviations.md) whose test checks our value AND that it differs from LiteLLM's.
 */
import { describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import type { CostArgs, CostResult } from '../../src/cost/types'
import { isCostMapError } from '../../src/errors'
import { buildCostMap } from '../../src/map/integrity'
import type { CostMapData } from '../../src/map/map'
import { CONFORMANCE, LITELLM_BACKUP_MAP, readJson } from '../support/data'

interface Case {
  id: string
  function: string
  model: string
  custom_llm_provider: string
  usage?: Record<string, unknown>
  inputs?: Record<string, unknown>
  service_tier?: string
  model_info?: Record<string, unknown>
  cost_discount_config?: Record<string, number>
  cost_margin_config?: CostArgs['margin']
  duration_seconds?: number
  resolved_key?: string
  expected_prompt_cost?: number
  expected_completion_cost?: number
  expected_cost?: number
  expected_later_upstream?: { prompt_cost: number; completion_cost: number; cost: number }
  tolerance: { relative: number }
}

const cases = readJson(CONFORMANCE) as unknown as Case[]
const backup = buildCostMap(readJson(LITELLM_BACKUP_MAP)).map

/** Cases where we deliberately differ from LiteLLM 1.82.1 (each one is in docs/deviations.md). */
const DEVIATIONS = new Set([
  'audio_invalid_string_price',
  'tiered_dashscope_two_tiers',
  'tiered_dashscope_with_cache',
  'tiered_dashscope_beyond_last_tier',
])

function close(actual: number, expected: number, relative: number): void {
  const scale = Math.max(Math.abs(expected), Number.MIN_VALUE)
  expect(Math.abs(actual - expected) / scale, `${actual} vs ${expected}`).toBeLessThanOrEqual(relative)
}

/** A map for the cases that mocked LiteLLM's get_model_info. */
function mockedMap(c: Case): CostMapData {
  const key = `${c.custom_llm_provider}/${c.model}`.replace(/^(\w+)\/\1\//, '$1/')
  const built = buildCostMap(
    { [key]: { litellm_provider: c.custom_llm_provider, ...c.model_info } },
    { minModelCount: 0 },
  )
  return built.map
}

/** Translates a case into our arguments (the case's function decides the call type). */
function argsFor(c: Case): CostArgs {
  const inputs = c.inputs ?? {}
  const args: CostArgs = { model: c.model, provider: c.custom_llm_provider, usage: c.usage }
  if (c.service_tier !== undefined) args.serviceTier = c.service_tier
  if (c.function.startsWith('batch')) args.callType = 'batch'
  if (c.function.includes('transcription')) args.callType = 'transcription'
  if (c.duration_seconds !== undefined) args.durationSeconds = c.duration_seconds
  if (c.function.includes('speech')) args.callType = 'speech'
  if (typeof inputs.prompt_characters === 'number') args.promptCharacters = inputs.prompt_characters
  if (c.function.includes('rerank')) args.callType = 'rerank'
  if (typeof inputs.search_units === 'number') args.billedUnits = { search_units: inputs.search_units }
  if (c.function.startsWith('search')) {
    args.callType = 'search'
    args.queries = inputs.number_of_queries as number
    args.maxResults = inputs.max_results as number
  }
  if (c.function.startsWith('default_image')) {
    args.callType = 'image_generation'
    args.image = { size: inputs.size as string, quality: inputs.quality as string, n: inputs.n as number }
  }
  if (typeof inputs.region_name === 'string') args.region = inputs.region_name
  if (inputs.custom_cost_per_token) args.customPricing = inputs.custom_cost_per_token as CostArgs['customPricing']
  if (typeof inputs.custom_cost_per_second === 'number') {
    args.customPricing = { output_cost_per_second: inputs.custom_cost_per_second }
    args.responseTimeMs = inputs.response_time_ms as number
  }
  if (c.function.includes('dashscope')) args.tieredPricing = 'graduated'
  if (c.cost_discount_config) args.discount = c.cost_discount_config
  if (c.cost_margin_config) args.margin = c.cost_margin_config
  return args
}

/** The cache-write helper cases: a map with exactly the two write prices, all tokens written. */
function cacheWriteCase(c: Case): CostResult {
  const i = c.inputs as Record<string, number>
  const map = buildCostMap(
    {
      'helper/model': {
        litellm_provider: 'anthropic',
        input_cost_per_token: 0,
        cache_creation_input_token_cost: i.cache_creation_cost,
        cache_creation_input_token_cost_above_1hr: i.cache_creation_cost_above_1hr,
      },
    },
    { minModelCount: 0 },
  ).map
  const details =
    i.ephemeral_5m_input_tokens === undefined
      ? undefined
      : {
          ephemeral_5m_input_tokens: i.ephemeral_5m_input_tokens,
          ephemeral_1h_input_tokens: i.ephemeral_1h_input_tokens,
        }
  const usage = {
    prompt_tokens: i.cache_creation_tokens,
    completion_tokens: 0,
    prompt_tokens_details: { cache_creation_tokens: i.cache_creation_tokens, cache_creation_token_details: details },
  }
  return completionCost(map, { model: 'helper/model', usage })
}

function run(c: Case): CostResult {
  if (c.function === 'calculate_cache_writing_cost') return cacheWriteCase(c)
  return completionCost(c.model_info ? mockedMap(c) : backup, argsFor(c))
}

describe('LiteLLM 1.82.1 conformance cases', () => {
  it('has the 57 cases', () => {
    expect(cases).toHaveLength(57)
  })

  it.each(cases.filter((c) => !DEVIATIONS.has(c.id)).map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const r = run(c)
    const tol = c.tolerance.relative
    if (c.expected_cost !== undefined) close(r.totalCost, c.expected_cost, tol)
    if (c.expected_prompt_cost !== undefined) close(r.promptCost, c.expected_prompt_cost, tol)
    if (c.expected_completion_cost !== undefined) close(r.completionCost, c.expected_completion_cost, tol)
    if (c.resolved_key !== undefined) expect(r.key).toBe(c.resolved_key)
    if (c.function.startsWith('generic_cost_per_token') || c.function.startsWith('cost_per_token')) {
      const pt = costPerToken(c.model_info ? mockedMap(c) : backup, argsFor(c))
      close(pt.promptCost + pt.completionCost, (c.expected_prompt_cost ?? 0) + (c.expected_completion_cost ?? 0), tol)
    }
    const sum = r.breakdown.reduce((s, p) => s + p.cost, 0)
    close(sum, r.totalCost, 1e-12)
  })
})

describe('conformance deviations (docs/deviations.md)', () => {
  const byId = new Map(cases.map((c) => [c.id, c]))

  it('audio_invalid_string_price: an unparseable price is an error, not a $0 component', () => {
    const c = byId.get('audio_invalid_string_price') as Case
    // The schema rejects the entry, so a map holding it does not contain the model.
    const built = buildCostMap(
      { 'test-provider/test-model': { litellm_provider: 'test-provider', ...c.model_info } },
      { minModelCount: 0 },
    )
    expect(built.report.dropped.map((d) => d.key)).toEqual(['test-provider/test-model'])
    expect(() => completionCost(built.map, argsFor(c))).toThrow(/isn't mapped yet/)
    // Passed as custom pricing, the bad price is named in an INVALID_ARGUMENT error.
    const custom = { ...(c.model_info as Record<string, unknown>) }
    let error: unknown
    try {
      completionCost(backup, { ...argsFor(c), model: 'gpt-4o', customPricing: custom })
    } catch (e) {
      error = e
    }
    expect(isCostMapError(error) && error.code).toBe('INVALID_ARGUMENT')
    expect(String(error)).toMatch(/input_cost_per_audio_token/)
    expect(c.expected_cost).toBeGreaterThan(0) // LiteLLM returned a number
  })

  const dashscope = cases.filter((c) => c.function.includes('dashscope'))
  it.each(dashscope.map((c) => [c.id, c] as const))(
    '%s: graduated reproduces 1.82.1, the default bills the request tier',
    (_id, c) => {
      const graduated = completionCost(backup, argsFor(c))
      close(graduated.promptCost, c.expected_prompt_cost as number, c.tolerance.relative)
      close(graduated.completionCost, c.expected_completion_cost as number, c.tolerance.relative)
      const later = c.expected_later_upstream as NonNullable<Case['expected_later_upstream']>
      const byRequest = completionCost(backup, { ...argsFor(c), tieredPricing: undefined })
      close(byRequest.promptCost, later.prompt_cost, c.tolerance.relative)
      close(byRequest.completionCost, later.completion_cost, c.tolerance.relative)
      close(byRequest.totalCost, later.cost, c.tolerance.relative)
      if (DEVIATIONS.has(c.id)) expect(byRequest.totalCost).not.toBeCloseTo(c.expected_cost as number, 6)
      else expect(byRequest.totalCost).toBeCloseTo(c.expected_cost as number, 12)
    },
  )
})
