/**
 * The two read routes the status page needs beyond the operations routes: the last change of the map
 * (what the last swap added, removed and repriced) and a model search with prices and context windows.
 * @module
 */
import { errorText } from '../errors'
import { type CostMapData, type CostMapDiff, diffCostMaps, type PriceChange } from '../map'
import type { ModelCostMap, ModelCostMapEvents } from '../store'
import { HttpError } from './respond'

/** Price changes kept for the page: a swap to a map from another era can move thousands of fields. */
const CHANGES_KEPT = 500

/**
 * The last change of the active map as `GET /model/cost_map/last_change` answers it (`data: null` before
 * the first change this handler saw, unless the store's history holds two maps: then the change between them).
 *
 * @example
 * ```ts
 * const { data } = await (await fetch(`${base}/model/cost_map/last_change`, { headers })).json()
 * data?.price_changes[0] // { model: 'gpt-4o', field: 'input_cost_per_token', old: 5e-6, new: 2.5e-6 }
 * ```
 */
export interface LastChange {
  timestamp: string
  previous_sha256: string
  sha256: string
  models_count: number
  new_models: string[]
  removed_models: string[]
  changed_models: string[]
  pricing_changes: number
  price_changes: PriceChange[]
  price_changes_truncated: boolean
}

/**
 * @internal Remembers the store's last `change` event for the route; `dispose` unsubscribes. Before this
 * handler saw a change (a restart), a store with a history answers what its last recorded change did: the
 * diff of its two latest maps, computed on the first request and kept for that pair.
 * @example
 * ```ts
 * const changes = trackLastChange(costs, console.warn)
 * changes.get() // { data: null } until the map changes (or the history's last change)
 * ```
 */
export function trackLastChange(
  costs: Pick<ModelCostMap, 'on' | 'history' | 'historyMap'>,
  warn: (message: string) => void,
): {
  get(): { data: LastChange | null }
  dispose(): void
} {
  let last: LastChange | null = null
  let fromHistory: { key: string; change: LastChange | null } | undefined
  const dispose = costs.on('change', (event: ModelCostMapEvents['change']) => {
    last = lastChange(event, event.timestamp, event.previous_sha256, event.sha256, event.models_count)
  })
  const historyChange = (): LastChange | null => {
    const entries = costs.history()
    const before = entries.at(-2)
    const after = entries.at(-1)
    if (!before || !after) return null
    const key = `${before.sha256}|${after.sha256}|${after.active_from}`
    if (fromHistory?.key !== key) {
      let change: LastChange | null = null
      try {
        const diff = diffCostMaps(
          costs.historyMap(before.sha256) as CostMapData,
          costs.historyMap(after.sha256) as CostMapData,
        )
        change = lastChange(diff, after.active_from, before.sha256, after.sha256, after.model_count)
      } catch (error) {
        // A missing or damaged history file: the page shows no last change rather than failing; said once per pair.
        warn(`the last change cannot be read from the map history: ${errorText(error)}`)
      }
      fromHistory = { key, change }
    }
    return fromHistory.change
  }
  return { get: () => ({ data: last ?? historyChange() }), dispose }
}

function lastChange(
  diff: CostMapDiff,
  timestamp: string,
  previous_sha256: string,
  sha256: string,
  models_count: number,
): LastChange {
  return {
    timestamp,
    previous_sha256,
    sha256,
    models_count,
    new_models: diff.new_models,
    removed_models: diff.removed_models,
    changed_models: diff.changed_models,
    pricing_changes: diff.pricing_changes,
    price_changes: diff.price_changes.slice(0, CHANGES_KEPT),
    price_changes_truncated: diff.price_changes.length > CHANGES_KEPT,
  }
}

/** One row of the model search: the fields the page shows, prices in USD per token as the map has them. */
interface ModelRow {
  model: string
  provider: string | null
  mode: string | null
  input_cost_per_token: number | null
  output_cost_per_token: number | null
  cache_read_input_token_cost: number | null
  max_input_tokens: number | null
  max_output_tokens: number | null
}

const MAX_QUERY = 200
const MAX_LIMIT = 200

/**
 * @internal `GET /model/cost_map/search?q=&limit=`: models of the active map whose name or provider contains
 * every word of `q` (case-insensitive), exact and prefix matches first; `total` counts every match.
 * @example
 * ```ts
 * searchModels(costs, new URL('http://x/model/cost_map/search?q=gpt-4o')).data[0].model // 'gpt-4o'
 * ```
 */
export function searchModels(costs: ModelCostMap, url: URL): { data: ModelRow[]; total: number } {
  const q = (url.searchParams.get('q') ?? '').trim().toLowerCase()
  if (q.length > MAX_QUERY) throw new HttpError(400, `q is limited to ${MAX_QUERY} characters`)
  const rawLimit = url.searchParams.get('limit') ?? '50'
  const limit = Number(rawLimit)
  if (!/^\d+$/.test(rawLimit) || limit < 1 || limit > MAX_LIMIT)
    throw new HttpError(400, `limit must be a whole number from 1 to ${MAX_LIMIT}`)
  const words = q.split(/\s+/).filter(Boolean)
  const scored: Array<[rank: number, key: string]> = []
  const map = costs.snapshot.map
  for (const key of Object.keys(map)) {
    const entry = map[key] as Record<string, unknown> | undefined
    const name = key.toLowerCase()
    const haystack = `${name} ${String(entry?.litellm_provider ?? '').toLowerCase()}`
    if (!words.every((w) => haystack.includes(w))) continue
    scored.push([name === q ? 0 : name.startsWith(q) ? 1 : 2, key])
  }
  scored.sort((a, b) => a[0] - b[0] || a[1].length - b[1].length || (a[1] < b[1] ? -1 : 1))
  const data = scored.slice(0, limit).map(([, key]) => row(key, map[key] as Record<string, unknown>))
  return { data, total: scored.length }
}

function row(model: string, entry: Record<string, unknown>): ModelRow {
  const num = (field: string) => (typeof entry[field] === 'number' ? (entry[field] as number) : null)
  const str = (field: string) => (typeof entry[field] === 'string' ? (entry[field] as string) : null)
  return {
    model,
    provider: str('litellm_provider'),
    mode: str('mode'),
    input_cost_per_token: num('input_cost_per_token'),
    output_cost_per_token: num('output_cost_per_token'),
    cache_read_input_token_cost: num('cache_read_input_token_cost'),
    max_input_tokens: num('max_input_tokens') ?? num('max_tokens'),
    max_output_tokens: num('max_output_tokens'),
  }
}
