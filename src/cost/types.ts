/**
 * Types of the pricing API: the arguments of `costPerToken` / `completionCost` and what they return.
 * @module
 */
import type { ModelEntry } from '../map'

/**
 * The kind of call being priced. `completion` (the default) covers chat, responses and text completions.
 *
 * @example
 * ```ts
 * const t: CallType = 'transcription'
 * ```
 */
export type CallType =
  | 'completion'
  | 'embedding'
  | 'speech'
  | 'transcription'
  | 'rerank'
  | 'batch'
  | 'image_generation'
  | 'search'

/**
 * A margin, as LiteLLM's `cost_margin_config` values: a number p means `x (1 + p)`; an object adds a
 * fixed amount per request after the percentage.
 *
 * @example
 * ```ts
 * const m: MarginSpec = { percentage: 0.08, fixed_amount: 0.0005 }
 * ```
 */
export type MarginSpec = number | { percentage?: number; fixed_amount?: number }

/**
 * Discount and margin options. Either one value for every call, or LiteLLM's config shape keyed by
 * provider (margins also by `global`). Applied to the total: discount first, then margin.
 *
 * @example
 * ```ts
 * completionCost(map, { model: 'gpt-4', usage, discount: { openai: 0.05 }, margin: { global: 0.1 } })
 * ```
 */
export interface Adjustments {
  /** Fraction off (0..1), or `{ [provider]: fraction }` like `litellm.cost_discount_config`. */
  discount?: number | Readonly<Record<string, number>>
  /** A margin, or `{ [provider | 'global']: margin }` like `litellm.cost_margin_config`. */
  margin?: MarginSpec | Readonly<Record<string, MarginSpec>>
}

/**
 * The SDK whose usage object `usage` is, when its field names alone are ambiguous (`inputTokens` includes
 * cached input in the Vercel AI SDK, excludes it in Bedrock Converse). Without it the shape decides.
 * `openai` covers chat, Responses, Realtime and transcription usage (and every OpenAI-compatible API:
 * Mistral, OpenRouter, Groq, …); `anthropic` the Messages API; `gemini` `usageMetadata`; `ai-sdk` the Vercel
 * AI SDK v4 to v6; `langchain` LangChain.js `usage_metadata`; `bedrock` Converse `usage`; `cohere` v2 `usage`.
 *
 * @example
 * ```ts
 * completionCost(map, { model: 'bedrock/anthropic.claude-3-5-sonnet-20240620-v1:0', usage, usageFormat: 'bedrock' })
 * ```
 */
export type UsageFormat = 'openai' | 'anthropic' | 'gemini' | 'ai-sdk' | 'langchain' | 'bedrock' | 'cohere'

/**
 * Arguments of {@link costPerToken} and {@link completionCost}.
 *
 * @example
 * ```ts
 * const args: CostArgs = { model: 'gpt-4o', usage: { prompt_tokens: 1000, completion_tokens: 200 } }
 * ```
 */
export interface CostArgs extends Adjustments {
  model: string
  provider?: string
  /**
   * The usage object as the provider or SDK returned it: OpenAI chat, Responses, Realtime, transcription;
   * Anthropic; Gemini `usageMetadata`; Vercel AI SDK; LangChain.js `usage_metadata`; Bedrock Converse;
   * Cohere v2; or a whole response holding one in `usage`.
   */
  usage?: unknown
  /** Names the shape of `usage` when its field names are ambiguous. Default: decided from the shape. */
  usageFormat?: UsageFormat
  /**
   * Bill the provider's own figure (`CostResult.reportedCost`, e.g. OpenRouter `usage.cost`) instead of the
   * map's when the usage carries one; discount and margin still apply. `completionCost` only. @default false
   */
  preferReportedCost?: boolean
  /** `flex` or `priority` select `*_flex` / `*_priority` prices (falling back to the base keys). Default: `usage.service_tier`. */
  serviceTier?: string
  /** Region for region-keyed entries (`bedrock/<region>/<model>`). */
  region?: string
  /** @default 'completion' */
  callType?: CallType
  /** TTS: characters of the input text. */
  promptCharacters?: number
  completionCharacters?: number
  /** Transcription (audio length), video generation and other per-second prices. */
  durationSeconds?: number
  /** Per-second fallback for models priced by time only (LiteLLM's `response_time_ms`). */
  responseTimeMs?: number
  /** Image generation. Size `1024x1024` or `1024-x-1024`. @default { n: 1, size: '1024-x-1024' } */
  image?: { n?: number; size?: string; quality?: string }
  /** Rerank: the provider's billed units. `search_units` defaults to 1. */
  billedUnits?: { search_units?: number; total_tokens?: number }
  /** Search: number of queries. @default 1 */
  queries?: number
  /** Search: `max_results` of the request, picks the `tiered_pricing` row. @default 10 */
  maxResults?: number
  /** Built-in web search: requests (default: from the usage) and context size. @default contextSize 'medium' */
  webSearch?: { requests?: number; contextSize?: 'low' | 'medium' | 'high' }
  /**
   * Prices that override the map's for this call (an explicit 0 wins: LiteLLM #25204). A model the map
   * does not know is priced from these alone.
   */
  customPricing?: Partial<ModelEntry> & Record<string, unknown>
  /**
   * `tiered_pricing` token ranges (Dashscope): `'request'` bills every token at the row chosen by the
   * request's input tokens (Alibaba's billing, later LiteLLM); `'graduated'` slices each bucket across
   * rows (LiteLLM 1.82.1). @default 'request'
   */
  tieredPricing?: 'request' | 'graduated'
}

/**
 * One line of the bill: what was counted, at which price, from which map field.
 *
 * @example
 * ```ts
 * { component: 'input_text', side: 'prompt', units: 1000, unit: 'token', rate: 2.5e-6, cost: 0.0025, priceKey: 'input_cost_per_token' }
 * ```
 */
export interface CostComponent {
  component: string
  side: 'prompt' | 'completion' | 'tool' | 'adjustment'
  units: number
  unit: 'token' | 'character' | 'second' | 'image' | 'pixel' | 'query' | 'request' | 'usd'
  rate: number
  cost: number
  /** The map field the rate came from, when it came from the map. */
  priceKey: string | null
}

/**
 * What {@link costPerToken} returns (USD, before tools, discount and margin).
 *
 * @example
 * ```ts
 * const { promptCost, completionCost } = costPerToken(map, args)
 * ```
 */
export interface TokenCosts {
  promptCost: number
  completionCost: number
}

/**
 * What {@link completionCost} returns. `totalCost` = prompt + completion + built-in tools (or, with
 * `preferReportedCost`, the provider's reported cost), then discount, then margin; `breakdown` lists each
 * of those parts and sums to `totalCost`.
 *
 * @example
 * ```ts
 * const r: CostResult = completionCost(map, { model: 'gpt-4o', usage })
 * r.totalCost; r.key; r.breakdown.map((c) => c.component)
 * ```
 */
export interface CostResult extends TokenCosts {
  totalCost: number
  /** The map key the prices came from. */
  key: string
  provider: string
  breakdown: CostComponent[]
  /** sha256 of the map data, when known. */
  sha256: string | null
  /**
   * The provider's own price of the call as its usage reported it (OpenRouter `usage.cost`, plus
   * `cost_details.upstream_inference_cost` when `is_byok`), beside ours; null when absent, negative or not finite.
   */
  reportedCost: number | null
  /**
   * Which price `totalCost` bills: `map` (the cost map's) or `reported` (`reportedCost`, with
   * `preferReportedCost`). `promptCost` / `completionCost` stay the map's either way; the difference is the
   * breakdown line `reported_cost`.
   */
  costSource: 'map' | 'reported'
}
