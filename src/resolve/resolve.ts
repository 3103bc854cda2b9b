/**
 * Model resolution: from the name a caller has to the map entry LiteLLM would use.
 * @module
 */
import { CostMapError } from '../errors'
import type { CompiledRule } from '../map'
import { MAX_RULE_NAME } from '../map'
import { contextOf, type MapIndex, type MapLike, namesOf, type Resolved } from './lookup'
import { buildModelInfo, type ModelInfo } from './model-info'
import { azureAlias, bedrockBaseModel, candidateNames, providerMatches, vertexPartnerName } from './names'
import { suggestModels } from './suggest'
import { bucketPriced, TOGETHER_SIZE_RULE, togetherFallback } from './together'

/**
 * The model info LiteLLM's `get_model_info` returns for `model` (and optional `provider`), with every
 * field of the entry. Whitespace around the names is ignored.
 *
 * @param map - a loaded map, a store snapshot, or a hand-made `{ key: entry }` object
 * @throws {CostMapError} `MODEL_NOT_MAPPED` with LiteLLM's message; `INVALID_ARGUMENT` for a non-string model
 * @example
 * ```ts
 * getModelInfo(map, 'bedrock/us.anthropic.claude-sonnet-4-5-20250929-v1:0').key
 * // 'us.anthropic.claude-sonnet-4-5-20250929-v1:0'
 * getModelInfo(map, 'gpt-4o', 'azure').key // 'azure/gpt-4o'
 * ```
 */
export function getModelInfo(map: MapLike, model: string, provider?: string): ModelInfo {
  const index = contextOf(map).index
  const hit = resolveIn(index, model, provider)
  if (hit === null) throw notMapped(model, provider, '', index)
  return hit.info
}

/**
 * Like {@link getModelInfo}, but `undefined` when the model is not mapped.
 *
 * @example
 * ```ts
 * findModelInfo(map, 'my-private-model') // undefined
 * ```
 */
export function findModelInfo(map: MapLike, model: string, provider?: string): ModelInfo | undefined {
  return resolveModel(map, model, provider)?.info
}

/**
 * @internal LiteLLM's "not mapped" error, word for word, with the closest keys of `index` as `suggestions`
 * (computed here, on the error path only).
 * @example
 * ```ts
 * throw notMapped('my-model', 'openai', '', contextOf(map).index)
 * ```
 */
export function notMapped(model: unknown, provider: string | undefined, detail = '', index?: MapIndex): CostMapError {
  return new CostMapError(
    'MODEL_NOT_MAPPED',
    `This model isn't mapped yet. model=${String(model)}, custom_llm_provider=${provider ?? 'None'}. Add it here - https://github.com/BerriAI/litellm/blob/main/model_prices_and_context_window.json.${detail}`,
    index === undefined ? undefined : { suggestions: suggestModels(index, model, provider) },
  )
}

/**
 * @internal Memoized resolution. `region` (Bedrock and other region-keyed entries) tries
 * `<provider>/<region>/<model>` first, as LiteLLM's `cost_per_token` does.
 * @example
 * ```ts
 * resolveModel(map, 'anthropic.claude-instant-v1', 'bedrock', 'ap-northeast-1')?.key
 * // 'bedrock/ap-northeast-1/anthropic.claude-instant-v1'
 * ```
 */
export function resolveModel(map: MapLike, model: string, provider?: string, region?: string): Resolved | null {
  return resolveIn(contextOf(map).index, model, provider, region)
}

/**
 * @internal {@link resolveModel} on an index already looked up (the pricing hot path).
 * @example
 * ```ts
 * resolveIn(contextOf(map).index, 'gpt-4o')
 * ```
 */
export function resolveIn(index: MapIndex, model: string, provider?: string, region?: string): Resolved | null {
  if (typeof model !== 'string')
    throw new CostMapError('INVALID_ARGUMENT', `[costmap] model must be a string, got ${typeof model}`)
  if (provider !== undefined && provider !== null && typeof provider !== 'string') {
    throw new CostMapError('INVALID_ARGUMENT', `[costmap] provider must be a string, got ${typeof provider}`)
  }
  const slot = region ? `${provider ?? ''}\u0000${region}` : (provider ?? '')
  let hit = index.memo.get(slot, model)
  if (hit === undefined) {
    hit = resolveUncached(index, model, provider ?? undefined, region)
    index.memo.set(slot, model, hit)
  }
  return hit
}

function resolveUncached(index: MapIndex, rawModel: string, rawProvider?: string, region?: string): Resolved | null {
  // LiteLLM's Azure table first: Azure responses name `gpt-35-turbo`, the map keys `azure/gpt-35-turbo`.
  const trimmed = rawModel.trim()
  let model = azureAlias(trimmed)
  if (model === '') return null
  let requested = rawProvider?.trim().toLowerCase() || undefined
  if (requested === 'vertex_ai_beta') requested = 'vertex_ai'
  let inferred = requested
  if (inferred === undefined) {
    const slash = model.indexOf('/')
    const prefix = slash > 0 ? model.slice(0, slash).toLowerCase() : ''
    if (slash > 0 && namesOf(index).providers.has(prefix)) inferred = prefix
  }
  if (inferred === 'vertex_ai') model = vertexPartnerName(model, (key) => index.entries[key]?.litellm_provider)
  const renamed = model === trimmed ? undefined : model === azureAlias(trimmed) ? 'azure_alias' : 'vertex_partner'
  if (region && inferred !== undefined) {
    const base = model.toLowerCase().startsWith(`${inferred}/`) ? model.slice(inferred.length + 1) : model
    for (const name of [`${inferred}/${region}/${base}`, `${inferred}/${region}/${bedrockBaseModel(base)}`]) {
      const key = lookup(index, name)
      if (key !== undefined) return result(index, model, key, requested ?? inferred, 'region')
    }
  }
  const direct = findCandidate(index, model, requested, inferred)
  if (direct !== null) return renamed === undefined ? direct : { ...direct, info: relabel(direct, renamed) }
  // A together_ai model the map does not know is priced by its size (LiteLLM's buckets), before the
  // generalization rules, which carry no prices.
  if ((requested ?? inferred) === 'together_ai') {
    const bucket = togetherFallback(index, model)
    if (bucket !== null) return bucket
  }
  // A name longer than any real model is never matched against rules: their cost grows with its length.
  if ((index.routing.length === 0 && index.capability.length === 0) || model.length > MAX_RULE_NAME) return null
  // Fallback rules: only after exact and case-insensitive lookups missed (upstream fallback_generalizations).
  const routingRule = (requested ?? inferred) === undefined ? firstMatch(index.routing, model) : undefined
  const routedProvider = routingRule?.model_info.litellm_provider
  const routed = requested ?? inferred ?? (typeof routedProvider === 'string' ? routedProvider : undefined)
  if (routingRule !== undefined && routed !== undefined) {
    const viaRoute = findCandidate(index, model, routed, routed)
    if (viaRoute !== null) return { ...viaRoute, info: relabel(viaRoute, `rule:${routingRule.name}`) }
  }
  const matched = index.capability.filter((rule) => rule.regex.test(model))
  if (matched.length === 0) return null
  const union: Record<string, unknown> = {}
  for (const rule of matched) Object.assign(union, rule.model_info)
  const provider =
    routed !== undefined ? routed : typeof union.litellm_provider === 'string' ? union.litellm_provider : undefined
  union.litellm_provider = provider ?? null
  const ruleName = `rule:${matched.map((r) => r.name).join('+')}`
  const entry = Object.freeze(union)
  return {
    info: buildModelInfo(entry, model, provider, ruleName),
    entry,
    key: model,
    provider: provider ?? '',
    rule: ruleName,
  }
}

function findCandidate(
  index: MapIndex,
  model: string,
  requested: string | undefined,
  inferred: string | undefined,
): Resolved | null {
  const { names, labels } = candidateNames(model, inferred)
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string
    const key = lookup(index, name)
    if (key === undefined) continue
    const entry = index.entries[key] as Readonly<Record<string, unknown>>
    // A key typed exactly as it is in the map always resolves to itself (LiteLLM missed 18 such keys).
    const exact = key === model
    if (!(exact && requested === undefined) && !providerMatches(entry.litellm_provider, requested ?? inferred)) continue
    let label: string | undefined
    if (!exact) {
      const candidate = labels[i] as string
      if (key.toLowerCase() !== name.toLowerCase()) label = 'alias'
      else if (key === name) label = candidate
      else label = candidate === 'exact' ? 'case_insensitive' : candidate
    }
    return result(index, model, key, requested ?? inferred, label)
  }
  return null
}

function lookup(index: MapIndex, name: string): string | undefined {
  if (index.entries[name] !== undefined) return name
  const names = namesOf(index)
  // A huge name (up to the body limit) would be lower-cased and hashed once per candidate: skip the work.
  if (name.length > names.longest) return undefined
  return index.aliases.get(name) ?? names.lower.get(name.toLowerCase())
}

function result(index: MapIndex, model: string, key: string, provider: string | undefined, label?: string): Resolved {
  let entry = index.entries[key] as Readonly<Record<string, unknown>>
  const entryProvider = typeof entry.litellm_provider === 'string' ? entry.litellm_provider : undefined
  if (index.fill.length > 0 && entryProvider !== undefined && model.length <= MAX_RULE_NAME)
    entry = fillMissing(index.fill, model, entryProvider, entry)
  if (entryProvider === 'together_ai') {
    const priced = bucketPriced(index, model, entry)
    if (priced !== undefined) {
      entry = priced
      label = TOGETHER_SIZE_RULE
    }
  }
  return {
    info: buildModelInfo(entry, key, provider, label),
    entry,
    key,
    provider: provider ?? entryProvider ?? '',
    rule: undefined,
  }
}

/** Rules flagged `fill_missing_for_providers` add keys an exact entry lacks; the entry's own values win. */
function fillMissing(
  rules: readonly CompiledRule[],
  model: string,
  provider: string,
  entry: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> {
  let merged: Record<string, unknown> | undefined
  for (const rule of rules) {
    if (!rule.fill_missing_for_providers?.includes(provider) || !rule.regex.test(model)) continue
    merged ??= { ...entry }
    for (const field in rule.model_info) {
      if (field !== 'litellm_provider' && merged[field] === undefined && entry[field] === undefined)
        merged[field] = rule.model_info[field]
    }
  }
  return merged === undefined ? entry : Object.freeze(merged)
}

function firstMatch(rules: readonly CompiledRule[], model: string): CompiledRule | undefined {
  return rules.find((rule) => rule.regex.test(model))
}

function relabel(hit: Resolved, label: string): ModelInfo {
  return buildModelInfo(hit.entry, hit.key, hit.provider, label)
}
