/**
 * `costmap/hono`: the routes as a Hono app. The request goes to the web-standard handler as it is
 * (`c.req.raw`), so this works on every runtime Hono runs on.
 * @module
 */
import { Hono } from 'hono'
import { type CostMapHandlerOptions, createCostMapHandler, MODEL_BY_ID_PREFIX, ROUTE_PATHS } from '../http'
import type { ModelCostMap } from '../store'

/**
 * The Hono app of {@link costMapRoutes}; `dispose()` releases its handler's listeners on the store (call it
 * when the store outlives the app).
 *
 * @example
 * ```ts
 * const routes: CostMapApp = costMapRoutes(costs, { masterKey })
 * routes.dispose()
 * ```
 */
export type CostMapApp = Hono & { dispose(): void }

/**
 * LiteLLM's cost-map and model-management routes for Hono; mount with `app.route('/', …)` (under a
 * prefix, pass the same prefix as `basePath`).
 *
 * @throws {CostMapError} `INVALID_ARGUMENT` with neither `masterKey` (or env `LITELLM_MASTER_KEY`) nor `authorize`
 * @example
 * ```ts
 * import { Hono } from 'hono'
 * import { ModelCostMap } from 'costmap'
 * import { costMapRoutes } from 'costmap/hono'
 * const app = new Hono()
 * app.route('/', costMapRoutes(new ModelCostMap(), { masterKey: process.env.LITELLM_MASTER_KEY }))
 * ```
 */
export function costMapRoutes(costs: ModelCostMap, options: CostMapHandlerOptions = {}): CostMapApp {
  const handler = createCostMapHandler(costs, options)
  const app = new Hono()
  for (const path of [...ROUTE_PATHS, `${MODEL_BY_ID_PREFIX}*`])
    app.all(path, async (c) => (await handler(c.req.raw)) ?? c.notFound())
  return Object.assign(app, { dispose: () => handler.dispose() })
}

// Every subpath re-exports the core: that keeps the shared code in one chunk, so `import 'costmap'` loads two
// files instead of nine (a third of its cold start), and one import line serves both.
export * from '..'
export type { Authorize, CostMapHandlerOptions, CostMapRole } from '../http'
