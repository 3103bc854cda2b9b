/**
 * `costmap status`: what a running server (costmap or LiteLLM's proxy) serves, once or watched.
 * @module
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { errorText } from '../errors'
import { resolveLoadOptions } from '../load'
import { type Command, JSON_OPTION, positiveOption, stringOption, UsageError } from './args'
import { count, type Output, paint, printJson, table } from './format'

interface Client {
  get(path: string): Promise<Record<string, unknown>>
}

/** An answer that was not 2xx (its status kept, to tell a missing route from a failure). */
class HttpStatusError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message)
  }
}
interface State {
  status: Record<string, unknown>
  source: Record<string, unknown>
}

/** @internal `costmap status`. */
export const status: Command = {
  name: 'status',
  summary:
    "A running server's cost map: last and next sync, sync successes and failures, source, model count and sha256.",
  args: '',
  positionals: [0, 0],
  options: {
    server: { type: 'string', arg: '<url>', description: 'the server (default http://localhost:4000)' },
    key: { type: 'string', arg: '<key>', description: 'an admin or viewer key (default: env LITELLM_MASTER_KEY)' },
    watch: { type: 'boolean', description: 'keep polling; print new models as they appear (Ctrl-C stops)' },
    interval: { type: 'string', arg: '<s>', description: 'seconds between polls with --watch (default 10)' },
    json: JSON_OPTION,
  },
  notes: 'With --watch --json, one JSON object per line: the first state, then each change.',
  async run({ values, out }) {
    const server = (stringOption(values, 'server') ?? 'http://localhost:4000').replace(/\/+$/, '')
    if (!/^https?:\/\/[^/]/i.test(server) || !URL.canParse(server))
      throw new UsageError(`--server must be an http(s) URL, got '${server}'`)
    const key = stringOption(values, 'key') ?? out.env.LITELLM_MASTER_KEY
    if (!key) throw new UsageError('pass --key (or set LITELLM_MASTER_KEY)')
    const interval = positiveOption(values, 'interval', 10)
    const client = createClient(server, key, resolveLoadOptions(undefined, { env: out.env }).timeoutMs)
    const state = await readState(client)
    if (values.watch) return watch(client, server, state, interval, out, values.json === true)
    if (values.json) return printJson(out, { server, ...state })
    printState(out, server, state)
    return 0
  },
}

function createClient(server: string, key: string, timeoutMs: number): Client {
  return {
    async get(path) {
      let response: Response
      try {
        response = await fetch(`${server}${path}`, {
          headers: { authorization: `Bearer ${key}`, accept: 'application/json' },
          signal: AbortSignal.timeout(timeoutMs),
        })
      } catch (error) {
        throw new Error(`could not reach ${server}: ${networkDetail(error)}`)
      }
      const text = await response.text()
      let body: unknown
      try {
        body = JSON.parse(text)
      } catch {
        body = undefined
      }
      if (!response.ok) {
        const detail = (body as { detail?: unknown } | undefined)?.detail
        const reason = typeof detail === 'string' ? detail : JSON.stringify(detail)
        throw new HttpStatusError(
          `${server}${path} answered HTTP ${response.status}${detail ? `: ${reason}` : ''}`,
          response.status,
        )
      }
      if (typeof body !== 'object' || body === null) throw new Error(`${server}${path} did not answer a JSON object`)
      return body as Record<string, unknown>
    },
  }
}

async function readState(client: Client): Promise<State> {
  const [status, source] = await Promise.all([
    client.get('/schedule/model_cost_map_reload/status'),
    client.get('/model/cost_map/source'),
  ])
  return { status, source }
}

/** The cost map's models: costmap's own route; LiteLLM's proxy (which lacks it) lists them on /v1/models. */
async function modelIds(client: Client): Promise<Set<string>> {
  const { data } = await client.get('/model/cost_map/models').catch((error) => {
    if (error instanceof HttpStatusError && error.status === 404) return client.get('/v1/models')
    throw error
  })
  return new Set(Array.isArray(data) ? data.map((m) => String((m as { id?: unknown }).id)) : [])
}

/** Polls until SIGINT or SIGTERM; a failed poll is reported and the next one tried. */
async function watch(
  client: Client,
  server: string,
  first: State,
  seconds: number,
  out: Output,
  json: boolean,
): Promise<number> {
  const stop = new AbortController()
  const onSignal = () => stop.abort()
  process.once('SIGINT', onSignal).once('SIGTERM', onSignal)
  let state = first
  let ids = await modelIds(client)
  if (json) out.print(JSON.stringify({ event: 'status', ...state }))
  else printState(out, server, state)
  try {
    while (!stop.signal.aborted) {
      await sleep(seconds * 1000, undefined, { signal: stop.signal }).catch(() => {})
      if (stop.signal.aborted) break
      try {
        const next = await readState(client)
        const before = state.source
        state = next
        if (next.source.sha256 === before.sha256 && next.source.model_count === before.model_count) continue
        const now = await modelIds(client)
        const change = {
          event: 'change',
          timestamp: new Date().toISOString(),
          previous_model_count: before.model_count,
          model_count: next.source.model_count,
          previous_sha256: before.sha256,
          sha256: next.source.sha256,
          new_models: [...now].filter((id) => !ids.has(id)),
          removed_models: [...ids].filter((id) => !now.has(id)),
        }
        ids = now
        if (json) out.print(JSON.stringify(change))
        else printChange(out, change)
      } catch (error) {
        out.error(`${new Date().toISOString()} poll failed: ${errorText(error)}`)
      }
    }
  } finally {
    process.off('SIGINT', onSignal).off('SIGTERM', onSignal)
  }
  return 0
}

function printState(out: Output, server: string, { status, source }: State): void {
  const origin =
    source.source === 'remote'
      ? `remote ${source.url}`
      : `local (bundled backup)${source.url ? `, wanted ${source.url}` : ''}`
  const every = status.scheduled ? ` (every ${status.interval_hours} h)` : ''
  const rows = [
    ['server', server],
    ['source', origin],
    ['models', typeof source.model_count === 'number' ? count(source.model_count) : String(source.model_count)],
    ['sha256', String(source.sha256)],
    ['loaded', String(source.loaded_at)],
    ['last sync', status.last_run ? String(status.last_run) : 'never'],
    ['next sync', status.next_run ? `${status.next_run}${every}` : 'not scheduled'],
  ]
  // costmap's sync counts (LiteLLM's proxy does not report them).
  if (typeof status.success_count === 'number' && typeof status.failure_count === 'number') {
    const total = status.success_count + status.failure_count
    const rate = total ? ` (${((100 * status.success_count) / total).toFixed(1)}% ok)` : ''
    rows.push(['syncs', `${count(status.success_count)} ok, ${count(status.failure_count)} failed${rate}`])
    rows.push(['last success', status.last_success ? String(status.last_success) : 'never'])
    rows.push(['last failure', status.last_failure ? String(status.last_failure) : 'never'])
  }
  if (source.fallback_reason) rows.push(['fallback', paint(out.color, 'yellow', String(source.fallback_reason))])
  if (source.last_error) rows.push(['last error', paint(out.color, 'red', String(source.last_error))])
  out.print(table(rows, { color: false }))
}

function printChange(
  out: Output,
  c: Record<string, unknown> & { new_models: string[]; removed_models: string[] },
): void {
  out.print(
    `${c.timestamp}  map changed: ${c.previous_model_count} -> ${c.model_count} models, sha256 ${String(c.sha256).slice(0, 12)}`,
  )
  for (const id of c.new_models) out.print(`  ${paint(out.color, 'green', '+')} ${id}`)
  for (const id of c.removed_models) out.print(`  ${paint(out.color, 'red', '-')} ${id}`)
}

/** fetch says only "fetch failed"; the useful part (ECONNREFUSED, ENOTFOUND…) is in the cause. */
function networkDetail(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause
  return String(cause?.code ?? cause?.message ?? errorText(error))
}
