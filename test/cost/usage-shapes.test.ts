/**
 * Usage objects of the JS ecosystem (issue 17, item 1), the provider-reported cost (item 2) and
 * transcription audio tokens at the audio rate (item 3). Each row cites the type definition it follows
 * (repository, path); expected prices are computed from the March 2026 map's own entry prices.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import type { CostArgs, UsageFormat } from '../../src/cost/types'
import { isCostMapError } from '../../src/errors'
import { buildCostMap } from '../../src/map/integrity'
import { CONFORMANCE, MAIN_MAP, readJson } from '../support/data'

const raw = readJson(MAIN_MAP)
const map = buildCostMap(raw).map

/** A price of the raw map: the expectations follow the file, and a missing price fails the test. */
function p(key: string, field: string): number {
  const value = (raw[key] as Record<string, unknown> | undefined)?.[field]
  if (typeof value !== 'number') throw new Error(`no ${field} on ${key}`)
  return value
}

function caught(fn: () => unknown): unknown {
  try {
    fn()
  } catch (error) {
    return error
  }
  return undefined
}

type Row = [name: string, args: CostArgs, expected: () => number]

describe('Vercel AI SDK usage', () => {
  it.each<Row>([
    [
      // vercel/ai packages/provider/src/language-model/v1/language-model-v1.ts (doGenerate usage:
      // { promptTokens, completionTokens }); ai v4 LanguageModelUsage adds totalTokens.
      'v4 promptTokens / completionTokens',
      { model: 'gpt-4o', usage: { promptTokens: 1000, completionTokens: 200, totalTokens: 1200 } },
      () => 1000 * p('gpt-4o', 'input_cost_per_token') + 200 * p('gpt-4o', 'output_cost_per_token'),
    ],
    [
      // vercel/ai packages/provider/src/language-model/v2/language-model-v2-usage.ts (LanguageModelV2Usage):
      // inputTokens counts the cached input; reasoningTokens is part of outputTokens (OpenAI provider).
      'v5 inputTokens with cachedInputTokens and reasoningTokens',
      {
        model: 'o3',
        usage: {
          inputTokens: 2000,
          outputTokens: 900,
          totalTokens: 2900,
          reasoningTokens: 700,
          cachedInputTokens: 1500,
        },
      },
      () =>
        500 * p('o3', 'input_cost_per_token') +
        1500 * p('o3', 'cache_read_input_token_cost') +
        900 * p('o3', 'output_cost_per_token'),
    ],
    [
      // Same type; the Google provider reports thoughts outside outputTokens: totalTokens tells.
      'v5 reasoning outside outputTokens (totalTokens = input + output + reasoning)',
      {
        model: 'gemini/gemini-2.5-flash',
        usage: { inputTokens: 1000, outputTokens: 100, reasoningTokens: 400, totalTokens: 1500 },
      },
      () =>
        1000 * p('gemini/gemini-2.5-flash', 'input_cost_per_token') +
        100 * p('gemini/gemini-2.5-flash', 'output_cost_per_token') +
        400 * p('gemini/gemini-2.5-flash', 'output_cost_per_reasoning_token'),
    ],
    [
      // Same type; v5's Anthropic provider passed Anthropic's input_tokens (cache reads excluded): a cached
      // count above inputTokens can only mean that, so the cached tokens are billed on top.
      'v5 Anthropic provider: cachedInputTokens above inputTokens',
      { model: 'claude-sonnet-4-5', usage: { inputTokens: 50, outputTokens: 100, cachedInputTokens: 3000 } },
      () =>
        50 * p('claude-sonnet-4-5', 'input_cost_per_token') +
        3000 * p('claude-sonnet-4-5', 'cache_read_input_token_cost') +
        100 * p('claude-sonnet-4-5', 'output_cost_per_token'),
    ],
    [
      // vercel/ai packages/ai/src/types/usage.ts (v6 LanguageModelUsage): inputTokens is the total,
      // inputTokenDetails { noCacheTokens, cacheReadTokens, cacheWriteTokens }, outputTokenDetails
      // { textTokens, reasoningTokens }.
      'v6 inputTokenDetails / outputTokenDetails with a cache write',
      {
        model: 'claude-sonnet-4-5',
        usage: {
          inputTokens: 4250,
          inputTokenDetails: { noCacheTokens: 50, cacheReadTokens: 4000, cacheWriteTokens: 200 },
          outputTokens: 100,
          outputTokenDetails: { textTokens: 100, reasoningTokens: undefined },
          totalTokens: 4350,
        },
      },
      () =>
        50 * p('claude-sonnet-4-5', 'input_cost_per_token') +
        4000 * p('claude-sonnet-4-5', 'cache_read_input_token_cost') +
        200 * p('claude-sonnet-4-5', 'cache_creation_input_token_cost') +
        100 * p('claude-sonnet-4-5', 'output_cost_per_token'),
    ],
    [
      // Same type: reasoningTokens is part of outputTokens.
      'v6 outputTokenDetails.reasoningTokens inside outputTokens',
      {
        model: 'o3',
        usage: {
          inputTokens: 1000,
          inputTokenDetails: { noCacheTokens: 1000, cacheReadTokens: 0, cacheWriteTokens: 0 },
          outputTokens: 900,
          outputTokenDetails: { textTokens: 200, reasoningTokens: 700 },
          totalTokens: 1900,
        },
      },
      () => 1000 * p('o3', 'input_cost_per_token') + 900 * p('o3', 'output_cost_per_token'),
    ],
    [
      // vercel/ai packages/provider/src/language-model/v3/language-model-v3-usage.ts (LanguageModelV3Usage):
      // the provider spec nests the counts, inputTokens { total, noCache, cacheRead, cacheWrite }.
      'v3 provider spec: nested inputTokens / outputTokens',
      {
        model: 'gpt-4o',
        usage: {
          inputTokens: { total: 1000, noCache: 400, cacheRead: 600, cacheWrite: undefined },
          outputTokens: { total: 200, text: 200, reasoning: undefined },
        },
      },
      () =>
        400 * p('gpt-4o', 'input_cost_per_token') +
        600 * p('gpt-4o', 'cache_read_input_token_cost') +
        200 * p('gpt-4o', 'output_cost_per_token'),
    ],
  ])('%s', (_name, args, expected) => {
    expect(completionCost(map, args).totalCost).toBeCloseTo(expected(), 15)
    expect(completionCost(map, { ...args, usageFormat: 'ai-sdk' }).totalCost).toBeCloseTo(expected(), 15)
  })
})

describe('LangChain.js usage_metadata', () => {
  // langchain-ai/langchainjs langchain-core/src/messages/metadata.ts (UsageMetadata, InputTokenDetails,
  // OutputTokenDetails; re-exported by messages/ai.ts): input_tokens is the sum of every input type, cache
  // reads and writes included.
  it.each<Row>([
    [
      'cache_read inside input_tokens (ChatOpenAI)',
      {
        model: 'gpt-4o',
        usage: { input_tokens: 1000, output_tokens: 100, total_tokens: 1100, input_token_details: { cache_read: 400 } },
      },
      () =>
        600 * p('gpt-4o', 'input_cost_per_token') +
        400 * p('gpt-4o', 'cache_read_input_token_cost') +
        100 * p('gpt-4o', 'output_cost_per_token'),
    ],
    [
      'cache_read and cache_creation inside input_tokens (ChatAnthropic)',
      {
        model: 'claude-sonnet-4-5',
        usage: {
          input_tokens: 3250,
          output_tokens: 50,
          total_tokens: 3300,
          input_token_details: { cache_read: 3000, cache_creation: 200 },
        },
      },
      () =>
        50 * p('claude-sonnet-4-5', 'input_cost_per_token') +
        3000 * p('claude-sonnet-4-5', 'cache_read_input_token_cost') +
        200 * p('claude-sonnet-4-5', 'cache_creation_input_token_cost') +
        50 * p('claude-sonnet-4-5', 'output_cost_per_token'),
    ],
    [
      // ChatAnthropic puts Anthropic's 5 min / 1 h split of the cache writes beside cache_creation.
      'cache_creation split into 5 min and 1 h writes (ChatAnthropic)',
      {
        model: 'claude-haiku-4-5',
        usage: {
          input_tokens: 1350,
          output_tokens: 20,
          input_token_details: {
            cache_read: 0,
            cache_creation: 1300,
            ephemeral_5m_input_tokens: 300,
            ephemeral_1h_input_tokens: 1000,
          },
        },
      },
      () =>
        50 * p('claude-haiku-4-5', 'input_cost_per_token') +
        300 * p('claude-haiku-4-5', 'cache_creation_input_token_cost') +
        1000 * p('claude-haiku-4-5', 'cache_creation_input_token_cost_above_1hr') +
        20 * p('claude-haiku-4-5', 'output_cost_per_token'),
    ],
    [
      'reasoning inside output_tokens',
      {
        model: 'o3',
        usage: { input_tokens: 1000, output_tokens: 900, total_tokens: 1900, output_token_details: { reasoning: 700 } },
      },
      () => 1000 * p('o3', 'input_cost_per_token') + 900 * p('o3', 'output_cost_per_token'),
    ],
    [
      'audio in and out at the audio rates',
      {
        model: 'gpt-4o-audio-preview',
        usage: {
          input_tokens: 1000,
          output_tokens: 300,
          total_tokens: 1300,
          input_token_details: { audio: 800 },
          output_token_details: { audio: 250 },
        },
      },
      () =>
        200 * p('gpt-4o-audio-preview', 'input_cost_per_token') +
        800 * p('gpt-4o-audio-preview', 'input_cost_per_audio_token') +
        50 * p('gpt-4o-audio-preview', 'output_cost_per_token') +
        250 * p('gpt-4o-audio-preview', 'output_cost_per_audio_token'),
    ],
  ])('%s', (_name, args, expected) => {
    expect(completionCost(map, args).totalCost).toBeCloseTo(expected(), 15)
    expect(completionCost(map, { ...args, usageFormat: 'langchain' }).totalCost).toBeCloseTo(expected(), 15)
  })
})

describe('Bedrock Converse usage', () => {
  // aws/aws-sdk-js-v3 clients/client-bedrock-runtime/src/models/models_0.ts (TokenUsage): inputTokens,
  // outputTokens, totalTokens, cacheReadInputTokens, cacheWriteInputTokens; inputTokens excludes the cache.
  const key = 'anthropic.claude-3-5-sonnet-20240620-v1:0'
  it.each<Row>([
    [
      'cacheReadInputTokens and cacheWriteInputTokens outside inputTokens',
      {
        model: key,
        usage: {
          inputTokens: 100,
          outputTokens: 10,
          totalTokens: 1610,
          cacheReadInputTokens: 1000,
          cacheWriteInputTokens: 500,
        },
      },
      () =>
        100 * p(key, 'input_cost_per_token') +
        1000 * p(key, 'cache_read_input_token_cost') +
        500 * p(key, 'cache_creation_input_token_cost') +
        10 * p(key, 'output_cost_per_token'),
    ],
    [
      'no cache fields',
      { model: 'amazon.nova-pro-v1:0', usage: { inputTokens: 1000, outputTokens: 100, totalTokens: 1100 } },
      () =>
        1000 * p('amazon.nova-pro-v1:0', 'input_cost_per_token') +
        100 * p('amazon.nova-pro-v1:0', 'output_cost_per_token'),
    ],
  ])('%s', (_name, args, expected) => {
    expect(completionCost(map, args).totalCost).toBeCloseTo(expected(), 15)
    expect(completionCost(map, { ...args, usageFormat: 'bedrock' }).totalCost).toBeCloseTo(expected(), 15)
  })
})

describe('OpenAI transcription and Realtime usage', () => {
  it.each<Row>([
    [
      // openai/openai-node src/resources/audio/transcriptions.ts (Transcription.Tokens: type 'tokens',
      // input_tokens, output_tokens, total_tokens, input_token_details { audio_tokens, text_tokens }).
      'transcription tokens: audio tokens at input_cost_per_audio_token',
      {
        model: 'gpt-4o-transcribe',
        callType: 'transcription',
        usage: {
          type: 'tokens',
          input_tokens: 14,
          output_tokens: 45,
          total_tokens: 59,
          input_token_details: { audio_tokens: 14, text_tokens: 0 },
        },
      },
      () =>
        14 * p('gpt-4o-transcribe', 'input_cost_per_audio_token') +
        45 * p('gpt-4o-transcribe', 'output_cost_per_token'),
    ],
    [
      // Same type: the prompt's text tokens at the text rate.
      'transcription tokens: text tokens of the prompt at the text rate',
      {
        model: 'gpt-4o-mini-transcribe',
        usage: {
          type: 'tokens',
          input_tokens: 130,
          output_tokens: 60,
          total_tokens: 190,
          input_token_details: { audio_tokens: 100, text_tokens: 30 },
        },
      },
      () =>
        30 * p('gpt-4o-mini-transcribe', 'input_cost_per_token') +
        100 * p('gpt-4o-mini-transcribe', 'input_cost_per_audio_token') +
        60 * p('gpt-4o-mini-transcribe', 'output_cost_per_token'),
    ],
    [
      // Same file (Transcription.Duration: type 'duration', seconds): priced per second; the callType
      // follows from the usage.
      'transcription duration: seconds at the per-second price',
      { model: 'whisper-1', usage: { type: 'duration', seconds: 42 } },
      () => 42 * p('whisper-1', 'output_cost_per_second'),
    ],
    [
      // openai/openai-node src/resources/beta/realtime/realtime.ts (RealtimeResponseUsage): input_token_details
      // { cached_tokens, text_tokens, audio_tokens, cached_tokens_details { text_tokens, audio_tokens } },
      // output_token_details { text_tokens, audio_tokens }; the modality counts include their cached part.
      'Realtime: text and audio, cached part billed once at the cache price',
      {
        model: 'gpt-4o-realtime-preview',
        usage: {
          total_tokens: 1700,
          input_tokens: 1500,
          output_tokens: 200,
          input_token_details: {
            cached_tokens: 600,
            text_tokens: 500,
            audio_tokens: 1000,
            cached_tokens_details: { text_tokens: 200, audio_tokens: 400 },
          },
          output_token_details: { text_tokens: 50, audio_tokens: 150 },
        },
      },
      () =>
        300 * p('gpt-4o-realtime-preview', 'input_cost_per_token') +
        600 * p('gpt-4o-realtime-preview', 'input_cost_per_audio_token') +
        600 * p('gpt-4o-realtime-preview', 'cache_read_input_token_cost') +
        50 * p('gpt-4o-realtime-preview', 'output_cost_per_token') +
        150 * p('gpt-4o-realtime-preview', 'output_cost_per_audio_token'),
    ],
  ])('%s', (_name, args, expected) => {
    expect(completionCost(map, args).totalCost).toBeCloseTo(expected(), 15)
    expect(completionCost(map, { ...args, usageFormat: 'openai' }).totalCost).toBeCloseTo(expected(), 15)
  })

  it("gpt-4o-transcribe's token usage costs what LiteLLM 1.82.1 computes for the same call", () => {
    const cases = readJson(CONFORMANCE) as unknown as { id: string; expected_cost: number }[]
    const litellm = cases.find((c) => c.id === 'transcription_token_priced_gpt4o_transcribe')
    const usage = {
      type: 'tokens',
      input_tokens: 14,
      output_tokens: 45,
      total_tokens: 59,
      input_token_details: { audio_tokens: 14, text_tokens: 0 },
    }
    const r = completionCost(map, { model: 'gpt-4o-transcribe', callType: 'transcription', usage })
    expect(r.totalCost).toBeCloseTo(litellm?.expected_cost ?? Number.NaN, 15)
    expect(r.breakdown.map((c) => [c.component, c.priceKey])).toEqual([
      ['input_audio', 'input_cost_per_audio_token'],
      ['output_text', 'output_cost_per_token'],
    ])
  })

  it('a duration usage on a model without a per-second price is INVALID_USAGE, never $0', () => {
    const error = caught(() =>
      completionCost(map, { model: 'gpt-4o-transcribe', usage: { type: 'duration', seconds: 30 } }),
    )
    expect(isCostMapError(error) && error.code).toBe('INVALID_USAGE')
    expect((error as Error).message).toMatch(/per-second price/)
  })
})

describe('Cohere v2 and OpenAI-compatible usage', () => {
  it.each<Row>([
    [
      // cohere-ai/cohere-typescript src/api/types/Usage.ts (Usage: billed_units, tokens) and
      // ApiMetaBilledUnits.ts (input_tokens, output_tokens): billed_units is what Cohere bills.
      'Cohere billed_units, not the raw tokens',
      {
        model: 'command-a-03-2025',
        usage: {
          billed_units: { input_tokens: 1000, output_tokens: 100 },
          tokens: { input_tokens: 1210, output_tokens: 100 },
        },
      },
      () =>
        1000 * p('command-a-03-2025', 'input_cost_per_token') + 100 * p('command-a-03-2025', 'output_cost_per_token'),
    ],
    [
      'Cohere tokens when billed_units is absent',
      { model: 'command-a-03-2025', usage: { tokens: { input_tokens: 500, output_tokens: 50 } } },
      () => 500 * p('command-a-03-2025', 'input_cost_per_token') + 50 * p('command-a-03-2025', 'output_cost_per_token'),
    ],
    [
      'Cohere whole chat response: its usage counts',
      {
        model: 'command-a-03-2025',
        usage: {
          id: 'c1',
          finish_reason: 'COMPLETE',
          usage: {
            billed_units: { input_tokens: 20, output_tokens: 10 },
            tokens: { input_tokens: 220, output_tokens: 10 },
          },
        },
      },
      () => 20 * p('command-a-03-2025', 'input_cost_per_token') + 10 * p('command-a-03-2025', 'output_cost_per_token'),
    ],
  ])('%s', (_name, args, expected) => {
    expect(completionCost(map, args).totalCost).toBeCloseTo(expected(), 15)
    expect(completionCost(map, { ...args, usageFormat: 'cohere' }).totalCost).toBeCloseTo(expected(), 15)
  })

  it('Mistral (OpenAI-compatible prompt_tokens / completion_tokens) keeps working', () => {
    // mistralai/client-ts src/models/components/usageinfo.ts (UsageInfo: prompt_tokens, completion_tokens, total_tokens).
    const key = 'mistral/mistral-large-latest'
    const usage = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 }
    const expected = 1000 * p(key, 'input_cost_per_token') + 100 * p(key, 'output_cost_per_token')
    expect(completionCost(map, { model: key, usage }).totalCost).toBeCloseTo(expected, 15)
    expect(completionCost(map, { model: key, usage, usageFormat: 'openai' }).totalCost).toBeCloseTo(expected, 15)
  })
})

describe('usageFormat', () => {
  const key = 'anthropic.claude-3-5-sonnet-20240620-v1:0'
  const usage = { inputTokens: 1000, outputTokens: 100, cacheReadInputTokens: 400 }

  it.each<[UsageFormat | undefined, () => number]>([
    // The Bedrock cache field decides the shape; naming it Bedrock reads it the same way.
    [undefined, () => 1000 * p(key, 'input_cost_per_token') + 400 * p(key, 'cache_read_input_token_cost')],
    ['bedrock', () => 1000 * p(key, 'input_cost_per_token') + 400 * p(key, 'cache_read_input_token_cost')],
    // The AI SDK has no cacheReadInputTokens field: its reading bills inputTokens alone.
    ['ai-sdk', () => 1000 * p(key, 'input_cost_per_token')],
  ])('%s decides how the same object is read', (usageFormat, input) => {
    const r = costPerToken(map, { model: key, usage, ...(usageFormat === undefined ? {} : { usageFormat }) })
    expect(r.promptCost).toBeCloseTo(input(), 15)
    expect(r.completionCost).toBeCloseTo(100 * p(key, 'output_cost_per_token'), 15)
  })

  it.each<[string, unknown, unknown]>([
    ['an unknown name', 'vercel', { prompt_tokens: 1 }],
    ['a number', 5, { prompt_tokens: 1 }],
    ['an inherited key', 'toString', { prompt_tokens: 1 }],
    ['an unknown name without usage', 'openai-ish', undefined],
  ])('%s is INVALID_ARGUMENT', (_name, usageFormat, usage) => {
    const error = caught(() => completionCost(map, { model: 'gpt-4o', usage, usageFormat: usageFormat as UsageFormat }))
    expect(isCostMapError(error) && error.code).toBe('INVALID_ARGUMENT')
    expect((error as Error).message).toMatch(/unknown usageFormat .*known: openai, anthropic/)
  })

  it.each<[string, CostArgs, RegExp]>([
    ['an unknown shape', { model: 'gpt-4o', usage: { foo: 1, bar: 2 } }, /fields seen: "foo", "bar"/],
    [
      'a shape that is not the named format',
      { model: 'gpt-4o', usage: { prompt_tokens: 10 }, usageFormat: 'bedrock' },
      /usageFormat 'bedrock'.*fields seen: "prompt_tokens"/,
    ],
    ['a count that is not an object', { model: 'gpt-4o', usage: { tokens: 10 } }, /fields seen: "tokens"/],
  ])('%s is INVALID_USAGE naming the fields seen', (_name, args, message) => {
    const error = caught(() => completionCost(map, args))
    expect(isCostMapError(error) && error.code).toBe('INVALID_USAGE')
    expect((error as Error).message).toMatch(message)
  })

  it('a whole response is unwrapped once: a deeply nested body is INVALID_USAGE, not a stack overflow', () => {
    let usage: Record<string, unknown> = { prompt_tokens: 1 }
    for (let i = 0; i < 100_000; i++) usage = { usage }
    const error = caught(() => completionCost(map, { model: 'gpt-4o', usage }))
    expect(isCostMapError(error) && error.code).toBe('INVALID_USAGE')
    expect(completionCost(map, { model: 'gpt-4o', usage: { id: 'r', usage: { prompt_tokens: 1 } } }).totalCost).toBe(
      p('gpt-4o', 'input_cost_per_token'),
    )
  })

  it('lists at most 12 fields of a large unknown object, and each name is cut', () => {
    const usage = Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`${'x'.repeat(100)}${i}`, i]))
    const message = (caught(() => completionCost(map, { model: 'gpt-4o', usage })) as Error).message
    expect(message).toMatch(/\(30 in all\)$/)
    expect(message.length).toBeLessThan(1000)
  })
})

describe('provider-reported cost (OpenRouter usage.cost)', () => {
  // OpenRouter usage accounting (openrouter.ai/docs/use-cases/usage-accounting): usage.cost in credits (USD),
  // cost_details.upstream_inference_cost for a BYOK call (the provider's own bill), is_byok.
  const key = 'openrouter/anthropic/claude-sonnet-4.5'
  const tokens = { prompt_tokens: 1000, completion_tokens: 100, total_tokens: 1100 }
  const ours = () => 1000 * p(key, 'input_cost_per_token') + 100 * p(key, 'output_cost_per_token')

  it.each<[string, Record<string, unknown>, number | null]>([
    ['usage.cost', { ...tokens, cost: 0.0045 }, 0.0045],
    ['zero is a price', { ...tokens, cost: 0 }, 0],
    [
      'BYOK: the OpenRouter fee plus the upstream bill',
      { ...tokens, cost: 0.0002, is_byok: true, cost_details: { upstream_inference_cost: 0.0045 } },
      0.0047,
    ],
    [
      'not BYOK: upstream_inference_cost is not added',
      { ...tokens, cost: 0.0045, cost_details: { upstream_inference_cost: 1 } },
      0.0045,
    ],
    ['negative: ignored', { ...tokens, cost: -1 }, null],
    ['NaN: ignored', { ...tokens, cost: Number.NaN }, null],
    ['Infinity: ignored', { ...tokens, cost: Number.POSITIVE_INFINITY }, null],
    ['a string: ignored', { ...tokens, cost: '0.0045' }, null],
    ['absent', tokens, null],
  ])('%s', (_name, usage, reported) => {
    const r = completionCost(map, { model: key, usage })
    if (reported === null) expect(r.reportedCost).toBeNull()
    else expect(r.reportedCost).toBeCloseTo(reported, 15)
    // Ours is billed unless the caller prefers the reported figure.
    expect(r.costSource).toBe('map')
    expect(r.totalCost).toBeCloseTo(ours(), 15)

    const preferred = completionCost(map, { model: key, usage, preferReportedCost: true })
    expect(preferred.costSource).toBe(reported === null ? 'map' : 'reported')
    expect(preferred.totalCost).toBeCloseTo(reported ?? ours(), 15)
    // The map's sides stay, the difference is one line: the breakdown still sums to the total.
    expect(preferred.promptCost).toBeCloseTo(r.promptCost, 15)
    expect(preferred.completionCost).toBeCloseTo(r.completionCost, 15)
    expect(preferred.breakdown.reduce((s, c) => s + c.cost, 0)).toBeCloseTo(preferred.totalCost, 15)
  })

  it("OpenRouter's prompt_tokens_details.cache_write_tokens are billed as cache writes", () => {
    const usage = {
      prompt_tokens: 1000,
      completion_tokens: 100,
      prompt_tokens_details: { cached_tokens: 600, cache_write_tokens: 300 },
      cost: 0.002,
    }
    const r = completionCost(map, { model: key, usage })
    const expected =
      100 * p(key, 'input_cost_per_token') +
      600 * p(key, 'cache_read_input_token_cost') +
      300 * p(key, 'cache_creation_input_token_cost') +
      100 * p(key, 'output_cost_per_token')
    expect(r.totalCost).toBeCloseTo(expected, 15)
    expect(r.reportedCost).toBe(0.002)
  })

  it('the reported cost of a whole response object is read from its usage', () => {
    const r = completionCost(map, {
      model: key,
      usage: { id: 'gen-1', model: 'anthropic/claude-sonnet-4.5', usage: { ...tokens, cost: 0.0045 } },
      preferReportedCost: true,
    })
    expect(r.reportedCost).toBe(0.0045)
    expect(r.totalCost).toBe(0.0045)
  })

  it('discount and margin apply to the reported cost as to ours', () => {
    const r = completionCost(map, {
      model: key,
      usage: { ...tokens, cost: 0.004 },
      preferReportedCost: true,
      discount: 0.1,
      margin: 0.5,
    })
    expect(r.totalCost).toBeCloseTo(0.004 * 0.9 * 1.5, 15)
    expect(r.breakdown.map((c) => c.component)).toEqual([
      'input_text',
      'output_text',
      'reported_cost',
      'discount',
      'margin',
    ])
    expect(r.breakdown.reduce((s, c) => s + c.cost, 0)).toBeCloseTo(r.totalCost, 15)
  })

  it('a reported cost on a usage with no token counts is still reported', () => {
    const r = completionCost(map, { model: 'gpt-4o', usage: { prompt_tokens: 0, completion_tokens: 0, cost: 0.01 } })
    expect([r.totalCost, r.reportedCost, r.costSource]).toEqual([0, 0.01, 'map'])
  })

  it.each([['yes'], [1], [null]])('preferReportedCost %j is INVALID_ARGUMENT', (value) => {
    const error = caught(() =>
      completionCost(map, { model: key, usage: tokens, preferReportedCost: value as unknown as boolean }),
    )
    expect(isCostMapError(error) && error.code).toBe('INVALID_ARGUMENT')
  })

  it('costPerToken keeps the map prices', () => {
    const r = costPerToken(map, { model: key, usage: { ...tokens, cost: 99 }, preferReportedCost: true })
    expect(r.promptCost + r.completionCost).toBeCloseTo(ours(), 15)
  })
})

describe('any SDK-shaped usage', () => {
  const numberish = fc.oneof(
    fc.double(),
    fc.integer({ min: -10, max: 2_000_000 }),
    fc.constantFrom('12', null, true, undefined, Number.NaN, Number.POSITIVE_INFINITY, -1),
  )
  const FIELDS = [
    'inputTokens',
    'outputTokens',
    'totalTokens',
    'reasoningTokens',
    'cachedInputTokens',
    'promptTokens',
    'completionTokens',
    'cacheReadInputTokens',
    'cacheWriteInputTokens',
    'input_tokens',
    'output_tokens',
    'type',
    'seconds',
    'cost',
    'is_byok',
    '__proto__',
  ] as const
  const DETAILS = [
    'inputTokenDetails',
    'outputTokenDetails',
    'input_token_details',
    'output_token_details',
    'cached_tokens_details',
    'billed_units',
    'tokens',
    'cost_details',
    'usage',
  ] as const
  const INNER = [
    'noCacheTokens',
    'cacheReadTokens',
    'cacheWriteTokens',
    'textTokens',
    'reasoningTokens',
    'total',
    'noCache',
    'cacheRead',
    'cache_read',
    'cache_creation',
    'audio',
    'reasoning',
    'audio_tokens',
    'text_tokens',
    'cached_tokens',
    'input_tokens',
    'output_tokens',
    'upstream_inference_cost',
  ] as const
  const inner = fc.oneof(fc.dictionary(fc.constantFrom(...INNER), numberish, { maxKeys: 5 }), numberish)
  const usage = fc
    .tuple(
      fc.dictionary(fc.constantFrom(...FIELDS), fc.oneof(numberish, fc.constantFrom('tokens', 'duration')), {
        maxKeys: 6,
      }),
      fc.dictionary(fc.constantFrom(...DETAILS), inner, { maxKeys: 3 }),
    )
    .map(([a, b]) => ({ ...a, ...b }))
  const format = fc.constantFrom<UsageFormat | undefined>(
    undefined,
    'openai',
    'anthropic',
    'gemini',
    'ai-sdk',
    'langchain',
    'bedrock',
    'cohere',
  )
  const model = fc.constantFrom('gpt-4o', 'claude-sonnet-4-5', 'whisper-1', 'gpt-4o-transcribe', 'command-a-03-2025')

  it('throws nothing but a CostMapError and never returns a NaN or negative cost or reported cost', () => {
    fc.assert(
      fc.property(model, usage, format, fc.boolean(), (m, u, f, prefer) => {
        try {
          const r = completionCost(map, {
            model: m,
            usage: u,
            preferReportedCost: prefer,
            ...(f ? { usageFormat: f } : {}),
          })
          expect(r.totalCost >= 0 && Number.isFinite(r.totalCost)).toBe(true)
          expect(r.reportedCost === null || (r.reportedCost >= 0 && Number.isFinite(r.reportedCost))).toBe(true)
        } catch (error) {
          if (!isCostMapError(error)) throw error
          expect(['INVALID_USAGE', 'INVALID_ARGUMENT']).toContain(error.code)
        }
      }),
      { numRuns: 3000 },
    )
  })
})
