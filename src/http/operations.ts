/**
 * The operations routes: the sync log, health (no key), the cost map's own model list, one model by id on
 * `/v1/models/{id}`, and OpenAI's error shape for `/v1/*`.
 * @module
 */
import { scrubUrls } from '../_internal'
import type { ModelCostMap } from '../store'
import { listModels } from './deployment-info'
import type { DeploymentRegistry } from './deployments'
import { HttpError, json } from './respond'

/**
 * @internal `GET /model/cost_map/syncs`: this instance's sync log, or with `?scope=fleet` the fleet's
 * (every instance's attempts, from the coordinator; 503 when it cannot be read).
 * @example
 * ```ts
 * await syncs(costs, new URL('http://x/model/cost_map/syncs?scope=fleet'))
 * ```
 */
export async function syncs(costs: ModelCostMap, url: URL): Promise<unknown> {
  const scope = url.searchParams.get('scope') ?? 'instance'
  if (scope === 'instance') return costs.syncs()
  if (scope !== 'fleet') throw new HttpError(400, "scope must be 'instance' or 'fleet'")
  try {
    const fleet = await costs.fleetSyncs()
    // Redis is written by every instance (and whoever else can): its text is scrubbed again on the way out.
    return { ...fleet, data: fleet.data.map((r) => ({ ...r, error: scrubUrls(r.error) })) }
  } catch (error) {
    throw new HttpError(503, error instanceof Error ? error.message : String(error))
  }
}

/**
 * @internal `GET /health/readiness` (no key): the store's readiness without anything a URL could carry
 * (credentials, a token in the query), since anyone may read it.
 * @example
 * ```ts
 * readiness(costs).status // 'healthy'
 * ```
 */
export function readiness(costs: ModelCostMap): Record<string, unknown> {
  const r = costs.readiness()
  return {
    status: r.status,
    reasons: r.reasons.map(scrubUrls),
    map: { ...r.map, fallback_reason: scrubUrls(r.map.fallback_reason) },
    last_success: r.last_success,
    last_failure: r.last_failure,
  }
}

const WILDCARD = [{ model_name: '*', litellm_params: { model: '*' } }]

/**
 * @internal `GET /model/cost_map/models`: every model of the cost map in OpenAI's list shape (what
 * `/v1/models` listed before it meant the configured deployments only).
 * @example
 * ```ts
 * costMapModels(costs).data.length // 2668
 * ```
 */
export function costMapModels(costs: ModelCostMap): { object: 'list'; data: unknown[] } {
  return { object: 'list', data: listModels(costs.snapshot.map, WILDCARD) }
}

/**
 * @internal `GET /v1/models/{id}`: one model of `/v1/models`, or OpenAI's 404.
 * @example
 * ```ts
 * modelById(costs, registry, 'gpt-4') // { id: 'gpt-4', object: 'model', created, owned_by }
 * ```
 */
export function modelById(costs: ModelCostMap, registry: DeploymentRegistry, id: string): unknown {
  const found = listModels(costs.snapshot.map, registry.list()).find((m) => m.id === id)
  if (!found) throw new HttpError(404, `The model '${id.slice(0, 200)}' does not exist`)
  return found
}

const OPENAI_TYPES: Record<number, [type: string, code: string]> = {
  401: ['authentication_error', 'invalid_api_key'],
  403: ['permission_error', 'forbidden'],
  404: ['invalid_request_error', 'model_not_found'],
  429: ['rate_limit_error', 'rate_limit_exceeded'],
}

/** @internal OpenAI's `{ error }` alone, or with FastAPI's `detail` kept beside it (`both`). */
export type OpenAiShape = 'error' | 'both'

/**
 * @internal An error answer of a `/v1/*` route in OpenAI's shape, `{ error: { message, type, param, code } }`,
 * so OpenAI's clients show the message (they read `error.message`, not FastAPI's `detail`). With `both`,
 * `detail` stays too, for clients of LiteLLM's `/v1/model/info`, which read it.
 * @example
 * ```ts
 * await openAiError(json(401, { detail: 'Invalid API key' }), 'error') // { error: { message: 'Invalid API key', type: 'authentication_error', … } }
 * ```
 */
export async function openAiError(response: Response, shape: OpenAiShape): Promise<Response> {
  const body = (await response.json().catch(() => ({}))) as { detail?: unknown }
  const detail = body.detail
  const [type, code] =
    OPENAI_TYPES[response.status] ??
    (response.status >= 500 ? ['api_error', 'internal_error'] : ['invalid_request_error', String(response.status)])
  const headers: Record<string, string> = {}
  for (const name of ['www-authenticate', 'retry-after', 'allow']) {
    const value = response.headers.get(name)
    if (value !== null) headers[name] = value
  }
  const error = { message: messageOf(detail), type, param: null, code }
  // 'both' keeps the whole body (`detail`, and the price route's `suggestions`).
  return json(response.status, shape === 'both' ? { ...body, detail: detail ?? 'Error', error } : { error }, headers)
}

/** LiteLLM's `detail` is a string, `{ error: string }` or FastAPI's list of validation errors (one line). */
function messageOf(detail: unknown): string {
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) return detail.map(problem).join('; ')
  const inner = (detail as { error?: unknown } | null | undefined)?.error
  if (typeof inner === 'string') return inner
  return JSON.stringify(detail ?? 'Error')
}

function problem(item: unknown): string {
  const { loc, msg } = (item ?? {}) as { loc?: unknown[]; msg?: unknown }
  const where = Array.isArray(loc) ? loc.slice(1).join('.') : ''
  return where ? `${where}: ${String(msg)}` : String(msg)
}
