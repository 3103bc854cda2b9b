/**
 * Prices that are not per token: characters (TTS), seconds (transcription, video, time-priced models),
 * images and pixels (image generation), search units (rerank), queries (search) and built-in tools.
 * @module
 */

import { CostMapError } from '../errors'
import { PRICE_KEY } from '../map'
import { price } from './rates'
import { addPart, type Sides } from './tokens'
import type { CostArgs, CostComponent } from './types'

type Entry = Readonly<Record<string, unknown>>

function first(entry: Entry, keys: readonly string[]): [number, string] | undefined {
  for (const key of keys) {
    const v = price(entry, key)
    if (v !== undefined) return [v, key]
  }
  return undefined
}

// A present 0.0 must not hide a real price under another key (Bedrock Titan: input_cost_per_image 0.0,
// output_cost_per_image 0.008): the first positive price, else the first present one.
function firstPositive(entry: Entry, keys: readonly string[]): [number, string] | undefined {
  for (const key of keys) {
    const v = price(entry, key)
    if (v !== undefined && v > 0) return [v, key]
  }
  return first(entry, keys)
}

/**
 * @internal The error for a call whose units have no price in the entry while another of its prices is
 * positive: billing it would be a silent $0. `why` says what the entry is priced by, `pass` the argument
 * or usage that prices the call.
 * @example
 * ```ts
 * throw unpriced('tts-1', 'is priced per character only (input_cost_per_character)', 'promptCharacters')
 * ```
 */
export function unpriced(key: string, why: string, pass: string): CostMapError {
  return new CostMapError(
    'INVALID_ARGUMENT',
    `[costmap] ${key} ${why}: pass ${pass}, it would otherwise cost a silent $0`,
  )
}

/**
 * @internal Whether any price field of the entry is > 0 (an entry whose prices really are 0 is free, not
 * an error).
 * @example
 * ```ts
 * positivePrice(map['tts-1']) // true
 * ```
 */
export function positivePrice(entry: Entry): boolean {
  for (const key in entry) {
    if (!PRICE_KEY.test(key)) continue
    const v = entry[key]
    // Numeric strings are prices too (a caller's customPricing); objects (`search_context_cost_per_query`) are not.
    if ((typeof v === 'number' || typeof v === 'string') && (price(entry, key) ?? 0) > 0) return true
  }
  return false
}

/**
 * @internal TTS: characters x `input_cost_per_character` (+ output characters when priced).
 * @example
 * ```ts
 * characterCost(entry, 44, 0, parts) // { prompt: 44 * 1.5e-5, completion: 0 }
 * ```
 */
export function characterCost(
  entry: Entry,
  promptChars: number,
  completionChars: number,
  parts: CostComponent[],
): Sides {
  const inRate = price(entry, 'input_cost_per_character') ?? 0
  const outRate = price(entry, 'output_cost_per_character') ?? 0
  return {
    prompt: addPart(parts, 'input_characters', 'prompt', promptChars, 'character', inRate, 'input_cost_per_character'),
    completion: addPart(
      parts,
      'output_characters',
      'completion',
      completionChars,
      'character',
      outRate,
      'output_cost_per_character',
    ),
  }
}

/**
 * @internal Time-priced calls. Transcription bills the duration once: at `output_cost_per_second` when it
 * is non-zero, else at `input_cost_per_second` (LiteLLM let a present 0.0 output price win: every
 * deepgram, assemblyai, elevenlabs and groq transcription cost 0). Other calls bill input and output seconds.
 * @example
 * ```ts
 * secondCost(entry, 10, true, parts) // whisper-1: 10 * 1e-4
 * ```
 */
export function secondCost(entry: Entry, seconds: number, transcription: boolean, parts: CostComponent[]): Sides {
  const input = first(entry, ['input_cost_per_second'])
  const output = first(entry, ['output_cost_per_video_per_second', 'output_cost_per_second'])
  if (transcription) {
    if (output !== undefined && output[0] > 0) {
      return {
        prompt: 0,
        completion: addPart(parts, 'output_seconds', 'completion', seconds, 'second', output[0], output[1]),
      }
    }
    const rate = input ?? [0, 'input_cost_per_second']
    return { prompt: addPart(parts, 'input_seconds', 'prompt', seconds, 'second', rate[0], rate[1]), completion: 0 }
  }
  return {
    prompt: input ? addPart(parts, 'input_seconds', 'prompt', seconds, 'second', input[0], input[1]) : 0,
    completion: output ? addPart(parts, 'output_seconds', 'completion', seconds, 'second', output[0], output[1]) : 0,
  }
}

/**
 * @internal Rerank: `input_cost_per_query` x billed search units (default 1); Jina-style entries without a
 * per-query price bill the billed `total_tokens` at `input_cost_per_token`.
 * @throws {CostMapError} `INVALID_ARGUMENT` for a per-token reranker without `total_tokens`
 * @example
 * ```ts
 * rerankCost(entry, 'cohere/rerank-v3.5', { search_units: 2 }, parts) // 2 * 0.002
 * ```
 */
export function rerankCost(entry: Entry, key: string, billed: CostArgs['billedUnits'], parts: CostComponent[]): Sides {
  const perQuery = price(entry, 'input_cost_per_query')
  const tokens = count(billed?.total_tokens, 'billedUnits.total_tokens')
  // Voyage, Jina, Novita rerankers are priced per token only: search units alone would cost $0.
  if (perQuery === undefined && tokens === 0 && (price(entry, 'input_cost_per_token') ?? 0) > 0) {
    throw unpriced(key, 'is priced per token only (input_cost_per_token)', 'billedUnits.total_tokens')
  }
  if (perQuery === undefined && tokens > 0) {
    const rate = price(entry, 'input_cost_per_token') ?? 0
    return {
      prompt: addPart(parts, 'input_text', 'prompt', tokens, 'token', rate, 'input_cost_per_token'),
      completion: 0,
    }
  }
  const units = billed?.search_units === undefined ? 1 : count(billed.search_units, 'billedUnits.search_units')
  return {
    prompt: addPart(parts, 'search_units', 'prompt', units, 'query', perQuery ?? 0, 'input_cost_per_query'),
    completion: 0,
  }
}

/**
 * @internal Search: queries x the per-query price of the `tiered_pricing` row whose inclusive
 * `max_results_range` holds `maxResults` (default 10; above every row: the last), else `input_cost_per_query`.
 * @example
 * ```ts
 * searchCost(entry, 3, 50, parts) // exa_ai/search: 3 * 0.025
 * ```
 */
export function searchCost(entry: Entry, queries: number, maxResults: number, parts: CostComponent[]): Sides {
  const rows = entry.tiered_pricing
  let rate = price(entry, 'input_cost_per_query') ?? 0
  let key = 'input_cost_per_query'
  if (Array.isArray(rows) && rows.length > 0) {
    let row = rows[rows.length - 1] as Record<string, unknown>
    for (const candidate of rows as Array<Record<string, unknown>>) {
      const range = candidate.max_results_range as [number, number] | undefined
      if (range && maxResults >= range[0] && maxResults <= range[1]) {
        row = candidate
        break
      }
    }
    rate = price(row, 'input_cost_per_query') ?? 0
    key = `tiered_pricing[${rows.indexOf(row)}].input_cost_per_query`
  }
  return { prompt: addPart(parts, 'search_queries', 'prompt', queries, 'query', rate, key), completion: 0 }
}

/**
 * @internal Image generation without token usage: n x `input_cost_per_image` (or `output_cost_per_image`),
 * else n x width x height x `input_cost_per_pixel`.
 * @throws {CostMapError} `INVALID_ARGUMENT` when the entry has neither price but a positive (token) one
 * @example
 * ```ts
 * imageCost(map['hd/1024-x-1024/dall-e-3'], 'hd/1024-x-1024/dall-e-3', 2, '1024-x-1024', parts) // 2 * 1024 * 1024 * 7.629e-8
 * ```
 */
export function imageCost(entry: Entry, key: string, n: number, size: string, parts: CostComponent[]): Sides {
  const perImage = firstPositive(entry, ['input_cost_per_image', 'output_cost_per_image'])
  if (perImage !== undefined && perImage[0] > 0) {
    return { prompt: 0, completion: addPart(parts, 'images', 'completion', n, 'image', perImage[0], perImage[1]) }
  }
  const perPixel = firstPositive(entry, ['input_cost_per_pixel', 'output_cost_per_pixel'])
  if (perPixel === undefined) {
    // gpt-image-1 and the like are priced per token only: an image count alone has no price.
    if (n > 0 && positivePrice(entry)) throw unpriced(key, 'has no per-image or per-pixel price', 'its token usage')
    return { prompt: 0, completion: 0 }
  }
  const [w, h] = pixels(size)
  return {
    prompt: 0,
    completion: addPart(parts, 'image_pixels', 'completion', n * w * h, 'pixel', perPixel[0], perPixel[1]),
  }
}

/**
 * @internal "1024x1024" / "1024-x-1024" -> the map's key form "1024-x-1024".
 * @example
 * ```ts
 * normalizeSize('1792x1024') // '1792-x-1024'
 * ```
 */
export function normalizeSize(size: string): string {
  return size
    .trim()
    .toLowerCase()
    .replace(/\s*-?x-?\s*/, '-x-')
}

function pixels(size: string): [number, number] {
  const m = /^(\d+)-x-(\d+)$/.exec(normalizeSize(size))
  if (m === null)
    throw new CostMapError(
      'INVALID_ARGUMENT',
      `[costmap] image size must look like 1024x1024, got ${JSON.stringify(size)}`,
    )
  return [Number(m[1]), Number(m[2])]
}

/**
 * @internal Built-in web search: requests x `search_context_cost_per_query.search_context_size_<size>`
 * (Anthropic `server_tool_use.web_search_requests`, Perplexity `num_search_queries`); Gemini/Vertex
 * grounding without a table: $0.035 per request, as LiteLLM.
 * @example
 * ```ts
 * webSearchCost(entry, 'anthropic', 2, 'medium', parts) // 2 * 0.01
 * ```
 */
export function webSearchCost(
  entry: Entry,
  provider: string,
  requests: number,
  size: string,
  parts: CostComponent[],
): number {
  if (requests <= 0) return 0
  const table = entry.search_context_cost_per_query as Record<string, unknown> | undefined
  const key = `search_context_size_${size}`
  if (table !== undefined && table !== null) {
    const rate = price(table, key) ?? 0
    return addPart(parts, 'web_search', 'tool', requests, 'request', rate, `search_context_cost_per_query.${key}`)
  }
  if (provider.startsWith('gemini') || provider.startsWith('vertex_ai')) {
    return addPart(parts, 'web_search', 'tool', requests, 'request', 0.035, null)
  }
  return 0
}

/**
 * @internal A caller-supplied count: finite and >= 0.
 * @throws {CostMapError} `INVALID_ARGUMENT`
 * @example
 * ```ts
 * count(args.queries, 'queries')
 * ```
 */
export function count(value: unknown, name: string): number {
  if (value === undefined || value === null) return 0
  if (typeof value === 'number' && value >= 0 && value !== Number.POSITIVE_INFINITY) return value
  throw new CostMapError('INVALID_ARGUMENT', `[costmap] ${name} must be a finite number >= 0, got ${String(value)}`)
}
