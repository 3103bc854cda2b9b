/**
 * The deployments registry behind `/model/*`: config entries (LiteLLM ids) and models added at run time
 * (UUIDs), with their custom prices registered in the store so `completionCost` uses them.
 * @module
 */
import type * as Z from 'zod'
import { CostMapError } from '../errors'
import { lazySchemas, type ModelEntry } from '../map'
import { type Deployment, type ModelCostMap, parseTime } from '../store'
import { deploymentId } from './deployment-id'
import { isPriceField, registrationsFor, type StoredDeployment } from './deployment-info'

/** Custom prices pass through the store's schema check in `registerModel`. */
type Registrations = Record<string, Partial<ModelEntry>>

/**
 * Resolves `os.environ/NAME` references of a deployment. costmap never reads the environment for them by
 * itself; the resolved values are only used to compute LiteLLM's ids and are never returned.
 *
 * @example
 * ```ts
 * const resolveEnv: ResolveEnv = (name) => process.env[name]
 * ```
 */
export type ResolveEnv = (name: string) => string | undefined

/** @internal The bodies of `/model/new` (FastAPI's `Deployment`), `/model/update` and `/model/delete`. */
export const deploymentSchemas = lazySchemas((z) => ({
  // Unknown fields are kept.
  DeploymentSchema: z.looseObject({
    model_name: z.string().min(1),
    litellm_params: z.looseObject({ model: z.string().min(1) }),
    model_info: z.looseObject({ id: z.union([z.string().min(1), z.number()]).optional() }).nullish(),
  }),
  // `updateDeployment`: everything optional but `model_info.id`.
  UpdateSchema: z.looseObject({
    model_name: z.string().min(1).nullish(),
    litellm_params: z.looseObject({ model: z.string().min(1).nullish() }).nullish(),
    model_info: z.looseObject({ id: z.union([z.string().min(1), z.number()]) }),
  }),
  DeleteSchema: z.looseObject({ id: z.union([z.string().min(1), z.number()]) }),
}))

/** @internal A `/model/update` body. */
export type DeploymentUpdate = Z.infer<ReturnType<typeof deploymentSchemas>['UpdateSchema']>

const ENV_REFERENCE = /^\s*os\.environ\/(.+)$/

/**
 * A deployment's `model_info.from` in epoch ms (ISO 8601 or epoch ms), or undefined without one.
 * @throws {CostMapError} `INVALID_ARGUMENT` naming the field
 */
function fromOf(d: { model_info?: Record<string, unknown> | null }): number | undefined {
  const from = d.model_info?.from
  if (from === undefined || from === null) return undefined
  try {
    if (typeof from !== 'string' && typeof from !== 'number')
      throw new Error('an ISO 8601 time or epoch ms is expected')
    return parseTime(from)
  } catch (error) {
    throw new CostMapError('INVALID_ARGUMENT', `model_info.from: ${(error as Error).message.replace('[costmap] ', '')}`)
  }
}

/** @internal The registry; one per handler. */
export class DeploymentRegistry {
  private readonly byId = new Map<string, StoredDeployment>()
  /** Ids a later upstream map added as models: their prices stay unregistered, so the map's apply to all. */
  private readonly taken = new Set<string>()
  /** The store subscriptions, released by {@link DeploymentRegistry.dispose}: a long-lived store outlives its handlers. */
  private readonly unsubscribe: Array<() => void> = []

  constructor(
    private readonly costs: ModelCostMap,
    modelList: readonly Deployment[],
    private readonly resolveEnv: ResolveEnv | undefined,
    private readonly warn: (message: string) => void = () => undefined,
  ) {
    const config: StoredDeployment[] = []
    for (const [index, raw] of modelList.entries()) {
      const parsed = deploymentSchemas().DeploymentSchema.safeParse(raw)
      if (!parsed.success) {
        const issue = parsed.error.issues[0]
        throw new CostMapError(
          'INVALID_ARGUMENT',
          `[costmap] modelList[${index}].${issue?.path.join('.')}: ${issue?.message}`,
        )
      }
      const d = parsed.data as Deployment
      const id = d.model_info?.id === undefined ? deploymentId(d.model_name, this.resolved(d)) : String(d.model_info.id)
      const shadowed = this.shadowed(id)
      if (shadowed)
        throw new CostMapError('INVALID_ARGUMENT', `[costmap] modelList[${index}].model_info.id: ${shadowed}`)
      try {
        fromOf(d)
      } catch (error) {
        throw new CostMapError('INVALID_ARGUMENT', `[costmap] modelList[${index}].${(error as Error).message}`)
      }
      config.push(this.prepare(d, id, false))
    }
    // One registration for the whole config: each call rebuilds the snapshot and its indexes.
    const entries = this.registrations(config)
    this.costs.registerModel(entries)
    for (const d of config) this.applyFrom(d, entries)
    for (const d of config) this.byId.set(d.model_info.id, d)
    // A new upstream map changes the base entries the per-deployment prices were laid over.
    this.unsubscribe.push(costs.on('change', () => this.registerAll()))
    // Deployments added through the routes of other instances of a fleet (see the store's coordinator).
    for (const [id, value] of Object.entries(costs.sharedDeployments())) this.applyShared(id, value)
    this.unsubscribe.push(costs.on('deployment', ({ id, deployment }) => this.applyShared(id, deployment)))
  }

  /** Stops following the store (new maps, the fleet's deployments); the prices it registered stay. */
  dispose(): void {
    for (const off of this.unsubscribe.splice(0)) off()
  }

  /** Every deployment, config entries first, in the order they were added. */
  list(): StoredDeployment[] {
    return [...this.byId.values()]
  }

  get(id: string): StoredDeployment | undefined {
    return this.byId.get(id)
  }

  /**
   * Adds a deployment (`/model/new`). Its id is `model_info.id` or a new UUID.
   * @throws {CostMapError} `INVALID_ARGUMENT` for a duplicate id or custom prices the schema rejects
   */
  add(d: Deployment): StoredDeployment {
    const id = d.model_info?.id === undefined ? crypto.randomUUID() : String(d.model_info.id)
    if (this.byId.has(id)) throw new CostMapError('INVALID_ARGUMENT', `Model with id=${id} already exists`)
    return this.share(this.store(d, id, true))
  }

  /**
   * Applies the non-null fields of an update (`/model/update`); the id never changes. Undefined for an unknown id.
   * @throws {CostMapError} `INVALID_ARGUMENT` for custom prices the schema rejects (nothing is changed)
   */
  update(patch: DeploymentUpdate): StoredDeployment | undefined {
    const id = String(patch.model_info.id)
    const current = this.byId.get(id)
    if (!current) return undefined
    const next: Deployment = {
      model_name: patch.model_name ?? current.model_name,
      litellm_params: { ...current.litellm_params, ...nonNull(patch.litellm_params ?? {}) },
      model_info: { ...current.model_info, ...nonNull(patch.model_info) },
    }
    return this.share(this.store(next, id, current.model_info.db_model))
  }

  /** Removes a deployment and the prices registered under its id; false for an unknown id. */
  remove(id: string): boolean {
    if (!this.byId.delete(id)) return false
    this.taken.delete(id)
    this.costs.unregisterModel([id])
    this.costs.shareDeployment(id, null)
    return true
  }

  /** Applies a deployment another instance added, changed or removed (`null`); config entries stay as configured. */
  private applyShared(id: string, value: unknown): void {
    const local = this.byId.get(id)
    if (local && !local.model_info.db_model) return
    if (value === null) {
      if (local && this.byId.delete(id)) {
        this.taken.delete(id)
        this.costs.unregisterModel([id])
      }
      return
    }
    const parsed = deploymentSchemas().DeploymentSchema.safeParse(value)
    if (!parsed.success || (local && JSON.stringify(local) === JSON.stringify(value))) return
    try {
      this.store(parsed.data as Deployment, id, true)
    } catch {
      // Prices this instance's map rejects: the deployment stays out here, as it would on a local add.
    }
  }

  private share(stored: StoredDeployment): StoredDeployment {
    this.costs.shareDeployment(stored.model_info.id, stored)
    return stored
  }

  /** Validates and registers the prices first, so a rejected deployment leaves nothing behind. */
  private store(d: Deployment, id: string, dbModel: boolean): StoredDeployment {
    const shadowed = this.byId.has(id) ? undefined : this.shadowed(id)
    if (shadowed) throw new CostMapError('INVALID_ARGUMENT', shadowed)
    const stored = this.prepare(d, id, dbModel)
    fromOf(stored) // a bad time is refused before anything is registered
    const entries = this.registrations([stored])
    this.costs.registerModel(entries)
    this.applyFrom(stored, entries)
    this.byId.set(id, stored)
    return stored
  }

  /**
   * `model_info.from`: the deployment's own prices (its id's registration) apply to past times from then on.
   * Only those: the model_info fields it lays over the shared model entry are the model's, not its prices.
   */
  private applyFrom(d: StoredDeployment, entries: Registrations): void {
    const from = fromOf(d)
    const id = d.model_info.id
    if (from !== undefined && Object.hasOwn(entries, id)) this.costs.registerModel({ [id]: {} }, { from })
  }

  /** The stored form: as LiteLLM's Router, the custom prices of litellm_params are copied into model_info, where they win. */
  private prepare(d: Deployment, id: string, dbModel: boolean): StoredDeployment {
    const info = { id, db_model: dbModel, ...d.model_info, ...paramPrices(d.litellm_params) }
    info.id = id
    info.db_model = dbModel
    return { model_name: d.model_name, litellm_params: { ...d.litellm_params }, model_info: info }
  }

  private registrations(deployments: Iterable<StoredDeployment>): Registrations {
    const entries: Record<string, Record<string, unknown>> = {}
    for (const d of deployments) {
      const own = registrationsFor(d, this.costs.snapshot)
      if (this.taken.has(d.model_info.id)) delete own[d.model_info.id]
      Object.assign(entries, own)
    }
    return entries as Registrations
  }

  private registerAll(): void {
    // An id refused at add time can still become a model later, when the upstream adds it: from then on the
    // map's price applies to every caller of that name, and the deployment's custom prices no longer do.
    const now = [...this.byId.keys()].filter((id) => !this.taken.has(id) && this.costs.mapKeyFor(id) !== undefined)
    for (const id of now) {
      this.taken.add(id)
      this.warn(
        `deployment id ${id} is now a model of the cost map: the map's prices apply to ${id}, not the deployment's`,
      )
    }
    if (now.length) this.costs.unregisterModel(now)
    try {
      this.costs.registerModel(this.registrations(this.byId.values()))
    } catch {
      // The store keeps the previous registrations; a new map that breaks one must not break the reload.
    }
  }

  /**
   * Why `id` cannot be a new deployment's id: its prices are registered under the id, so an id the map
   * already resolves (`gpt-4o`, `GPT-4O`, `openai/gpt-4o`) would reprice that model for every caller.
   */
  private shadowed(id: string): string | undefined {
    const key = this.costs.mapKeyFor(id)
    if (key === undefined) return undefined
    return `Model id=${id} names the cost map's model ${key}: its prices would apply to every caller of ${key}. Choose another id.`
  }

  /** `litellm_params` with `os.environ/NAME` resolved through the host's `resolveEnv` (ids only). */
  private resolved(d: Deployment): Record<string, unknown> {
    if (!this.resolveEnv) return d.litellm_params
    const out: Record<string, unknown> = {}
    for (const [key, value] of Object.entries(d.litellm_params)) {
      const name = typeof value === 'string' ? ENV_REFERENCE.exec(value)?.[1] : undefined
      out[key] = name === undefined ? value : (this.resolveEnv(name.trim()) ?? value)
    }
    return out
  }
}

function paramPrices(params: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(params).filter(([k, v]) => isPriceField(k) && v != null))
}

function nonNull(value: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== null && v !== undefined))
}
