/**
 * The model routes: `/model/info`, `/v1/model/info`, `/v1/models`, `/model/new`, `/model/update`,
 * `/model/delete`, with LiteLLM's shapes and messages.
 * @module
 */
import { isCostMapError } from '../errors'
import type { Deployment, ModelCostMap } from '../store'
import { listModels, mergedModelInfo, type StoredDeployment } from './deployment-info'
import { type DeploymentRegistry, deploymentSchemas } from './deployments'
import { dropEnvReferences, redactParams } from './redact'
import { HttpError, validate } from './respond'

/**
 * @internal A deployment as the routes return it: secrets removed or masked, no `os.environ/…` reference.
 * With `map`, `model_info` is merged with the cost map (config wins).
 * @example
 * ```ts
 * publicDeployment(stored, costs.snapshot).model_info.max_tokens
 * ```
 */
export function publicDeployment(d: StoredDeployment, map?: ModelCostMap['snapshot']): Record<string, unknown> {
  const info = map ? mergedModelInfo(d, map) : d.model_info
  return {
    model_name: d.model_name,
    litellm_params: redactParams(d.litellm_params),
    model_info: dropEnvReferences(info),
  }
}

/**
 * @internal `GET /model/info` and `/v1/model/info`: every deployment, or the one `litellm_model_id` names.
 * @example
 * ```ts
 * modelInfo(costs, registry, url) // { data: [...] }
 * ```
 */
export function modelInfo(costs: ModelCostMap, registry: DeploymentRegistry, url: URL): unknown {
  const snapshot = costs.snapshot
  const id = url.searchParams.get('litellm_model_id')
  if (id !== null) {
    const d = registry.get(id)
    if (!d) throw new HttpError(400, { error: `Model id = ${id} not found on litellm proxy` })
    return { data: [publicDeployment(d, snapshot)] }
  }
  return { data: registry.list().map((d) => publicDeployment(d, snapshot)) }
}

/**
 * @internal `GET /v1/models`, OpenAI's list shape.
 * @example
 * ```ts
 * models(costs, registry).data.length
 * ```
 */
export function models(costs: ModelCostMap, registry: DeploymentRegistry): { object: 'list'; data: unknown[] } {
  return { object: 'list', data: listModels(costs.snapshot.map, registry.list()) }
}

/**
 * @internal `POST /model/new`: the stored deployment, with its id.
 * @example
 * ```ts
 * newModel(costs, registry, body).model_info.id
 * ```
 */
export function newModel(registry: DeploymentRegistry, body: unknown): Record<string, unknown> {
  const d = validate(deploymentSchemas().DeploymentSchema, body) as Deployment
  const id = d.model_info?.id
  if (id !== undefined && registry.get(String(id))) {
    throw new HttpError(400, { error: `Model with id=${id} already exists` })
  }
  return publicDeployment(guard(() => registry.add(d)))
}

/**
 * @internal `POST /model/update`: 400 for an unknown id.
 * @example
 * ```ts
 * updateModel(registry, { model_info: { id }, litellm_params: { rpm: 10 } })
 * ```
 */
export function updateModel(registry: DeploymentRegistry, body: unknown): Record<string, unknown> {
  const patch = validate(deploymentSchemas().UpdateSchema, body)
  const updated = guard(() => registry.update(patch))
  if (!updated) throw new HttpError(400, { error: `Model with id=${patch.model_info.id} not found` })
  return publicDeployment(updated)
}

/**
 * @internal `POST /model/delete`: LiteLLM's message; 400 for an unknown id.
 * @example
 * ```ts
 * deleteModel(registry, { id }) // { message: 'Model: … deleted successfully' }
 * ```
 */
export function deleteModel(registry: DeploymentRegistry, body: unknown): { message: string } {
  const id = String(validate(deploymentSchemas().DeleteSchema, body).id)
  if (!registry.remove(id)) throw new HttpError(400, { error: `Model with id=${id} not found` })
  return { message: `Model: ${id} deleted successfully` }
}

/** A price the schema rejects is the client's mistake: 422, not 500. */
function guard<T>(run: () => T): T {
  try {
    return run()
  } catch (error) {
    if (isCostMapError(error) && error.code === 'INVALID_ARGUMENT') throw new HttpError(422, error.message)
    throw error
  }
}
