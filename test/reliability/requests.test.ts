// No request can crash a host: odd methods, unparseable, absolute-form and asterisk-form targets, sent as raw
// bytes (HTTP clients normalise targets) to a real node:http listener, Express app and Hono app, plus a
// fuzz run of random methods and targets. Every answer is a 4xx (or the host's own 404), never a 5xx, never
// a stack trace, and the server still answers afterwards.
import { createServer, type Server } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import express from 'express'
import fc from 'fast-check'
import { Hono } from 'hono'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { costMapRoutes as expressRoutes } from '../../src/adapters/express'
import { costMapRoutes as honoRoutes } from '../../src/adapters/hono'
import { type CostMapHandlerOptions, createCostMapHandler, ROUTE_PATHS } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { ModelCostMap } from '../../src/store/store'
import { KEY, listenOn, VIEWER } from '../routes/fixtures'
import { startServer, type TestServer } from '../support/fault-server'
import { type RawAnswer, raw, request } from '../support/raw-http'

// The socket runs are slower than the in-process properties of fuzz.test.ts: a twentieth of its count.
const RUNS = Math.max(50, Math.round(Number(process.env.COSTMAP_FUZZ_RUNS ?? 10_000) / 20))

/** A stack trace line (`    at fn (file:1:2)`) or an error name, anywhere in an answer. */
const STACK = /\n\s+at\s|\w*Error: |node:internal|\/src\//

function expectHonest(answer: RawAnswer, what: string): void {
  expect(answer.status ?? 0, what).toBeLessThan(500)
  expect(answer.text, what).not.toMatch(STACK)
}

interface Host {
  name: string
  port: number
  logged: string[]
  close(): Promise<void>
}

/** A server a request names in an absolute-form target: it must never be contacted. */
let trap: TestServer
let upstream: TestServer
const hosts: Host[] = []

/** A hook that throws on request, to play a host bug in `authorize`. */
function options(logged: string[]): CostMapHandlerOptions {
  return {
    masterKey: KEY,
    env: {},
    authorize: (req) => {
      if (req.headers.get('x-boom')) throw new Error('authorize exploded with sk-secret-in-message')
      return req.headers.get('authorization') === `Bearer ${VIEWER}` ? 'viewer' : null
    },
    logger: { warn: (message) => logged.push(message) },
  }
}

async function mount(name: string, make: (costs: ModelCostMap, logged: string[]) => Server): Promise<Host> {
  // The upstream always fails: a reload must go there (and answer 502), never to a host named in a request.
  const costs = new ModelCostMap({
    url: `${upstream.url}/map.json`,
    autoLoad: false,
    retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
  })
  const logged: string[] = []
  const { url, close } = await listenOn(make(costs, logged))
  const port = Number(new URL(url).port)
  return {
    name,
    port,
    logged,
    close: async () => {
      await close()
      costs.dispose()
    },
  }
}

beforeAll(async () => {
  trap = await startServer({ status: 200, body: '{}' })
  upstream = await startServer({ status: 503, body: 'down' })
  hosts.push(
    await mount('node listener', (costs, logged) =>
      createServer(toNodeListener(createCostMapHandler(costs, options(logged)), { logger: options(logged).logger })),
    ),
    await mount('Express', (costs, logged) => {
      const app = express()
      app.get('/health', (_req, res) => {
        res.json({ ok: true })
      })
      app.use(express.json())
      app.use(expressRoutes(costs, options(logged)))
      return createServer(app)
    }),
    await mount('Hono', (costs, logged) => {
      const app = new Hono()
      app.get('/health', (c) => c.json({ ok: true }))
      app.route('/', honoRoutes(costs, options(logged)))
      return createAdaptorServer({ fetch: app.fetch }) as Server
    }),
  )
})

afterAll(async () => {
  for (const host of hosts.splice(0)) await host.close()
  await trap?.close()
  await upstream?.close()
})

async function expectAlive(host: Host): Promise<void> {
  const answer = await raw(host.port, request('GET /v1/models', { authorization: `Bearer ${KEY}` }))
  expect(answer.status, `${host.name} still answers`).toBe(200)
}

const ADAPTERS = ['node listener', 'Express', 'Hono'] as const
const host = (name: string) => hosts.find((h) => h.name === name) as Host

describe.each(ADAPTERS)('%s: odd requests get a 4xx, never a crash', (name) => {
  it.each([
    // [request line, what the answer must be]
    ['TRACE /model/info', 405],
    ['TRACE /model/cost_map/source', 405],
    ['TRACK /model/info', 'closed or 4xx'],
    ['M-SEARCH /model/info', 405],
    ['PROPFIND /v1/models', 405],
    ['FOO /model/info', 400], // Node's parser refuses an unknown method itself
    ['GET http://a:99999/x', '4xx'],
    ['GET http://a:99999/model/info', '4xx'],
    ['GET //[/x', 404],
    ['GET //[/model/info', 404],
    ['GET /model/info%', 404],
    ['GET /%ZZ/%', 404],
    ['GET /v1/models?%zz=%', 401],
    ['GET /model/info/../v1/models', '4xx'],
    ['OPTIONS *', '4xx'],
    ['OPTIONS /model/info', 405],
    ['CONNECT 127.0.0.1:1', 'closed or 4xx'],
    ['GET /model/info?<20,000 bytes>', '4xx'],
  ] as const)('%s -> %s', async (line, expected) => {
    const h = host(name)
    const target = line.replace('<20,000 bytes>', 'a'.repeat(20_000))
    const answer = await raw(h.port, request(target))
    expectHonest(answer, line)
    if (typeof expected === 'number') expect(answer.status).toBe(expected)
    else if (expected === '4xx') expect(answer.status).toBeGreaterThanOrEqual(400)
    else if (answer.status !== null) expect(answer.status).toBeGreaterThanOrEqual(400)
    await expectAlive(h)
  })

  it('absolute-form is served by its path; its host is never contacted', async () => {
    const h = host(name)
    const trapTarget = `http://127.0.0.1:${new URL(trap.url).port}`
    const before = upstream.requests.length
    const viewed = await raw(
      h.port,
      request(`GET ${trapTarget}/model/cost_map/source`, { authorization: `Bearer ${KEY}` }),
    )
    expect(viewed.status).toBe(200)
    expect(viewed.text).toContain('"model_count"')
    const reload = await raw(
      h.port,
      request(`POST ${trapTarget}/reload/model_cost_map`, { authorization: `Bearer ${KEY}` }),
    )
    // The store's own upstream was asked (and failed: 502, the active map kept); the trap never was.
    expect(reload.status).toBe(502)
    expect(reload.text).toContain('Current pricing data was kept.')
    expect(upstream.requests.length).toBeGreaterThan(before)
    expect(trap.requests).toEqual([])
  })

  it('a throwing authorize hook: a generic JSON 500, logged through the handler logger, and the server stays up', async () => {
    const h = host(name)
    h.logged.length = 0
    const answer = await raw(h.port, request('GET /model/cost_map/source', { 'x-boom': '1' }))
    expect(answer.status).toBe(500)
    expect(answer.text.slice(answer.text.indexOf('\r\n\r\n') + 4)).toBe('{"detail":"Internal server error"}')
    expect(answer.text).not.toContain('sk-secret')
    expect(h.logged).toHaveLength(1)
    expect(h.logged[0]).toMatch(/^\[costmap\] GET \/model\/cost_map\/source failed: Error: authorize exploded/)
    await expectAlive(h)
  })
})

// --- Fuzz: random methods and targets as raw bytes ---

const METHOD = fc.oneof(
  fc.constantFrom(
    'GET',
    'HEAD',
    'POST',
    'DELETE',
    'PUT',
    'PATCH',
    'OPTIONS',
    'TRACE',
    'TRACK',
    'CONNECT',
    'M-SEARCH',
    'PROPFIND',
    'PURGE',
    'QUERY',
    'FOO',
    'get',
  ),
  fc.stringMatching(/^[A-Za-z!#$%&'*+.^_`|~-]{1,12}$/),
)
const PIECE = fc.oneof(
  fc.constantFrom(...ROUTE_PATHS.flatMap((p) => p.split('/')).filter(Boolean)),
  fc.constantFrom('%', '%2', '%zz', '%00', '%2F', '%25', '%E0%A4%A', '[', ']', '[::1]', '@', '..', '.', '', '*', ':'),
  fc.constantFrom('?', '#', '&', '=', 'hours=1', 'litellm_model_id=', '\\', ';', '%0d%0a', 'é', '😀', '\u202e'),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
)
const PATH = fc
  .tuple(fc.array(PIECE, { maxLength: 8 }), fc.constantFrom('/', ''))
  .map(([parts, separator]) => `/${parts.join(separator)}`)
const TARGET = fc.oneof(
  { weight: 4, arbitrary: PATH },
  { weight: 2, arbitrary: fc.constantFrom(...ROUTE_PATHS).chain((p) => PIECE.map((x) => `${p}${x}`)) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.constantFrom('http://', 'https://', 'HTTP://', 'ftp://', 'x+y://', '//'),
        fc.oneof(fc.webAuthority(), fc.constantFrom('a:99999', '[', '[::1]', 'user@host', 'other-host', '', '%')),
        PATH,
      )
      .map(([scheme, authority, path]) => `${scheme}${authority}${path}`),
  },
  { weight: 1, arbitrary: fc.constantFrom('*', '', 'model/info', '127.0.0.1:1', '?', '#') },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 20_000 }).map((n) => `/model/info?${'%'.repeat(n)}`) },
  // Bytes of any kind, less the ones that end the request line.
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }).map((s) => s.replace(/[\s]/g, '')) },
)
const AUTH_HEADER = fc.constantFrom<Record<string, string>>({}, { authorization: `Bearer ${VIEWER}` })

describe.each(ADAPTERS)('%s: fuzzed methods and targets', (name) => {
  it(`${RUNS} random requests: no 5xx, no stack trace, still up`, async () => {
    const h = host(name)
    h.logged.length = 0
    await fc.assert(
      fc.asyncProperty(METHOD, TARGET, AUTH_HEADER, async (method, target, headers) => {
        const line = `${method} ${target}`
        const answer = await raw(h.port, Buffer.from(request(line, headers), 'utf8'))
        expectHonest(answer, line)
      }),
      { numRuns: RUNS },
    )
    await expectAlive(h)
    expect(h.logged).toEqual([]) // nothing unexpected happened on the way
  }, 120_000)
})
