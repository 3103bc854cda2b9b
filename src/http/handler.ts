/**
 * `createCostMapHandler`: LiteLLM's cost-map and model-management routes as one web-standard
 * `(Request) => Promise<Response | null>`, for Node's http (see `toNodeListener`), Express, Hono, Bun,
 * Deno and Next.js route handlers.
 * @module
 */

import type * as Prom from 'prom-client'
import { promClient } from '../_internal'
import { CostMapError, errorText } from '../errors'
import type { Deployment, ModelCostMap } from '../store'
import { type Authorize, type CostMapRole, createAuthenticator, forbidden } from './auth'
import { DeploymentRegistry, type ResolveEnv } from './deployments'
import { type CostMapMetrics, defineCostMapMetrics } from './metrics'
import { deleteModel, modelInfo, models, newModel, updateModel } from './models'
import { costMapModels, modelById, type OpenAiShape, openAiError, readiness, syncs } from './operations'
import { createTokenBucket, type RateLimitOptions } from './rate-limit'
import { checkDeclaredLength, failure, type HandlerLogger, HttpError, json, readJsonBody, warnTo } from './respond'
import { cancel, history, reload, schedule, scheduleStatus, source } from './routes'
import { spend } from './spend'
import { searchModels, trackLastChange } from './ui-data'

/**
 * A prom-client `Registry` (typed by shape, so the core's types do not need prom-client installed).
 *
 * @example
 * ```ts
 * const registry: MetricsRegistry = new (await import('prom-client')).Registry()
 * ```
 */
export interface MetricsRegistry {
  metrics(): Promise<string>
  readonly contentType: string
}

/**
 * `GET /metrics` of the handler (Prometheus text; needs the optional peer prom-client).
 *
 * @example
 * ```ts
 * createCostMapHandler(costs, { masterKey, metrics: { public: true } })
 * ```
 */
export interface MetricsOptions {
  /** Serve `/metrics` without a key (for a scraper on a private network). @default false (admin or viewer) */
  public?: boolean
  /** Put the metrics in this registry (e.g. prom-client's global `register`). @default a registry of their own */
  registry?: MetricsRegistry
}

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
  /**
   * Token bucket shared by reload and schedule (cancel is never limited; a 4xx answer gives its token back);
   * `false` turns it off. @default burst 5, 6 per minute
   */
  rateLimit?: RateLimitOptions | false
  /** Largest accepted request body. @default 102400 (100 KiB) */
  maxBodyBytes?: number
  /** A path prefix the routes live under (e.g. `/admin`), stripped before matching. @default '' */
  basePath?: string
  /** Where `LITELLM_MASTER_KEY` is read from. @default process.env */
  env?: Record<string, string | undefined>
  /** Receives unexpected errors (a throwing `authorize`, a bug); the client gets a generic 500. @default console.error */
  logger?: HandlerLogger
  /** Serve Prometheus metrics on `GET /metrics` (loads prom-client, an optional peer). @default false */
  metrics?: boolean | MetricsOptions
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
  /** No key needed (health, and `/metrics` when it is public). */
  open?: boolean
  /** Reads a JSON body (model management, the price route). */
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
  '/model/cost_map/syncs',
  '/model/cost_map/models',
  '/health/liveliness',
  '/health/readiness',
  '/metrics',
  '/spend/calculate',
  '/model/cost_map/ui',
  '/model/cost_map/last_change',
  '/model/cost_map/search',
])

/** @internal The one path prefix the handler owns: `GET /v1/models/{id}` (ids may contain `/`). */
export const MODEL_BY_ID_PREFIX = '/v1/models/'

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
  const metrics = options.metrics ? createMetrics(costs, options.metrics) : undefined
  const lastChange = trackLastChange(costs, (message) => warnTo(options.logger, message))

  const routes: Record<string, Partial<Record<Method, Route>>> = {
    '/reload/model_cost_map': { POST: { admin: true, limited: true, run: () => reload(costs) } },
    '/schedule/model_cost_map_reload': {
      POST: { admin: true, limited: true, run: ({ url }) => schedule(costs, url) },
      // Stopping a schedule is never refused: it is what an operator does when reloads misbehave.
      DELETE: { admin: true, run: () => cancel(costs) },
    },
    '/schedule/model_cost_map_reload/status': { GET: { admin: false, run: () => scheduleStatus(costs) } },
    '/model/cost_map/source': { GET: { admin: false, run: () => source(costs) } },
    '/model/cost_map/history': { GET: { admin: false, run: () => history(costs) } },
    '/model/cost_map/syncs': { GET: { admin: false, run: ({ url }) => syncs(costs, url) } },
    '/model/cost_map/models': { GET: { admin: false, run: () => costMapModels(costs) } },
    '/health/liveliness': { GET: { admin: false, open: true, run: () => "I'm alive!" } },
    '/health/readiness': { GET: { admin: false, open: true, run: () => readiness(costs) } },
    ...(metrics
      ? {
          '/metrics': {
            GET: { admin: false, open: metrics.open, run: () => metricsResponse(metrics.metrics.registry) },
          },
        }
      : {}),
    '/model/info': { GET: { admin: false, run: ({ url }) => modelInfo(costs, registry, url) } },
    '/v1/model/info': { GET: { admin: false, run: ({ url }) => modelInfo(costs, registry, url) } },
    '/v1/models': { GET: { admin: false, run: () => models(costs, registry) } },
    '/model/new': { POST: { admin: true, body: true, run: ({ body }) => newModel(registry, body) } },
    '/model/update': { POST: { admin: true, body: true, run: ({ body }) => updateModel(registry, body) } },
    '/model/delete': { POST: { admin: true, body: true, run: ({ body }) => deleteModel(registry, body) } },
    '/spend/calculate': { POST: { admin: false, body: true, run: ({ body }) => spend(costs, body) } },
    // The page holds no data: the browser reads the routes above with the key it is given.
    // The page (28 KB of HTML) is a chunk of its own, loaded by its first request: `import 'costmap'` and
    // every cold start that never serves it do not parse it.
    '/model/cost_map/ui': { GET: { admin: false, open: true, run: async () => (await import('./ui')).statusPage() } },
    '/model/cost_map/last_change': { GET: { admin: false, run: () => lastChange.get() } },
    '/model/cost_map/search': { GET: { admin: false, run: ({ url }) => searchModels(costs, url) } },
  }

  const modelRoute: Partial<Record<Method, Route>> = {
    GET: { admin: false, run: ({ url }) => modelById(costs, registry, modelId(url.pathname)) },
  }

  const answer = async (request: Request, url: URL, methods: Partial<Record<Method, Route>>): Promise<Response> => {
    const head = request.method === 'HEAD'
    const route = methods[(head ? 'GET' : request.method) as Method]
    if (!route) throw new HttpError(405, 'Method Not Allowed', { allow: Object.keys(methods).join(', ') })
    if (!route.open) {
      const role: CostMapRole = await auth.role(request)
      if (route.admin && role !== 'admin') throw forbidden(role)
    }
    let taken = false
    if (route.limited) {
      const wait = bucket.take()
      if (wait > 0)
        throw new HttpError(429, 'Too many reload requests; try again later', { 'retry-after': String(wait) })
      taken = true
    }
    let result: unknown
    try {
      let body: unknown
      if (route.body) body = await readJsonBody(request, maxBodyBytes)
      else checkDeclaredLength(request, maxBodyBytes)
      result = await route.run({ url, body })
    } catch (error) {
      // A client mistake (hours=0) fetched nothing: it does not use up the budget of real reloads.
      if (taken && error instanceof HttpError && error.status < 500) bucket.refund()
      throw error
    }
    const response = result instanceof Response ? result : json(200, result)
    return head ? new Response(null, { status: 200, headers: response.headers }) : response
  }

  const handle = async (request: Request): Promise<Response | null> => {
    let openAi: OpenAiShape | null = null
    try {
      const url = new URL(request.url)
      const path = ownPath(url.pathname, basePath)
      const byId = path?.startsWith(MODEL_BY_ID_PREFIX) === true && path.length > MODEL_BY_ID_PREFIX.length
      const methods = path === undefined ? undefined : byId ? modelRoute : routes[path]
      if (!methods) return null
      // LiteLLM answers /v1/model/info and /spend/calculate errors with FastAPI's `detail`: those keep it beside
      // OpenAI's `error`, so LiteLLM's clients and OpenAI-style ones both read them.
      openAi =
        path === '/v1/models' || byId
          ? 'error'
          : path === '/v1/model/info' || path === '/spend/calculate'
            ? 'both'
            : null
      const response = await answer(request, url, methods)
      return openAi && response.status >= 400 ? await openAiError(response, openAi) : response
    } catch (error) {
      // The promise never rejects: a host (Hono, Bun, a Next.js route) gets an answer, never an exception.
      const response = failure(error, options.logger, `${request.method} ${safePath(request.url)}`)
      // OpenAI's clients read `error.message`; FastAPI's `detail` would show as "(no body)".
      return openAi ? openAiError(response, openAi) : response
    }
  }
  return Object.assign(handle, {
    dispose: () => {
      registry.dispose()
      lastChange.dispose()
      metrics?.metrics.dispose()
    },
  })
}

/** The metrics of a handler: prom-client loaded now, so a missing install fails at startup, not at a scrape. */
function createMetrics(costs: ModelCostMap, option: true | MetricsOptions): { metrics: CostMapMetrics; open: boolean } {
  const settings = option === true ? {} : option
  let prom: typeof Prom
  try {
    prom = promClient()
  } catch (error) {
    throw new CostMapError(
      'INVALID_ARGUMENT',
      `[costmap] the metrics option needs prom-client: npm install prom-client (${errorText(error)})`,
      { cause: error },
    )
  }
  const registry = (settings.registry as Prom.Registry | undefined) ?? new prom.Registry()
  return { metrics: defineCostMapMetrics(prom, costs, registry), open: settings.public === true }
}

async function metricsResponse(registry: MetricsRegistry): Promise<Response> {
  return new Response(await registry.metrics(), {
    status: 200,
    headers: { 'content-type': registry.contentType, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' },
  })
}

/** The id of `/v1/models/{id}`, percent-decoded (`openai%2Fgpt-4o` and `openai/gpt-4o` are the same id). */
function modelId(pathname: string): string {
  const raw = pathname.slice(pathname.indexOf(MODEL_BY_ID_PREFIX) + MODEL_BY_ID_PREFIX.length)
  try {
    return decodeURIComponent(raw)
  } catch {
    throw new HttpError(400, 'The model id is not a valid percent-encoded string')
  }
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
