/**
 * The HTTP plumbing of the route handler: JSON responses, FastAPI-style errors, a capped JSON body reader
 * and the body validator every route shares.
 * @module
 */
import type * as z from 'zod'
import { scrubUrls } from '../_internal'

/**
 * @internal An error that becomes an HTTP response. `detail` is LiteLLM's (FastAPI's) error body field.
 * @example
 * ```ts
 * throw new HttpError(400, 'Hours must be greater than 0')
 * ```
 */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly detail: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof detail === 'string' ? detail : JSON.stringify(detail))
  }
}

/** Headers every answer carries: admin data is never cached, and never sniffed as HTML. */
const BASE_HEADERS = {
  'content-type': 'application/json',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
}

/**
 * @internal A JSON response with the hardening headers (and no CORS headers).
 * @example
 * ```ts
 * return json(200, { status: 'success' })
 * ```
 */
export function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...BASE_HEADERS, ...headers } })
}

/**
 * @internal The response for an {@link HttpError}: `{ "detail": … }`.
 * @example
 * ```ts
 * return errorResponse(new HttpError(404, 'Not Found'))
 * ```
 */
export function errorResponse(error: HttpError): Response {
  return json(error.status, { detail: error.detail }, error.headers)
}

/**
 * Where the handler reports an unexpected error (a throwing `authorize` hook, a bug): the same shape as
 * `ModelCostMapOptions.logger`, so one logger object serves both.
 *
 * @example
 * ```ts
 * const logger: HandlerLogger = { warn: (message) => pino().warn(message) }
 * ```
 */
export interface HandlerLogger {
  warn?: (message: string) => void
}

/**
 * @internal The answer to an error: its own status for an {@link HttpError}; otherwise a generic 500 that
 * never echoes the error (it may carry an upstream page or a secret), which goes to `logger` instead.
 * @example
 * ```ts
 * return failure(error, logger, 'GET /model/info')
 * ```
 */
export function failure(error: unknown, logger: HandlerLogger | undefined, where: string): Response {
  if (error instanceof HttpError) return errorResponse(error)
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error)
  warnTo(logger, `${where.slice(0, 200)} failed: ${text}`)
  return json(500, { detail: 'Internal server error' })
}

/**
 * @internal Writes `[costmap] message` to `logger.warn` (console.error without a logger).
 * @example
 * ```ts
 * warnTo(options.logger, 'deployment id x is now a model of the cost map')
 * ```
 */
export function warnTo(logger: HandlerLogger | undefined, message: string): void {
  try {
    // An unexpected error's stack may quote a URL with a token: logs get it scrubbed like every route.
    ;(logger ?? DEFAULT_LOGGER).warn?.(`[costmap] ${scrubUrls(message)}`)
  } catch {
    // A logger that throws must not turn an answer into a crash.
  }
}

const DEFAULT_LOGGER: HandlerLogger = { warn: (message) => console.error(message) }

/** Keys that would become a prototype once an object is spread or merged (prototype pollution). */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * @internal Reads and parses a JSON body of at most `maxBytes` bytes. An empty body is `undefined`.
 * @throws {HttpError} 413 over the cap, 415 for a non-JSON content type, 400 for malformed JSON
 * @example
 * ```ts
 * const body = await readJsonBody(request, 100_000)
 * ```
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get('content-type')
  // A browser can send form and text bodies cross-site without a preflight; JSON it cannot.
  if (type && !/^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i.test(type.trim())) {
    throw new HttpError(415, `Unsupported content type ${type.slice(0, 100)}: send application/json`)
  }
  checkDeclaredLength(request, maxBytes)
  const text = await readText(request, maxBytes)
  if (text.trim() === '') return undefined
  try {
    return JSON.parse(text, (key, value) => (FORBIDDEN_KEYS.has(key) ? undefined : value))
  } catch (error) {
    throw new HttpError(400, `Invalid JSON body: ${error instanceof Error ? error.message : String(error)}`)
  }
}

/**
 * @internal 413 when the declared `Content-Length` is over the cap, before reading a byte.
 * @example
 * ```ts
 * checkDeclaredLength(request, 100_000)
 * ```
 */
export function checkDeclaredLength(request: Request, maxBytes: number): void {
  const declared = Number(request.headers.get('content-length') ?? 0)
  if (declared > maxBytes) throw tooLarge(maxBytes)
}

/** Counts bytes while reading, since a chunked body declares no length. */
async function readText(request: Request, maxBytes: number): Promise<string> {
  if (!request.body) return ''
  const reader = request.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      await reader.cancel().catch(() => undefined)
      throw tooLarge(maxBytes)
    }
    chunks.push(value)
  }
  const bytes = new Uint8Array(size)
  let offset = 0
  for (const chunk of chunks) {
    bytes.set(chunk, offset)
    offset += chunk.byteLength
  }
  return new TextDecoder().decode(bytes)
}

function tooLarge(maxBytes: number): HttpError {
  return new HttpError(413, `Request body too large: the limit is ${maxBytes} bytes`)
}

/**
 * @internal FastAPI's 422: `detail` lists each problem with its `loc`, `msg` and `type`.
 * @example
 * ```ts
 * const body = validate(deploymentSchemas().DeleteSchema, raw)
 * ```
 */
export function validate<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const parsed = schema.safeParse(body)
  if (parsed.success) return parsed.data
  const detail = parsed.error.issues.map((issue) => {
    const missing = issue.code === 'invalid_type' && / undefined$/.test(issue.message)
    return {
      type: missing ? 'missing' : issue.code,
      loc: ['body', ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      msg: missing ? 'Field required' : issue.message,
    }
  })
  throw new HttpError(422, detail)
}
