/**
 * Two provider rules outside the per-token formula, as LiteLLM has them: Vertex AI's per-character route
 * (PaLM and Gemini 1.x bill characters, not tokens) and the flat fee of Azure AI Foundry's model router.
 * Neither is on the hot path: the first runs only for entries with a character price, the second only for
 * names the map does not know.
 * @module
 */
import { CostMapError } from '../errors'
import { type MapIndex, resolveIn } from '../resolve'
import { type Plan, price } from './rates'
import { addPart, type Sides, tokenCost } from './tokens'
import type { CostArgs, CostComponent } from './types'
import { count } from './units'
import type { Tokens } from './usage'

type Entry = Readonly<Record<string, unknown>>

// LiteLLM's vertex `cost_router`: these families (and embeddings) are billed per token even on Vertex.
const VERTEX_TOKEN_FAMILIES = /claude|llama|mistral|jamba|codestral|gemma|gemini-2/
// Vertex's `*_above_128k_tokens` character prices are a prompt-size tier.
const TIER_TOKENS = 128_000

/**
 * @internal A completion or embedding of an entry with a character price. Each side is billed per
 * character when the caller gave its characters and either the call takes Vertex's character route
 * (LiteLLM's `cost_router`: a `vertex_ai` completion outside the per-token families) or the side has no
 * token price at all; otherwise by its tokens. A side priced only per character, with tokens but no
 * characters, is an error: its tokens would cost a silent $0.
 * @throws {CostMapError} `INVALID_ARGUMENT` for a bad character count or a missing one (see above)
 * @example
 * ```ts
 * characterRoute(plan, tokens, { model: 'chat-bison', promptCharacters: 4000 }, 'completion', 'chat-bison', 'vertex_ai', 0, 1, parts)
 * // prompt: 4000 x input_cost_per_character, completion: its tokens x output_cost_per_token
 * ```
 */
export function characterRoute(
  plan: Plan,
  t: Tokens,
  args: CostArgs,
  callType: string,
  key: string,
  provider: string,
  service: number,
  multiplier: number,
  parts: CostComponent[],
): Sides {
  const byTokens: Sides = { prompt: 0, completion: 0 }
  const tokenParts: CostComponent[] = []
  tokenCost(plan, t, service, multiplier, tokenParts, byTokens)
  const vertex =
    callType === 'completion' &&
    provider.toLowerCase().startsWith('vertex_ai') &&
    !VERTEX_TOKEN_FAMILIES.test(key.toLowerCase())
  const promptChars = characters(args.promptCharacters, 'promptCharacters')
  const completionChars = characters(args.completionCharacters, 'completionCharacters')
  // The tier is chosen by the prompt's size, for both sides, as every other tier (docs/deviations.md):
  // its tokens when the usage has them, else characters / 4 (LiteLLM 1.82.1 used characters x 4).
  const promptSize = t.prompt > 0 ? t.prompt : (promptChars ?? 0) / 4
  const c = { entry: plan.entry, key, vertex, above: promptSize > TIER_TOKENS, tokenParts, parts }
  return {
    prompt: side(c, 'input', 'prompt', promptChars, t.prompt, byTokens.prompt),
    completion: side(c, 'output', 'completion', completionChars, t.completion, byTokens.completion),
  }
}

interface SideContext {
  entry: Entry
  key: string
  vertex: boolean
  above: boolean
  tokenParts: CostComponent[]
  parts: CostComponent[]
}

function side(
  c: SideContext,
  dir: 'input' | 'output',
  name: 'prompt' | 'completion',
  chars: number | undefined,
  tokens: number,
  tokenSide: number,
): number {
  const base = `${dir}_cost_per_character`
  const charRate = price(c.entry, base)
  const tokenPriced = price(c.entry, `${dir}_cost_per_token`) !== undefined
  if (chars !== undefined && charRate !== undefined && (c.vertex || !tokenPriced)) {
    const tier = c.above ? price(c.entry, `${base}_above_128k_tokens`) : undefined
    const [rate, priceKey] = tier === undefined ? [charRate, base] : [tier, `${base}_above_128k_tokens`]
    return addPart(c.parts, `${dir}_characters`, name, chars, 'character', rate, priceKey)
  }
  if (tokens > 0 && !tokenPriced && charRate !== undefined) {
    throw new CostMapError(
      'INVALID_ARGUMENT',
      `[costmap] ${c.key} is priced per character only (${base}): pass ${name}Characters, its ${name} tokens have no price`,
    )
  }
  for (const part of c.tokenParts) if (part.side === name) c.parts.push(part)
  return tokenSide
}

function characters(value: unknown, name: string): number | undefined {
  return value === undefined || value === null ? undefined : count(value, name)
}

/** @internal An Azure model-router call: the model it routed to (when the name says) and the provider. */
export interface RouterCall {
  served: string | undefined
  provider: 'azure' | 'azure_ai'
}

// LiteLLM's `_is_azure_model_router`: any name containing model-router / model_router.
const ROUTER_NAME = /model[-_]router/i
/** The map entry whose `input_cost_per_token` is the router's fee (LiteLLM reads the same one). */
export const ROUTER_FEE_KEY = 'azure_ai/model_router'

/**
 * @internal Reads an Azure model-router name the map does not know: `azure_ai/model_router/<model>`,
 * `model-router/<model>` with provider `azure`, `azure-model-router`… `served` is the part after the
 * router segment (the model Azure answered with), undefined when the name has none.
 * @example
 * ```ts
 * routerCall('azure_ai/model_router/gpt-4.1-nano', undefined) // { served: 'gpt-4.1-nano', provider: 'azure_ai' }
 * routerCall('gpt-4o', 'azure') // undefined
 * ```
 */
export function routerCall(model: string, provider: string | undefined): RouterCall | undefined {
  if (typeof model !== 'string' || !ROUTER_NAME.test(model)) return undefined
  const segments = model.trim().split('/')
  const at = segments.findIndex((s) => ROUTER_NAME.test(s))
  const named = (provider ?? (at > 0 ? segments[0] : undefined))?.toLowerCase()
  if (named !== 'azure' && named !== 'azure_ai') return undefined
  const served = segments.slice(at + 1).join('/')
  return { served: served === '' ? undefined : served, provider: named }
}

/**
 * @internal The router's flat fee: every prompt token (cached ones included, as Azure and LiteLLM count)
 * x the `azure_ai/model_router` entry's `input_cost_per_token`, on the prompt side. 0 when the map has
 * no such entry or price (LiteLLM does the same).
 * @example
 * ```ts
 * routerFee(index, tokens, parts) // 1000 prompt tokens: 1000 x 1.4e-7
 * ```
 */
export function routerFee(index: MapIndex, t: Tokens, parts: CostComponent[]): number {
  const hit = resolveIn(index, ROUTER_FEE_KEY, 'azure_ai')
  const rate = hit === null || hit.key !== ROUTER_FEE_KEY ? undefined : price(hit.entry, 'input_cost_per_token')
  if (rate === undefined || rate === 0) return 0
  return addPart(parts, 'router_fee', 'prompt', t.prompt, 'token', rate, `${ROUTER_FEE_KEY}:input_cost_per_token`)
}

/** The end of the MODEL_NOT_MAPPED message for a router name whose routed model is unknown. */
export const ROUTER_HINT =
  ' It is an Azure model router: its fee is known, not the model it routed to (a fee alone would under-bill). Pass the model the response names, as azure_ai/model_router/<model>, or customPricing.'
