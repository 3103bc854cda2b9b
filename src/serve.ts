/**
 * The bridge between Node's `http` and the web-standard handler: used by `costmap serve`, the Express
 * adapter and the tests.
 * @module
 */
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http'

/**
 * A `node:http` request listener that answers with `handler` and 404s every path it does not own. The
 * handler stays the caller's: call its `dispose()` when the server is done with it.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:http'
 * createServer(toNodeListener(createCostMapHandler(costs, { masterKey }))).listen(4000)
 * ```
 */
export function toNodeListener(handler: (request: Request) => Promise<Response | null>): RequestListener {
  return (req, res) => {
    handler(toWebRequest(req))
      .then((response) => sendWebResponse(res, response ?? notFound()))
      .catch(() => sendWebResponse(res, new Response('{"detail":"Internal server error"}', { status: 500 })))
  }
}

/**
 * @internal A web `Request` for a Node request. The body streams from the socket (the handler caps it),
 * unless `consumed` holds what a body parser already read from it (sent on as JSON, with the original
 * content type so the handler still refuses a form). Only the path and query of `req.url` are used; the
 * `Host` header never reaches a URL.
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
  return new Request(new URL(req.url ?? '/', 'http://localhost'), init)
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
