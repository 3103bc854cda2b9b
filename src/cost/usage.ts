/**
 * Usage objects as providers and SDKs return them (OpenAI chat, responses, Realtime and transcription,
 * Anthropic, Gemini, Vercel AI SDK v4-v6, LangChain.js, Bedrock Converse, Cohere v2), read into one token
 * breakdown without double counting, and validated on the way.
 * @module
 */
import { CostMapError } from '../errors'
import type { UsageFormat } from './types'

/**
 * @internal One request's tokens, by bucket. `prompt` is the whole input (cached and cache-write tokens
 * included), `completion` the whole output (reasoning included).
 */
export interface Tokens {
  prompt: number
  completion: number
  /** Explicit text tokens of the prompt, 0 when the usage did not say (then derived). */
  textIn: number
  cached: number
  cacheWrite: number
  cacheWrite5m: number
  cacheWrite1h: number
  /** True when the 5 min / 1 h split was reported (the aggregate write count is then ignored). */
  cacheWriteSplit: boolean
  audioIn: number
  imageIn: number
  characters: number
  imageCount: number
  videoSeconds: number
  textOut: number
  reasoning: number
  audioOut: number
  imageOut: number
  webSearchRequests: number
  inferenceGeo: string | undefined
  speed: string | undefined
  serviceTier: string | undefined
  /** Audio length of a transcription usage of `type: 'duration'` (OpenAI), 0 otherwise. */
  seconds: number
  /** The provider's own price of the call (OpenRouter `usage.cost`), null when it gave none or a bad one. */
  reported: number | null
}

type Obj = Record<string, unknown>

function empty(): Tokens {
  return {
    prompt: 0,
    completion: 0,
    textIn: 0,
    cached: 0,
    cacheWrite: 0,
    cacheWrite5m: 0,
    cacheWrite1h: 0,
    cacheWriteSplit: false,
    audioIn: 0,
    imageIn: 0,
    characters: 0,
    imageCount: 0,
    videoSeconds: 0,
    textOut: 0,
    reasoning: 0,
    audioOut: 0,
    imageOut: 0,
    webSearchRequests: 0,
    inferenceGeo: undefined,
    speed: undefined,
    serviceTier: undefined,
    seconds: 0,
    reported: null,
  }
}

/**
 * @internal Reads any supported usage shape; `format` names the shape when field names are ambiguous.
 * `undefined`/`null` = no usage (all zero). `nested` is set when reading a whole response's `usage`.
 * @throws {CostMapError} `INVALID_USAGE` for a non-object, a negative/NaN/non-numeric count or an unknown
 *   shape (the message lists the fields seen); `INVALID_ARGUMENT` for an unknown `format`
 * @example
 * ```ts
 * readUsage({ input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 }).prompt // 100
 * readUsage({ inputTokens: 10, cacheReadInputTokens: 90, outputTokens: 5 }, 'bedrock').prompt // 100
 * ```
 */
export function readUsage(usage: unknown, format?: UsageFormat, nested = false): Tokens {
  if (usage === undefined || usage === null) {
    if (format !== undefined) fieldsOf(format)
    return empty()
  }
  if (typeof usage !== 'object' || Array.isArray(usage)) throw invalid('usage', usage, 'must be an object')
  const u = usage as Obj
  const t = format === undefined ? detect(u, nested) : readAs(u, format, nested)
  // OpenRouter's own price of the call; a bad figure is dropped (null), never billed.
  if (u.cost !== undefined) t.reported = reported(u)
  return t
}

// The plain OpenAI chat shape is tested first: it is the hot path.
function detect(u: Obj, nested: boolean): Tokens {
  if (u.prompt_tokens !== undefined || u.completion_tokens !== undefined) return readChat(u)
  if (u.input_tokens !== undefined || u.output_tokens !== undefined) {
    if (u.input_tokens_details !== undefined || u.output_tokens_details !== undefined) return readResponses(u)
    if (u.input_token_details !== undefined || u.output_token_details !== undefined) return readDetails(u)
    return readAnthropic(u)
  }
  if (typeof u.usageMetadata === 'object' && u.usageMetadata !== null) return readGemini(u.usageMetadata as Obj)
  if (u.promptTokenCount !== undefined || u.candidatesTokenCount !== undefined || u.totalTokenCount !== undefined) {
    return readGemini(u)
  }
  if (u.inputTokens !== undefined || u.outputTokens !== undefined) {
    // Bedrock's cache names; its inputTokens excludes them, the AI SDK's includes its cachedInputTokens.
    return u.cacheReadInputTokens !== undefined || u.cacheWriteInputTokens !== undefined ? readBedrock(u) : readAiSdk(u)
  }
  if (u.promptTokens !== undefined || u.completionTokens !== undefined) return readAiSdk(u)
  if (u.type === 'duration') return readDuration(u)
  if (isObj(u.billed_units) || isObj(u.tokens)) return readCohere(u)
  // A whole response object: its `usage` (Cohere v1: `meta`) is what counts. One level only, so a
  // deeply nested body cannot exhaust the stack.
  if (!nested && isObj(u.usage)) return readUsage(u.usage, undefined, true)
  if (isObj(u.meta) && isObj((u.meta as Obj).billed_units)) return readCohere(u.meta as Obj)
  if (Object.keys(u).length > 0)
    throw unknownShape(u, 'OpenAI, Anthropic, Gemini, AI SDK, LangChain, Bedrock or Cohere')
  return empty()
}

/** The usage formats `usageFormat` accepts, with the fields each one needs. */
const FORMATS: Readonly<Record<UsageFormat, readonly string[]>> = {
  openai: ['prompt_tokens', 'completion_tokens', 'input_tokens', 'output_tokens', 'type'],
  anthropic: ['input_tokens', 'output_tokens', 'cache_read_input_tokens', 'cache_creation_input_tokens'],
  gemini: ['promptTokenCount', 'candidatesTokenCount', 'totalTokenCount'],
  'ai-sdk': ['inputTokens', 'outputTokens', 'promptTokens', 'completionTokens', 'totalTokens'],
  langchain: ['input_tokens', 'output_tokens', 'total_tokens'],
  bedrock: ['inputTokens', 'outputTokens', 'cacheReadInputTokens', 'cacheWriteInputTokens'],
  cohere: ['billed_units', 'tokens'],
}

/** The fields a format needs; an unknown format is the caller's mistake, not the usage's. */
function fieldsOf(format: UsageFormat): readonly string[] {
  const fields = typeof format === 'string' && Object.hasOwn(FORMATS, format) ? FORMATS[format] : undefined
  if (fields === undefined) {
    const shown = typeof format === 'string' ? JSON.stringify(format) : display(format)
    throw new CostMapError(
      'INVALID_ARGUMENT',
      `[costmap] unknown usageFormat ${shown}; known: ${Object.keys(FORMATS).join(', ')}`,
    )
  }
  return fields
}

/** The caller named the format: read the usage as that SDK defines it, whatever the field names suggest. */
function readAs(u: Obj, format: UsageFormat, nested: boolean): Tokens {
  const fields = fieldsOf(format)
  const inner = format === 'gemini' && isObj(u.usageMetadata) ? (u.usageMetadata as Obj) : u
  if (!fields.some((f) => inner[f] !== undefined)) {
    // A whole response object: its `usage` is what counts.
    if (!nested && isObj(u.usage)) return readUsage(u.usage, format, true)
    if (Object.keys(u).length === 0) return empty()
    throw unknownShape(u, `usageFormat '${format}' (${fields.join(', ')})`)
  }
  switch (format) {
    case 'openai':
      if (inner.prompt_tokens !== undefined || inner.completion_tokens !== undefined) return readChat(inner)
      if (inner.type === 'duration') return readDuration(inner)
      return inner.input_token_details !== undefined || inner.output_token_details !== undefined
        ? readDetails(inner)
        : readResponses(inner)
    case 'anthropic':
      return readAnthropic(inner)
    case 'gemini':
      return readGemini(inner)
    case 'ai-sdk':
      return readAiSdk(inner)
    case 'langchain':
      return readDetails(inner)
    case 'bedrock':
      return readBedrock(inner)
    default:
      return readCohere(inner)
  }
}

/** OpenAI chat usage, also LiteLLM's `Usage` (prompt_tokens already includes cached and cache-write tokens). */
function readChat(u: Obj): Tokens {
  const t = empty()
  t.prompt = num(u.prompt_tokens, 'prompt_tokens')
  t.completion = num(u.completion_tokens, 'completion_tokens')
  const pd = obj(u.prompt_tokens_details, 'prompt_tokens_details')
  if (pd !== undefined) {
    t.cached = num(pd.cached_tokens, 'prompt_tokens_details.cached_tokens')
    // OpenRouter names the cache writes cache_write_tokens.
    t.cacheWrite =
      num(pd.cache_creation_tokens, 'prompt_tokens_details.cache_creation_tokens') ||
      num(pd.cache_write_tokens, 'prompt_tokens_details.cache_write_tokens')
    t.audioIn = num(pd.audio_tokens, 'prompt_tokens_details.audio_tokens')
    t.imageIn = num(pd.image_tokens, 'prompt_tokens_details.image_tokens')
    t.textIn = num(pd.text_tokens, 'prompt_tokens_details.text_tokens')
    t.characters = num(pd.character_count, 'prompt_tokens_details.character_count')
    t.imageCount = num(pd.image_count, 'prompt_tokens_details.image_count')
    t.videoSeconds = num(pd.video_length_seconds, 'prompt_tokens_details.video_length_seconds')
    t.webSearchRequests = num(pd.web_search_requests, 'prompt_tokens_details.web_search_requests')
    readSplit(t, obj(pd.cache_creation_token_details, 'prompt_tokens_details.cache_creation_token_details'))
  }
  if (t.cached === 0)
    t.cached =
      num(u.cache_read_input_tokens, 'cache_read_input_tokens') ||
      num(u.prompt_cache_hit_tokens, 'prompt_cache_hit_tokens')
  if (t.cacheWrite === 0) t.cacheWrite = num(u.cache_creation_input_tokens, 'cache_creation_input_tokens')
  if (!t.cacheWriteSplit) readSplit(t, obj(u.cache_creation, 'cache_creation'))
  const cd = obj(u.completion_tokens_details, 'completion_tokens_details')
  if (cd !== undefined) {
    t.reasoning = num(cd.reasoning_tokens, 'completion_tokens_details.reasoning_tokens')
    t.audioOut = num(cd.audio_tokens, 'completion_tokens_details.audio_tokens')
    t.imageOut = num(cd.image_tokens, 'completion_tokens_details.image_tokens')
    t.textOut = num(cd.text_tokens, 'completion_tokens_details.text_tokens')
  }
  if (t.reasoning === 0) t.reasoning = num(u.reasoning_tokens, 'reasoning_tokens')
  // xAI reports reasoning outside completion_tokens (total = prompt + completion + reasoning); OpenAI
  // includes it. The total tells which, so reasoning is billed exactly once (LiteLLM double counts).
  const total = num(u.total_tokens, 'total_tokens')
  if (t.reasoning > 0 && total > 0 && total === t.prompt + t.completion + t.reasoning) t.completion += t.reasoning
  readExtras(t, u)
  if (t.webSearchRequests === 0) t.webSearchRequests = num(u.num_search_queries, 'num_search_queries')
  return t
}

/** Anthropic Messages usage: `input_tokens` excludes cache reads and writes. */
function readAnthropic(u: Obj): Tokens {
  const t = excludingCache(
    num(u.input_tokens, 'input_tokens'),
    num(u.cache_read_input_tokens, 'cache_read_input_tokens'),
    num(u.cache_creation_input_tokens, 'cache_creation_input_tokens'),
    num(u.output_tokens, 'output_tokens'),
  )
  readSplit(t, obj(u.cache_creation, 'cache_creation'))
  readExtras(t, u)
  return t
}

/** OpenAI Responses (and Images) usage: `input_tokens` includes cached tokens. */
function readResponses(u: Obj): Tokens {
  const t = empty()
  t.prompt = num(u.input_tokens, 'input_tokens')
  t.completion = num(u.output_tokens, 'output_tokens')
  const id = obj(u.input_tokens_details, 'input_tokens_details')
  if (id !== undefined) {
    t.cached = num(id.cached_tokens, 'input_tokens_details.cached_tokens')
    t.textIn = num(id.text_tokens, 'input_tokens_details.text_tokens')
    t.imageIn = num(id.image_tokens, 'input_tokens_details.image_tokens')
    t.audioIn = num(id.audio_tokens, 'input_tokens_details.audio_tokens')
  }
  const od = obj(u.output_tokens_details, 'output_tokens_details')
  if (od !== undefined) t.reasoning = num(od.reasoning_tokens, 'output_tokens_details.reasoning_tokens')
  readExtras(t, u)
  return t
}

/** Gemini `usageMetadata`: thoughts are outside `candidatesTokenCount`, cached tokens inside `promptTokenCount`. */
function readGemini(m: Obj): Tokens {
  const t = empty()
  t.prompt = num(m.promptTokenCount, 'promptTokenCount') + num(m.toolUsePromptTokenCount, 'toolUsePromptTokenCount')
  t.reasoning = num(m.thoughtsTokenCount, 'thoughtsTokenCount')
  t.completion = num(m.candidatesTokenCount, 'candidatesTokenCount') + t.reasoning
  t.cached = num(m.cachedContentTokenCount, 'cachedContentTokenCount')
  // Per-modality counts include the cached part: subtract it so no token is billed twice.
  t.audioIn = Math.max(0, modality(m, 'promptTokensDetails', 'AUDIO') - modality(m, 'cacheTokensDetails', 'AUDIO'))
  t.imageIn = Math.max(0, modality(m, 'promptTokensDetails', 'IMAGE') - modality(m, 'cacheTokensDetails', 'IMAGE'))
  t.audioOut = modality(m, 'candidatesTokensDetails', 'AUDIO')
  t.imageOut = modality(m, 'candidatesTokensDetails', 'IMAGE')
  const traffic = m.trafficType
  if (traffic === 'ON_DEMAND_PRIORITY') t.serviceTier = 'priority'
  else if (traffic === 'FLEX' || traffic === 'BATCH') t.serviceTier = 'flex'
  return t
}

/**
 * LangChain.js `usage_metadata` (langchain-core messages/metadata.ts `UsageMetadata`), OpenAI Realtime
 * `response.usage` and OpenAI transcription usage of `type: 'tokens'`: `input_tokens` includes every
 * input bucket (cache reads and writes, audio); the details say how much of each. LangChain names them
 * `cache_read`, `cache_creation`, `audio`, `reasoning`; OpenAI `cached_tokens`, `audio_tokens`, `text_tokens`.
 */
function readDetails(u: Obj): Tokens {
  const t = empty()
  t.prompt = num(u.input_tokens, 'input_tokens')
  t.completion = num(u.output_tokens, 'output_tokens')
  const id = obj(u.input_token_details, 'input_token_details')
  if (id !== undefined) {
    t.cached =
      num(id.cache_read, 'input_token_details.cache_read') || num(id.cached_tokens, 'input_token_details.cached_tokens')
    t.cacheWrite = num(id.cache_creation, 'input_token_details.cache_creation')
    // ChatAnthropic adds the 5 min / 1 h split of cache_creation beside it.
    readSplit(t, id)
    let audio = num(id.audio, 'input_token_details.audio') || num(id.audio_tokens, 'input_token_details.audio_tokens')
    let text = num(id.text_tokens, 'input_token_details.text_tokens')
    let image = num(id.image_tokens, 'input_token_details.image_tokens')
    // Realtime: the per-modality counts include their cached part, billed once as cached.
    const cd = obj(id.cached_tokens_details, 'input_token_details.cached_tokens_details')
    if (cd !== undefined) {
      audio = Math.max(0, audio - num(cd.audio_tokens, 'input_token_details.cached_tokens_details.audio_tokens'))
      text = Math.max(0, text - num(cd.text_tokens, 'input_token_details.cached_tokens_details.text_tokens'))
      image = Math.max(0, image - num(cd.image_tokens, 'input_token_details.cached_tokens_details.image_tokens'))
    }
    t.audioIn = audio
    t.textIn = text
    t.imageIn = image
  }
  const od = obj(u.output_token_details, 'output_token_details')
  if (od !== undefined) {
    t.reasoning = num(od.reasoning, 'output_token_details.reasoning')
    t.audioOut =
      num(od.audio, 'output_token_details.audio') || num(od.audio_tokens, 'output_token_details.audio_tokens')
    t.textOut = num(od.text_tokens, 'output_token_details.text_tokens')
  }
  return t
}

/** OpenAI transcription usage of `type: 'duration'`: the audio length, priced per second. */
function readDuration(u: Obj): Tokens {
  const t = empty()
  t.seconds = num(u.seconds, 'seconds')
  return t
}

/**
 * Vercel AI SDK usage. v4 `promptTokens`/`completionTokens`; v5 `inputTokens` (cached input included),
 * `outputTokens`, `reasoningTokens`, `cachedInputTokens`; v6 adds `inputTokenDetails` /
 * `outputTokenDetails`; the v3 provider spec nests them (`inputTokens: { total, noCache, cacheRead, cacheWrite }`).
 */
function readAiSdk(u: Obj): Tokens {
  const t = empty()
  const input = u.inputTokens
  const output = u.outputTokens
  const nestedIn = isObj(input) ? (input as Obj) : undefined
  const nestedOut = isObj(output) ? (output as Obj) : undefined
  const inD = nestedIn ?? obj(u.inputTokenDetails, 'inputTokenDetails')
  const outD = nestedOut ?? obj(u.outputTokenDetails, 'outputTokenDetails')
  const noCache = inD === undefined ? 0 : num(inD.noCache ?? inD.noCacheTokens, 'inputTokenDetails.noCacheTokens')
  const read = inD === undefined ? 0 : num(inD.cacheRead ?? inD.cacheReadTokens, 'inputTokenDetails.cacheReadTokens')
  const write =
    inD === undefined ? 0 : num(inD.cacheWrite ?? inD.cacheWriteTokens, 'inputTokenDetails.cacheWriteTokens')
  t.cached = read || num(u.cachedInputTokens, 'cachedInputTokens')
  t.cacheWrite = write
  let prompt =
    nestedIn !== undefined ? num(nestedIn.total, 'inputTokens.total') : num(input ?? u.promptTokens, 'inputTokens')
  if (prompt === 0) prompt = noCache + read + write
  // v5's Anthropic provider passed Anthropic's input_tokens, which excludes cache reads: a cached count
  // above the input total can only mean that, and the cached tokens are billed on top.
  if (t.cached > prompt) prompt += t.cached + write
  t.prompt = prompt
  t.textIn = noCache
  t.completion =
    nestedOut !== undefined
      ? num(nestedOut.total, 'outputTokens.total')
      : num(output ?? u.completionTokens, 'outputTokens')
  if (outD !== undefined) {
    t.reasoning = num(outD.reasoning ?? outD.reasoningTokens, 'outputTokenDetails.reasoningTokens')
    t.textOut = num(outD.text ?? outD.textTokens, 'outputTokenDetails.textTokens')
  }
  if (t.reasoning === 0) t.reasoning = num(u.reasoningTokens, 'reasoningTokens')
  if (t.completion === 0) t.completion = t.textOut + t.reasoning
  // Some providers (Google) report reasoning outside outputTokens: the total tells, as for xAI.
  const total = num(u.totalTokens, 'totalTokens')
  if (t.reasoning > 0 && total > 0 && total === t.prompt + t.completion + t.reasoning) t.completion += t.reasoning
  return t
}

/** Bedrock Converse `TokenUsage`: `inputTokens` excludes cache reads and writes, as Anthropic's. */
function readBedrock(u: Obj): Tokens {
  return excludingCache(
    num(u.inputTokens, 'inputTokens'),
    num(u.cacheReadInputTokens, 'cacheReadInputTokens'),
    num(u.cacheWriteInputTokens, 'cacheWriteInputTokens'),
    num(u.outputTokens, 'outputTokens'),
  )
}

/** Counts where the input excludes cache reads and writes (Anthropic, Bedrock): the prompt is their sum. */
function excludingCache(input: number, cached: number, cacheWrite: number, completion: number): Tokens {
  const t = empty()
  t.cached = cached
  t.cacheWrite = cacheWrite
  t.prompt = input + cached + cacheWrite
  t.textIn = input
  t.completion = completion
  return t
}

/** Cohere v2 `usage`: `billed_units` is what Cohere bills; `tokens` (all tokens seen) when it is absent. */
function readCohere(u: Obj): Tokens {
  const t = empty()
  const billed = obj(u.billed_units, 'billed_units')
  const src = billed ?? obj(u.tokens, 'tokens')
  if (src !== undefined) {
    const name = billed === undefined ? 'tokens' : 'billed_units'
    t.prompt = num(src.input_tokens, `${name}.input_tokens`)
    t.completion = num(src.output_tokens, `${name}.output_tokens`)
  }
  return t
}

/** OpenRouter `usage.cost` (plus the upstream provider's bill when the key was the caller's own, BYOK). */
function reported(u: Obj): number | null {
  const cost = u.cost
  if (typeof cost !== 'number' || !(cost >= 0) || cost === Number.POSITIVE_INFINITY) return null
  if (u.is_byok !== true || !isObj(u.cost_details)) return cost
  const upstream = (u.cost_details as Obj).upstream_inference_cost
  return typeof upstream === 'number' && upstream >= 0 && upstream !== Number.POSITIVE_INFINITY ? cost + upstream : cost
}

function modality(m: Obj, field: string, kind: string): number {
  const list = m[field]
  if (list === undefined || list === null) return 0
  if (!Array.isArray(list)) throw invalid(field, list, 'must be an array')
  let n = 0
  for (const item of list) {
    if (typeof item !== 'object' || item === null) throw invalid(field, item, 'must hold objects')
    if ((item as Obj).modality === kind) n += num((item as Obj).tokenCount, `${field}[].tokenCount`)
  }
  return n
}

function readSplit(t: Tokens, split: Obj | undefined): void {
  if (split === undefined) return
  t.cacheWrite5m = num(split.ephemeral_5m_input_tokens, 'cache_creation.ephemeral_5m_input_tokens')
  t.cacheWrite1h = num(split.ephemeral_1h_input_tokens, 'cache_creation.ephemeral_1h_input_tokens')
  t.cacheWriteSplit = t.cacheWrite5m + t.cacheWrite1h > 0
}

function readExtras(t: Tokens, u: Obj): void {
  const tools = obj(u.server_tool_use, 'server_tool_use')
  if (tools !== undefined) t.webSearchRequests = num(tools.web_search_requests, 'server_tool_use.web_search_requests')
  if (typeof u.inference_geo === 'string') t.inferenceGeo = u.inference_geo
  if (typeof u.speed === 'string') t.speed = u.speed
  if (typeof u.service_tier === 'string') t.serviceTier = u.service_tier
}

// Callers pass values read with named property loads: keyed loads over many usage shapes are slow.
function num(v: unknown, name: string): number {
  if (typeof v === 'number' && v >= 0 && v !== Number.POSITIVE_INFINITY) return v
  if (v === undefined || v === null) return 0
  throw invalid(name, v, 'must be a finite number >= 0')
}

function isObj(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** INVALID_USAGE naming the fields the object had, so the caller sees which shape was sent. */
function unknownShape(u: Obj, known: string): CostMapError {
  const keys = Object.keys(u)
  const seen = keys.slice(0, 12).map((k) => JSON.stringify(k.slice(0, 40)))
  const more = keys.length > 12 ? `, … (${keys.length} in all)` : ''
  return new CostMapError(
    'INVALID_USAGE',
    `[costmap] invalid usage: has no token counts this library knows (${known}); fields seen: ${seen.join(', ')}${more}`,
  )
}

function obj(v: unknown, name: string): Obj | undefined {
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'object' || Array.isArray(v)) throw invalid(name, v, 'must be an object')
  return v as Obj
}

function invalid(field: string, value: unknown, what: string): CostMapError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : display(value)
  return new CostMapError('INVALID_USAGE', `[costmap] invalid usage: ${field} ${what}, got ${shown}`)
}

/** `String(value)` throws for a null-prototype object or a throwing `toString`: never let the message fail. */
function display(value: unknown): string {
  try {
    return String(value)
  } catch {
    return Object.prototype.toString.call(value)
  }
}
