import { createHash } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { readCache } from '../../src/load/disk-cache'
import { backupManifest } from '../../src/map/backup'
import { ModelCostMap } from '../../src/store/store'
import type { ModelCostMapOptions, ReloadResult } from '../../src/store/types'
import { bloatedMap, historyFiles, MAIN_MAP, readText } from '../support/data'
import { type Reply, startServer, syntheticMap, type TestServer } from '../support/server'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')
const FAST = { retry: { attempts: 2, baseDelayMs: 10, maxDelayMs: 20 }, timeoutMs: 2000 }
const cleanup: Array<() => unknown> = []
afterEach(async () => {
  vi.useRealTimers()
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** A server whose next reply the test sets, and a store pointed at it with every event recorded. */
async function setup(first: Reply, options: ModelCostMapOptions = {}) {
  let reply = first
  const server: TestServer = await startServer(() => reply)
  const events: Array<[string, unknown]> = []
  const costs = new ModelCostMap({ url: `${server.url}/map.json`, ...FAST, ...options })
  for (const e of ['change', 'reload', 'reload_failed', 'schedule'] as const) costs.on(e, (p) => events.push([e, p]))
  cleanup.push(
    () => server.close(),
    () => costs.dispose(),
  )
  return { server, costs, events, set: (r: Reply) => (reply = r), names: () => events.map(([n]) => n) }
}

let mainText: string
beforeAll(() => {
  mainText = readText(MAIN_MAP)
})

describe('start-up', () => {
  it('is usable at once on the bundled backup, before any network', () => {
    const costs = new ModelCostMap({ autoLoad: false })
    cleanup.push(() => costs.dispose())
    expect(costs.snapshot).toMatchObject({ version: 1, sha256: backupManifest().sha256, source: 'local' })
    expect(costs.getModelInfo('gpt-4o').input_cost_per_token).toBe(2.5e-6)
    expect(Object.isFrozen(costs.snapshot)).toBe(true)
  })

  it('loads the remote map in the background; ready resolves after the first attempt', async () => {
    const text = readText(historyFiles().at(-1)!)
    const { costs, names } = await setup({ body: text, headers: { etag: '"a"' } })
    expect(costs.snapshot.source).toBe('local')
    await costs.ready
    expect(costs.source()).toMatchObject({
      source: 'remote',
      sha256: sha(text),
      etag: '"a"',
      fallback_reason: null,
      version: 2,
    })
    expect(names()).toEqual(['change', 'reload'])
  })

  it('a failed first attempt keeps the backup and says why, like LiteLLM', async () => {
    const { costs } = await setup({ status: 503 })
    await costs.ready
    expect(costs.source()).toMatchObject({ source: 'local', sha256: backupManifest().sha256 })
    expect(costs.source().fallback_reason).toMatch(/^Remote fetch failed: HTTP 503 from /)
  })

  it('LITELLM_LOCAL_MODEL_COST_MAP=true never touches the network', async () => {
    vi.stubEnv('LITELLM_LOCAL_MODEL_COST_MAP', 'true')
    cleanup.push(() => vi.unstubAllEnvs())
    const { costs, server } = await setup({ body: mainText })
    await costs.ready
    await costs.reload()
    expect(server.requests).toHaveLength(0)
    expect(costs.source()).toMatchObject({ source: 'local', is_env_forced: true })
  })
})

describe('scripted reload sequences against a real server', () => {
  const v1 = () => readText(historyFiles().at(-2)!)
  const v2 = () => readText(historyFiles().at(-1)!)

  it('success, 304, identical body, shrink, HTML, 500 then recovery, slow body past the deadline', async () => {
    const { costs, server, events, set, names } = await setup(
      { body: v1(), headers: { etag: '"1"' } },
      { timeoutMs: 800 },
    )
    await costs.ready
    const step = async (
      reply: Reply,
      status: ReloadResult['status'],
      expectedSha: string,
      expectedEvents: string[],
    ) => {
      set(reply)
      events.length = 0
      const result = await costs.reload()
      expect(result.status).toBe(status)
      expect(costs.snapshot.sha256).toBe(expectedSha)
      expect(names()).toEqual(expectedEvents)
      return result
    }
    // 304 when our etag still matches: nothing to do.
    await step({ status: 304, headers: { etag: '"1"' } }, 'unchanged', sha(v1()), ['reload'])
    expect(server.requests.at(-1)?.headers['if-none-match']).toBe('"1"')
    // Byte-identical body under a new etag: no swap, the etag is updated.
    await step({ body: v1(), headers: { etag: '"1b"' } }, 'unchanged', sha(v1()), ['reload'])
    expect(costs.source().etag).toBe('"1b"')
    // A real change.
    const changed = await step({ body: v2(), headers: { etag: '"2"' } }, 'success', sha(v2()), ['change', 'reload'])
    expect(changed.new_models.length + changed.changed_models.length).toBeGreaterThan(0)
    const version = costs.snapshot.version
    // Shrink, HTML, 500: each keeps the active map.
    const shrink = await step({ body: JSON.stringify(syntheticMap(100)) }, 'failed', sha(v2()), [
      'reload_failed',
      'reload',
    ])
    expect(shrink.error).toMatch(/map shrank significantly \(fetched=100, backup=2668/)
    const html = await step({ body: '<html>maintenance</html>' }, 'failed', sha(v2()), ['reload_failed', 'reload'])
    expect(html.error).toBe('invalid JSON: the body is HTML, not the cost map')
    const down = await step({ status: 500 }, 'failed', sha(v2()), ['reload_failed', 'reload'])
    expect(down.error).toMatch(/^HTTP 500 from /)
    expect(events[0]?.[1]).toEqual({ error: down.error, keptVersion: version })
    // Recovery.
    await step({ body: v1(), headers: { etag: '"3"' } }, 'success', sha(v1()), ['change', 'reload'])
    // A body trickled past the deadline.
    const slow = await step({ body: v2(), trickle: { bytes: 4096, everyMs: 20 } }, 'failed', sha(v1()), [
      'reload_failed',
      'reload',
    ])
    expect(slow.error).toMatch(/within 800 ms$/)
    expect(costs.source().last_error).toBe(slow.error)
    expect(costs.snapshot.version).toBe(version + 1)
  })

  it('ten concurrent reloads make one fetch and share one result', async () => {
    const { costs, server, set } = await setup({ body: v1() })
    await costs.ready
    set({ body: v2(), delayMs: 100 })
    const before = server.requests.length
    const results = await Promise.all(Array.from({ length: 10 }, () => costs.reload()))
    expect(server.requests.length - before).toBe(1)
    expect(new Set(results).size).toBe(1)
    expect(results[0]?.status).toBe('success')
  })

  it('a rejected file is remembered and not validated again', async () => {
    const { costs, set } = await setup({ body: v1() })
    await costs.ready
    set({ body: JSON.stringify(syntheticMap(60)) })
    const first = await costs.reload()
    const second = await costs.reload()
    expect(first.error).toMatch(/shrank/)
    expect(second.error).toBe(`${first.error} (this file was rejected before)`)
  })

  it('a throwing listener cannot break a reload', async () => {
    const warn = vi.fn()
    const { costs, set } = await setup({ body: v1() }, { logger: { warn } })
    costs.on('change', () => {
      throw new Error('listener bug')
    })
    await costs.ready
    set({ body: v2() })
    expect((await costs.reload()).status).toBe('success')
    expect(costs.snapshot.sha256).toBe(sha(v2()))
    expect(warn.mock.calls.map((c) => c[0]).join('\n')).toMatch(/a change listener threw: listener bug/)
  })

  it('writes the structured sync log line', async () => {
    const info = vi.fn()
    const { costs } = await setup({ body: v2() }, { logger: { info } })
    await costs.ready
    const line = info.mock.calls[0]?.[0] as Record<string, unknown>
    expect(Object.keys(line)).toEqual([
      'timestamp',
      'action',
      'status',
      'models_updated',
      'new_models',
      'pricing_changes',
      'error',
    ])
    expect(line).toMatchObject({ action: 'model_cost_map_reload', status: 'success', error: null })
  })

  it('priceChangeGuard holds back a file whose prices jumped', async () => {
    // The bundled backup's source: an older version would already be held against the backup (prices it drops).
    const main = readText(MAIN_MAP)
    const base = JSON.parse(main) as Record<string, Record<string, unknown>>
    base['gpt-4o'] = { ...base['gpt-4o'], input_cost_per_token: 2.5e-3 }
    const { costs, set } = await setup({ body: main }, { priceChangeGuard: { maxFactor: 10 } })
    await costs.ready
    set({ body: JSON.stringify(base) })
    const result = await costs.reload()
    expect(result.status).toBe('failed')
    expect(result.error).toBe(
      'held back by priceChangeGuard: gpt-4o.input_cost_per_token moved 0.0000025 -> 0.0025 (more than 10x)',
    )
    expect(costs.getModelInfo('gpt-4o').input_cost_per_token).toBe(2.5e-6)
  })
})

describe('registered models survive reloads (LiteLLM #35491, #30081)', () => {
  it('custom prices, including 0, are re-applied after every reload', async () => {
    const { costs, set } = await setup({ body: readText(historyFiles().at(-2)!) })
    costs.registerModel({
      'gpt-4o': { input_cost_per_token: 0 },
      'my-llama': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1e-7, output_cost_per_token: 2e-7 },
    })
    await costs.ready
    set({ body: readText(historyFiles().at(-1)!) })
    expect((await costs.reload()).status).toBe('success')
    expect(costs.getModelInfo('gpt-4o')).toMatchObject({ input_cost_per_token: 0, output_cost_per_token: 1e-5 })
    expect(costs.getModelInfo('my-llama').output_cost_per_token).toBe(2e-7)
  })

  it('unregisterModel removes a registration', () => {
    const costs = new ModelCostMap({ autoLoad: false })
    cleanup.push(() => costs.dispose())
    costs.registerModel({ 'my-llama': { litellm_provider: 'openai', input_cost_per_token: 0 } })
    const version = costs.snapshot.version
    costs.unregisterModel(['my-llama', 'never-registered'])
    expect(costs.findModelInfo('my-llama')).toBeUndefined()
    expect(costs.snapshot.version).toBe(version + 1)
  })

  it('an invalid registration is refused whole', () => {
    const costs = new ModelCostMap({ autoLoad: false })
    cleanup.push(() => costs.dispose())
    expect(() => costs.registerModel({ ok: { litellm_provider: 'x' }, bad: { input_cost_per_token: -1 } })).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT' }),
    )
    expect(costs.findModelInfo('ok')).toBeUndefined()
  })
})

describe('last good map on disk', () => {
  it('is written after a remote load and used at the next start while the upstream is down', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'costmap-cache-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const cacheFile = join(dir, 'map.json')
    const text = readText(historyFiles().at(-1)!)
    const first = await setup({ body: text }, { cacheFile })
    await first.costs.ready
    // Written in the background, after the reload: the map text follows a one-line header.
    await vi.waitFor(async () => expect((await readCache(cacheFile, { timeoutMs: 5000 }))?.text).toBe(text))

    const second = await setup({ status: 503 }, { cacheFile })
    await second.costs.ready
    expect(second.costs.snapshot.sha256).toBe(sha(text))
    expect(second.costs.source().fallback_reason).toMatch(/^Remote fetch failed: HTTP 503/)
  })

  it('a corrupted cache file is ignored with a warning', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'costmap-cache-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    const cacheFile = join(dir, 'map.json')
    await writeFile(cacheFile, '{"truncated": ')
    await writeFile(
      `${cacheFile}.meta.json`,
      JSON.stringify({ sha256: 'x', fetched_at: new Date().toISOString(), etag: null, url: null }),
    )
    const warn = vi.fn()
    const { costs } = await setup({ status: 503 }, { cacheFile, logger: { warn } })
    await costs.ready
    expect(costs.snapshot.sha256).toBe(backupManifest().sha256)
    expect(warn.mock.calls.map((c) => c[0]).join('\n')).toMatch(/ignoring the cache file/)
  })
})

describe('dispose()', () => {
  it('aborts a fetch in flight; nothing is emitted after dispose and the map is kept', async () => {
    const { costs, server, events } = await setup({ hang: true }, { timeoutMs: 10_000 })
    await vi.waitFor(() => expect(server.requests).toHaveLength(1))
    const sha = costs.snapshot.sha256
    events.length = 0
    const started = Date.now()
    costs.dispose()
    const result = await costs.ready.then(() => costs.source())
    expect(Date.now() - started).toBeLessThan(2000)
    expect(result.sha256).toBe(sha)
    expect(events).toEqual([])
    await vi.waitFor(() => expect(server.activeResponses()).toBe(0))
  })
})

describe('every CostResult names the data that priced it', () => {
  it('carries the snapshot sha256', async () => {
    const costs = new ModelCostMap({ autoLoad: false })
    cleanup.push(() => costs.dispose())
    const r = costs.completionCost({ model: 'gpt-4o', usage: { prompt_tokens: 10, completion_tokens: 5 } })
    expect(r.sha256).toBe(backupManifest().sha256)
  })
})

describe('one gate for every map that becomes active (fetched, cache file)', () => {
  /** The main map with `model` given `entry`. */
  const withEntry = (model: string, entry: Record<string, unknown>) =>
    JSON.stringify({ ...(JSON.parse(mainText) as object), [model]: entry })
  const gpt4o = () => (JSON.parse(mainText) as Record<string, Record<string, unknown>>)['gpt-4o'] ?? {}
  const noPrices = () =>
    Object.fromEntries(Object.entries(gpt4o()).filter(([k, v]) => !/cost/.test(k) || typeof v !== 'number'))

  async function cacheDir(): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), 'costmap-gate-'))
    cleanup.push(() => rm(dir, { recursive: true, force: true }))
    return join(dir, 'map.json')
  }

  it('a fetched map whose gpt-4o lost every price is held by default; the model keeps its price', async () => {
    const { costs, set } = await setup({ body: mainText })
    await costs.ready
    set({ body: withEntry('gpt-4o', noPrices()) })
    const result = await costs.reload()
    expect(result.status).toBe('failed')
    expect(result.error).toMatch(
      /^held back by priceChangeGuard: gpt-4o\.cache_read_input_token_cost moved 0\.00000125 -> absent \(model now free\); .*gpt-4o\.input_cost_per_token moved 0\.0000025 -> absent \(model now free\); .*; 3 more \(8 prices held in all\)$/,
    )
    expect(costs.source()).toMatchObject({ sha256: sha(mainText), last_error: result.error })
    expect(costs.completionCost({ model: 'gpt-4o', usage: { prompt_tokens: 1000 } }).totalCost).toBeCloseTo(0.0025, 10)
    // Remembered by sha256, like any refused file.
    expect((await costs.reload()).error).toBe(`${result.error} (this file was rejected before)`)
  })

  const gpt4oPrices = () =>
    Object.keys(gpt4o())
      .filter((k) => /cost/.test(k) && typeof gpt4o()[k] === 'number')
      .map((k) => `gpt-4o.${k}`)
  it.each([
    ['priceChangeGuard: false lets it through', () => false as const, 'success'],
    [
      'the full guard with every gpt-4o price in ignoreFields lets it through',
      () => ({ ignoreFields: gpt4oPrices() }),
      'success',
    ],
    ['the full guard ignoring one of them holds it', () => ({ ignoreFields: gpt4oPrices().slice(1) }), 'failed'],
  ])('%s', async (_name, guard, status) => {
    const { costs, set } = await setup({ body: mainText }, { priceChangeGuard: guard() })
    await costs.ready
    set({ body: withEntry('gpt-4o', noPrices()) })
    expect((await costs.reload()).status).toBe(status)
  })

  it('a cache file whose map makes a model free is not served at the next start', async () => {
    const cacheFile = await cacheDir()
    const bad = withEntry('gpt-4o', noPrices())
    const first = await setup({ body: bad }, { cacheFile, priceChangeGuard: false })
    await first.costs.ready
    expect(first.costs.snapshot.sha256).toBe(sha(bad))
    // The cache file is written in the background.
    await vi.waitFor(async () => expect((await readCache(cacheFile, { timeoutMs: 5000 }))?.text).toBe(bad), {
      timeout: 10_000,
    })
    const warn = vi.fn()
    const second = await setup({ status: 503 }, { cacheFile, logger: { warn } })
    await second.costs.ready
    expect(second.costs.snapshot.sha256).toBe(backupManifest().sha256)
    expect(warn.mock.calls.map((c) => c[0]).join('\n')).toMatch(
      /ignoring the cache file .*held back by priceChangeGuard: gpt-4o\.cache_read_input_token_cost moved .* \(model now free\)/,
    )
    expect(second.costs.getModelInfo('gpt-4o').input_cost_per_token).toBe(2.5e-6)
  })

  it('a map of 10x the models is refused as abnormal growth, the active map kept', async () => {
    const { costs, set } = await setup({ body: mainText }, { timeoutMs: 10_000 })
    await costs.ready
    set({ body: bloatedMap(10) })
    const result = await costs.reload()
    expect(result.status).toBe('failed')
    expect(result.error).toBe('map grew abnormally (fetched=26680, backup=2668, threshold=5x)')
    expect(costs.source()).toMatchObject({ model_count: 2668, sha256: sha(mainText) })
  })

  it('after an allowed bloated map, the genuine map is accepted again, also across a restart from the cache file', async () => {
    const cacheFile = await cacheDir()
    const bloated = bloatedMap(10)
    const options = { cacheFile, maxGrowthRatio: 20, timeoutMs: 10_000 }
    const { costs, set } = await setup({ body: bloated }, options)
    await costs.ready
    expect(costs.source().model_count).toBe(26_680)
    // Was: "map shrank significantly (fetched=2668, active=26680)" on every later reload.
    set({ body: mainText })
    expect(await costs.reload()).toMatchObject({ status: 'success', models_count: 2668 })
    // Both maps were queued for the cache file in the background: wait for the genuine one to be the last.
    await vi.waitFor(async () => expect((await readCache(cacheFile, { timeoutMs: 5000 }))?.text).toBe(mainText), {
      timeout: 10_000,
    })

    // The cache file holds the bloated map again; a restart starts from it and still takes the genuine one.
    const again = await setup({ body: bloated }, options)
    await again.costs.ready
    expect(again.costs.source()).toMatchObject({ source: 'remote', model_count: 26_680, last_error: null })
    await vi.waitFor(async () => expect((await readCache(cacheFile, { timeoutMs: 5000 }))?.text).toBe(bloated), {
      timeout: 10_000,
    })
    const restarted = await setup({ body: mainText }, options)
    await restarted.costs.ready
    expect(restarted.costs.source()).toMatchObject({ source: 'remote', model_count: 2668, sha256: sha(mainText) })
  })
})
