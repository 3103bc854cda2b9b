/**
 * The types of LiteLLM's model cost map (inferred from the zod schemas in schema.zod.ts, their single source),
 * the schemas built on first use, and the checks that let clean entries and rules skip zod.
 * @module
 */
import type * as Z from 'zod'
import { zod } from '../_internal'
import {
  MAX_ARRAY as ARRAY_LIMIT,
  MAX_DEPTH as DEPTH_LIMIT,
  defineMapSchemas,
  FORBIDDEN_KEYS,
  MAX_KEYS as KEYS_LIMIT,
  PRICE_KEY,
  MAX_STRING as STRING_LIMIT,
} from './zod'

export { PRICE_KEY }

/**
 * @internal A set of schemas built on first use, so that zod is loaded only when something is validated;
 * loading it synchronously (src/_internal/lazy.ts: zod's ESM copy in the ESM build) keeps every validating function
 * synchronous.
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

// Local copies of the limits: a live import binding can be a getter (vitest's modules), read on every key;
// named imports, not a namespace, so the bundle needs no export-object helper.
const [MAX_ARRAY, MAX_DEPTH, MAX_KEYS, MAX_STRING] = [ARRAY_LIMIT, DEPTH_LIMIT, KEYS_LIMIT, STRING_LIMIT]

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
    if (kinds.size < 10_000 && key.length <= 64) kinds.set(key, kind)
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
  return typeof provider === 'string' && provider !== '' && isCleanFields(value, ceiling, flagged)
}

/** The fields of an entry or of a rule's `model_info`, as `checkEntry` in schema.zod.ts sees them. */
function isCleanFields(value: Record<string, unknown>, ceiling: number, flagged?: string[]): boolean {
  if (value.mode !== undefined && typeof value.mode !== 'string') return false
  let count = 0
  for (const key in value) {
    if (++count > MAX_KEYS || key.length > MAX_STRING) return false
    const kind = kindOf(key)
    const v = value[key]
    if (kind === Kind.Other) {
      if (typeof v === 'string') {
        if (v.length > MAX_STRING) return false
      } else if (typeof v === 'object' && v !== null) {
        // Unknown fields pass as they are, but bounded and never with a prototype key hidden inside
        // (`metadata.__proto__`).
        if (!isBoundedClean(v, 1)) return false
      }
      continue
    }
    if (kind === Kind.PerTokenPrice || kind === Kind.Price) {
      if (!isPrice(v)) return false
      if (v > ceiling && kind === Kind.PerTokenPrice) flagged?.push(key)
      continue
    }
    if (kind === Kind.Limit) {
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) return false
      continue
    }
    if (!isBoundedClean(v, 1)) return false
    if (kind === Kind.Tiers) {
      if (!Array.isArray(v) || !v.every(isCleanTier)) return false
    } else if (kind === Kind.PriceRecord) {
      if (!isRecord(v)) return false
      for (const k in v) if (FORBIDDEN_KEYS.has(k) || !isPrice(v[k])) return false
    } else if (kind === Kind.AnyRecord) {
      if (!isRecord(v)) return false
    } else if (kind === Kind.Aliases) {
      if (!Array.isArray(v) || !v.every((a) => typeof a === 'string' && a !== '')) return false
    } else return false
  }
  return true
}

/**
 * `boundsProblem` (schema.zod.ts) and {@link findForbiddenKey} in one walk, for the fast path: true when
 * `value` (at `depth`) is within the limits and holds no prototype key. Never recurses deeper than MAX_DEPTH.
 */
function isBoundedClean(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return value.length <= MAX_STRING
  if (typeof value !== 'object' || value === null) return true
  if (depth >= MAX_DEPTH) return false
  if (Array.isArray(value)) {
    if (value.length > MAX_ARRAY) return false
    for (const item of value) if (!isBoundedClean(item, depth + 1)) return false
    return true
  }
  let keys = 0
  for (const key in value) {
    if (++keys > MAX_KEYS || key.length > MAX_STRING || FORBIDDEN_KEYS.has(key)) return false
    if (!isBoundedClean((value as Record<string, unknown>)[key], depth + 1)) return false
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
    isOptional(value.model_info, isCleanInfo) &&
    isOptional(value.extends, (v) => typeof v === 'string') &&
    isOptional(value.fill_missing_for_providers, (v) => Array.isArray(v) && v.every((p) => typeof p === 'string')) &&
    isBoundedClean(value, 0)
  )
}

/** A rule's `model_info` that `RuleInfoSchema` accepts unchanged: an entry's fields, the provider optional. */
function isCleanInfo(value: unknown): boolean {
  return isRecord(value) && isOptional(value.litellm_provider, isName) && isCleanFields(value, Number.POSITIVE_INFINITY)
}
