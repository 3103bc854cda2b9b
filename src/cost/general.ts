/**
 * The pricing engine: every call type, usage shape and option (custom prices, tiers, tools, discount,
 * margin), one path for all of them. Usage objects are read by `readUsage` (cost/usage.ts), token prices
 * computed by `tokenCost` (cost/tokens.ts) from the rates of `ratesFor` (cost/rates.ts). What repeats
 * between calls is remembered, never recomputed: the model's resolution per (map, model, provider, region)
 * in the map's bounded resolution memo, the entry's price plan on that result, its rates per (service
 * tier, context tier) in the plan.
 * @module
 */

import { CostMapError } from '../errors'
import { buildModelInfo, contextOf, type MapIndex, type MapLike, notMapped, type Resolved, resolveIn } from '../resolve'
import { applyAdjustments, reportedTotal } from './adjust'
import { characterRoute, ROUTER_HINT, routerCall, routerFee } from './providers'
import { type Plan, planFor, price, serviceIndex } from './rates'
import { tieredTokenCost } from './tiered'
import { batchCost, providerMultiplier, type Sides, tokenCost } from './tokens'
import type { CostArgs, CostComponent, CostResult, TokenCosts } from './types'
import {
  characterCost,
  count,
  imageCost,
  normalizeSize,
  positivePrice,
  rerankCost,
  searchCost,
  secondCost,
  unpriced,
  webSearchCost,
} from './units'
import { readUsage, type Tokens } from './usage'

type Entry = Readonly<Record<string, unknown>>

/**
 * @internal `costPerToken`: prompt and completion USD of one call.
 * @example
 * ```ts
 * sidesCost(map, { model: 'gpt-4o', usage, serviceTier: 'flex' }).promptCost
 * ```
 */
export function sidesCost(map: MapLike, args: CostArgs): TokenCosts {
  const job = run(map, args)
  return { promptCost: job.prompt, completionCost: job.completion }
}

/**
 * @internal `completionCost`: the whole bill of one call.
 * @example
 * ```ts
 * callCost(map, { model: 'gpt-4o', usage, margin: 0.1 }).totalCost
 * ```
 */
export function callCost(map: MapLike, args: CostArgs): CostResult {
  const job = run(map, args)
  const parts = job.parts
  let total = job.prompt + job.completion
  const requests = args.webSearch?.requests ?? job.tokens.webSearchRequests
  if (requests > 0) {
    const size = args.webSearch?.contextSize ?? 'medium'
    total += webSearchCost(job.entry, job.hit.provider, count(requests, 'webSearch.requests'), size, parts)
  }
  const reported = reportedTotal(total, job.tokens.reported, args.preferReportedCost, parts)
  if (reported !== undefined) total = reported
  if (args.discount !== undefined || args.margin !== undefined)
    total = applyAdjustments(total, job.hit.provider, args, parts)
  if (!(total >= 0 && total !== Number.POSITIVE_INFINITY)) throw notFinite(total)
  return {
    totalCost: total,
    promptCost: job.prompt,
    completionCost: job.completion,
    key: job.hit.key,
    provider: job.hit.provider,
    breakdown: parts,
    sha256: job.sha256,
    reportedCost: job.tokens.reported,
    costSource: reported === undefined ? 'map' : 'reported',
  }
}

function notFinite(total: number): CostMapError {
  return new CostMapError('INVALID_USAGE', `[costmap] the usage gives no finite cost (${total})`)
}

/** One pricing job: the resolved entry, the tokens, and the two sides as they are filled in. */
interface Job extends Sides {
  hit: Resolved
  entry: Entry
  tokens: Tokens
  parts: CostComponent[]
  sha256: string | null
}

// The map priced last and its context, so the common case (one map, or one store's snapshot, priced over
// and over) skips contextOf's WeakMap lookup. It keeps that one map alive until another is priced; a new
// snapshot is a new object, so a swap is never served the old context.
// `lastMap` starts as an object no caller has, so `lastContext` is set whenever it is used.
let lastMap: unknown = {}
let lastContext: ReturnType<typeof contextOf> | undefined

function run(map: MapLike, args: CostArgs): Job {
  if (typeof args !== 'object' || args === null)
    throw new CostMapError('INVALID_ARGUMENT', '[costmap] args must be an object')
  let ctx = lastContext as ReturnType<typeof contextOf>
  if (map !== lastMap) {
    ctx = contextOf(map)
    lastMap = map
    lastContext = ctx
  }
  const tokens = readUsage(args.usage, args.usageFormat)
  // Only a transcription reports its usage as a duration.
  const callType = args.callType ?? (tokens.seconds > 0 ? 'transcription' : 'completion')
  let hit = resolveIn(ctx.index, args.model, args.provider, args.region)
  if (callType === 'image_generation' && tokens.prompt + tokens.completion === 0) hit = imageEntry(ctx.index, args, hit)
  if (hit === null) return unknownModel(ctx, args, callType, tokens)
  return priceHit(ctx, hit, args, callType, tokens)
}

type Context = ReturnType<typeof contextOf>

/**
 * A name the map does not know: an Azure model-router name (the model it routed to, then the router's
 * fee once), else the caller's prices alone. Off the hot path, so `run` stays small.
 */
function unknownModel(ctx: Context, args: CostArgs, callType: string, tokens: Tokens): Job {
  const custom = args.customPricing
  // The fee entry itself (`azure_ai/model_router`) resolves above and prices as its entry: the fee once.
  const router = routerCall(args.model, args.provider)
  let hit = router?.served === undefined ? null : resolveIn(ctx.index, router.served, router.provider, args.region)
  if (hit === null) {
    if (custom === undefined || custom === null) {
      throw notMapped(args.model, args.provider, router === undefined ? '' : ROUTER_HINT, ctx.index)
    }
    hit = customOnly(args, custom)
  }
  const job = priceHit(ctx, hit, args, callType, tokens)
  if (router !== undefined) job.prompt += routerFee(ctx.index, tokens, job.parts)
  return job
}

function priceHit(ctx: Context, hit: Resolved, args: CostArgs, callType: string, tokens: Tokens): Job {
  const custom = args.customPricing
  let entry = hit.entry
  let plan = hit.plan as Plan | undefined
  if (custom === undefined || custom === null) {
    if (plan === undefined) {
      plan = planFor(entry)
      hit.plan = plan
    }
  } else {
    entry = overlay(entry, custom)
    plan = planFor(entry)
  }
  // No price at all (rules only, or an entry with capabilities but no `*_cost_*` field): an error, never
  // a silent $0. An explicit 0 is a price (free models).
  if (!plan.priced) {
    throw notMapped(
      args.model,
      args.provider,
      hit.rule !== undefined
        ? ` Only fallback rule(s) ${hit.rule.slice(5)} matched, and rules carry no prices.`
        : ` Its entry ${hit.key} has no price (no *_cost_* field); pass customPricing to price it.`,
    )
  }
  const job: Job = { prompt: 0, completion: 0, hit, entry, tokens, parts: [], sha256: ctx.sha256 }
  if (callType === 'completion' && plan.direct) {
    tokenCost(
      plan,
      tokens,
      serviceIndex(args.serviceTier ?? tokens.serviceTier),
      multiplier(entry, tokens),
      job.parts,
      job,
    )
  } else {
    const sides = dispatch(callType, plan, tokens, args, job)
    job.prompt = sides.prompt
    job.completion = sides.completion
  }
  return job
}

function charactersGiven(args: CostArgs): boolean {
  return args.promptCharacters != null || args.completionCharacters != null
}

function multiplier(entry: Entry, t: Tokens): number {
  return t.inferenceGeo === undefined && t.speed === undefined ? 1 : providerMultiplier(entry, t.inferenceGeo, t.speed)
}

function dispatch(callType: string, plan: Plan, t: Tokens, args: CostArgs, job: Job): Sides {
  const entry = plan.entry
  const parts = job.parts
  const key = job.hit.key
  const hasTokens = t.prompt + t.completion > 0
  switch (callType) {
    case 'completion':
    case 'embedding':
      break
    case 'batch':
      if (plan.tokenTiers) return tieredBatch(entry, t, args, parts)
      if (plan.tokenless && hasTokens && positivePrice(entry)) throw noTokenPrice(key)
      return batchCost(plan, t, parts)
    case 'speech':
      if (price(entry, 'input_cost_per_character') !== undefined && (!hasTokens || plan.characterOnly)) {
        // tts-1, Polly, ElevenLabs, chirp: tokens have no price there, so they are no stand-in for characters.
        if (hasTokens && !charactersGiven(args) && positivePrice(entry)) {
          throw unpriced(key, 'is priced per character only (input_cost_per_character)', 'promptCharacters')
        }
        const chars =
          args.promptCharacters === undefined ? t.characters : count(args.promptCharacters, 'promptCharacters')
        return characterCost(entry, chars, count(args.completionCharacters, 'completionCharacters'), parts)
      }
      // gpt-4o-mini-tts, Gemini TTS: priced per token (or second), a character count alone has no price.
      if (!hasTokens && charactersGiven(args) && args.durationSeconds === undefined && positivePrice(entry)) {
        throw unpriced(key, 'has no per-character price', 'its token usage')
      }
      break
    case 'transcription':
      if (!hasTokens) return secondCost(entry, seconds(args, t, entry, key), true, parts)
      break
    case 'rerank':
      return rerankCost(entry, key, args.billedUnits, parts)
    case 'search':
      return searchCost(entry, args.queries === undefined ? 1 : count(args.queries, 'queries'), maxResults(args), parts)
    case 'image_generation':
      // Token usage prices an image only on a token-priced entry (gpt-image-1); DALL-E, Imagen, Titan and
      // per-pixel models bill the image even when the response carries token counts.
      if (!hasTokens || plan.tokenless)
        return imageCost(entry, key, imageN(args), args.image?.size ?? '1024-x-1024', parts)
      break
    default:
      throw new CostMapError('INVALID_ARGUMENT', `[costmap] unknown callType ${JSON.stringify(callType)}`)
  }
  if (plan.tokenTiers) return tieredTokenCost(entry, t, args.tieredPricing ?? 'request', parts)
  // LiteLLM: a model with no token price is priced by time (video, provisioned or self-hosted models).
  if (plan.timePriced || !hasTokens) {
    const ms = args.responseTimeMs === undefined ? undefined : count(args.responseTimeMs, 'responseTimeMs') / 1000
    const secs = args.durationSeconds === undefined ? ms : count(args.durationSeconds, 'durationSeconds')
    if (secs !== undefined) return secondCost(entry, secs, false, parts)
    // Only time prices (Bedrock provisioned throughput, LiteLLM §10.11): tokens alone would cost a silent $0.
    if (plan.timePriced && hasTokens) {
      throw new CostMapError(
        'INVALID_ARGUMENT',
        '[costmap] this model is priced per second only (e.g. provisioned throughput): pass durationSeconds or responseTimeMs',
      )
    }
  }
  const service = serviceIndex(args.serviceTier ?? t.serviceTier)
  // Characters change the price only when given, or when a side has no token price (then it is an error).
  if (
    plan.characters &&
    (callType === 'completion' || callType === 'embedding') &&
    (plan.characterOnly || charactersGiven(args))
  ) {
    return characterRoute(plan, t, args, callType, job.hit.key, job.hit.provider, service, multiplier(entry, t), parts)
  }
  // No token price at all (a container's per-session price, OCR per page, an image model): tokens alone
  // would cost a silent $0.
  if (plan.tokenless && hasTokens && positivePrice(entry)) throw noTokenPrice(key)
  const sides: Sides = { prompt: 0, completion: 0 }
  tokenCost(plan, t, service, multiplier(entry, t), parts, sides)
  return sides
}

/**
 * A batch on `tiered_pricing` token ranges (Dashscope), which have no `*_batches` key: half the tier's
 * price, the rule `batchCost` applies to every entry without a batch price (and Alibaba's batch discount);
 * the per-token keys it reads do not exist there, so it would bill $0.
 */
function tieredBatch(entry: Entry, t: Tokens, args: CostArgs, parts: CostComponent[]): Sides {
  const full: CostComponent[] = []
  const sides = tieredTokenCost(entry, t, args.tieredPricing ?? 'request', full)
  for (const p of full) parts.push({ ...p, component: `${p.component}_batch`, rate: p.rate / 2, cost: p.cost / 2 })
  return { prompt: sides.prompt / 2, completion: sides.completion / 2 }
}

function noTokenPrice(key: string): CostMapError {
  return unpriced(key, 'has no per-token price', 'the units it is priced by (see its *_cost_* fields) or customPricing')
}

function seconds(args: CostArgs, t: Tokens, entry: Entry, key: string): number {
  if (args.durationSeconds === undefined && t.seconds > 0) {
    // OpenAI's `type: 'duration'` usage on a model priced per token only would cost a silent $0.
    if (price(entry, 'input_cost_per_second') === undefined && price(entry, 'output_cost_per_second') === undefined) {
      throw new CostMapError(
        'INVALID_USAGE',
        '[costmap] the usage gives a duration but this model has no per-second price: pass its token usage',
      )
    }
    return t.seconds
  }
  if (args.durationSeconds === undefined) {
    throw new CostMapError('INVALID_ARGUMENT', '[costmap] a transcription without token usage needs durationSeconds')
  }
  const secs = count(args.durationSeconds, 'durationSeconds')
  // gpt-4o-transcribe is priced per token only: its duration has no price.
  if (
    secs > 0 &&
    price(entry, 'input_cost_per_second') === undefined &&
    price(entry, 'output_cost_per_second') === undefined &&
    positivePrice(entry)
  ) {
    throw unpriced(key, 'has no per-second price', 'its token usage')
  }
  return secs
}

function maxResults(args: CostArgs): number {
  return args.maxResults === undefined ? 10 : count(args.maxResults, 'maxResults')
}

function imageN(args: CostArgs): number {
  return args.image?.n === undefined ? 1 : count(args.image.n, 'image.n')
}

/** LiteLLM's image key order: `<quality>/<size>/<model>`, `<size>/<model>`, then the model itself. */
function imageEntry(index: MapIndex, args: CostArgs, base: Resolved | null): Resolved | null {
  const provider = args.provider ?? (base?.provider || undefined)
  const model = args.model.trim()
  const split =
    provider !== undefined && model.toLowerCase().startsWith(`${provider}/`) ? model.slice(provider.length + 1) : model
  const size = normalizeSize(args.image?.size ?? '1024-x-1024')
  const quality = args.image?.quality?.trim().toLowerCase()
  const names = quality ? [`${quality}/${size}/${split}`, `${size}/${split}`] : [`${size}/${split}`]
  for (const name of names) {
    const hit = resolveIn(index, name, provider)
    if (hit !== null && hit.rule === undefined) return hit
  }
  return base
}

function customOnly(args: CostArgs, custom: NonNullable<CostArgs['customPricing']>): Resolved {
  const provider = args.provider ?? (typeof custom.litellm_provider === 'string' ? custom.litellm_provider : 'custom')
  const entry = Object.freeze({ litellm_provider: provider })
  const key = args.model.trim()
  return { info: buildModelInfo(entry, key, provider, 'custom_pricing'), entry, key, provider, rule: undefined }
}

const overlays = new WeakMap<object, { base: Entry; merged: Entry }>()

/** Caller prices win over the map's, an explicit 0 included (LiteLLM #25204). Cached per pricing object. */
function overlay(entry: Entry, custom: NonNullable<CostArgs['customPricing']>): Entry {
  const cached = overlays.get(custom)
  if (cached !== undefined && cached.base === entry) return cached.merged
  const merged = Object.freeze({ ...entry, ...custom })
  overlays.set(custom, { base: entry, merged })
  return merged
}
