/**
 * Getting the bytes of a cost map: one deadline for the whole request, a size cap counted on the stream,
 * retries with backoff that honour Retry-After, conditional GETs, proxies, and file URLs for air-gapped sites.
 *
 * Each request goes through ofetch (src/load/retry.ts: retries, Retry-After, the body left as a stream).
 * Around it stay the parts ofetch has no option for: one AbortSignal for the deadline of the whole request
 * (ofetch's `timeout` is per attempt, and makes an abort retryable), redirects followed by hand within the
 * configured origin (fetch's `redirect: 'follow'` goes anywhere), and the size cap on the decoded stream.
 * @module
 */
import { CostMapError, isCostMapError } from '../errors'
import { fetchWithRetries, networkDetail, retryDelay } from './retry'

/**
 * LiteLLM's upstream map.
 *
 * @example
 * ```ts
 * await getModelCostMap(DEFAULT_MODEL_COST_MAP_URL)
 * ```
 */
export const DEFAULT_MODEL_COST_MAP_URL =
  'https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json'

/**
 * How a cost map is fetched. Every field has a default; env variables are applied by the loader.
 *
 * @example
 * ```ts
 * await getModelCostMap(url, { timeoutMs: 10_000, retry: { attempts: 5 } })
 * ```
 */
export interface TransportOptions {
  /** A `fetch` to use instead of the global one (tests, custom agents). Disables proxy handling. */
  fetch?: typeof globalThis.fetch
  /** Deadline for the whole request, retries and body included. @default 5000 */
  timeoutMs?: number
  /** Largest body accepted, counted on the decoded stream. @default 33554432 (32 MB) */
  maxBytes?: number
  /** Retries on 429, 5xx gateway errors and network errors. */
  retry?: { attempts?: number; baseDelayMs?: number; maxDelayMs?: number }
  /**
   * Extra request headers, e.g. `{ authorization: 'Bearer …' }` for a private mirror. An `authorization` here
   * wins over the credentials of a `https://user:pass@host/…` URL. Sent only to the URL's origin (redirects
   * elsewhere are refused).
   */
  headers?: Record<string, string>
  /** ETag of the map we hold: sent as If-None-Match. */
  etag?: string | null
  /** Cancels the request. */
  signal?: AbortSignal
  /** Proxy settings; by default read from HTTPS_PROXY / HTTP_PROXY / NO_PROXY (either case). */
  env?: Record<string, string | undefined>
  /** Called as body bytes arrive (`total` from Content-Length when sent), e.g. for a progress bar. */
  onProgress?: (received: number, total: number | null) => void
}

/** @internal The body of a successful fetch, or `notModified` after a 304. */
export interface FetchedText {
  text: string
  /** The UTF-8 bytes of `text` (a leading BOM removed, like `text`), so hashing needs no second encoding. */
  bytes: Uint8Array
  etag: string | null
  notModified: boolean
  status: number
}

const EMPTY = new Uint8Array(0)
const REDIRECT_STATUS = new Set([301, 302, 303, 307, 308])
const MAX_REDIRECTS = 3

/**
 * @internal Fetches `url` (http, https, `file:` or an absolute path) as text. Credentials in an http(s) URL
 * are sent as `Authorization: Basic`, as curl does: fetch refuses such a URL.
 * @throws {CostMapError} `FETCH_FAILED`, `HTTP_STATUS`, `TIMEOUT`, `BODY_TOO_LARGE`
 */
export async function fetchText(location: string, options: TransportOptions = {}): Promise<FetchedText> {
  const maxBytes = options.maxBytes ?? 32 * 1024 * 1024
  if (location.startsWith('file:') || location.startsWith('/')) return readLocal(location, maxBytes)
  if (!/^https?:\/\//i.test(location))
    throw new CostMapError('FETCH_FAILED', `unsupported URL ${withoutCredentials(location)} (use http, https or file:)`)
  // From here on `url` has no userinfo: it is what is fetched and what every error message names.
  const { url, authorization } = splitCredentials(location)
  const timeoutMs = options.timeoutMs ?? 5000
  const controller = new AbortController()
  let timedOut = false
  const timer = setTimeout(() => {
    timedOut = true
    controller.abort()
  }, timeoutMs)
  const onAbort = () => controller.abort()
  // An aborted signal fires no more 'abort' events: check it, or the request would go out anyway.
  if (options.signal?.aborted) controller.abort()
  else options.signal?.addEventListener('abort', onAbort, { once: true })
  const deadline = Date.now() + timeoutMs
  try {
    const { attempts = 3, baseDelayMs = 1000, maxDelayMs = 30_000 } = options.retry ?? {}
    const headers: Record<string, string> = { accept: 'application/json' }
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value
    if (authorization && headers.authorization === undefined) headers.authorization = authorization
    if (options.etag) headers['if-none-match'] = options.etag
    const fetch = options.fetch ?? (await proxyFetch(url, options.env))
    const init: RequestInit = { headers, signal: controller.signal, redirect: 'manual' }
    const get = (target: string) =>
      fetchWithRetries(fetch, target, init, attempts, (failure, attempt) =>
        retryDelay(failure, target, attempt, baseDelayMs, maxDelayMs, deadline),
      )
    let target = url
    let response = await get(target)
    for (let hop = 1; REDIRECT_STATUS.has(response.status) && response.headers.has('location'); hop++) {
      await response.body?.cancel().catch(() => {})
      target = redirectTarget(url, target, response.headers.get('location') as string, hop)
      response = await get(target)
    }
    const etag = response.headers.get('etag')
    if (response.status === 304) {
      if (!options.etag)
        throw new CostMapError('HTTP_STATUS', `HTTP 304 from ${url} without a conditional request`, { status: 304 })
      return { text: '', bytes: EMPTY, etag: options.etag, notModified: true, status: 304 }
    }
    if (response.status < 200 || response.status > 299) {
      throw new CostMapError('HTTP_STATUS', `HTTP ${response.status} from ${url}`, { status: response.status })
    }
    const length = Number(response.headers.get('content-length'))
    if (length > maxBytes) {
      await response.body?.cancel().catch(() => {})
      throw new CostMapError('BODY_TOO_LARGE', `response of ${length} bytes exceeds the ${maxBytes}-byte limit`)
    }
    const total = Number.isFinite(length) && length > 0 ? length : null
    const progress = options.onProgress && ((received: number) => options.onProgress?.(received, total))
    const body = await readCapped(response.body, maxBytes, controller, progress)
    return { ...body, etag, notModified: false, status: response.status }
  } catch (error) {
    if (options.signal?.aborted)
      throw new CostMapError('FETCH_FAILED', `request to ${url} was cancelled`, { cause: error })
    if (timedOut)
      throw new CostMapError('TIMEOUT', `no complete response from ${url} within ${timeoutMs} ms`, { cause: error })
    throw toCostMapError(error, url)
  } finally {
    clearTimeout(timer)
    options.signal?.removeEventListener('abort', onAbort)
  }
}

/**
 * @internal `location` without the userinfo of an http(s) URL: what may be shown or recorded of a map URL
 * that carries credentials (a query token is left to `scrubUrls` where text leaves the process).
 * @example
 * ```ts
 * withoutCredentials('https://u:p@h/x.json?v=1') // 'https://h/x.json?v=1'
 * ```
 */
export function withoutCredentials(location: string): string
export function withoutCredentials(location: string | null): string | null
export function withoutCredentials(location: string | null): string | null {
  return location === null ? null : splitCredentials(location).url
}

/**
 * The URL without its userinfo, and the Basic credentials it carried. The userinfo is percent-decoded before
 * encoding, as browsers and curl do (`p%40ss` is the password `p@ss`), and encoded as UTF-8.
 */
function splitCredentials(location: string): { url: string; authorization: string | null } {
  // Cheap test first: this runs on every fetch, and most map URLs have no userinfo.
  if (!/^https?:\/\/[^/?#]*@/i.test(location)) return { url: location, authorization: null }
  let parsed: URL
  try {
    parsed = new URL(location)
  } catch {
    return { url: location, authorization: null }
  }
  if (!parsed.username && !parsed.password) return { url: location, authorization: null }
  const credentials = `${percentDecode(parsed.username)}:${percentDecode(parsed.password)}`
  parsed.username = ''
  parsed.password = ''
  let binary = ''
  for (const byte of new TextEncoder().encode(credentials)) binary += String.fromCharCode(byte)
  return { url: parsed.href, authorization: `Basic ${btoa(binary)}` }
}

/** A malformed escape (`%zz`) is kept as written, as curl does, rather than failing the load. */
function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

/**
 * Where a redirect may take us: only within the configured URL's origin (scheme, host and port), at most
 * {@link MAX_REDIRECTS} hops. The upstream must never send us to another host, an internal address or a
 * metadata service, or from https down to http; LiteLLM follows no redirect at all.
 */
function redirectTarget(url: string, from: string, location: string, hop: number): string {
  if (hop > MAX_REDIRECTS) throw new CostMapError('FETCH_FAILED', `more than ${MAX_REDIRECTS} redirects from ${url}`)
  let next: URL
  try {
    next = new URL(location, from)
  } catch (error) {
    throw new CostMapError('FETCH_FAILED', `invalid redirect Location from ${from}`, { cause: error })
  }
  if (next.origin !== new URL(url).origin || next.origin === 'null') {
    const where = next.origin === 'null' ? `a ${next.protocol} URL` : next.origin
    throw new CostMapError(
      'FETCH_FAILED',
      `refused a redirect from ${from} to ${where}: only redirects within ${new URL(url).origin} are followed`,
    )
  }
  return next.href
}

async function readCapped(
  body: ReadableStream<Uint8Array> | null,
  maxBytes: number,
  ctl: AbortController,
  progress?: (received: number) => void,
): Promise<{ text: string; bytes: Uint8Array }> {
  if (!body) return { text: '', bytes: EMPTY }
  const reader = body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  try {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > maxBytes) throw new CostMapError('BODY_TOO_LARGE', `response body exceeds the ${maxBytes}-byte limit`)
      chunks.push(value)
      progress?.(size)
    }
  } catch (error) {
    // Tear the connection down: a half-read body must not keep the socket (or the server) busy.
    ctl.abort()
    await reader.cancel().catch(() => {})
    throw error
  }
  return decode(chunks, size)
}

/**
 * Node's SIMD ASCII check where the runtime has it (Node >= 20.16): an all-ASCII body, as LiteLLM's map is,
 * becomes a string by a plain copy, ten times faster than a UTF-8 decode.
 */
const nodeBuffer = typeof process === 'undefined' ? undefined : process.getBuiltinModule?.('node:buffer')

function decode(chunks: Uint8Array[], size: number): { text: string; bytes: Uint8Array } {
  let bytes = chunks.length === 1 ? (chunks[0] as Uint8Array) : new Uint8Array(size)
  if (chunks.length > 1) {
    let offset = 0
    for (const chunk of chunks) {
      bytes.set(chunk, offset)
      offset += chunk.byteLength
    }
  }
  if (nodeBuffer?.isAscii(bytes)) {
    return { text: nodeBuffer.Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1'), bytes }
  }
  try {
    const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(bytes)
    if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3)
    return { text, bytes }
  } catch (error) {
    throw new CostMapError('INVALID_JSON', 'invalid JSON: the body is not valid UTF-8', { cause: error })
  }
}

async function readLocal(url: string, maxBytes: number): Promise<FetchedText> {
  const { readFile, stat } = await import('node:fs/promises')
  const { fileURLToPath } = await import('node:url')
  try {
    const path = url.startsWith('file:') ? fileURLToPath(url) : url
    const info = await stat(path)
    if (info.size > maxBytes)
      throw new CostMapError('BODY_TOO_LARGE', `${path} is ${info.size} bytes, over the ${maxBytes}-byte limit`)
    const bytes = await readFile(path)
    return { ...decode([bytes], bytes.byteLength), etag: null, notModified: false, status: 200 }
  } catch (error) {
    throw toCostMapError(error, url)
  }
}

function toCostMapError(error: unknown, url: string): CostMapError {
  if (isCostMapError(error)) return error
  const status = (error as { response?: Response }).response?.status
  if (status) return new CostMapError('HTTP_STATUS', `HTTP ${status} from ${url}`, { status, cause: error })
  return new CostMapError('FETCH_FAILED', `could not fetch ${url}: ${networkDetail(error)}`, { cause: error })
}

// --- Proxy ---

let proxyCache: { key: string; fetch: typeof globalThis.fetch } | undefined

/** undici's EnvHttpProxyAgent when a proxy is configured (it applies NO_PROXY); plain fetch otherwise. */
async function proxyFetch(
  url: string,
  env = typeof process === 'undefined' ? {} : process.env,
): Promise<typeof globalThis.fetch> {
  const read = (name: string) => env[name] ?? env[name.toLowerCase()]
  const httpsProxy = read('HTTPS_PROXY')
  const httpProxy = read('HTTP_PROXY')
  const noProxy = read('NO_PROXY') ?? ''
  if (!(url.startsWith('https') ? httpsProxy || httpProxy : httpProxy)) return globalThis.fetch
  const key = `${httpProxy}|${httpsProxy}|${noProxy}`
  if (proxyCache?.key !== key) {
    const undici = await import('undici')
    const dispatcher = new undici.EnvHttpProxyAgent({ httpProxy, httpsProxy: httpsProxy ?? httpProxy, noProxy })
    const proxied = ((input: string, init?: RequestInit) =>
      undici.fetch(input, { ...(init as object), dispatcher } as Parameters<
        typeof undici.fetch
      >[1])) as unknown as typeof globalThis.fetch
    proxyCache = { key, fetch: proxied }
  }
  return proxyCache.fetch
}
