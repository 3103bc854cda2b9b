/**
 * Alerts: one JSON POST per notable sync (a map change, a failed reload, a map held back by the price-change
 * guard) to a webhook from the configuration. `text` is a one-line summary, so Slack and Teams incoming
 * webhooks show it as it is. A short timeout, no retry, and a failure is logged, never felt by the reload.
 * @module
 */
import { scrubUrls } from '../_internal'
import { CostMapError, errorText } from '../errors'
import type { NotifyEvent, NotifyOptions, ReloadResult, SyncRecord } from './types'

const EVENTS: readonly NotifyEvent[] = ['change', 'reload_failed', 'held']
const TIMEOUT_MS = 5000

/** @internal The part of the store the notifier needs. */
interface Source {
  on(event: 'sync', listener: (payload: { record: SyncRecord; result: ReloadResult }) => void): () => void
}

/**
 * @internal Subscribes the webhook to the store's syncs; returns the unsubscribe function.
 * @throws {CostMapError} `INVALID_ARGUMENT` for a URL that is not http(s) or an unknown event
 * @example
 * ```ts
 * createNotifier(costs, { url: 'https://hooks.slack.com/services/…' }, console.warn)
 * ```
 */
export function createNotifier(
  store: Source,
  options: NotifyOptions,
  warn: (message: string) => void,
  post: typeof fetch = (...args) => fetch(...args),
): () => void {
  const url = checkUrl(options.url)
  const events = new Set(options.events ?? EVENTS)
  for (const event of events) {
    if (!EVENTS.includes(event)) {
      throw new CostMapError('INVALID_ARGUMENT', `[costmap] notify.events: unknown event ${String(event)}`)
    }
  }
  // A schedule retrying against a broken upstream fails every few minutes: alert once per distinct error.
  let lastFailure: string | null = null
  return store.on('sync', ({ record, result }) => {
    const event = eventOf(record)
    if (event === null) {
      if (record.status !== 'failed') lastFailure = null
      return
    }
    if (event !== 'change') {
      if (result.error === lastFailure) return
      lastFailure = result.error
    } else lastFailure = null
    if (!events.has(event)) return
    // The webhook is another service: an error naming the map's URL must not hand it a token or credentials.
    const error = scrubUrls(result.error)
    const clean = { ...result, error }
    const body = JSON.stringify({ event, text: summary(event, record, clean), ...clean })
    post(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/json' },
      body,
      signal: AbortSignal.timeout(options.timeoutMs ?? TIMEOUT_MS),
      redirect: 'error',
    })
      .then(async (response) => {
        await response.body?.cancel().catch(() => undefined)
        if (!response.ok) warn(`notify: ${origin(url)} answered HTTP ${response.status} to the ${event} alert`)
      })
      .catch((error) => warn(`notify: could not post the ${event} alert to ${origin(url)}: ${errorText(error)}`))
  })
}

function eventOf(record: SyncRecord): NotifyEvent | null {
  if (record.status === 'success') return 'change'
  if (record.status === 'failed') return record.reason === 'price_guard' ? 'held' : 'reload_failed'
  return null
}

/**
 * @internal The one-line summary of an alert.
 * @example
 * ```ts
 * summary('change', record, result) // 'costmap: cost map updated (schedule): 2,669 models, 3 new, 12 price changes'
 * ```
 */
export function summary(event: NotifyEvent, record: SyncRecord, result: ReloadResult): string {
  const trigger = `(${record.trigger})`
  if (event === 'change') {
    const removed = result.removed_models.length ? `, ${result.removed_models.length} removed` : ''
    return `costmap: cost map updated ${trigger}: ${result.models_count} models, ${result.new_models.length} new${removed}, ${result.pricing_changes} price changes`
  }
  const what = event === 'held' ? 'new cost map held back by the price-change guard' : 'cost map sync failed'
  const error = (result.error ?? 'unknown error').replace(/\s+/g, ' ').slice(0, 300)
  return `costmap: ${what} ${trigger}; current pricing data was kept: ${error}`
}

function checkUrl(raw: string): string {
  let url: URL | undefined
  try {
    url = new URL(raw)
  } catch {
    url = undefined
  }
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
    throw new CostMapError('INVALID_ARGUMENT', '[costmap] notify.url must be an http(s) URL')
  }
  return url.href
}

/** Webhook URLs carry their secret in the path: logs name the host only. */
function origin(url: string): string {
  return new URL(url).host
}
