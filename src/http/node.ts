/**
 * The bridge between Node's `http` and the web-standard handler: used by `costmap serve`, the Express
 * adapter and the tests.
 * @module
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'
import type { Duplex } from 'node:stream'
import { failure, type HandlerLogger, HttpError } from './respond'

/**
 * A `node:http` request listener that answers with `handler` and 404s every path it does not own. Any
 * request Node's parser lets through gets an HTTP answer (a `TRACE` a 405, a target no URL parser takes a
 * 400), never an exception in the host. The handler stays the caller's: call its `dispose()` when the
 * server is done with it.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * createServer(toNodeListener(createCostMapHandler(costs, { masterKey }))).listen(4000)
 * ```
 */
export function toNodeListener(
  handler: (request: Request) => Promise<Response | null>,
  options: { logger?: HandlerLogger } = {},
): RequestListener {
  return (req, res) =>
    answerNode(
      req,
      res,
      () => handler(toWebRequest(req)),
      options.logger,
      () => notFound(),
    )
}

/**
 * @internal Runs `produce` for a Node request and writes its answer; `fallThrough` runs for a path the
 * handler does not own. Never throws and never rejects: an error becomes its 4xx, or a generic 500 that is
 * logged, and a response that cannot be written closes the connection.
 * @example
 * ```ts
 * answerNode(req, res, () => handler(toWebRequest(req)), logger, next)
 * ```
 */
export function answerNode(
  req: IncomingMessage,
  res: ServerResponse,
  produce: () => Promise<Response | null>,
  logger: HandlerLogger | undefined,
  fallThrough: () => Response | undefined,
): void {
  const where = `${req.method} ${String(req.url).split('?')[0]}`
  Promise.resolve()
    .then(produce)
    .then(
      (response) => response ?? fallThrough(),
      (error: unknown) => failure(error, logger, where),
    )
    .then((response) => (response ? sendWebResponse(res, response) : undefined))
    .catch((error: unknown) => {
      failure(error, logger, where)
      res.destroy()
    })
}

/**
 * @internal A `'connect'` listener for a server of costmap's own: `CONNECT` does not reach the request
 * listener, and Node drops the connection without an answer when nothing listens for it.
 * @example
 * ```ts
 * server.on('connect', refuseConnect)
 * ```
 */
export function refuseConnect(_req: IncomingMessage, socket: Duplex): void {
  const body = '{"detail":"Method Not Allowed"}'
  socket.on('error', () => undefined)
  socket.end(
    `HTTP/1.1 405 Method Not Allowed\r\ncontent-type: application/json\r\nallow: GET, HEAD, POST, DELETE\r\n` +
      `content-length: ${body.length}\r\nconnection: close\r\n\r\n${body}`,
  )
}

/**
 * @internal A web `Request` for a Node request. The body streams from the socket (the handler caps it),
 * unless `consumed` holds what a body parser already read from it (sent on as JSON, with the original
 * content type so the handler still refuses a form). Only the path and query of `req.url` are used, on a
 * fixed origin: neither the `Host` header nor the host of an absolute-form target (`GET http://other/x`,
 * served by its path as RFC 9112 asks) ever reaches a URL.
 * @throws {HttpError} 405 for a method `Request` refuses (`TRACE`), 400 for a target that is no path
 * @example
 * ```ts
 * const request = toWebRequest(req, { value: req.body })
 * ```
 */
export function toWebRequest(req: IncomingMessage, consumed?: { value: unknown }): Request {
  const headers = new Headers()
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue
    for (const v of Array.isArray(value) ? value : [value]) headers.append(name, v)
  }
  const method = req.method ?? 'GET'
  // The Fetch spec's forbidden methods: `new Request()` throws on them.
  if (FORBIDDEN_METHODS.has(method.toUpperCase())) throw new HttpError(405, 'Method Not Allowed')
  const url = pathUrl(req.url ?? '/')
  const init: RequestInit & { duplex?: 'half' } = { method, headers }
  if (method !== 'GET' && method !== 'HEAD') {
    if (consumed) {
      init.body = consumed.value === undefined ? '' : JSON.stringify(consumed.value)
      headers.delete('content-length')
      headers.delete('transfer-encoding')
    } else {
      init.body = nodeStream(req)
      init.duplex = 'half'
    }
  }
  return new Request(url, init)
}

const FORBIDDEN_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK'])
/** The scheme and authority of an absolute-form target. */
const ABSOLUTE_FORM = /^[a-z][a-z\d+.-]*:\/\/[^/?#]*/i

/** The target's path and query on a fixed origin, which every path parses on (`//[/x` included). */
function pathUrl(target: string): URL {
  const absolute = ABSOLUTE_FORM.exec(target)
  const rest = absolute ? target.slice(absolute[0].length) : target
  const path = absolute && !rest.startsWith('/') ? `/${rest}` : rest
  if (path.startsWith('/')) {
    try {
      return new URL(`http://localhost${path}`)
    } catch {
      // Falls through to the 400.
    }
  }
  throw new HttpError(400, 'Bad request target: send a path such as /model/info')
}

/**
 * @internal Writes a web `Response` to a Node response (the handler's answers are small JSON documents).
 * @example
 * ```ts
 * await sendWebResponse(res, json(200, { ok: true }))
 * ```
 */
export async function sendWebResponse(res: ServerResponse, response: Response): Promise<void> {
  const body = Buffer.from(await response.arrayBuffer())
  const headers: Record<string, string> = {}
  response.headers.forEach((value, name) => {
    headers[name] = value
  })
  if (!headers['content-length']) headers['content-length'] = String(body.length)
  res.writeHead(response.status, headers)
  res.end(body)
}

function notFound(): Response {
  return new Response('{"detail":"Not Found"}', { status: 404, headers: { 'content-type': 'application/json' } })
}

/**
 * The request body as a web stream. Cancelling it (a body over the cap) drains the rest instead of
 * destroying the socket, so the client still reads the 413.
 */
function nodeStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true
  return new ReadableStream<Uint8Array>({
    start(controller) {
      req.on('data', (chunk: Buffer) => {
        if (!open) return
        controller.enqueue(new Uint8Array(chunk))
        if ((controller.desiredSize ?? 1) <= 0) req.pause()
      })
      req.on('end', () => {
        if (open) controller.close()
        open = false
      })
      req.on('error', (error) => {
        if (open) controller.error(error)
        open = false
      })
    },
    pull() {
      req.resume()
    },
    cancel() {
      open = false
      req.resume()
    },
  })
}
