/**
 * The zod schemas of LiteLLM's map, as a definition over a zod module: src/map/schema.ts builds them on first
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

/** The price fields that hold a record of prices (checked by their own schema), not one price. */
const PRICE_RECORDS: ReadonlySet<string> = new Set(['search_context_cost_per_query'])

/** @internal Keys that would replace an object's prototype when copied by assignment. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/** @internal Deepest nesting of containers in an entry (LiteLLM's deepest is 4, counting the entry). */
export const MAX_DEPTH = 8
/** @internal Longest string (value or key) in an entry (LiteLLM's longest is 256 characters). */
export const MAX_STRING = 4096
/** @internal Longest array in an entry (LiteLLM's longest has 10 items). */
export const MAX_ARRAY = 1024
/** @internal Most keys of one object in an entry, the entry included (LiteLLM's most is 52). */
export const MAX_KEYS = 512

/**
 * @internal Why `value` (at nesting `depth`, the entry being 0) is too deep or too big to keep, or null.
 * Entries are frozen, compared and serialised by recursive code: bounded here, that code cannot overflow
 * the stack or hold a huge value. Never recurses deeper than {@link MAX_DEPTH}.
 */
export function boundsProblem(value: unknown, depth = 0): string | null {
  if (typeof value === 'string') return value.length > MAX_STRING ? `string longer than ${MAX_STRING}` : null
  if (typeof value !== 'object' || value === null) return null
  if (depth >= MAX_DEPTH) return `nested deeper than ${MAX_DEPTH}`
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY) return `array longer than ${MAX_ARRAY}`
    for (const item of value) {
      const problem = boundsProblem(item, depth + 1)
      if (problem !== null) return problem
    }
    return null
  }
  let keys = 0
  for (const key in value) {
    if (++keys > MAX_KEYS) return `more than ${MAX_KEYS} keys`
    if (key.length > MAX_STRING) return `key longer than ${MAX_STRING}`
    const problem = boundsProblem((value as Record<string, unknown>)[key], depth + 1)
    if (problem !== null) return problem
  }
  return null
}

/** An entry's (or rule's `model_info`) bounds, naming the field at fault, then its prices. */
function checkEntry(entry: Record<string, unknown>, ctx: Z.core.ParsePayload<Record<string, unknown>>): void {
  let keys = 0
  for (const key in entry) {
    const problem =
      ++keys > MAX_KEYS
        ? `more than ${MAX_KEYS} keys`
        : key.length > MAX_STRING
          ? `key longer than ${MAX_STRING}`
          : boundsProblem(entry[key], 1)
    if (problem !== null) {
      ctx.issues.push({ code: 'custom', message: problem, input: entry[key], path: keys > MAX_KEYS ? [] : [key] })
      return
    }
  }
  checkDynamicPrices(entry, ctx)
}

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
    } else if (typeof raw === 'object' && !PRICE_RECORDS.has(key)) {
      // An object where a price belongs would be kept and priced as if the field were absent.
      ctx.issues.push(priceIssue(key, raw))
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
  const fields = {
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
  }
  const ModelEntrySchema = z
    .looseObject({ litellm_provider: z.string().min(1), ...fields })
    .check((ctx) => checkEntry(ctx.value, ctx))
  // A rule's `model_info` is laid over entries and priced like them: the same fields, prices and bounds,
  // with the provider optional (capability rules carry none).
  const RuleInfoSchema = z
    .looseObject({ litellm_provider: z.string().min(1).optional(), ...fields })
    .check((ctx) => checkEntry(ctx.value, ctx))
  // One `fallback_generalizations` rule (newer upstream maps): a case-insensitive regex over the model id
  // and the fields it contributes.
  const FallbackRuleSchema = z
    .looseObject({
      name: z.string().min(1),
      pattern: z.string().min(1),
      description: z.string().optional(),
      model_info: RuleInfoSchema.default({}),
      fill_missing_for_providers: z.array(z.string()).optional(),
      extends: z.string().optional(),
    })
    .check((ctx) => {
      const problem = boundsProblem(ctx.value)
      if (problem !== null) ctx.issues.push({ code: 'custom', message: problem, input: ctx.value })
    })
  return { PriceSchema, ModelEntrySchema, RuleInfoSchema, FallbackRuleSchema }
}
