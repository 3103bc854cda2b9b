/**
 * How a deployment meets the cost map: LiteLLM's `/model/info` merge rule, the prices registered for it
 * (keyed by deployment id, as LiteLLM's Router does) and the `/v1/models` list.
 * @module
 */
import type { CostMapData } from '../map'
import { PRICE_KEY } from '../map'
import type { MapLike, ModelInfo } from '../resolve'
import { findModelInfo } from '../resolve'
import type { Deployment } from '../store'

/** @internal A deployment as the registry keeps it: `model_info.id` and `db_model` always set. */
export interface StoredDeployment {
  model_name: string
  litellm_params: { model: string; [param: string]: unknown }
  model_info: { id: string; db_model: boolean; [field: string]: unknown }
}

/** Per-deployment fields that must not leak onto the shared model entry. */
const DEPLOYMENT_ONLY = new Set([
  'id',
  'db_model',
  'base_model',
  'team_id',
  'team_public_model_name',
  'access_groups',
  'original_model_id',
  'created_at',
  'created_by',
  'updated_at',
  'updated_by',
  // The time from which the deployment's prices apply to past times (`costs.at`), not a model field.
  'from',
])

/**
 * @internal A custom-pricing field (LiteLLM's `CustomPricingLiteLLMParams`): any `*cost*` key and `tiered_pricing`.
 * @example
 * ```ts
 * isPriceField('input_cost_per_token') // true
 * ```
 */
export function isPriceField(key: string): boolean {
  return PRICE_KEY.test(key) || key === 'tiered_pricing'
}

/**
 * @internal The custom prices of a deployment: its `litellm_params` price fields (the Router copies them
 * into `model_info`, where they win), over the price fields already in `model_info`.
 * @example
 * ```ts
 * customPrices({ model_name: 'x', litellm_params: { model: 'x', input_cost_per_token: 0 } }) // { input_cost_per_token: 0 }
 * ```
 */
export function customPrices(d: Deployment): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const source of [d.model_info ?? {}, d.litellm_params]) {
    for (const [key, value] of Object.entries(source)) if (isPriceField(key) && value != null) out[key] = value
  }
  return out
}

/**
 * @internal LiteLLM's cost-map lookup for a deployment: azure deployments (and any with `base_model`) by
 * `model_info.base_model`; then `litellm_params.model`; then the part after the last `/` with the first
 * segment as provider.
 * @example
 * ```ts
 * costMapInfo(costs.snapshot, deployment)?.key // 'azure/gpt-35-turbo'
 * ```
 */
export function costMapInfo(map: MapLike, d: Deployment): ModelInfo | undefined {
  const model = d.litellm_params.model
  const base = d.model_info?.base_model
  const find = (name: unknown, provider?: string) =>
    typeof name === 'string' && name !== '' ? findModelInfo(map, name, provider) : undefined
  let info = model.includes('azure') || base ? find(base) : find(model)
  info ??= find(model)
  const slash = model.lastIndexOf('/')
  if (info === undefined && slash > 0) info = find(model.slice(slash + 1), model.slice(0, model.indexOf('/')))
  return info
}

/**
 * @internal The provider of a deployment: `custom_llm_provider`, the model's prefix, or the cost map's.
 * @example
 * ```ts
 * providerOf({ model_name: 'x', litellm_params: { model: 'azure/x' } }, undefined) // 'azure'
 * ```
 */
export function providerOf(d: Deployment, info: ModelInfo | undefined): string | undefined {
  const explicit = d.litellm_params.custom_llm_provider
  if (typeof explicit === 'string' && explicit) return explicit
  const model = d.litellm_params.model
  if (model.includes('/')) return model.slice(0, model.indexOf('/'))
  return info?.litellm_provider ?? undefined
}

/**
 * @internal `model_info` as `/model/info` returns it: config fields win, cost-map fields fill the gaps.
 * @example
 * ```ts
 * mergedModelInfo(stored, costs.snapshot).max_tokens
 * ```
 */
export function mergedModelInfo(d: StoredDeployment, map: MapLike): Record<string, unknown> {
  const out: Record<string, unknown> = { ...d.model_info }
  const info = costMapInfo(map, d)
  if (info) for (const [key, value] of Object.entries(info)) if (!(key in out) && key !== 'matched_by') out[key] = value
  return out
}

/**
 * @internal What to register for a deployment: its full pricing under its id (the base model's entry with
 * the custom prices over it, so a price the config leaves out comes from the map), and its shared
 * metadata, without prices, under the model, as LiteLLM's Router does.
 * @example
 * ```ts
 * costs.registerModel(registrationsFor(stored, costs.snapshot))
 * ```
 */
export function registrationsFor(d: StoredDeployment, map: MapLike): Record<string, Record<string, unknown>> {
  const info = costMapInfo(map, d)
  const prices = customPrices(d)
  const provider = providerOf(d, info) ?? (Object.keys(prices).length ? 'openai' : undefined)
  if (provider === undefined) return {}
  const byId: Record<string, unknown> = {}
  if (info) for (const [key, value] of Object.entries(info)) if (value !== null) byId[key] = value
  delete byId.key
  delete byId.matched_by
  const out: Record<string, Record<string, unknown>> = {
    [d.model_info.id]: { ...byId, litellm_provider: info?.litellm_provider ?? provider, ...prices },
  }
  const shared: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(d.model_info)) {
    if (!DEPLOYMENT_ONLY.has(key) && !isPriceField(key)) shared[key] = value
  }
  if (Object.keys(shared).length) {
    const custom = d.litellm_params.custom_llm_provider
    const key = typeof custom === 'string' && custom ? `${custom}/${d.litellm_params.model}` : d.litellm_params.model
    out[key] = { ...shared, ...(info ? {} : { litellm_provider: provider }) }
  }
  return out
}

/** LiteLLM's `/v1/models` answers this `created` for every model group. */
const CREATED = 1677610602

/**
 * @internal `/v1/models` data: each model group once; a wildcard group (`*`, `openai/*`) expands to the
 * cost-map models it matches, as LiteLLM's proxy does; no deployments list nothing (`/model/cost_map/models`
 * lists the cost map, as the group `*` would).
 * @example
 * ```ts
 * listModels(costs.snapshot.map, registry.list())[0] // { id: 'gpt-4', object: 'model', created: 1677610602, owned_by: 'openai' }
 * ```
 */
export function listModels(
  map: CostMapData,
  deployments: readonly Pick<Deployment, 'model_name' | 'litellm_params'>[],
): Array<Record<string, unknown>> {
  const seen = new Set<string>()
  const out: Array<Record<string, unknown>> = []
  const add = (id: string, ownedBy: string) => {
    if (seen.has(id)) return
    seen.add(id)
    out.push({ id, object: 'model', created: CREATED, owned_by: ownedBy })
  }
  for (const d of deployments) {
    if (!d.model_name.includes('*')) {
      add(d.model_name, providerOf(d, costMapInfo(map, d)) ?? 'openai')
      continue
    }
    const pattern = new RegExp(`^${d.model_name.split('*').map(escapeRegExp).join('.*')}$`)
    for (const key of Object.keys(map)) {
      const provider = String(map[key]?.litellm_provider ?? 'openai')
      const name = !d.model_name.includes('/') || key.startsWith(`${provider}/`) ? key : `${provider}/${key}`
      if (pattern.test(name)) add(name, provider)
    }
  }
  return out
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
}
