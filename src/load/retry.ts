/**
 * Retries for the transport, through ofetch: which answers are worth another attempt, and how long to wait for
 * it (backoff, Retry-After, the request's deadline).
 * @module
 */

import { ofetch } from '../_internal'
import { CostMapError } from '../errors'

const RETRY_STATUS = [429, 500, 502, 503, 504]

/** @internal A failed attempt: the response with a retryable status, or the network error. */
export type Failure = { response: Response; error?: undefined } | { response?: undefined; error: unknown }

/**
 * @internal GETs `target` through ofetch, up to `attempts` times: a 429 or 5xx gateway answer or a network
 * error is retried after `delay` (which may throw to give up), a cancelled request never is. A success, 304 or
 * redirect is returned with its body unread (`responseType: 'stream'`); an error answer (the last retryable
 * one, or one not worth retrying) with its body cancelled, for the caller to report its status.
 *
 * ofetch is loaded here, by the first remote fetch, so that `import 'costmap'` and a start on the bundled
 * backup do not pay for it (src/_internal/lazy.ts).
 */
export async function fetchWithRetries(
  fetch: typeof globalThis.fetch,
  target: string,
  init: RequestInit,
  attempts: number,
  delay: (failure: Failure, attempt: number) => number,
): Promise<Response> {
  const { createFetch } = ofetch()
  // ofetch waits for `retryDelay` with a bare setTimeout that no signal cuts short: a dispose() or the deadline
  // would leave the wait running and settle only when it ends. So `retryDelay` only decides (and may throw);
  // it hands the wait to the next attempt, which sleeps on the request's signal before it sends anything.
  let wait = 0
  const $fetch = createFetch({
    fetch: async (input, options) => {
      const ms = wait
      wait = 0
      if (ms > 0) await sleep(ms, options?.signal)
      return fetch(input, options)
    },
  })
  try {
    return await $fetch.raw(target, {
      ...init,
      responseType: 'stream',
      retry: attempts - 1,
      retryStatusCodes: RETRY_STATUS,
      retryDelay: ({ response, error, options }) => {
        const attempt = attempts - (options.retry || 0)
        wait = delay(response ? { response } : { error }, attempt)
        return 0
      },
      // A retried or refused answer's body is never read: let the socket go.
      onResponseError: ({ response }) => response.body?.cancel().catch(() => {}),
    })
  } catch (error) {
    // ofetch wraps what ends the loop: the last retryable answer is returned to the caller (who reports its
    // status), a network error is rethrown as fetch threw it (its cause chain names ECONNREFUSED, ENOTFOUND…).
    const { name, response, cause } = error as { name?: string; response?: Response; cause?: unknown }
    if (name !== 'FetchError') throw error
    if (response) return response
    throw cause ?? error
  }
}

/** Resolves after `ms`, or rejects as soon as `signal` aborts (the deadline, or the caller cancelling). */
function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason)
    const timer = setTimeout(done, ms)
    signal?.addEventListener('abort', done, { once: true })
    function done() {
      clearTimeout(timer)
      signal?.removeEventListener('abort', done)
      if (signal?.aborted) reject(signal.reason)
      else resolve()
    }
  })
}

/** @internal Waits 2^n x base (+ jitter) or what Retry-After asks, but never past the deadline (LiteLLM caps at 30 s). */
export function retryDelay(
  failure: Failure,
  target: string,
  attempt: number,
  base: number,
  max: number,
  deadline: number,
): number {
  const header = failure.response?.headers.get('retry-after')
  const asked = header ? parseRetryAfter(header) : null
  // Retry-After is obeyed up to LiteLLM's 30 s cap; our own backoff is capped at maxDelayMs.
  const wait = asked === null ? Math.min(2 ** attempt * base + Math.random() * base, max) : Math.min(asked, 30_000)
  if (Date.now() + wait >= deadline) {
    // Retrying earlier than the server asked would be rude; waiting past the deadline is not allowed.
    const status = failure.response?.status
    throw new CostMapError(
      status ? 'HTTP_STATUS' : 'FETCH_FAILED',
      `${status ? `HTTP ${status} from ${target}` : `could not fetch ${target}: ${networkDetail(failure.error)}`} (a retry in ${Math.round(wait)} ms would pass the deadline)`,
      { cause: failure.error, ...(status ? { status } : {}) },
    )
  }
  return wait
}

/** @internal Retry-After in seconds or as an HTTP date -> milliseconds; null when unusable. */
export function parseRetryAfter(value: string): number | null {
  const seconds = Number(value)
  if (value.trim() !== '' && Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : null
  const date = Date.parse(value)
  return Number.isNaN(date) ? null : Math.max(0, date - Date.now())
}

/** @internal fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND…) is in the cause chain. */
export function networkDetail(error: unknown): string {
  let current = error as { cause?: unknown; code?: string; message?: string } | undefined
  let detail = current?.message ?? 'network error'
  for (let depth = 0; current && depth < 4; depth++) {
    if (current.code && typeof current.code === 'string') return current.code
    if (current.message) detail = current.message
    current = current.cause as typeof current
  }
  return detail
}
