/**
 * No silent $0: every entry of the real map, priced with the units its `mode` is billed by. An entry with a
 * positive price costs > 0, or answers a CostMapError that says what to pass; never 0, never NaN. An
 * entry whose prices are all 0 is free and costs exactly 0. Entries are grouped by mode (one `it` per
 * group, every entry of the group inside), so a new upstream entry of a known shape is audited as it lands.
 */
import { describe, expect, it } from 'vitest'
import { completionCost } from '../../src/cost/cost'
import type { CostArgs } from '../../src/cost/types'
import { isCostMapError } from '../../src/errors'
import { buildCostMap } from '../../src/map/integrity'
import { MAIN_MAP, readJson } from '../support/data'

type Entry = Record<string, unknown>
const raw = readJson(MAIN_MAP) as Record<string, Entry>
const map = buildCostMap(raw).map

const tokens = { prompt_tokens: 1000, completion_tokens: 500 }
// Prices costmap has no unit for (no page count, no session count in CostArgs): such an entry can only
// answer an error, and must never cost $0.
const NO_UNIT = new Set(['ocr_cost_per_page', 'annotation_cost_per_page', 'code_interpreter_cost_per_session'])

/** The calls a caller of each mode makes: the usual one first, then the other units that mode is billed by. */
const GROUPS: Array<[string, (m: unknown) => boolean, (model: string) => CostArgs[]]> = [
  [
    'chat, completion, responses, moderation, no mode: token usage (or characters, or time)',
    (m) => m === undefined || ['chat', 'completion', 'responses', 'moderation'].includes(m as string),
    (model) => [
      { model, usage: tokens },
      { model, usage: tokens, promptCharacters: 4000, completionCharacters: 2000 },
      { model, usage: tokens, responseTimeMs: 2000 },
      { model, callType: 'batch', usage: tokens },
    ],
  ],
  [
    'embedding: prompt tokens (or characters)',
    (m) => m === 'embedding',
    (model) => [
      { model, callType: 'embedding', usage: { prompt_tokens: 1000 } },
      { model, callType: 'embedding', usage: { prompt_tokens: 1000 }, promptCharacters: 4000 },
    ],
  ],
  [
    'audio_transcription: a duration, or token usage',
    (m) => m === 'audio_transcription',
    (model) => [
      { model, callType: 'transcription', durationSeconds: 60 },
      { model, callType: 'transcription', usage: tokens },
    ],
  ],
  [
    'audio_speech: characters, or token usage',
    (m) => m === 'audio_speech',
    (model) => [
      { model, callType: 'speech', promptCharacters: 1000 },
      { model, callType: 'speech', usage: tokens },
      { model, callType: 'speech', usage: tokens, promptCharacters: 1000 },
    ],
  ],
  [
    'image_generation, image_edit: one image, or token usage',
    (m) => m === 'image_generation' || m === 'image_edit',
    (model) => [
      { model, callType: 'image_generation', image: { n: 1 } },
      { model, callType: 'image_generation', usage: tokens },
    ],
  ],
  ['video_generation: seconds of video', (m) => m === 'video_generation', (model) => [{ model, durationSeconds: 8 }]],
  [
    'rerank: search units, or billed tokens',
    (m) => m === 'rerank',
    (model) => [
      { model, callType: 'rerank', billedUnits: { search_units: 1 } },
      { model, callType: 'rerank', billedUnits: { total_tokens: 1000 } },
    ],
  ],
  [
    'search, vector_store: queries',
    (m) => m === 'search' || m === 'vector_store',
    (model) => [{ model, callType: 'search', queries: 1 }],
  ],
  ['ocr: pages (no unit in costmap): token usage', (m) => m === 'ocr', (model) => [{ model, usage: tokens }]],
]

/**
 * `priced`: a price > 0. `free`: prices, all 0 (e.g. `codestral/codestral-2405`). `unpriced`: no price field
 * at all: MODEL_NOT_MAPPED (docs/deviations.md), or a together_ai size bucket's price.
 */
function kind(entry: Entry): 'priced' | 'free' | 'unpriced' {
  const prices = Object.entries(entry).filter(([k, v]) => k.includes('cost') && typeof v === 'number')
  if (prices.some(([, v]) => (v as number) > 0) || Array.isArray(entry.tiered_pricing)) return 'priced'
  return prices.length > 0 ? 'free' : 'unpriced'
}

function onlyNoUnit(entry: Entry): boolean {
  return Object.entries(entry).every(
    ([k, v]) => !(k.includes('cost') && typeof v === 'number' && v > 0) || NO_UNIT.has(k),
  )
}

type Outcome = { cost: number } | { code: string; message: string }

function attempt(args: CostArgs): Outcome {
  try {
    return { cost: completionCost(map, args).totalCost }
  } catch (e) {
    return isCostMapError(e) ? { code: e.code, message: e.message } : { code: 'CRASH', message: String(e) }
  }
}

const entries = Object.entries(raw).filter(([key, e]) => key !== 'sample_spec' && typeof e === 'object' && e !== null)

describe('no silent $0 over every entry of the real map', () => {
  it('every entry belongs to exactly one group', () => {
    const orphans = entries.filter(([, e]) => GROUPS.filter(([, has]) => has(e.mode)).length !== 1).map(([k]) => k)
    // A new upstream mode fails here until the audit knows how that mode is billed.
    expect(orphans).toEqual([])
  })

  it.each(GROUPS)('%s', (_name, has, calls) => {
    const group = entries.filter(([, e]) => has(e.mode))
    expect(group.length).toBeGreaterThan(0)
    const problems: string[] = []
    const seen = { priced: 0, free: 0, unpriced: 0 }
    for (const [key, entry] of group) {
      const outcomes = calls(key).map(attempt)
      const k = kind(entry)
      seen[k]++
      for (const o of outcomes) {
        if ('cost' in o) {
          if (!Number.isFinite(o.cost)) problems.push(`${key}: ${o.cost}`)
          else if (k !== 'free' && o.cost === 0) problems.push(`${key}: silent $0`)
          else if (k === 'free' && o.cost !== 0) problems.push(`${key}: all prices 0 but costs ${o.cost}`)
        } else if (o.code === 'MODEL_NOT_MAPPED') {
          if (k !== 'unpriced') problems.push(`${key}: priced but ${o.message}`)
        } else if (o.code !== 'INVALID_ARGUMENT' && o.code !== 'INVALID_USAGE') {
          problems.push(`${key}: ${o.code} ${o.message}`)
        } else if (!/pass|needs/.test(o.message)) {
          problems.push(`${key}: unclear error ${o.message}`)
        }
      }
      const anyPositive = outcomes.some((o) => 'cost' in o && o.cost > 0)
      if (k === 'priced' && !anyPositive && !onlyNoUnit(entry)) problems.push(`${key}: no unit of its mode prices it`)
      // A free entry is free, not an error: its usual call costs exactly 0.
      if (k === 'free' && !('cost' in (outcomes[0] as Outcome))) problems.push(`${key}: free entry answers an error`)
    }
    expect(problems).toEqual([])
    expect(seen.priced).toBeGreaterThan(0)
  })

  it.each([...NO_UNIT])('entries priced only by %s answer an error naming what to pass, never $0', (field) => {
    const keys = entries.filter(([, e]) => typeof e[field] === 'number' && onlyNoUnit(e)).map(([k]) => k)
    for (const key of keys) {
      const o = attempt({ model: key, usage: tokens })
      expect(o, key).toMatchObject({ code: 'INVALID_ARGUMENT' })
      expect((o as { message: string }).message).toContain(key)
    }
    if (field !== 'annotation_cost_per_page') expect(keys.length).toBeGreaterThan(0)
  })
})

describe('the silent $0 cases the audit found, one by one', () => {
  const usage = { prompt_tokens: 1000, completion_tokens: 500 }
  // [name, args, the cost, or the error code and the words it must contain]
  it.each<[string, CostArgs, number | [string, string]]>([
    [
      'speech with token usage on a per-character model (vertex_ai/chirp)',
      { model: 'vertex_ai/chirp', callType: 'speech', usage },
      ['INVALID_ARGUMENT', 'pass promptCharacters'],
    ],
    [
      'speech on tts-1 with tokens and no characters',
      { model: 'tts-1', callType: 'speech', usage },
      ['INVALID_ARGUMENT', 'promptCharacters'],
    ],
    [
      'speech on tts-1 with tokens and characters: the characters',
      { model: 'tts-1', callType: 'speech', usage, promptCharacters: 1000 },
      1000 * 1.5e-5,
    ],
    [
      'speech with characters on a per-token TTS (gpt-4o-mini-tts)',
      { model: 'gpt-4o-mini-tts', callType: 'speech', promptCharacters: 1000 },
      ['INVALID_ARGUMENT', 'pass its token usage'],
    ],
    [
      'speech with characters and a duration on gpt-4o-mini-tts: output_cost_per_second',
      { model: 'gpt-4o-mini-tts', callType: 'speech', promptCharacters: 1000, durationSeconds: 8 },
      8 * 0.00025,
    ],
    [
      'transcription by duration on a per-token model (gpt-4o-transcribe)',
      { model: 'gpt-4o-transcribe', callType: 'transcription', durationSeconds: 60 },
      ['INVALID_ARGUMENT', 'pass its token usage'],
    ],
    [
      'rerank by search units on a per-token reranker (voyage/rerank-2)',
      { model: 'voyage/rerank-2', callType: 'rerank', billedUnits: { search_units: 1 } },
      ['INVALID_ARGUMENT', 'billedUnits.total_tokens'],
    ],
    [
      'rerank by billed tokens on voyage/rerank-2',
      { model: 'voyage/rerank-2', callType: 'rerank', billedUnits: { total_tokens: 1000 } },
      1000 * 5e-8,
    ],
    [
      'image on Bedrock Titan (input_cost_per_image 0.0 beside output_cost_per_image)',
      { model: 'amazon.titan-image-generator-v2', callType: 'image_generation', image: { n: 2 } },
      2 * 0.008,
    ],
    [
      'image without usage on a per-token image model (gpt-image-1 has no per-image key of its own)',
      { model: 'gpt-image-1', callType: 'image_generation', image: { n: 1, size: '640x480' } },
      ['INVALID_ARGUMENT', 'pass its token usage'],
    ],
    [
      'image with token usage on a per-image model (output_cost_per_token 0.0)',
      { model: 'gemini-2.0-flash-exp-image-generation', callType: 'image_generation', usage },
      0.039,
    ],
    [
      'image with token usage on a per-pixel model',
      { model: 'azure/hd/1024-x-1024/dall-e-3', callType: 'image_generation', usage },
      1024 * 1024 * 7.629e-8,
    ],
    [
      'tokens on an OCR model priced per page',
      { model: 'mistral/mistral-ocr-latest', usage },
      ['INVALID_ARGUMENT', 'has no per-token price'],
    ],
    [
      'tokens on a container priced per session',
      { model: 'openai/container', usage },
      ['INVALID_ARGUMENT', 'has no per-token price'],
    ],
    [
      'tokens on a container with customPricing token prices, as the error says',
      { model: 'openai/container', usage, customPricing: { input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } },
      1000 * 1e-6 + 500 * 2e-6,
    ],
    [
      'a batch of tokens on a container priced per session',
      { model: 'azure/container', callType: 'batch', usage },
      ['INVALID_ARGUMENT', 'has no per-token price'],
    ],
    [
      'a batch on tiered_pricing ranges (dashscope/qwen-flash): half the row price',
      { model: 'dashscope/qwen-flash', callType: 'batch', usage },
      (1000 * 5e-8 + 500 * 4e-7) / 2,
    ],
    ['a free entry (all prices 0) is free, not an error', { model: 'codestral/codestral-2405', usage }, 0],
  ])('%s', (_name, args, expected) => {
    const o = attempt(args)
    if (typeof expected === 'number') {
      expect(o).toHaveProperty('cost')
      expect((o as { cost: number }).cost).toBeCloseTo(expected, 12)
      // The breakdown explains every cent.
      const r = completionCost(map, args)
      expect(r.breakdown.reduce((sum, p) => sum + p.cost, 0)).toBeCloseTo(r.totalCost, 15)
    } else {
      expect(o).toMatchObject({ code: expected[0] })
      expect((o as { message: string }).message).toContain(expected[1])
      expect((o as { message: string }).message).toContain(args.model)
    }
  })
})
