/**
 * The zod schemas of LiteLLM's map, as a definition over a zod module: src/schema.ts builds them on first
 * use, so that a start on the trusted bundled backup never loads zod.
 * @module
 */
import type * as Z from 'zod'

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/** Numeric strings become numbers (config files and hand-edited maps carry them); `null` means absent. */
function toNumber(value: unknown): unknown {
  if (value === null) return undefined
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value)
  return value
}

/** A price field is any key that names a cost and holds a scalar: new upstream keys are priced without code changes. */
export const PRICE_KEY: RegExp = /(?:^|_)cost(?:_|$)/

/** @internal Keys that would replace an object's prototype when copied by assignment. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** Checks the price fields the static shape does not name (`*_above_272k_tokens_priority`, new units…). */
function checkDynamicPrices(entry: Record<string, unknown>, ctx: Z.core.ParsePayload<Record<string, unknown>>): void {
  for (const key in entry) {
    if (FORBIDDEN_KEYS.has(key)) {
      ctx.issues.push({ code: 'custom', message: `forbidden key ${key}`, input: key, path: [key] })
      continue
    }
    if (!PRICE_KEY.test(key)) continue
    const raw = entry[key]
    if (typeof raw === 'number') {
      if (!(raw >= 0 && raw !== Number.POSITIVE_INFINITY)) ctx.issues.push(priceIssue(key, raw))
    } else if (typeof raw === 'string' || typeof raw === 'boolean') {
      const n = toNumber(raw)
      if (typeof n === 'number' && n >= 0 && Number.isFinite(n)) entry[key] = n
      else ctx.issues.push(priceIssue(key, raw))
    } else if (raw === null) {
      delete entry[key]
    }
  }
}

function priceIssue(key: string, input: unknown): Z.core.$ZodRawIssue {
  return { code: 'custom', message: `${key} must be a finite price >= 0`, input, path: [key] }
}

/**
 * @internal The schemas over `z`: `PriceSchema`, `ModelEntrySchema` and `FallbackRuleSchema`.
 * @example `const { ModelEntrySchema } = defineMapSchemas(zod())`
 */
export function defineMapSchemas(z: typeof Z) {
  /** A price in USD: a finite number >= 0, or a numeric string that becomes one. */
  const PriceSchema = z.preprocess(toNumber, z.number().finite().nonnegative().optional())
  /** A token or size limit: a whole number >= 0 (LiteLLM writes some as `256000.0`). */
  const LimitSchema = z.preprocess(toNumber, z.number().int().nonnegative().optional())
  const TierSchema = z
    .looseObject({
      range: z.tuple([z.number(), z.number()]).optional(),
      max_results_range: z.tuple([z.number(), z.number()]).optional(),
    })
    .check((ctx) => checkDynamicPrices(ctx.value, ctx))
  // Known fields are typed; every other field is kept as it came (forward compatible), and any field whose
  // name says `cost` must be a valid price.
  const ModelEntrySchema = z
    .looseObject({
      litellm_provider: z.string().min(1),
      mode: z.string().optional(),
      max_tokens: LimitSchema,
      max_input_tokens: LimitSchema,
      max_output_tokens: LimitSchema,
      input_cost_per_token: PriceSchema,
      output_cost_per_token: PriceSchema,
      cache_read_input_token_cost: PriceSchema,
      cache_creation_input_token_cost: PriceSchema,
      cache_creation_input_token_cost_above_1hr: PriceSchema,
      input_cost_per_token_batches: PriceSchema,
      output_cost_per_token_batches: PriceSchema,
      output_cost_per_reasoning_token: PriceSchema,
      input_cost_per_audio_token: PriceSchema,
      output_cost_per_audio_token: PriceSchema,
      input_cost_per_image_token: PriceSchema,
      output_cost_per_image_token: PriceSchema,
      input_cost_per_image: PriceSchema,
      output_cost_per_image: PriceSchema,
      input_cost_per_pixel: PriceSchema,
      output_cost_per_pixel: PriceSchema,
      input_cost_per_character: PriceSchema,
      output_cost_per_character: PriceSchema,
      input_cost_per_second: PriceSchema,
      output_cost_per_second: PriceSchema,
      input_cost_per_query: PriceSchema,
      tiered_pricing: z.array(TierSchema).optional(),
      search_context_cost_per_query: z.record(z.string(), PriceSchema).optional(),
      // Multipliers (geo, fast) are numbers, but the field also carries other provider data (e.g. a Bedrock schema name).
      provider_specific_entry: z.record(z.string(), z.unknown()).optional(),
      aliases: z.array(z.string().min(1)).optional(),
    })
    .check((ctx) => checkDynamicPrices(ctx.value, ctx))
  // One `fallback_generalizations` rule (newer upstream maps): a case-insensitive regex over the model id
  // and the fields it contributes.
  const FallbackRuleSchema = z.looseObject({
    name: z.string().min(1),
    pattern: z.string().min(1),
    description: z.string().optional(),
    model_info: z.record(z.string(), z.unknown()).default({}),
    fill_missing_for_providers: z.array(z.string()).optional(),
    extends: z.string().optional(),
  })
  return { PriceSchema, ModelEntrySchema, FallbackRuleSchema }
}
