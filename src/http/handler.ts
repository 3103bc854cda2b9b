/**
 * `createCostMapHandler`: LiteLLM's cost-map and model-management routes as one web-standard
 * `(Request) => Promise<Response | null>`, for Node's http (see `toNodeListener`), Express, Hono, Bun,
 * Deno and Next.js route handlers.
 * @module
 */

import type { Deployment, ModelCostMap } from '../store'
import { type Authorize, type CostMapRole, createAuthenticator, forbidden } from './auth'
import { DeploymentRegistry, type ResolveEnv } from './deployments'
import { deleteModel, modelInfo, models, newModel, updateModel } from './models'
import { createTokenBucket, type RateLimitOptions } from './rate-limit'
import { checkDeclaredLength, failure, type HandlerLogger, HttpError, json, readJsonBody, warnTo } from './respond'
import { cancel, history, reload, schedule, source } from './routes'

/**
 * Options of {@link createCostMapHandler} and of both `costMapRoutes` adapters.
 *
 * @example
 * ```ts
 * const options: CostMapHandlerOptions = { masterKey: process.env.LITELLM_MASTER_KEY, modelList: config.model_list }
 * ```
 */
export interface CostMapHandlerOptions {
  /** The admin key (`Authorization: Bearer …` or `x-litellm-api-key`). @default env LITELLM_MASTER_KEY */
  masterKey?: string
  /** Your own authentication: the caller's role, or null. Tried when the master key does not match. */
  authorize?: Authorize
  /** Deployments in LiteLLM's `model_list` shape, served by `/model/info` and `/v1/models`. */
  modelList?: readonly Deployment[]
  /** Resolves `os.environ/NAME` values of `modelList` (used for LiteLLM's ids only; never returned). */
  resolveEnv?: ResolveEnv
  /** Token bucket shared by reload, schedule and cancel; `false` turns it off. @default burst 5, 6 per minute */
  rateLimit?: RateLimitOptions | false
  /** Largest accepted request body. @default 102400 (100 KiB) */
  maxBodyBytes?: number
  /** A path prefix the routes live under (e.g. `/admin`), stripped before matching. @default '' */
  basePath?: string
  /** Where `LITELLM_MASTER_KEY` is read from. @default process.env */
  env?: Record<string, string | undefined>
  /** Receives unexpected errors (a throwing `authorize`, a bug); the client gets a generic 500. @default console.error */
  logger?: HandlerLogger
}

/**
 * The handler: a Response for the routes it owns, `null` for any other path so the host can fall through.
 * `dispose()` releases what it holds on the store (two listeners); call it when the store outlives the
 * handler, and use the handler no more.
 *
 * @example
 * ```ts
 * const response = (await handler(request)) ?? new Response('Not Found', { status: 404 })
 * handler.dispose()
 * ```
 */
export interface CostMapHandler {
  (request: Request): Promise<Response | null>
  /** Releases the handler's subscriptions to the store; the deployment prices it registered stay. */
  dispose(): void
}

type Method = 'GET' | 'POST' | 'DELETE'
interface Context {
  url: URL
  body: unknown
}
interface Route {
  admin: boolean
  /** Reads a JSON body (model management). */
  body?: boolean
  /** Goes through the token bucket (the calls that fetch or re-arm timers). */
  limited?: boolean
  run(ctx: Context): unknown
}

/**
 * @internal Every path the handler owns (adapters mount exactly these).
 */
export const ROUTE_PATHS: readonly string[] = Object.freeze([
  '/reload/model_cost_map',
  '/schedule/model_cost_map_reload',
  '/schedule/model_cost_map_reload/status',
  '/model/cost_map/source',
  '/model/cost_map/history',
  '/model/info',
  '/v1/model/info',
  '/v1/models',
  '/model/new',
  '/model/update',
  '/model/delete',
])

/**
 * Builds the route handler. Paths and JSON shapes are LiteLLM's proxy routes; errors are `{ "detail": … }`.
 * An owned path with another method answers 405; every other path gives `null`.
 *
 * @throws {CostMapError} `INVALID_ARGUMENT` with neither a master key (option or env) nor `authorize`, or
 *   an invalid `modelList` entry
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * import { createCostMapHandler, ModelCostMap, toNodeListener } from 'costmap'
 * const handler = createCostMapHandler(new ModelCostMap(), { masterKey: 'sk-1234' })
 * createServer(toNodeListener(handler)).listen(4000)
 * ```
 */
export function createCostMapHandler(costs: ModelCostMap, options: CostMapHandlerOptions = {}): CostMapHandler {
  const env = options.env ?? (typeof process === 'undefined' ? {} : process.env)
  const auth = createAuthenticator(options, env)
  const bucket = createTokenBucket(options.rateLimit)
  const registry = new DeploymentRegistry(costs, options.modelList ?? [], options.resolveEnv, (message) =>
    warnTo(options.logger, message),
  )
  const maxBodyBytes = options.maxBodyBytes ?? 102_400
  const basePath = (options.basePath ?? '').replace(/\/+$/, '')

  const routes: Record<string, Partial<Record<Method, Route>>> = {
    '/reload/model_cost_map': { POST: { admin: true, limited: true, run: () => reload(costs) } },
    '/schedule/model_cost_map_reload': {
      POST: { admin: true, limited: true, run: ({ url }) => schedule(costs, url) },
      DELETE: { admin: true, limited: true, run: () => cancel(costs) },
    },
    '/schedule/model_cost_map_reload/status': { GET: { admin: false, run: () => costs.scheduleStatus() } },
    '/model/cost_map/source': { GET: { admin: false, run: () => source(costs) } },
    '/model/cost_map/history': { GET: { admin: false, run: () => history(costs) } },
    '/model/info': { GET: { admin: false, run: ({ url }) => modelInfo(costs, registry, url) } },
    '/v1/model/info': { GET: { admin: false, run: ({ url }) => modelInfo(costs, registry, url) } },
    '/v1/models': { GET: { admin: false, run: () => models(costs, registry) } },
    '/model/new': { POST: { admin: true, body: true, run: ({ body }) => newModel(registry, body) } },
    '/model/update': { POST: { admin: true, body: true, run: ({ body }) => updateModel(registry, body) } },
    '/model/delete': { POST: { admin: true, body: true, run: ({ body }) => deleteModel(registry, body) } },
  }

  const handle = async (request: Request): Promise<Response | null> => {
    try {
      const url = new URL(request.url)
      const path = ownPath(url.pathname, basePath)
      const methods = path === undefined ? undefined : routes[path]
      if (!methods) return null
      const head = request.method === 'HEAD'
      const route = methods[(head ? 'GET' : request.method) as Method]
      if (!route) throw new HttpError(405, 'Method Not Allowed', { allow: Object.keys(methods).join(', ') })
      const role: CostMapRole = await auth.role(request)
      if (route.admin && role !== 'admin') throw forbidden(role)
      if (route.limited) {
        const wait = bucket.take()
        if (wait > 0)
          throw new HttpError(429, 'Too many reload requests; try again later', { 'retry-after': String(wait) })
      }
      let body: unknown
      if (route.body) body = await readJsonBody(request, maxBodyBytes)
      else checkDeclaredLength(request, maxBodyBytes)
      const result = await route.run({ url, body })
      const response = json(200, result)
      return head ? new Response(null, { status: 200, headers: response.headers }) : response
    } catch (error) {
      // The promise never rejects: a host (Hono, Bun, a Next.js route) gets an answer, never an exception.
      return failure(error, options.logger, `${request.method} ${safePath(request.url)}`)
    }
  }
  return Object.assign(handle, { dispose: () => registry.dispose() })
}

/** The path of a request for a log line: no query (it may carry a key), never a throw. */
function safePath(url: string): string {
  try {
    return new URL(url).pathname
  } catch {
    return '(unparseable URL)'
  }
}

function ownPath(pathname: string, basePath: string): string | undefined {
  if (basePath && !(pathname === basePath || pathname.startsWith(`${basePath}/`))) return undefined
  const rest = pathname.slice(basePath.length)
  return rest.length > 1 && rest.endsWith('/') ? rest.slice(0, -1) : rest
}
