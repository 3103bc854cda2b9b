/**
 * `POST /spend/calculate`: LiteLLM's price route. Takes LiteLLM's body (`{model, completion_response: {usage}}`)
 * or `{model, usage, …pricing arguments}` and answers `{cost, result}`: LiteLLM's `cost` and costmap's full
 * `CostResult` (breakdown, key, sha256), so a service in any language prices calls as the gateway does.
 * @module
 */
import type { CostArgs, CostResult } from '../cost'
import { isCostMapError } from '../errors'
import { lazySchemas } from '../map'
import type { ModelCostMap, TimeInput } from '../store'
import { HttpError, json, validate } from './respond'

/** Call types whose price comes from token counts: without a usage they would silently cost $0. */
const TOKEN_CALLS = new Set(['completion', 'embedding'])
/** Pricing errors that are the caller's mistake: a 422 with the engine's message. */
const CLIENT_CODES = new Set(['INVALID_USAGE', 'INVALID_ARGUMENT', 'NO_MAP_AT'])

/** @internal The body of `/spend/calculate`; unknown fields (LiteLLM's `messages`, `user`, …) are ignored. */
export const spendSchemas = lazySchemas((z) => {
  const count = z.number().finite().nonnegative()
  const text = z.string().min(1)
  return {
    SpendSchema: z.looseObject({
      model: text.optional(),
      usage: z.record(z.string(), z.unknown()).optional(),
      completion_response: z
        .looseObject({ model: text.nullish(), usage: z.record(z.string(), z.unknown()).nullish() })
        .optional(),
      provider: text.optional(),
      serviceTier: text.optional(),
      region: text.optional(),
      callType: z
        .enum(['completion', 'embedding', 'speech', 'transcription', 'rerank', 'batch', 'image_generation', 'search'])
        .optional(),
      promptCharacters: count.optional(),
      completionCharacters: count.optional(),
      durationSeconds: count.optional(),
      responseTimeMs: count.optional(),
      image: z.object({ n: count.optional(), size: text.optional(), quality: text.optional() }).optional(),
      billedUnits: z.object({ search_units: count.optional(), total_tokens: count.optional() }).optional(),
      queries: count.optional(),
      maxResults: count.optional(),
      webSearch: z
        .object({ requests: count.optional(), contextSize: z.enum(['low', 'medium', 'high']).optional() })
        .optional(),
      // Their values are checked by the pricing engine, which answers INVALID_ARGUMENT (a 422 here).
      customPricing: z.record(z.string(), z.unknown()).optional(),
      tieredPricing: z.enum(['request', 'graduated']).optional(),
      discount: z.union([z.number(), z.record(z.string(), z.number())]).optional(),
      margin: z.union([z.number(), z.record(z.string(), z.unknown())]).optional(),
      at: z.union([text, z.number()]).optional(),
      // Checked by the pricing engine too (an unknown format is INVALID_ARGUMENT, a 422 here).
      usageFormat: text.optional(),
      preferReportedCost: z.boolean().optional(),
    }),
  }
})

/**
 * @internal `POST /spend/calculate`: `{cost, result}` priced by `costs.completionCost` (on the map active at
 * `at` when given). A missing model or usage is a 422, an unknown model a 404 with `suggestions`.
 * @example
 * ```ts
 * spend(costs, { model: 'gpt-4o', usage: { prompt_tokens: 1000, completion_tokens: 500 } }).cost // 0.0075
 * ```
 */
export function spend(costs: ModelCostMap, body: unknown): { cost: number; result: CostResult } | Response {
  const { model, usage, completion_response: response, at, ...rest } = validate(spendSchemas().SpendSchema, body)
  // LiteLLM prices the response's model when the request names none.
  const name = model ?? response?.model ?? undefined
  if (name === undefined) throw missing('model', 'Field required: model (or completion_response.model)')
  const used = usage ?? response?.usage ?? undefined
  if (used === undefined && TOKEN_CALLS.has(rest.callType ?? 'completion')) {
    // LiteLLM would count the tokens of `messages`; costmap has no tokenizer, and $0 would be a lie.
    throw missing('usage', 'Field required: usage (or completion_response.usage); token counts are not estimated')
  }
  // OpenAI puts `service_tier` on the response, not in its usage.
  const tier = rest.serviceTier ?? (typeof response?.service_tier === 'string' ? response.service_tier : undefined)
  const args: CostArgs & { at?: TimeInput } = {
    ...pick(rest),
    model: name,
    ...(used === undefined ? {} : { usage: used }),
    ...(tier === undefined ? {} : { serviceTier: tier }),
    ...(at === undefined ? {} : { at }),
  }
  try {
    const result = costs.completionCost(args)
    return { cost: result.totalCost, result }
  } catch (error) {
    if (!isCostMapError(error)) throw error
    // `suggestions` beside `detail`, so a client can offer "did you mean" without parsing the message.
    if (error.code === 'MODEL_NOT_MAPPED') return json(404, { detail: error.message, suggestions: error.suggestions })
    if (CLIENT_CODES.has(error.code)) throw new HttpError(422, error.message)
    throw error
  }
}

function missing(field: string, msg: string): HttpError {
  return new HttpError(422, [{ type: 'missing', loc: ['body', field], msg }])
}

/** The pricing arguments of the body, without the keys it did not send (the engine reads `undefined` as absent anyway). */
function pick(rest: Record<string, unknown>): Omit<CostArgs, 'model'> {
  const args: Record<string, unknown> = {}
  for (const key of PRICING_KEYS) if (rest[key] !== undefined) args[key] = rest[key]
  return args as Omit<CostArgs, 'model'>
}

const PRICING_KEYS = [
  'provider',
  'region',
  'callType',
  'promptCharacters',
  'completionCharacters',
  'durationSeconds',
  'responseTimeMs',
  'image',
  'billedUnits',
  'queries',
  'maxResults',
  'webSearch',
  'customPricing',
  'tieredPricing',
  'discount',
  'margin',
  'usageFormat',
  'preferReportedCost',
] as const
