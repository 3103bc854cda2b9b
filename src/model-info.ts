/**
 * The `ModelInfo` shape: LiteLLM's 67 fields (always present, null when absent), every other field of the
 * resolved entry, and the key it resolved to.
 * @module
 */
import type { ModelEntry } from './schema'

/**
 * The fields LiteLLM's `get_model_info` always returns, in its order (null when the entry lacks them).
 *
 * @example
 * ```ts
 * MODEL_INFO_FIELDS.includes('input_cost_per_token') // true
 * ```
 */
export const MODEL_INFO_FIELDS: readonly string[] = Object.freeze([
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
])

/**
 * What `getModelInfo` returns: every field of the resolved entry (no whitelist, so new keys such as
 * `input_cost_per_token_above_272k_tokens_priority` are visible), LiteLLM's 67 fields (null when absent),
 * `key` (the map key it resolved to) and, when the match was not exact, `matched_by`.
 *
 * @example
 * ```ts
 * const info: ModelInfo = getModelInfo(map, 'GPT-4O')
 * info.key // 'gpt-4o'
 * info.matched_by // 'case_insensitive'
 * ```
 */
export type ModelInfo = Readonly<
  Omit<ModelEntry, 'litellm_provider'> & {
    key: string
    litellm_provider: string | null
    /** How a non-exact match was made: `case_insensitive`, `provider_prefix`, `stripped`, `split`, `alias`, `region` or `rule:<name>`. */
    matched_by?: string
    [field: string]: unknown
  }
>

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
