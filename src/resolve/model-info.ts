/**
 * The `ModelInfo` shape: LiteLLM's 67 fields (always present, null when absent), every other field of the
 * resolved entry, and the key it resolved to.
 * @module
 */
import type { ModelEntry } from '../map'

/**
 * The fields LiteLLM's `get_model_info` always returns, in its order (null when the entry lacks them).
 *
 * @example
 * ```ts
 * MODEL_INFO_FIELDS.includes('input_cost_per_token') // true
 * ```
 */
export const MODEL_INFO_FIELDS = Object.freeze([
  'key',
  'max_tokens',
  'max_input_tokens',
  'max_output_tokens',
  'input_cost_per_token',
  'input_cost_per_token_flex',
  'input_cost_per_token_priority',
  'cache_creation_input_token_cost',
  'cache_creation_input_token_cost_above_200k_tokens',
  'cache_read_input_token_cost',
  'cache_read_input_token_cost_above_200k_tokens',
  'cache_read_input_token_cost_flex',
  'cache_read_input_token_cost_priority',
  'cache_creation_input_token_cost_above_1hr',
  'input_cost_per_character',
  'input_cost_per_token_above_128k_tokens',
  'input_cost_per_token_above_200k_tokens',
  'input_cost_per_query',
  'input_cost_per_second',
  'input_cost_per_audio_token',
  'input_cost_per_image_token',
  'input_cost_per_image',
  'input_cost_per_audio_per_second',
  'input_cost_per_video_per_second',
  'input_cost_per_token_batches',
  'output_cost_per_token_batches',
  'output_cost_per_token',
  'output_cost_per_token_flex',
  'output_cost_per_token_priority',
  'output_cost_per_audio_token',
  'output_cost_per_character',
  'output_cost_per_reasoning_token',
  'output_cost_per_token_above_128k_tokens',
  'output_cost_per_character_above_128k_tokens',
  'output_cost_per_token_above_200k_tokens',
  'output_cost_per_second',
  'output_cost_per_video_per_second',
  'output_cost_per_image',
  'output_cost_per_image_token',
  'output_vector_size',
  'citation_cost_per_token',
  'tiered_pricing',
  'litellm_provider',
  'mode',
  'supports_system_messages',
  'supports_response_schema',
  'supports_vision',
  'supports_function_calling',
  'supports_tool_choice',
  'supports_assistant_prefill',
  'supports_prompt_caching',
  'supports_audio_input',
  'supports_audio_output',
  'supports_pdf_input',
  'supports_embedding_image_input',
  'supports_native_streaming',
  'supports_web_search',
  'supports_url_context',
  'supports_reasoning',
  'supports_computer_use',
  'search_context_cost_per_query',
  'tpm',
  'rpm',
  'ocr_cost_per_page',
  'annotation_cost_per_page',
  'provider_specific_entry',
  'supported_openai_params',
] as const)

/** One `tiered_pricing` tier: the token `range` it covers and its prices. @example `info.tiered_pricing?.[0]?.range` */
export type PricingTier = NonNullable<ModelEntry['tiered_pricing']>[number]

/**
 * The name of one of LiteLLM's 67 `ModelInfo` fields.
 *
 * @example
 * ```ts
 * const field: ModelInfoField = 'max_input_tokens'
 * ```
 */
export type ModelInfoField = (typeof MODEL_INFO_FIELDS)[number]

/**
 * What `getModelInfo` returns: LiteLLM's 67 fields typed as its `ModelInfo` TypedDict types them (null when
 * the entry lacks them), `key` (the map key it resolved to) and, when the match was not exact, `matched_by`.
 * Every other field of the resolved entry is there too (no whitelist, so new keys such as
 * `input_cost_per_token_above_272k_tokens_priority` are visible) as `unknown`: the index signature does not
 * widen the known fields.
 *
 * @example
 * ```ts
 * const info: ModelInfo = getModelInfo(map, 'GPT-4O')
 * info.key // 'gpt-4o'
 * info.matched_by // 'case_insensitive'
 * const limit: number | null = info.max_input_tokens
 * ```
 */
export interface ModelInfo {
  /** The map key the model resolved to. */
  readonly key: string
  readonly max_tokens: number | null
  readonly max_input_tokens: number | null
  readonly max_output_tokens: number | null
  readonly input_cost_per_token: number | null
  readonly input_cost_per_token_flex: number | null
  readonly input_cost_per_token_priority: number | null
  readonly cache_creation_input_token_cost: number | null
  readonly cache_creation_input_token_cost_above_200k_tokens: number | null
  readonly cache_read_input_token_cost: number | null
  readonly cache_read_input_token_cost_above_200k_tokens: number | null
  readonly cache_read_input_token_cost_flex: number | null
  readonly cache_read_input_token_cost_priority: number | null
  readonly cache_creation_input_token_cost_above_1hr: number | null
  readonly input_cost_per_character: number | null
  readonly input_cost_per_token_above_128k_tokens: number | null
  readonly input_cost_per_token_above_200k_tokens: number | null
  readonly input_cost_per_query: number | null
  readonly input_cost_per_second: number | null
  readonly input_cost_per_audio_token: number | null
  readonly input_cost_per_image_token: number | null
  readonly input_cost_per_image: number | null
  readonly input_cost_per_audio_per_second: number | null
  readonly input_cost_per_video_per_second: number | null
  readonly input_cost_per_token_batches: number | null
  readonly output_cost_per_token_batches: number | null
  readonly output_cost_per_token: number | null
  readonly output_cost_per_token_flex: number | null
  readonly output_cost_per_token_priority: number | null
  readonly output_cost_per_audio_token: number | null
  readonly output_cost_per_character: number | null
  readonly output_cost_per_reasoning_token: number | null
  readonly output_cost_per_token_above_128k_tokens: number | null
  readonly output_cost_per_character_above_128k_tokens: number | null
  readonly output_cost_per_token_above_200k_tokens: number | null
  readonly output_cost_per_second: number | null
  readonly output_cost_per_video_per_second: number | null
  readonly output_cost_per_image: number | null
  readonly output_cost_per_image_token: number | null
  readonly output_vector_size: number | null
  readonly citation_cost_per_token: number | null
  /** Range-based prices (e.g. `[{ range: [0, 32000], input_cost_per_token: … }]`). */
  readonly tiered_pricing: readonly PricingTier[] | null
  /** The entry's provider; the requested provider when the entry has none. */
  readonly litellm_provider: string | null
  /** `chat`, `embedding`, `image_generation`, `audio_transcription`, `rerank`, … (null on a few size-bucket entries). */
  readonly mode: string | null
  readonly supports_system_messages: boolean | null
  readonly supports_response_schema: boolean | null
  readonly supports_vision: boolean | null
  readonly supports_function_calling: boolean | null
  readonly supports_tool_choice: boolean | null
  readonly supports_assistant_prefill: boolean | null
  readonly supports_prompt_caching: boolean | null
  readonly supports_audio_input: boolean | null
  readonly supports_audio_output: boolean | null
  readonly supports_pdf_input: boolean | null
  readonly supports_embedding_image_input: boolean | null
  readonly supports_native_streaming: boolean | null
  readonly supports_web_search: boolean | null
  readonly supports_url_context: boolean | null
  readonly supports_reasoning: boolean | null
  readonly supports_computer_use: boolean | null
  /** Web-search prices by context size (`search_context_size_low`, `_medium`, `_high`). */
  readonly search_context_cost_per_query: Readonly<Record<string, number>> | null
  readonly tpm: number | null
  readonly rpm: number | null
  readonly ocr_cost_per_page: number | null
  readonly annotation_cost_per_page: number | null
  /** Provider data such as geo or fast-mode multipliers. */
  readonly provider_specific_entry: Readonly<Record<string, unknown>> | null
  /** The OpenAI parameters the model accepts (LiteLLM fills it from its provider config; the map has none). */
  readonly supported_openai_params: readonly string[] | null
  /** How a non-exact match was made: `case_insensitive`, `provider_prefix`, `stripped`, `split`, `alias`, `region` or `rule:<name>`. */
  readonly matched_by?: string
  /** Any other field of the entry, as the map has it. */
  readonly [field: string]: unknown
}

/** @internal Builds the frozen ModelInfo for an entry (callers cache it). */
export function buildModelInfo(
  entry: Readonly<Record<string, unknown>>,
  key: string,
  provider: string | undefined,
  matchedBy: string | undefined,
): ModelInfo {
  const info: Record<string, unknown> = {}
  for (const field of MODEL_INFO_FIELDS) info[field] = null
  for (const field in entry) info[field] = entry[field]
  // LiteLLM fills a missing provider with the requested one.
  if (info.litellm_provider === null && provider !== undefined) info.litellm_provider = provider
  info.key = key
  if (matchedBy !== undefined) info.matched_by = matchedBy
  return Object.freeze(info) as ModelInfo
}
