/**
 * zod schemas for LiteLLM's model cost map: the single source of the data types.
 * @module
 */
import type * as Z from 'zod'
import { zod } from './lazy'

/**
 * @internal A set of schemas built on first use, so that zod is loaded only when something is validated;
 * loading it with `require` keeps every validating function synchronous.
 *
 * @example
 * ```ts
 * const schemas = lazySchemas((z) => ({ Id: z.string().min(1) }))
 * schemas().Id.parse('a')
 * ```
 */
export function lazySchemas<T>(define: (z: typeof Z) => T): () => T {
  let built: T | undefined
  return () => {
    built ??= define(zod())
    return built
  }
}

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/** Numeric strings become numbers (config files and hand-edited maps carry them); `null` means absent. */
function toNumber(value: unknown): unknown {
  if (value === null) return undefined
  if (typeof value === 'string' && NUMERIC.test(value)) return Number(value)
  return value
}

/** A price field is any key that names a cost and holds a scalar: new upstream keys are priced without code changes. */
export const PRICE_KEY: RegExp = /(?:^|_)cost(?:_|$)/

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

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

function defineMapSchemas(z: typeof Z) {
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

/**
 * The zod schemas of the map, built on first use: `PriceSchema`, `ModelEntrySchema` (one model entry) and
 * `FallbackRuleSchema` (one `fallback_generalizations` rule). `costmap/schema` exports them as constants.
 *
 * @example
 * ```ts
 * mapSchemas().ModelEntrySchema.parse({ litellm_provider: 'openai', input_cost_per_token: '2.5e-6' })
 * ```
 */
export const mapSchemas: () => ReturnType<typeof defineMapSchemas> = lazySchemas(defineMapSchemas)

type MapSchemas = ReturnType<typeof defineMapSchemas>

/**
 * A validated model entry.
 *
 * @example
 * ```ts
 * const e: ModelEntry = map['gpt-4o']
 * ```
 */
export type ModelEntry = Z.infer<MapSchemas['ModelEntrySchema']>

/** A validated fallback rule. @example `const r: FallbackRule = rules[0]` */
export type FallbackRule = Z.infer<MapSchemas['FallbackRuleSchema']>

/**
 * Top-level keys that are not models: excluded from counts and lookups.
 *
 * @example
 * ```ts
 * META_KEYS.has('sample_spec') // true
 * ```
 */
export const META_KEYS: ReadonlySet<string> = new Set(['sample_spec', 'fallback_generalizations', 'last_updated'])

/**
 * @internal The first `__proto__`/`constructor`/`prototype` key anywhere in `value`, or null. Checked before
 * zod sees an entry: copying such a key with plain assignment would replace the copy's prototype.
 */
export function findForbiddenKey(value: unknown, depth = 0): string | null {
  if (typeof value !== 'object' || value === null || depth > 8) return null
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) return key
    const nested = findForbiddenKey((value as Record<string, unknown>)[key], depth + 1)
    if (nested) return nested
  }
  return null
}

/** @internal The first few zod issues as one line. */
export function formatIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ')
}

// --- Fast path ---

const LIMIT_KEYS = new Set(['max_tokens', 'max_input_tokens', 'max_output_tokens'])
enum Kind {
  Other = 0,
  Price = 1,
  PerTokenPrice = 2,
  Limit = 3,
  Forbidden = 4,
  Tiers = 5,
  PriceRecord = 6,
  AnyRecord = 7,
  Aliases = 8,
}
const SPECIAL: Record<string, Kind> = {
  tiered_pricing: Kind.Tiers,
  search_context_cost_per_query: Kind.PriceRecord,
  provider_specific_entry: Kind.AnyRecord,
  aliases: Kind.Aliases,
}
const kinds = new Map<string, Kind>()

function kindOf(key: string): Kind {
  let kind = kinds.get(key)
  if (kind === undefined) {
    if (FORBIDDEN_KEYS.has(key)) kind = Kind.Forbidden
    else if (Object.hasOwn(SPECIAL, key)) kind = SPECIAL[key] as Kind
    else if (LIMIT_KEYS.has(key)) kind = Kind.Limit
    else if (PRICE_KEY.test(key)) kind = key.includes('per_token') ? Kind.PerTokenPrice : Kind.Price
    else kind = Kind.Other
    // Keys come from untrusted files: bound the memo so a hostile map cannot grow it without limit.
    if (kinds.size < 10_000) kinds.set(key, kind)
  }
  return kind
}

const isPrice = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v !== Number.POSITIVE_INFINITY
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/**
 * @internal True when `value` is an entry that {@link ModelEntrySchema} accepts unchanged (no coercion
 * needed). Nearly every real entry qualifies, so loading skips zod's copy for them; anything else goes
 * through zod, which decides and explains. A property test keeps the two in agreement. Per-token prices
 * above `ceiling` are pushed to `flagged` on the way, so the map is walked once.
 */
export function isCleanEntry(value: unknown, ceiling = Number.POSITIVE_INFINITY, flagged?: string[]): boolean {
  if (!isRecord(value)) return false
  const provider = value.litellm_provider
  if (typeof provider !== 'string' || provider === '') return false
  if (value.mode !== undefined && typeof value.mode !== 'string') return false
  for (const key in value) {
    const kind = kindOf(key)
    const v = value[key]
    if (kind === Kind.Other) {
      // Unknown fields pass as they are, but never with a prototype key hidden inside (`metadata.__proto__`).
      if (typeof v === 'object' && v !== null && findForbiddenKey(v) !== null) return false
      continue
    }
    if (kind === Kind.PerTokenPrice || kind === Kind.Price) {
      if (!isPrice(v)) return false
      if (v > ceiling && kind === Kind.PerTokenPrice) flagged?.push(key)
    } else if (kind === Kind.Limit) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return false
    } else if (kind === Kind.Tiers) {
      if (!Array.isArray(v) || !v.every(isCleanTier)) return false
    } else if (kind === Kind.PriceRecord) {
      if (!isRecord(v)) return false
      for (const k in v) if (FORBIDDEN_KEYS.has(k) || !isPrice(v[k])) return false
    } else if (kind === Kind.AnyRecord) {
      if (!isRecord(v) || findForbiddenKey(v) !== null) return false
    } else if (kind === Kind.Aliases) {
      if (!Array.isArray(v) || !v.every((a) => typeof a === 'string' && a !== '')) return false
    } else return false
  }
  return true
}

const isRange = (v: unknown) => v === undefined || (Array.isArray(v) && v.length === 2 && v.every(Number.isFinite))

function isCleanTier(tier: unknown): boolean {
  if (!isRecord(tier) || !isRange(tier.range) || !isRange(tier.max_results_range)) return false
  for (const key in tier) {
    const kind = kindOf(key)
    if (kind === Kind.Forbidden) return false
    if (kind === Kind.Other && typeof tier[key] === 'object' && findForbiddenKey(tier[key]) !== null) return false
    if ((kind === Kind.Price || kind === Kind.PerTokenPrice) && !isPrice(tier[key])) return false
  }
  return true
}

const isOptional = (v: unknown, check: (v: unknown) => boolean) => v === undefined || check(v)
const isName = (v: unknown) => typeof v === 'string' && v !== ''

/**
 * @internal True when `value` is a fallback rule that `FallbackRuleSchema` accepts unchanged (but for the
 * `model_info: {}` default), so that a map with rules does not load zod. A property test keeps the two in
 * agreement.
 */
export function isCleanRule(value: unknown): value is FallbackRule {
  return (
    isRecord(value) &&
    isName(value.name) &&
    isName(value.pattern) &&
    isOptional(value.description, (v) => typeof v === 'string') &&
    isOptional(value.model_info, isRecord) &&
    isOptional(value.extends, (v) => typeof v === 'string') &&
    isOptional(value.fill_missing_for_providers, (v) => Array.isArray(v) && v.every((p) => typeof p === 'string')) &&
    findForbiddenKey(value) === null
  )
}
