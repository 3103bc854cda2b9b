// One operator's day on real servers: an upstream, costmap on node:http with metrics, and a webhook
// receiver. A failed, an unchanged and a changed sync; the answers, /syncs, /health/readiness, /metrics
// scraped over HTTP, and the alerts the webhook received.
import { createServer, type IncomingHttpHeaders } from 'node:http'
import { afterEach, describe, expect, it, vi } from 'vitest'
import { scrubUrls } from '../../src/_internal'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { ModelCostMap } from '../../src/store/store'
import { MAIN_MAP, readText } from '../support/data'
import { samples } from '../support/prometheus'
import { type Reply, startServer } from '../support/server'
import { AUTH, admin, listenOn, sha, viewer } from './fixtures'
import { changedMap } from './suite.operations'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

interface Received {
  headers: IncomingHttpHeaders
  body: Record<string, unknown>
}

/** A webhook receiver (Slack's incoming webhook stands here): records each JSON POST. */
async function webhook(status = 200) {
  const received: Received[] = []
  let wake: () => void = () => undefined
  const server = createServer((req, res) => {
    let text = ''
    req.on('data', (c) => {
      text += c
    })
    req.on('end', () => {
      received.push({ headers: req.headers, body: JSON.parse(text) })
      res.writeHead(status).end('ok')
      wake()
    })
  })
  const listening = await listenOn(server)
  cleanup.push(() => listening.close())
  const waitFor = async (n: number) => {
    const deadline = Date.now() + 3000
    while (received.length < n && Date.now() < deadline)
      await new Promise<void>((r) => {
        wake = r
        setTimeout(r, 50)
      })
    return received
  }
  return { url: `${listening.url}/hooks/T000/B000/secretpath`, received, waitFor }
}

describe('a failed, an unchanged and a changed sync, seen from every operations surface', () => {
  it('answers, /syncs counts, readiness, /metrics values and the webhook alerts agree', async () => {
    const main = readText(MAIN_MAP)
    const changed = changedMap(main)
    let reply: Reply = { status: 503, body: 'upstream down' }
    const upstream = await startServer(() => reply)
    cleanup.push(() => upstream.close())
    const hook = await webhook()
    const warn: string[] = []
    const costs = new ModelCostMap({
      url: `${upstream.url}/map.json`,
      autoLoad: false,
      retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
      timeoutMs: 3000,
      notify: { url: hook.url, headers: { authorization: 'Bearer hook-token' } },
      logger: { warn: (m) => warn.push(m) },
    })
    cleanup.push(() => costs.dispose())
    const handler = createCostMapHandler(costs, { ...AUTH, metrics: { public: true } })
    cleanup.push(() => handler.dispose())
    const server = await listenOn(createServer(toNodeListener(handler)))
    cleanup.push(() => server.close())
    const call = (path: string, init: RequestInit = {}) => fetch(`${server.url}${path}`, init)
    const reload = () => call('/reload/model_cost_map', { method: 'POST', headers: admin })

    // 1. Failed: 502, the bundled map kept, readiness degraded.
    const failed = await reload()
    expect(failed.status).toBe(502)
    expect((await failed.json()).detail).toMatch(/503.*Current pricing data was kept\.$/)
    expect((await (await call('/health/readiness')).json()).status).toBe('degraded')

    // 2. Unchanged: the same bytes as the bundled map.
    reply = { body: main }
    const unchanged = await (await reload()).json()
    expect(unchanged).toMatchObject({ status: 'unchanged', new_models: [], pricing_changes: 0, sha256: sha(main) })
    expect((await (await call('/health/readiness')).json()).status).toBe('healthy')

    // 3. Changed: one new model, one price moved.
    reply = { body: changed }
    const success = await (await reload()).json()
    expect(success).toMatchObject({
      message: `Price data reloaded successfully! ${success.models_count} models updated.`,
      status: 'success',
      new_models: ['my-new-model'],
      changed_models: ['gpt-4o'],
      pricing_changes: 1,
      price_changes: [{ model: 'gpt-4o', field: 'input_cost_per_token', old: 2.5e-6, new: 5e-6 }],
      price_changes_truncated: false,
      sha256: sha(changed),
    })

    const syncs = await (await call('/model/cost_map/syncs', { headers: viewer })).json()
    expect(syncs.counts).toEqual({ success: 1, unchanged: 1, failed: 1 })
    expect(syncs.success_rate).toBeCloseTo(2 / 3, 12)
    expect(
      syncs.data.map((r: Record<string, unknown>) => [r.status, r.reason, r.new_models, r.pricing_changes]),
    ).toEqual([
      ['success', null, 1, 1],
      ['unchanged', null, 0, 0],
      ['failed', 'http', 0, 0],
    ])

    const ready = await (await call('/health/readiness')).json()
    expect(ready).toEqual({
      status: 'healthy',
      reasons: [],
      map: {
        source: 'remote',
        sha256: sha(changed),
        model_count: success.models_count,
        loaded_at: expect.any(String),
        age_seconds: expect.any(Number),
        fallback_reason: null,
      },
      last_success: syncs.data[0].timestamp,
      last_failure: syncs.data[2].timestamp,
    })

    const scrape = await call('/metrics')
    expect(scrape.status).toBe(200)
    const m = samples(await scrape.text())
    expect(m).toMatchObject({
      'costmap_reload_total{trigger="manual",status="failed"}': 1,
      'costmap_reload_total{trigger="manual",status="unchanged"}': 1,
      'costmap_reload_total{trigger="manual",status="success"}': 1,
      'costmap_reload_failures_total{reason="http"}': 1,
      'costmap_reload_failures_total{reason="price_guard"}': 0,
      costmap_reload_duration_seconds_count: 3,
      costmap_last_reload_successful: 1,
      costmap_last_reload_success_timestamp_seconds: Date.parse(syncs.data[0].timestamp) / 1000,
      costmap_models: success.models_count,
      [`costmap_map_info{sha256="${sha(changed)}",source="remote"}`]: 1,
      costmap_fallback_active: 0,
      costmap_new_models_total: 1,
      costmap_price_changes_total: 1,
      costmap_schedule_next_run_timestamp_seconds: 0,
    })
    expect(m.costmap_map_age_seconds).toBeGreaterThanOrEqual(0)
    expect(Object.keys(m).some((k) => k.startsWith('costmap_fleet_connected'))).toBe(false)

    // The webhook got the failure and the change (an unchanged sync alerts nobody), with a one-line text.
    const posts = await hook.waitFor(2)
    expect(posts.map((p) => p.body.event)).toEqual(['reload_failed', 'change'])
    const [fail, change] = posts as [Received, Received]
    expect(fail.headers.authorization).toBe('Bearer hook-token')
    expect(fail.headers['content-type']).toBe('application/json')
    expect(fail.body).toMatchObject({ status: 'failed', error: expect.stringMatching(/503/) })
    expect(fail.body.text).toMatch(/^costmap: cost map sync failed \(manual\); current pricing data was kept: .*503/)
    expect(change.body).toMatchObject({
      status: 'success',
      new_models: ['my-new-model'],
      pricing_changes: 1,
      price_changes: [{ model: 'gpt-4o', field: 'input_cost_per_token', old: 2.5e-6, new: 5e-6 }],
    })
    expect(change.body.text).toBe(
      `costmap: cost map updated (manual): ${success.models_count} models, 1 new, 1 price changes`,
    )
    for (const p of posts) expect(String(p.body.text)).not.toContain('\n')
    expect(warn.filter((w) => /notify/.test(w))).toEqual([])
  })
})

describe('alerts', () => {
  it('a held map alerts as held; a repeated failure alerts once; a broken webhook is logged and the reload unaffected', async () => {
    const main = readText(MAIN_MAP)
    const jumped = JSON.parse(main) as Record<string, Record<string, unknown>>
    jumped['gpt-4o'] = { ...jumped['gpt-4o'], input_cost_per_token: 2.5e-3 }
    let reply: Reply = { body: main }
    const upstream = await startServer(() => reply)
    cleanup.push(() => upstream.close())
    const hook = await webhook(500)
    const warn: string[] = []
    const costs = new ModelCostMap({
      url: `${upstream.url}/map.json`,
      autoLoad: false,
      retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
      priceChangeGuard: { maxFactor: 10 },
      notify: { url: hook.url, events: ['held', 'reload_failed'] },
      logger: { warn: (m) => warn.push(m) },
    })
    cleanup.push(() => costs.dispose())
    expect((await costs.reload()).status).toBe('unchanged')
    reply = { body: JSON.stringify(jumped) }
    expect((await costs.reload()).status).toBe('failed')
    reply = { status: 500, body: 'x' }
    expect((await costs.reload()).status).toBe('failed')
    expect((await costs.reload()).status).toBe('failed')
    const posts = await hook.waitFor(2)
    // The client logs each 500 once its answer arrived, which may be after the receiver recorded the POST.
    await vi.waitFor(() => expect(warn.filter((w) => /notify: .* answered HTTP 500/.test(w))).toHaveLength(2))
    // A third failure with the same error posts nothing more.
    await new Promise((r) => setTimeout(r, 100))
    expect(posts.map((p) => p.body.event)).toEqual(['held', 'reload_failed'])
    expect(posts[0]?.body.text).toMatch(/held back by the price-change guard/)
    // The log names the webhook's host, never its secret path.
    expect(warn.join('\n')).not.toContain('secretpath')
    expect(costs.syncs().counts).toEqual({ success: 0, unchanged: 1, failed: 3 })
  })

  it.each([
    ['an ftp URL', { url: 'ftp://example.com/x' }],
    ['no URL', { url: 'not a url' }],
    ['an unknown event', { url: 'http://127.0.0.1:9/x', events: ['changes'] }],
  ])('refuses %s at construction', (_name, notify) => {
    expect(() => new ModelCostMap({ autoLoad: false, notify: notify as never })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
  })
})

describe('readiness shows no secret a URL carries', () => {
  it.each([
    [
      'HTTP 404 from https://user:pass@maps.example.com/m.json?token=s3cret',
      'HTTP 404 from https://maps.example.com/m.json',
    ],
    ['fetch failed: http://10.0.0.1:8080/x#frag (ECONNREFUSED)', 'fetch failed: http://10.0.0.1:8080/x (ECONNREFUSED)'],
    ['no URL here', 'no URL here'],
  ])('%s', (text, expected) => {
    expect(scrubUrls(text)).toBe(expected)
  })

  it('a failed fetch from a URL with a token: neither /health/readiness nor the webhook gets the token or the credentials', async () => {
    const upstream = await startServer({ status: 404, body: 'missing' })
    cleanup.push(() => upstream.close())
    const hook = await webhook()
    const url = `http://user:pw-SECRET@127.0.0.1:${upstream.port}/map.json?token=tok-SECRET`
    const costs = new ModelCostMap({ url, retry: { attempts: 1 }, timeoutMs: 2000, notify: { url: hook.url } })
    cleanup.push(() => costs.dispose())
    await costs.ready
    const handler = createCostMapHandler(costs, AUTH)
    const server = await listenOn(createServer(toNodeListener(handler)))
    cleanup.push(() => server.close())
    const text = await (await fetch(`${server.url}/health/readiness`)).text()
    expect(JSON.parse(text).status).toBe('degraded')
    // Scrubbed where the store records it: the library's own view, its logs and events carry no token either.
    expect(costs.source().fallback_reason).toContain(`127.0.0.1:${upstream.port}/map.json`)
    expect(costs.source().fallback_reason).not.toMatch(/SECRET/)
    expect(text).not.toMatch(/SECRET/)
    const [alert] = await hook.waitFor(1)
    expect(alert?.body.event).toBe('reload_failed')
    expect(JSON.stringify(alert?.body)).not.toMatch(/SECRET/)
  })
})
