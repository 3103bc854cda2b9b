/**
 * Usage objects as providers return them (OpenAI chat and responses, Anthropic, Gemini), read into one
 * token breakdown without double counting, and validated on the way.
 * @module
 */
import { CostMapError } from '../errors'

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
  }
}

/**
 * @internal Reads any supported usage shape. `undefined`/`null` = no usage (all zero).
 * @throws {CostMapError} `INVALID_USAGE` for a non-object, a negative/NaN/non-numeric count or an unknown shape
 * @example
 * ```ts
 * readUsage({ input_tokens: 10, cache_read_input_tokens: 90, output_tokens: 5 }).prompt // 100
 * ```
 */
export function readUsage(usage: unknown): Tokens {
  if (usage === undefined || usage === null) return empty()
  if (typeof usage !== 'object' || Array.isArray(usage)) throw invalid('usage', usage, 'must be an object')
  const u = usage as Obj
  if (u.prompt_tokens !== undefined || u.completion_tokens !== undefined) return readChat(u)
  if (u.input_tokens !== undefined || u.output_tokens !== undefined) {
    return u.input_tokens_details !== undefined || u.output_tokens_details !== undefined
      ? readResponses(u)
      : readAnthropic(u)
  }
  if (typeof u.usageMetadata === 'object' && u.usageMetadata !== null) return readGemini(u.usageMetadata as Obj)
  if (u.promptTokenCount !== undefined || u.candidatesTokenCount !== undefined || u.totalTokenCount !== undefined) {
    return readGemini(u)
  }
  // A whole response object: its `usage` is what counts.
  if (typeof u.usage === 'object' && u.usage !== null) return readUsage(u.usage)
  if (Object.keys(u).length > 0)
    throw invalid('usage', usage, 'has no token counts this library knows (OpenAI, Anthropic or Gemini shape)')
  return empty()
}

/** OpenAI chat usage, also LiteLLM's `Usage` (prompt_tokens already includes cached and cache-write tokens). */
function readChat(u: Obj): Tokens {
  const t = empty()
  t.prompt = num(u.prompt_tokens, 'prompt_tokens')
  t.completion = num(u.completion_tokens, 'completion_tokens')
  const pd = obj(u.prompt_tokens_details, 'prompt_tokens_details')
  if (pd !== undefined) {
    t.cached = num(pd.cached_tokens, 'prompt_tokens_details.cached_tokens')
    t.cacheWrite = num(pd.cache_creation_tokens, 'prompt_tokens_details.cache_creation_tokens')
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
  const t = empty()
  const input = num(u.input_tokens, 'input_tokens')
  t.cached = num(u.cache_read_input_tokens, 'cache_read_input_tokens')
  t.cacheWrite = num(u.cache_creation_input_tokens, 'cache_creation_input_tokens')
  t.prompt = input + t.cached + t.cacheWrite
  t.textIn = input
  t.completion = num(u.output_tokens, 'output_tokens')
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
