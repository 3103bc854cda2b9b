// A map URL with credentials (`https://user:token@mirror/map.json`): fetch refuses such a URL, so the transport
// sends them as `Authorization: Basic` (as curl does) and the map loads; they never reach another origin and no
// result, error or log line shows them. Real loopback servers throughout; the CLI runs as users run it.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getModelCostMap } from '../../src/load/loader'
import { withoutCredentials } from '../../src/load/transport'
import { ModelCostMap } from '../../src/store/store'
import { expectExit, runCli, startServe } from '../cli/run'
import { MAIN_MAP, readText } from '../support/data'
import { serverPerTest } from '../support/server'

const serve = serverPerTest()

/** Not hex and not base64 of anything sent, so only a leak can match it. */
const SECRET = /secret/
const FAST = { retry: { attempts: 1 }, timeoutMs: 3000 }
const basic = (credentials: string) => `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`
const withUserinfo = (base: string, userinfo: string, path = '/map.json') =>
  `${base.replace('http://', `http://${userinfo}@`)}${path}`

const mainText = readText(MAIN_MAP)

describe('a map URL with credentials', () => {
  it.each([
    ['user and token', 'mirror:tok-secret', 'mirror:tok-secret'],
    ['percent-encoded @, : and space', 'us%40er:p%3Ass%20secret', 'us@er:p:ss secret'],
    ['UTF-8 userinfo', 'j%C3%B6rg:p%C3%A4ss-secret', 'jörg:päss-secret'],
    ['a malformed escape, sent as written', 'user:secret%zz', 'user:secret%zz'],
    ['a user and no password', 'secret-user', 'secret-user:'],
  ])('%s: sent as Basic (decoded), the map loads, the result shows no credentials', async (_n, info, sent) => {
    const server = await serve({ body: mainText })
    const logs: string[] = []
    const result = await getModelCostMap(withUserinfo(server.url, info), {
      ...FAST,
      logger: { warn: (m) => logs.push(m) },
    })
    expect(result.source).toBe('remote')
    expect(result.fallback_reason).toBeNull()
    expect(result.url).toBe(`${server.url}/map.json`)
    expect(server.requests).toHaveLength(1)
    expect(server.requests[0]?.url).toBe('/map.json')
    expect(server.requests[0]?.headers.authorization).toBe(basic(sent))
    expect(logs).toEqual([])
  })

  it.each([
    ['Authorization', 'Bearer mirror-token'],
    ['authorization', 'token gh-mirror'],
  ])('an %s header given by the caller wins over the URL credentials', async (name, value) => {
    const server = await serve({ body: mainText })
    const result = await getModelCostMap(withUserinfo(server.url, 'user:secret'), {
      ...FAST,
      headers: { [name]: value },
    })
    expect(result.source).toBe('remote')
    expect(server.requests[0]?.headers.authorization).toBe(value)
  })

  it('a URL without credentials sends no Authorization header', async () => {
    const server = await serve({ body: mainText })
    expect((await getModelCostMap(`${server.url}/map.json`, FAST)).source).toBe('remote')
    expect(server.requests[0]?.headers.authorization).toBeUndefined()
  })

  it('a redirect within the origin keeps the credentials and loads', async () => {
    const server = await serve((req) =>
      req.url === '/old.json' ? { status: 302, headers: { location: '/map.json' } } : { body: mainText },
    )
    const result = await getModelCostMap(withUserinfo(server.url, 'user:secret', '/old.json'), FAST)
    expect(result.source).toBe('remote')
    expect(server.requests.map((r) => [r.url, r.headers.authorization])).toEqual([
      ['/old.json', basic('user:secret')],
      ['/map.json', basic('user:secret')],
    ])
  })

  it('a redirect to another origin is refused before the credentials reach it; nothing shows them', async () => {
    const elsewhere = await serve({ body: mainText })
    const server = await serve({ status: 302, headers: { location: `${elsewhere.url}/map.json` } })
    const logs: string[] = []
    const result = await getModelCostMap(withUserinfo(server.url, 'user:secret'), {
      ...FAST,
      logger: { warn: (m) => logs.push(m) },
    })
    expect(result.source).toBe('local')
    expect(result.fallback_reason).toMatch(/refused a redirect .* only redirects within http:\/\/127\.0\.0\.1:/)
    expect(elsewhere.requests).toHaveLength(0)
    expect(server.requests[0]?.headers.authorization).toBe(basic('user:secret'))
    expect(logs).toHaveLength(1)
    for (const text of [...logs, result.url, result.fallback_reason]) expect(text).not.toMatch(SECRET)
  })

  it.each([
    ['401 (wrong credentials)', { status: 401, body: 'no' }, /^Remote fetch failed: HTTP 401 from http:\/\/127/],
    ['a body over the cap', { body: mainText }, /exceeds the 1000-byte limit/],
  ])(
    'a failure (%s) falls back; the reason, the log line and the result name the URL without them',
    async (_n, reply, reason) => {
      const server = await serve(reply)
      const logs: string[] = []
      const result = await getModelCostMap(withUserinfo(server.url, 'user:secret'), {
        ...FAST,
        maxBytes: 1000,
        logger: { warn: (m) => logs.push(m) },
      })
      expect(result.source).toBe('local')
      expect(result.fallback_reason).toMatch(reason)
      expect(result.url).toBe(`${server.url}/map.json`)
      expect(logs.join('\n')).toContain(`could not use ${server.url}/map.json:`)
      for (const text of [...logs, result.url, result.fallback_reason]) expect(text).not.toMatch(SECRET)
    },
  )

  it('a store loads it; source(), the reload result, its log and its cache file keep the URL without them', async () => {
    const server = await serve({ body: mainText })
    const dir = await mkdtemp(join(tmpdir(), 'costmap-credentials-'))
    const logs: string[] = []
    const costs = new ModelCostMap({
      url: withUserinfo(server.url, 'user:secret'),
      ...FAST,
      cacheFile: join(dir, 'map.json'),
      logger: { warn: (m) => logs.push(m), info: (entry) => logs.push(JSON.stringify(entry)) },
    })
    try {
      await costs.ready
      expect(costs.source()).toMatchObject({ source: 'remote', url: `${server.url}/map.json`, last_error: null })
      const reload = await costs.reload()
      expect(reload.status).toBe('unchanged')
      expect(server.requests.map((r) => r.headers.authorization)).toEqual([basic('user:secret'), basic('user:secret')])
      // The cache file is written in the background.
      await expect
        .poll(() => readFile(join(dir, 'map.json'), 'utf8').catch(() => ''))
        .toContain(`${server.url}/map.json`)
      const cache = await readFile(join(dir, 'map.json'), 'utf8')
      for (const text of [JSON.stringify([costs.source(), reload, costs.history()]), cache, ...logs])
        expect(text).not.toMatch(SECRET)
    } finally {
      costs.dispose()
      await rm(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 })
    }
  })

  it.each([
    ['https://u:p@h.example/x.json?v=1#f', 'https://h.example/x.json?v=1#f'],
    ['http://user@h.example:8080/x.json', 'http://h.example:8080/x.json'],
    ['https://h.example/x.json?v=1', 'https://h.example/x.json?v=1'],
    ['https://h.example/a@b/x.json', 'https://h.example/a@b/x.json'],
    ['/srv/maps/a@b.json', '/srv/maps/a@b.json'],
    ['file:///srv/map.json', 'file:///srv/map.json'],
  ])('withoutCredentials(%s) is %s', (input, expected) => {
    expect(withoutCredentials(input)).toBe(expected)
  })
})

describe('the CLI goes through the same transport', () => {
  it('costmap sync --url with credentials: the upstream gets them as Basic, the output never shows them', async () => {
    const server = await serve({ body: mainText })
    const url = withUserinfo(server.url, 'user:tok-secret')
    for (const args of [['--json'], []]) {
      const result = await runCli(['sync', '--url', url, ...args])
      expectExit(result, 0)
      expect(result.stdout).toContain(`${server.url}/map.json`)
      expect(result.stdout + result.stderr).not.toMatch(SECRET)
    }
    expect(server.requests.map((r) => r.headers.authorization)).toEqual([
      basic('user:tok-secret'),
      basic('user:tok-secret'),
    ])
  })

  it('costmap serve --url with credentials loads the remote map; its source route shows no credentials', async () => {
    const server = await serve({ body: mainText })
    const costmap = await startServe(['--master-key', 'sk-1234', '--url', withUserinfo(server.url, 'user:tok-secret')])
    const headers = { authorization: 'Bearer sk-1234' }
    let source: Record<string, unknown> = {}
    for (let i = 0; i < 200 && source.source !== 'remote'; i++) {
      source = await (await fetch(`${costmap.url}/model/cost_map/source`, { headers })).json()
      if (source.source !== 'remote') await new Promise((resolve) => setTimeout(resolve, 25))
    }
    expect(source).toMatchObject({ source: 'remote', url: `${server.url}/map.json`, fallback_reason: null })
    expect(server.requests[0]?.headers.authorization).toBe(basic('user:tok-secret'))
    const result = await costmap.stop('SIGTERM')
    expectExit(result, 0)
    expect(JSON.stringify(source) + result.stdout + result.stderr).not.toMatch(SECRET)
  })
})
