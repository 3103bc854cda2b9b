/**
 * `costmap/express`: the routes as an Express router (Express 4.18+ and 5). A thin bridge to the
 * web-standard handler; paths it does not own go on to `next()`.
 * @module
 */
import type { IncomingMessage } from 'node:http'
import express, { type Router } from 'express'
import {
  answerNode,
  type CostMapHandlerOptions,
  createCostMapHandler,
  MODEL_BY_ID_PREFIX,
  ROUTE_PATHS,
  toWebRequest,
} from '../http'
import type { ModelCostMap } from '../store'

/**
 * The Express router of {@link costMapRoutes}; `dispose()` releases its handler's listeners on the store
 * (call it when the store outlives the router).
 *
 * @example
 * ```ts
 * const routes: CostMapRouter = costMapRoutes(costs, { masterKey })
 * routes.dispose()
 * ```
 */
export type CostMapRouter = Router & { dispose(): void }

/**
 * LiteLLM's cost-map and model-management routes for Express. `express.json()` before it is fine: a
 * body it already parsed is used as it is. An unexpected error answers a generic JSON 500 (logged through
 * `options.logger`), never Express's error page. Mount it with `app.use(router)` or `app.use('/admin', router)`.
 *
 * @throws {CostMapError} `INVALID_ARGUMENT` with neither `masterKey` (or env `LITELLM_MASTER_KEY`) nor `authorize`
 * @example
 * ```ts
 * import express from 'express'
 * import { ModelCostMap } from 'costmap'
 * import { costMapRoutes } from 'costmap/express'
 * const app = express()
 * app.use(costMapRoutes(new ModelCostMap(), { masterKey: process.env.LITELLM_MASTER_KEY }))
 * app.listen(4000)
 * ```
 */
export function costMapRoutes(costs: ModelCostMap, options: CostMapHandlerOptions = {}): CostMapRouter {
  // Express strips the mount path from req.url itself, so the prefix is mounted here, not matched.
  const { basePath, ...rest } = options
  const handler = createCostMapHandler(costs, rest)
  const router = express.Router()
  router.all([...ROUTE_PATHS, `${MODEL_BY_ID_PREFIX}*id`], (req, res, next) => {
    // Errors are answered here, not passed to next(): Express's own error page shows the stack trace.
    const produce = () => handler(toWebRequest(req, consumedBody(req as IncomingMessage & { body?: unknown })))
    answerNode(req, res, produce, options.logger, () => void next())
  })
  const dispose = { dispose: () => handler.dispose() }
  if (!basePath || basePath === '/') return Object.assign(router, dispose)
  const outer = express.Router()
  outer.use(basePath, router)
  return Object.assign(outer, dispose)
}

/** A body parser that ran before us has read the stream: what it parsed is all there is. */
function consumedBody(req: IncomingMessage & { body?: unknown }): { value: unknown } | undefined {
  return req.readableEnded && req.method !== 'GET' && req.method !== 'HEAD' ? { value: req.body } : undefined
}

// Every subpath re-exports the core: that keeps the shared code in one chunk, so `import 'costmap'` loads two
// files instead of nine (a third of its cold start), and one import line serves both.
export * from '..'
export type { Authorize, CostMapHandlerOptions, CostMapRole } from '../http'
