// A map URL with credentials or a query token: whatever the upstream does, no route body, health answer,
// /metrics scrape, log line or webhook alert carries the secret. Real servers throughout: the upstream,
// costmap on node:http with metrics, and a webhook receiver.

import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { ModelCostMap } from '../../src/store/store'
import { MAIN_MAP, readText } from '../support/data'
import { type Reply, startServer } from '../support/server'
import { AUTH, admin, listenOn, viewer } from './fixtures'

const cleanup: Array<() => unknown> = []
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** Not hex, so no sha256 or etag can contain them by chance. */
const SECRETS = /secret|abc_tok/

/** A map newer than the bundled one, so the history records it with its URL. */
const NEWER = JSON.stringify({
  ...JSON.parse(readText(MAIN_MAP)),
  'scrub-model': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 },
})

const withCredentials = (base: string) => `${base.replace('http://', 'http://user:secret@')}/x.json?token=abc_tok`

/** Every GET route that shows the store's state, with the key it needs. */
const ROUTES: Array<[path: string, headers: Record<string, string>]> = [
  ['/model/cost_map/source', viewer],
  ['/model/cost_map/syncs', viewer],
  ['/model/cost_map/syncs?scope=fleet', viewer],
  ['/model/cost_map/history', viewer],
  ['/schedule/model_cost_map_reload/status', viewer],
  ['/health/readiness', {}],
  ['/health/liveliness', {}],
  ['/metrics', {}],
]

describe('a map URL with credentials or a query token', () => {
  it.each<[name: string, url: (base: string) => string, reply: Reply, failed: boolean]>([
    // The credentials are sent (as Authorization: Basic), so the upstream's answer decides, as for a token.
    ['credentials and a token, answered 404', withCredentials, { status: 404, body: 'missing' }, true],
    ['credentials and a token, answered 200', withCredentials, { body: NEWER }, false],
    ['a token, answered 404', (base) => `${base}/x.json?token=abc_tok`, { status: 404, body: 'missing' }, true],
    ['a token, answered 200', (base) => `${base}/x.json?token=abc_tok`, { body: NEWER }, false],
  ])('%s: no route, health, metrics, log or webhook shows it', async (_name, makeUrl, reply, failed) => {
    const upstream = await startServer(() => reply)
    cleanup.push(() => upstream.close())
    const alerts: string[] = []
    const hook = await listenOn(
      createServer((req, res) => {
        let text = ''
        req.on('data', (c) => {
          text += c
        })
        req.on('end', () => {
          alerts.push(text)
          res.end('ok')
        })
      }),
    )
    cleanup.push(() => hook.close())
    const dir = await mkdtemp(join(tmpdir(), 'costmap-scrub-'))
    // The history writes its file in the background: removing the directory retries until that settled.
    cleanup.push(() => rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 }))
    const logs: string[] = []
    const url = makeUrl(upstream.url)
    const costs = new ModelCostMap({
      url,
      retry: { attempts: 1 },
      timeoutMs: 2000,
      history: { dir },
      notify: { url: `${hook.url}/hook` },
      logger: { warn: (m) => logs.push(m), info: (entry) => logs.push(JSON.stringify(entry)) },
    })
    cleanup.push(() => costs.dispose())
    await costs.ready
    const handler = createCostMapHandler(costs, {
      ...AUTH,
      metrics: { public: true },
      logger: { warn: (m) => logs.push(m) },
    })
    cleanup.push(() => handler.dispose())
    const server = await listenOn(createServer(toNodeListener(handler)))
    cleanup.push(() => server.close())

    const reload = await fetch(`${server.url}/reload/model_cost_map`, { method: 'POST', headers: admin })
    expect(reload.status).toBe(failed ? 502 : 200)
    const bodies = [await reload.text()]
    for (const [path, headers] of ROUTES) {
      const response = await fetch(`${server.url}${path}`, { headers })
      expect(response.status, path).toBe(200)
      bodies.push(await response.text())
    }
    const source = JSON.parse(bodies[1] as string)
    if (failed) {
      // The error still says what failed and where: host and path stay, only userinfo and query go.
      expect(source.last_error).toContain(`127.0.0.1:${upstream.port}/x.json`)
      expect(source.fallback_reason).toMatch(/^Remote fetch failed: /)
      expect(JSON.parse(bodies[0] as string).detail).toContain(`127.0.0.1:${upstream.port}/x.json`)
      await expect.poll(() => alerts.length).toBeGreaterThan(0)
      expect(logs.some((l) => l.includes('reload failed'))).toBe(true)
    } else {
      expect(source.url).toBe(`${upstream.url}/x.json`)
      expect(JSON.parse(bodies[4] as string).data.at(-1).url).toBe(`${upstream.url}/x.json`)
      // Recorded without them too: the history's index on disk (and a fleet's Redis) keeps the URL.
      expect(costs.history().at(-1)?.url).toBe(`${upstream.url}/x.json`)
      await expect
        .poll(() => readFile(join(dir, 'index.json'), 'utf8').catch(() => ''))
        .toContain(`${upstream.url}/x.json`)
      expect(await readFile(join(dir, 'index.json'), 'utf8')).not.toMatch(SECRETS)
    }
    if (url.includes('@')) {
      expect(upstream.requests[0]?.headers.authorization).toBe(`Basic ${btoa('user:secret')}`)
      // In the process too, the store keeps the URL without the credentials (the query is the caller's own).
      expect(JSON.stringify([costs.source(), await costs.reload(), costs.history()])).not.toMatch(/secret/)
    }
    for (const body of bodies) expect(body).not.toMatch(SECRETS)
    for (const alert of alerts) expect(alert).not.toMatch(SECRETS)
    for (const line of logs) expect(line).not.toMatch(SECRETS)
  })
})
