/**
 * Per-entry price plans: the context tiers (`*_above_<N>k_tokens`, any N, sorted numerically) and the
 * per-token rates for each (service tier, context tier) pair, resolved once per entry object and cached.
 * @module
 */
import { CostMapError } from '../errors'
import { PRICE_KEY } from '../map'

/** @internal A per-token rate and the map field it came from (null = derived from another rate). */
export interface Rates {
  in: number
  inKey: string | null
  out: number
  outKey: string | null
  cacheRead: number
  cacheReadKey: string | null
  cacheWrite: number
  cacheWriteKey: string | null
  cacheWrite1h: number
  cacheWrite1hKey: string | null
  audioIn: number
  audioInKey: string | null
  audioOut: number
  audioOutKey: string | null
  reasoning: number
  reasoningKey: string | null
  imageIn: number
  imageInKey: string | null
  imageOut: number
  imageOutKey: string | null
  perImage: number
  perImageKey: string | null
  videoSecond: number
  videoSecondKey: string | null
  character: number
  characterKey: string | null
}

type Rate = [number, string | null]

interface Tier {
  threshold: number
  suffix: string
  /** Which service tiers (0 base, 1 flex, 2 priority) have an input price for this context tier. */
  priced: [boolean, boolean, boolean]
}

/** @internal Everything the token formula needs from one entry, built on first use. */
export interface Plan {
  entry: Readonly<Record<string, unknown>>
  /** Highest threshold first. */
  tiers: Tier[]
  rates: Array<Rates | undefined>
  /** `tiered_pricing` token ranges (Dashscope) instead of per-token keys. */
  tokenTiers: boolean
  /** No positive token price but a per-second one: priced by time (LiteLLM's fallback). */
  timePriced: boolean
  /** {@link hasPrice} of the entry: without a price, pricing it would be a silent $0. */
  priced: boolean
  /** A per-character price (`input_cost_per_character` / `output_cost_per_character`): Vertex's character route. */
  characters: boolean
  /** A side priced per character and not per token (`text-bison`, `tts-1`): its tokens alone have no price. */
  characterOnly: boolean
  /** No positive per-token price (priced per image, page, session…, or free): token usage alone bills $0. */
  tokenless: boolean
  /** None of the above: a completion goes straight to the per-token formula (the hot path reads only this). */
  direct: boolean
}

const SERVICE_SUFFIX = ['', '_flex', '_priority'] as const
// A per-token price field (`input_cost_per_token`, `cache_read_input_token_cost`, `output_cost_per_audio_token`…);
// `input_cost_per_character_above_128k_tokens` is a character price.
const TOKEN_PRICE = /token(?!s$)/

function tokenKeyed(entry: Readonly<Record<string, unknown>>): boolean {
  for (const key in entry) {
    if (TOKEN_PRICE.test(key) && PRICE_KEY.test(key) && (price(entry, key) ?? 0) > 0) return true
  }
  return false
}
const TIER_KEY = /^input_cost_per_token(_above_(\d+(?:\.\d+)?)([km]?)_tokens)(_flex|_priority)?$/
const plans = new WeakMap<object, Plan>()

/**
 * @internal The cached plan of an entry object.
 * @example
 * ```ts
 * planFor(map['gpt-5.4']).tiers[0].threshold // 272000
 * ```
 */
export function planFor(entry: Readonly<Record<string, unknown>>): Plan {
  let plan = plans.get(entry)
  if (plan === undefined) {
    const rows = entry.tiered_pricing
    const tokenTiers = Array.isArray(rows) && rows.length > 0 && Array.isArray((rows[0] as { range?: unknown }).range)
    const tokenPriced =
      (price(entry, 'input_cost_per_token') ?? 0) > 0 || (price(entry, 'output_cost_per_token') ?? 0) > 0
    const secondPriced = ['input_cost_per_second', 'output_cost_per_second', 'output_cost_per_video_per_second'].some(
      (key) => price(entry, key) !== undefined,
    )
    const timePriced = !tokenPriced && secondPriced
    const onlyPerCharacter = (side: string) =>
      price(entry, `${side}_cost_per_character`) !== undefined && price(entry, `${side}_cost_per_token`) === undefined
    const characterOnly = onlyPerCharacter('input') || onlyPerCharacter('output')
    const characters =
      price(entry, 'input_cost_per_character') !== undefined || price(entry, 'output_cost_per_character') !== undefined
    const tokenless = !tokenTiers && !tokenKeyed(entry)
    const direct = !tokenTiers && !timePriced && !characters && !tokenless
    plan = {
      entry,
      tiers: findTiers(entry),
      rates: [],
      tokenTiers,
      timePriced,
      priced: hasPrice(entry),
      characters,
      characterOnly,
      tokenless,
      direct,
    }
    plans.set(entry, plan)
  }
  return plan
}

/**
 * @internal 0 = base, 1 = flex, 2 = priority. Any other tier name ('standard', 'default', 'auto') uses base keys.
 * @example
 * ```ts
 * serviceIndex('Priority') // 2
 * ```
 */
export function serviceIndex(tier: string | undefined): number {
  if (tier === undefined || tier === null) return 0
  // A JavaScript caller can pass anything: a number or an object is the caller's mistake, not a crash.
  if (typeof tier !== 'string') {
    throw new CostMapError('INVALID_ARGUMENT', `[costmap] serviceTier must be a string, got ${typeof tier}`)
  }
  const t = tier.toLowerCase()
  return t === 'flex' ? 1 : t === 'priority' ? 2 : 0
}

/**
 * @internal Index of the context tier a request falls in (-1 = none). Strict `>` on the whole prompt,
 * highest threshold first, as LiteLLM (which compared the keys as strings; we compare numbers).
 * @example
 * ```ts
 * tierIndex(plan, 200_001, 0) // the _above_200k_tokens tier
 * ```
 */
export function tierIndex(plan: Plan, promptTokens: number, service: number): number {
  const tiers = plan.tiers
  for (let i = 0; i < tiers.length; i++) {
    const tier = tiers[i] as Tier
    if (promptTokens > tier.threshold && (tier.priced[service] || tier.priced[0])) return i
  }
  return -1
}

/**
 * @internal The rates for a (service tier, context tier) pair, built once per entry.
 * @example
 * ```ts
 * ratesFor(plan, 2, -1).in // input_cost_per_token_priority, else input_cost_per_token
 * ```
 */
export function ratesFor(plan: Plan, service: number, tier: number): Rates {
  const slot = service * (plan.tiers.length + 1) + tier + 1
  let rates = plan.rates[slot]
  if (rates === undefined) {
    rates = buildRates(plan.entry, SERVICE_SUFFIX[service] ?? '', tier < 0 ? '' : (plan.tiers[tier] as Tier).suffix)
    plan.rates[slot] = rates
  }
  return rates
}

function buildRates(entry: Readonly<Record<string, unknown>>, svc: string, tier: string): Rates {
  const pick = (base: string, fallback: Rate): Rate => {
    for (const key of [base + tier + svc, base + tier, base + svc, base]) {
      const v = price(entry, key)
      if (v !== undefined) return [v, key]
    }
    return fallback
  }
  const none: Rate = [0, null]
  const input = pick('input_cost_per_token', none)
  const imageOut = pick('output_cost_per_image_token', none)
  let output = pick('output_cost_per_token', none)
  // LiteLLM: an image model with no (or a zero) output token price bills output at the image-token price.
  if (output[0] === 0 && imageOut[1] !== null) output = imageOut
  // Where the map has no specific price the base price applies. LiteLLM bills such tokens at 0 (cache
  // reads, writes, audio), which under-bills; a 1 h write with no 1 h price costs the 5 min write price.
  const cacheRead = pick('cache_read_input_token_cost', input)
  const cacheWrite = pick('cache_creation_input_token_cost', input)
  const cacheWrite1h = pick('cache_creation_input_token_cost_above_1hr', cacheWrite)
  const audioIn = pick('input_cost_per_audio_token', input)
  const audioOut = pick('output_cost_per_audio_token', output)
  const reasoning = pick('output_cost_per_reasoning_token', output)
  const imageIn = pick('input_cost_per_image_token', input)
  const image = imageOut[1] === null ? output : imageOut
  const perImage = pick('input_cost_per_image', none)
  const videoSecond = pick('input_cost_per_video_per_second', none)
  const character = pick('input_cost_per_character', none)
  // One literal, so every Rates object shares a hidden class (the hot path reads them).
  return {
    in: input[0],
    inKey: input[1],
    out: output[0],
    outKey: output[1],
    cacheRead: cacheRead[0],
    cacheReadKey: cacheRead[1],
    cacheWrite: cacheWrite[0],
    cacheWriteKey: cacheWrite[1],
    cacheWrite1h: cacheWrite1h[0],
    cacheWrite1hKey: cacheWrite1h[1],
    audioIn: audioIn[0],
    audioInKey: audioIn[1],
    audioOut: audioOut[0],
    audioOutKey: audioOut[1],
    reasoning: reasoning[0],
    reasoningKey: reasoning[1],
    imageIn: imageIn[0],
    imageInKey: imageIn[1],
    imageOut: image[0],
    imageOutKey: image[1],
    perImage: perImage[0],
    perImageKey: perImage[1],
    videoSecond: videoSecond[0],
    videoSecondKey: videoSecond[1],
    character: character[0],
    characterKey: character[1],
  }
}

function findTiers(entry: Readonly<Record<string, unknown>>): Tier[] {
  const bySuffix = new Map<string, Tier>()
  for (const key in entry) {
    const m = TIER_KEY.exec(key)
    if (m === null || price(entry, key) === undefined) continue
    const suffix = m[1] as string
    let tier = bySuffix.get(suffix)
    if (tier === undefined) {
      const unit = m[3] === 'k' ? 1e3 : m[3] === 'm' ? 1e6 : 1
      tier = { threshold: Number(m[2]) * unit, suffix, priced: [false, false, false] }
      bySuffix.set(suffix, tier)
    }
    tier.priced[m[4] === '_flex' ? 1 : m[4] === '_priority' ? 2 : 0] = true
  }
  return [...bySuffix.values()].sort((a, b) => b.threshold - a.threshold)
}

const NUMERIC = /^\s*[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?\s*$/

/**
 * @internal A price field as a number. Loaded maps are validated already; hand-made maps and custom
 * pricing may carry numeric strings (accepted) or garbage (an error, never a silent $0).
 * @throws {CostMapError} `INVALID_ARGUMENT` for a negative, non-finite or non-numeric price
 * @example
 * ```ts
 * price({ input_cost_per_token: '1e-6' }, 'input_cost_per_token') // 0.000001
 * ```
 */
export function price(entry: Readonly<Record<string, unknown>>, key: string): number | undefined {
  const v = entry[key]
  if (typeof v === 'number' && v >= 0 && v !== Number.POSITIVE_INFINITY) return v
  if (v === undefined || v === null) return undefined
  if (typeof v === 'string' && NUMERIC.test(v)) {
    const n = Number(v)
    if (n >= 0 && Number.isFinite(n)) return n
  }
  throw new CostMapError(
    'INVALID_ARGUMENT',
    `[costmap] price ${key} must be a finite number >= 0, got ${JSON.stringify(v)}`,
  )
}

/**
 * @internal True when `entry` has any price: a `*_cost_*` field with a number (0 included) or a non-empty
 * string, or `tiered_pricing`. Without one, pricing it would be a silent $0.
 * @example
 * ```ts
 * hasPrice({ litellm_provider: 'openai', mode: 'chat' }) // false
 * hasPrice({ litellm_provider: 'openai', input_cost_per_token: 0 }) // true
 * ```
 */
export function hasPrice(entry: Readonly<Record<string, unknown>>): boolean {
  for (const key in entry) {
    const v = entry[key]
    if (PRICE_KEY.test(key) && (typeof v === 'number' || (typeof v === 'string' && v.trim() !== ''))) return true
  }
  return Array.isArray(entry.tiered_pricing)
}
