import { createHash } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { getModelCostMap, type LoadOptions } from '../../src/load/loader'
import { backupManifest } from '../../src/map/backup'
import { forgedPrevious } from '../map/forged'
import { bloatedMap, HISTORY, historyFiles, MAIN_MAP, readText } from '../support/data'
import { startProxy } from '../support/proxy'
import { type Reply, type Script, serverPerTest, syntheticMap } from '../support/server'

const serve = serverPerTest()
afterEach(async () => {
  vi.unstubAllEnvs()
})

const FAST = { retry: { attempts: 3, baseDelayMs: 10, maxDelayMs: 50 }, timeoutMs: 3000 }
let mainText: string
let ok: Reply
beforeAll(() => {
  mainText = readText(MAIN_MAP)
  ok = { body: mainText, headers: { etag: '"v1"' } }
})

describe('getModelCostMap: remote success', () => {
  // ASCII bodies take a copy instead of a UTF-8 decode: both must give the same map and the same sha256
  // (that of the text's UTF-8 bytes; a byte order mark is not part of the text).
  const note = 'caf\u00e9 \u2013 \u65e5\u672c'
  const mapWith = (value: string) =>
    JSON.stringify(syntheticMap(60, { 'model-0': { litellm_provider: 'openai', note: value } }))
  it.each([
    ['ASCII', mapWith('plain'), 'plain'],
    ['non-ASCII UTF-8', mapWith(note), note],
    ['a byte order mark, then ASCII', `\uFEFF${mapWith('plain')}`, 'plain'],
  ])('decodes %s bodies and hashes the text', async (_name, body, expected) => {
    const server = await serve({ body })
    const result = await getModelCostMap(server.url, { ...FAST, maxShrinkRatio: 0 })
    expect(result.source).toBe('remote')
    expect((result.map['model-0'] as Record<string, unknown>).note).toBe(expected)
    expect(result.sha256).toBe(
      createHash('sha256')
        .update(body.replace(/^\uFEFF/, ''))
        .digest('hex'),
    )
  })

  it('loads the remote map with its source info', async () => {
    const server = await serve(ok)
    const result = await getModelCostMap(`${server.url}/map.json`, FAST)
    expect(result).toMatchObject({
      source: 'remote',
      url: `${server.url}/map.json`,
      is_env_forced: false,
      fallback_reason: null,
      model_count: 2668,
      etag: '"v1"',
      sha256: '40ed7046364779934a7a27f6d1271ee33e61a174c0e336a3423abd5282b6e65c',
      dropped: [],
    })
    expect(Date.parse(result.loaded_at)).not.toBeNaN()
    expect(result.map['gpt-4o']?.input_cost_per_token).toBe(2.5e-6)
    expect(result.map.sample_spec).toBeUndefined()
    expect(server.requests).toHaveLength(1)
  })

  it('B2: a 304 to a request that sent no If-None-Match is an error', async () => {
    const server = await serve({ status: 304 })
    const result = await getModelCostMap(server.url, FAST)
    expect(result.fallback_reason).toBe(
      `Remote fetch failed: HTTP 304 from ${server.url} without a conditional request`,
    )
  })

  it('B1: a 304 to a conditional request means nothing new to load (the caller keeps its map)', async () => {
    const server = await serve({ status: 304, headers: { etag: '"v0"' } })
    const result = await getModelCostMap(server.url, { ...FAST, etag: '"v0"' })
    expect(result.source).toBe('local')
    expect(result.fallback_reason).toBe(`Remote fetch failed: ${server.url} has not changed (HTTP 304)`)
  })

  it('sends If-None-Match when an etag is known', async () => {
    const server = await serve(ok)
    await getModelCostMap(server.url, { ...FAST, etag: '"v0"' })
    expect(server.requests[0]?.headers['if-none-match']).toBe('"v0"')
  })
})

describe('environment variables (read at call time; options win)', () => {
  it.each(['true', 'TRUE', 'True'])('LITELLM_LOCAL_MODEL_COST_MAP=%s uses the backup with no HTTP', async (value) => {
    const server = await serve(ok)
    vi.stubEnv('LITELLM_LOCAL_MODEL_COST_MAP', value)
    const result = await getModelCostMap(server.url, FAST)
    expect(result).toMatchObject({ source: 'local', url: null, is_env_forced: true, fallback_reason: null })
    expect(result.model_count).toBe(backupManifest().model_count)
    expect(result.sha256).toBe(backupManifest().sha256)
    expect(server.requests).toHaveLength(0)
  })

  it.each(['false', '1', 'yes'])('LITELLM_LOCAL_MODEL_COST_MAP=%s still fetches', async (value) => {
    const server = await serve(ok)
    vi.stubEnv('LITELLM_LOCAL_MODEL_COST_MAP', value)
    expect((await getModelCostMap(server.url, FAST)).source).toBe('remote')
    expect(server.requests).toHaveLength(1)
  })

  it('option local:false wins over the env switch', async () => {
    const server = await serve(ok)
    vi.stubEnv('LITELLM_LOCAL_MODEL_COST_MAP', 'true')
    expect((await getModelCostMap(server.url, { ...FAST, local: false })).source).toBe('remote')
  })

  it('LITELLM_MODEL_COST_MAP_URL is the URL when none is passed; an explicit URL wins', async () => {
    const fromEnv = await serve(ok)
    const explicit = await serve(ok)
    vi.stubEnv('LITELLM_MODEL_COST_MAP_URL', `${fromEnv.url}/env.json`)
    expect((await getModelCostMap(undefined, FAST)).url).toBe(`${fromEnv.url}/env.json`)
    expect(fromEnv.requests.map((r) => r.url)).toEqual(['/env.json'])
    await getModelCostMap(explicit.url, FAST)
    expect(explicit.requests).toHaveLength(1)
    expect(fromEnv.requests).toHaveLength(1)
  })

  it('MODEL_COST_MAP_MIN_MODEL_COUNT raises and lowers the minimum', async () => {
    const server = await serve({ body: JSON.stringify(syntheticMap(60)) })
    const opts = { ...FAST, maxShrinkRatio: 0 }
    vi.stubEnv('MODEL_COST_MAP_MIN_MODEL_COUNT', '100')
    expect((await getModelCostMap(server.url, opts)).fallback_reason).toBe(
      'Remote data failed integrity validation: map has only 60 models (minimum=100)',
    )
    vi.stubEnv('MODEL_COST_MAP_MIN_MODEL_COUNT', '10')
    expect((await getModelCostMap(server.url, opts)).source).toBe('remote')
    expect((await getModelCostMap(server.url, { ...opts, minModelCount: 61 })).source).toBe('local')
  })

  it('the default minimum is 50', async () => {
    const server = await serve([{ body: JSON.stringify(syntheticMap(49)) }, { body: JSON.stringify(syntheticMap(50)) }])
    const opts = { ...FAST, maxShrinkRatio: 0 }
    expect((await getModelCostMap(server.url, opts)).fallback_reason).toMatch(/only 49 models \(minimum=50\)/)
    expect((await getModelCostMap(server.url, opts)).source).toBe('remote')
  })

  it('MODEL_COST_MAP_MAX_SHRINK_RATIO changes the shrink threshold', async () => {
    const server = await serve({ body: JSON.stringify(syntheticMap(1000)) })
    // 1000 < 0.5 x 2668 is rejected by default...
    expect((await getModelCostMap(server.url, FAST)).fallback_reason).toBe(
      'Remote data failed integrity validation: map shrank significantly (fetched=1000, backup=2668, threshold=50%)',
    )
    // ...and accepted when the ratio allows it.
    vi.stubEnv('MODEL_COST_MAP_MAX_SHRINK_RATIO', '0.3')
    expect((await getModelCostMap(server.url, FAST)).source).toBe('remote')
  })

  it('COSTMAP_TIMEOUT_MS sets the whole-request deadline', async () => {
    const server = await serve({ hang: true })
    vi.stubEnv('COSTMAP_TIMEOUT_MS', '300')
    const start = Date.now()
    const result = await getModelCostMap(server.url, { retry: FAST.retry })
    expect(Date.now() - start).toBeLessThan(2000)
    expect(result.fallback_reason).toBe(`Remote fetch failed: no complete response from ${server.url} within 300 ms`)
  })

  it('invalid numeric env values fall back to the defaults', async () => {
    vi.stubEnv('MODEL_COST_MAP_MIN_MODEL_COUNT', 'lots')
    vi.stubEnv('MODEL_COST_MAP_MAX_SHRINK_RATIO', '-1')
    const server = await serve({ body: JSON.stringify(syntheticMap(49)) })
    expect((await getModelCostMap(server.url, { ...FAST, maxShrinkRatio: 0 })).fallback_reason).toMatch(/minimum=50/)
  })
})

describe('proxies (HTTPS_PROXY / HTTP_PROXY / NO_PROXY)', () => {
  it('goes through HTTP_PROXY, and around it for NO_PROXY hosts', async () => {
    const server = await serve(ok)
    const proxy = await startProxy()
    try {
      vi.stubEnv('HTTP_PROXY', proxy.url)
      vi.stubEnv('NO_PROXY', '')
      const viaProxy = await getModelCostMap(server.url, FAST)
      expect(viaProxy.source).toBe('remote')
      expect(proxy.log.length).toBeGreaterThan(0)
      expect(proxy.log.join(' ')).toContain(`127.0.0.1:${server.port}`)

      proxy.log.length = 0
      vi.stubEnv('NO_PROXY', '127.0.0.1')
      expect((await getModelCostMap(server.url, FAST)).source).toBe('remote')
      expect(proxy.log).toEqual([])
      expect(server.requests).toHaveLength(2)
    } finally {
      await proxy.close()
    }
  })

  it('lower-case https_proxy is honoured too', async () => {
    const server = await serve(ok)
    const proxy = await startProxy()
    try {
      // Only an http target here, so point both at the proxy through the lower-case names.
      vi.stubEnv('http_proxy', proxy.url)
      vi.stubEnv('https_proxy', proxy.url)
      vi.stubEnv('NO_PROXY', '')
      vi.stubEnv('no_proxy', '')
      expect((await getModelCostMap(server.url, FAST)).source).toBe('remote')
      expect(proxy.log.length).toBeGreaterThan(0)
    } finally {
      await proxy.close()
    }
  })
})

describe('fallback reasons (each failure keeps a distinct reason)', () => {
  const cases: Array<[string, Script, RegExp]> = [
    ['HTTP 404', { status: 404, body: 'not found' }, /^Remote fetch failed: HTTP 404 from /],
    ['HTTP 500 after retries', { status: 500, body: 'oops' }, /^Remote fetch failed: HTTP 500 from /],
    [
      'HTML with status 200',
      { body: '<!doctype html><html>login</html>', headers: { 'content-type': 'text/html' } },
      /body is HTML/,
    ],
    ['truncated JSON', { body: mainTextPrefix(5000) }, /^Remote fetch failed: invalid JSON \(truncated or malformed\)/],
    ['empty body', { body: '' }, /the body is empty/],
    [
      'top-level array',
      { body: '[1,2,3]' },
      /^Remote data failed integrity validation: expected a JSON object of models at the top level, got array$/,
    ],
    ['top-level string', { body: '"hello"' }, /got string$/],
    ['top-level null', { body: 'null' }, /got null$/],
    ['{}', { body: '{}' }, /^Remote data failed integrity validation: map is empty/],
    ['only sample_spec', { body: '{"sample_spec":{"litellm_provider":"x"}}' }, /map is empty/],
    ['10 models', { body: JSON.stringify(syntheticMap(10)) }, /map has only 10 models \(minimum=50\)/],
    ['invalid UTF-8', { body: Buffer.from([0x7b, 0xff, 0xfe, 0x7d]) }, /not valid UTF-8/],
    [
      'reset mid-body',
      { body: mainTextPrefix(200_000), headers: { 'content-length': '1391482' }, resetAfterBytes: 100_000 },
      /^Remote fetch failed: /,
    ],
  ]
  it.each(cases)('%s', async (_name, script, reason) => {
    const server = await serve(script)
    const result = await getModelCostMap(server.url, FAST)
    expect(result.source).toBe('local')
    expect(result.url).toBe(server.url)
    expect(result.fallback_reason).toMatch(reason)
    expect(result.model_count).toBe(backupManifest().model_count)
  })

  it('connection refused', async () => {
    const server = await serve(ok)
    const url = server.url
    await server.close()
    const result = await getModelCostMap(url, FAST)
    expect(result.fallback_reason).toMatch(/^Remote fetch failed: .*ECONNREFUSED/)
  })

  it('an unsupported URL scheme', async () => {
    const result = await getModelCostMap('ftp://example.invalid/map.json', FAST)
    expect(result.fallback_reason).toBe(
      'Remote fetch failed: unsupported URL ftp://example.invalid/map.json (use http, https or file:)',
    )
  })

  it('logs one warning through the injected logger', async () => {
    const server = await serve({ status: 404 })
    const warn = vi.fn()
    await getModelCostMap(server.url, { ...FAST, logger: { warn } })
    expect(warn).toHaveBeenCalledTimes(1)
    expect(warn.mock.calls[0]?.[0]).toMatch(/Falling back to the local backup/)
  })
})

describe('retries', () => {
  it('retries 503 with backoff, then succeeds', async () => {
    const server = await serve([{ status: 503 }, { status: 502 }, ok])
    const result = await getModelCostMap(server.url, FAST)
    expect(result.source).toBe('remote')
    expect(server.requests).toHaveLength(3)
  })

  it('does not retry a 404', async () => {
    const server = await serve([{ status: 404 }, ok])
    await getModelCostMap(server.url, FAST)
    expect(server.requests).toHaveLength(1)
  })

  it('gives up after the configured attempts', async () => {
    const server = await serve({ status: 500 })
    await getModelCostMap(server.url, { ...FAST, retry: { ...FAST.retry, attempts: 2 } })
    expect(server.requests).toHaveLength(2)
  })

  it('waits as long as Retry-After (seconds) asks', async () => {
    const server = await serve([{ status: 429, headers: { 'retry-after': '1' } }, ok])
    const result = await getModelCostMap(server.url, FAST)
    expect(result.source).toBe('remote')
    const [first, second] = server.requests
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950)
  })

  it('waits as long as Retry-After (HTTP date) asks', async () => {
    const server = await serve((_req, i) =>
      i === 0 ? { status: 429, headers: { 'retry-after': new Date(Date.now() + 2000).toUTCString() } } : ok,
    )
    const result = await getModelCostMap(server.url, FAST)
    expect(result.source).toBe('remote')
    // HTTP dates have 1 s resolution: the wait is at least ~1 s.
    expect(server.requests[1]!.at - server.requests[0]!.at).toBeGreaterThanOrEqual(900)
  })

  it('never retries earlier than Retry-After: a wait past the deadline fails at once', async () => {
    const server = await serve([{ status: 429, headers: { 'retry-after': '120' } }, ok])
    const start = Date.now()
    const result = await getModelCostMap(server.url, { ...FAST, timeoutMs: 2000 })
    expect(Date.now() - start).toBeLessThan(1000)
    expect(server.requests).toHaveLength(1)
    expect(result.fallback_reason).toMatch(/HTTP 429 .*would pass the deadline/)
  })
})

describe('size cap and deadline', () => {
  it('rejects a Content-Length over the cap before reading the body', async () => {
    const server = await serve({ body: mainText })
    const result = await getModelCostMap(server.url, { ...FAST, maxBytes: 100_000 })
    expect(result.fallback_reason).toBe('Remote fetch failed: response of 1391482 bytes exceeds the 100000-byte limit')
  })

  it('cuts a chunked body (no Content-Length) at the cap', async () => {
    const server = await serve({ body: mainText, trickle: { bytes: 64 * 1024, everyMs: 1 } })
    const result = await getModelCostMap(server.url, { ...FAST, maxBytes: 200_000 })
    expect(result.fallback_reason).toBe('Remote fetch failed: response body exceeds the 200000-byte limit')
  })

  it('the deadline covers the whole body: a server trickling bytes is cut off', async () => {
    const server = await serve({ body: mainText, trickle: { bytes: 16, everyMs: 20 } })
    const start = Date.now()
    const result = await getModelCostMap(server.url, { ...FAST, timeoutMs: 600 })
    const elapsed = Date.now() - start
    expect(elapsed).toBeGreaterThanOrEqual(550)
    expect(elapsed).toBeLessThan(2500)
    expect(result.fallback_reason).toBe(`Remote fetch failed: no complete response from ${server.url} within 600 ms`)
    // The connection is torn down, not left trickling.
    await vi.waitFor(() => expect(server.activeResponses()).toBe(0), { timeout: 2000 })
  })

  it('a server that never answers hits the deadline', async () => {
    const server = await serve({ hang: true })
    const result = await getModelCostMap(server.url, { ...FAST, timeoutMs: 300 })
    expect(result.fallback_reason).toMatch(/within 300 ms$/)
  })
})

describe('file URLs and paths (air-gapped sites)', () => {
  it.each([
    ['absolute path', () => MAIN_MAP],
    ['file: URL', () => `file://${MAIN_MAP}`],
  ])('loads from an %s', async (_name, url) => {
    const result = await getModelCostMap(url(), FAST)
    expect(result).toMatchObject({ source: 'remote', model_count: 2668, etag: null, fallback_reason: null })
  })

  it('a missing file falls back with the reason', async () => {
    const result = await getModelCostMap(`${HISTORY}/does-not-exist.json`, FAST)
    expect(result.fallback_reason).toMatch(/^Remote fetch failed: .*ENOENT/)
  })
})

describe('shrink checks with real maps', () => {
  // The 2025 maps are far smaller than today's: serving one instead of the March 2026 map is a shrink.
  const files = historyFiles()
  it.each(files.map((f) => [f.split('/').pop() as string, f]))('%s against the bundled backup', async (_name, file) => {
    const text = readText(file)
    const count = Object.entries(JSON.parse(text) as Record<string, unknown>).filter(
      ([k, v]) => typeof v === 'object' && v !== null && k !== 'sample_spec' && k !== 'fallback_generalizations',
    ).length
    const server = await serve({ body: text })
    const result = await getModelCostMap(server.url, FAST)
    if (count < backupManifest().model_count * 0.5) {
      expect(result.fallback_reason).toBe(
        `Remote data failed integrity validation: map shrank significantly (fetched=${count}, backup=${backupManifest().model_count}, threshold=50%)`,
      )
    } else {
      expect(result.source).toBe('remote')
      expect(result.model_count).toBe(count)
    }
  })

  it.each([
    // 2025-10 (1581 valid models) passes the backup's check (1334) but not half of a 3,600-model active map.
    [
      'below half of the active map',
      8,
      3600,
      /^Remote data failed integrity validation: map shrank significantly \(fetched=1581, active=3600, threshold=50%\)$/,
    ],
    // A bloated active map (10x the backup) counts as 1.5x the backup (4002): the genuine 2026-01 map passes.
    ['a bloated active map is capped at 1.5x the backup', 11, 26_680, null],
  ])('the active map is a reference too: %s', async (_name, file, active, reason) => {
    const server = await serve({ body: readText(files[file]!) })
    const result = await getModelCostMap(server.url, { ...FAST, activeModelCount: active })
    if (reason) expect(result.fallback_reason).toMatch(reason)
    else expect(result).toMatchObject({ source: 'remote', fallback_reason: null })
  })
})

describe('abnormal growth is refused like an abnormal shrink', () => {
  let body = ''
  beforeAll(() => {
    body = bloatedMap(10)
  })

  it.each([
    ['the default (5x the backup)', {}, {}, /map grew abnormally \(fetched=26680, backup=2668, threshold=5x\)$/],
    ['maxGrowthRatio: 20 lets it through', { maxGrowthRatio: 20 }, {}, null],
    ['env MODEL_COST_MAP_MAX_GROWTH_RATIO=3', {}, { MODEL_COST_MAP_MAX_GROWTH_RATIO: '3' }, /threshold=3x\)$/],
    [
      'an active map of 2x the backup counts 1.5x',
      { activeModelCount: 5336, maxGrowthRatio: 6 },
      {},
      /active=4002, threshold=6x\)$/,
    ],
  ])('a map of 10x the models: %s', async (_name, options, env, reason) => {
    const server = await serve({ body })
    const result = await getModelCostMap(server.url, { ...FAST, ...options, env })
    if (reason) expect(result.fallback_reason).toMatch(reason)
    else expect(result).toMatchObject({ source: 'remote', model_count: 26_680 })
  })
})

function mainTextPrefix(bytes: number): string {
  return readText(MAIN_MAP).slice(0, bytes)
}

describe('getModelCostMap: the reload options of the store are not for callers', () => {
  it('ignores previous and activeIsBackup passed from JavaScript', async () => {
    const body = JSON.stringify(
      { bad: { litellm_provider: 'openai', input_cost_per_token: -1 }, ...syntheticMap(60) },
      null,
      2,
    )
    const server = await serve({ body })
    const internal = { previous: forgedPrevious(body), activeIsBackup: true } as LoadOptions
    const plain = await getModelCostMap(server.url, { ...FAST, maxShrinkRatio: 0 })
    const given = await getModelCostMap(server.url, { ...FAST, maxShrinkRatio: 0, ...internal })
    expect(given.source).toBe('remote')
    expect(given.dropped.map((d) => d.key)).toEqual(['bad'])
    expect(given.report).toEqual(plain.report)
  })
})

describe('getModelCostMap: an options object, and a URL that is not a string', () => {
  it.each([
    ['(options with url)', (url: string) => getModelCostMap({ url, ...FAST })],
    ['(url, options)', (url: string) => getModelCostMap(url, FAST)],
    ['(undefined, options with url)', (url: string) => getModelCostMap(undefined, { url, ...FAST })],
    ['(null, options with url)', (url: string) => getModelCostMap(null as unknown as string, { url, ...FAST })],
  ])('%s loads the same remote map', async (_name, load) => {
    const server = await serve(ok)
    const result = await load(`${server.url}/map.json`)
    expect(result).toMatchObject({ source: 'remote', url: `${server.url}/map.json`, model_count: 2668 })
  })

  it('a url argument wins over options.url', async () => {
    const server = await serve(ok)
    const result = await getModelCostMap(`${server.url}/a.json`, { url: `${server.url}/b.json`, ...FAST })
    expect(result.url).toBe(`${server.url}/a.json`)
    expect(server.requests.map((r) => r.url)).toEqual(['/a.json'])
  })

  it('options.local still wins: no request', async () => {
    const server = await serve(ok)
    const result = await getModelCostMap({ url: `${server.url}/map.json`, local: true })
    expect(result).toMatchObject({ source: 'local', is_env_forced: true })
    expect(server.requests).toHaveLength(0)
  })

  it.each<[string, () => Promise<unknown>, RegExp]>([
    [
      'a URL object',
      () => getModelCostMap(new URL('https://example.com/m.json') as never),
      /url must be a non-empty string, got a URL object \(pass url\.href\)/,
    ],
    ['a number', () => getModelCostMap(42 as never), /url must be a non-empty string, got number 42/],
    ['an empty string', () => getModelCostMap(''), /url must be a non-empty string, got ""/],
    [
      'options.url a number',
      () => getModelCostMap({ url: 7 as never }),
      /options\.url must be a non-empty string, got number 7/,
    ],
    [
      'options.url a URL object',
      () => getModelCostMap(undefined, { url: new URL('https://example.com') as never }),
      /options\.url .* got a URL object/,
    ],
    [
      'options a string',
      () => getModelCostMap('https://example.com/m.json', 'fast' as never),
      /options must be an object, got "fast"/,
    ],
    [
      'options null',
      () => getModelCostMap('https://example.com/m.json', null as never),
      /options must be an object, got null/,
    ],
  ])('%s is INVALID_ARGUMENT, not a silent fallback to the backup', async (_name, load, message) => {
    await expect(load()).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringMatching(message) })
  })
})
