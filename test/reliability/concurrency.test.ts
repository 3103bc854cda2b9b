// Catalogue E (concurrency and atomicity): snapshots, listeners, the disk copy, many instances.
import { spawn } from 'node:child_process'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it, vi } from 'vitest'
import { completionCost } from '../../src/cost/cost'
import { readCache } from '../../src/load/disk-cache'
import { backupManifest } from '../../src/map/backup'
import { ModelCostMap } from '../../src/store/store'
import { syntheticMap } from '../support/fault-server'
import { armed, FAST, GOOD, GOOD_SHA, onCleanup, serve, sha } from './harness'

/** The same models as GOOD at three times the input price. */
const DEARER = JSON.stringify(
  Object.fromEntries(
    Object.entries(syntheticMap(1500)).map(([k, v]) => [k, { ...(v as object), input_cost_per_token: 3e-6 }]),
  ),
)
const usage = { prompt_tokens: 1_000_000, completion_tokens: 1_000_000 }

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'costmap-reliability-'))
  onCleanup(() => rm(dir, { recursive: true, force: true }))
  return dir
}

describe('E2–E3 a computation that spans a reload', () => {
  it('E2 prices entirely from the snapshot it started with', async () => {
    const { costs, set } = await armed()
    const price = async () => {
      const snapshot = costs.snapshot // read once, at the start
      set({ body: DEARER })
      await costs.reload() // the map is swapped while this computation is suspended
      return completionCost(snapshot, { model: 'model-1', usage })
    }
    const result = await price()
    expect(result).toMatchObject({ promptCost: 1, completionCost: 2, totalCost: 3, sha256: GOOD_SHA })
    expect(costs.completionCost({ model: 'model-1', usage })).toMatchObject({ promptCost: 3, sha256: sha(DEARER) })
  })

  it('E3 the snapshot a reader holds is frozen all the way down', async () => {
    const { costs } = await armed()
    const { snapshot } = costs
    expect(Object.isFrozen(snapshot)).toBe(true)
    expect(Object.isFrozen(snapshot.map)).toBe(true)
    expect(Object.isFrozen(snapshot.map['model-1'])).toBe(true)
    expect(() => {
      ;(snapshot.map['model-1'] as { input_cost_per_token: number }).input_cost_per_token = 0
    }).toThrow(TypeError)
  })
})

describe('E4–E5 listeners cannot break a reload', () => {
  it('E4 a rejecting listener: the swap is committed, the others still run, the error goes to warn', async () => {
    const warn = vi.fn()
    const { costs, set } = await armed({ logger: { warn } })
    const seen: string[] = []
    costs.on('change', async () => {
      throw new Error('async listener bug')
    })
    costs.on('change', (r) => {
      seen.push(r.sha256)
    })
    set({ body: DEARER })
    expect((await costs.reload()).status).toBe('success')
    expect(costs.snapshot.sha256).toBe(sha(DEARER))
    expect(seen).toEqual([sha(DEARER)])
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith('[costmap] a change listener failed: async listener bug'))
  })

  it('E5 nobody listens for failures: a failed reload just resolves', async () => {
    const server = await serve({ status: 500 })
    const costs = new ModelCostMap({ url: server.url, autoLoad: false, ...FAST })
    onCleanup(() => costs.dispose())
    await expect(costs.reload()).resolves.toMatchObject({ status: 'failed', error: expect.stringMatching(/^HTTP 500/) })
  })
})

describe('E6 the disk copy is missing, empty or corrupted', () => {
  const meta = (text: string) =>
    JSON.stringify({ sha256: sha(text), etag: null, url: null, fetched_at: new Date().toISOString() })
  it.each<[string, Record<string, string>, RegExp | null]>([
    ['missing', {}, null],
    ['empty', { 'map.json': '', 'map.json.meta.json': meta('') }, null],
    ['whitespace only', { 'map.json': '  \n', 'map.json.meta.json': meta('  \n') }, null],
    [
      'truncated JSON',
      { 'map.json': '{"a":', 'map.json.meta.json': meta('{"a":') },
      /ignoring the cache file .*invalid JSON/,
    ],
    [
      'sha256 mismatch',
      { 'map.json': GOOD, 'map.json.meta.json': meta('other') },
      /does not match its recorded sha256/,
    ],
    ['meta is not JSON', { 'map.json': GOOD, 'map.json.meta.json': '{' }, /map\.json\.meta\.json is not JSON/],
  ])('%s: the bundled backup is used', async (_name, files, warning) => {
    const dir = await tempDir()
    for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content)
    const warn = vi.fn()
    const server = await serve({ status: 503 })
    const costs = new ModelCostMap({ url: server.url, cacheFile: join(dir, 'map.json'), ...FAST, logger: { warn } })
    onCleanup(() => costs.dispose())
    await costs.ready
    expect(costs.snapshot.sha256).toBe(backupManifest().sha256)
    expect(costs.getModelInfo('gpt-4o').litellm_provider).toBe('openai')
    const warnings = warn.mock.calls.map((c) => c[0] as string).filter((m) => m.includes('cache file'))
    if (warning) expect(warnings.join('\n')).toMatch(warning)
    else expect(warnings).toEqual([])
  })
})

describe('E7 a crash while the disk copy is written', () => {
  it('killed between write and rename: the previous copy is intact and used at the next start', async () => {
    const dir = await tempDir()
    const cacheFile = join(dir, 'map.json')
    const { costs } = await armed({ cacheFile })
    await vi.waitFor(async () => expect((await readCache(cacheFile, FAST))?.text).toBe(GOOD))
    costs.dispose()
    const before = await readFile(cacheFile, 'utf8')
    await writeFile(join(dir, 'next.txt'), DEARER)
    const script = fileURLToPath(new URL('./crash-write.ts', import.meta.url))
    const child = spawn(process.execPath, ['--import', 'tsx', script, cacheFile, join(dir, 'next.txt')], {
      stdio: 'ignore',
    })
    const signal = await new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)))
    expect(signal).toBe('SIGKILL')
    expect(await readFile(cacheFile, 'utf8')).toBe(before)
    expect((await readdir(dir)).filter((f) => f.endsWith('.tmp'))).toHaveLength(1) // the half-done write
    const server = await serve({ status: 503 })
    const restarted = new ModelCostMap({ url: server.url, cacheFile, ...FAST })
    onCleanup(() => restarted.dispose())
    await restarted.ready
    expect(restarted.snapshot.sha256).toBe(GOOD_SHA)
  })

  it('killed at 30 random instants while writing versions in a loop: every next start is on the old or the new map', async () => {
    const dir = await tempDir()
    const cacheFile = join(dir, 'map.json')
    // Starts from the old two-file layout, so the kills also land in its replacement by the one-file layout.
    await writeFile(cacheFile, GOOD)
    await writeFile(
      `${cacheFile}.meta.json`,
      JSON.stringify({ sha256: GOOD_SHA, etag: null, url: null, fetched_at: new Date().toISOString() }),
    )
    await writeFile(join(dir, 'a.txt'), GOOD)
    await writeFile(join(dir, 'b.txt'), DEARER)
    const script = fileURLToPath(new URL('./cache-write-loop.ts', import.meta.url))
    const server = await serve({ status: 503 })
    let midWrite = 0
    for (let run = 0; run < 30; run++) {
      const child = spawn(
        process.execPath,
        ['--import', 'tsx', script, cacheFile, join(dir, 'a.txt'), join(dir, 'b.txt')],
        {
          stdio: ['ignore', 'pipe', 'inherit'],
        },
      )
      const exited = new Promise((resolve) => child.on('exit', (_code, sig) => resolve(sig)))
      await new Promise((resolve) => child.stdout.once('data', resolve))
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 40))
      child.kill('SIGKILL')
      expect(await exited).toBe('SIGKILL')
      if ((await readdir(dir)).some((f) => f.endsWith('.tmp'))) midWrite++
      const warn = vi.fn()
      const restarted = new ModelCostMap({ url: server.url, cacheFile, ...FAST, logger: { warn } })
      await restarted.ready
      restarted.dispose()
      expect([GOOD_SHA, sha(DEARER)]).toContain(restarted.snapshot.sha256)
      expect(warn.mock.calls.flat().filter((m) => String(m).includes('cache file'))).toEqual([])
    }
    expect(midWrite).toBeGreaterThan(0) // some kills did land inside a write and left its temporary file
    // The next write removes the temporary files the killed writes left, once older than the write time limit.
    await new Promise((resolve) => setTimeout(resolve, 300))
    const { costs } = await armed({ cacheFile, timeoutMs: 250 })
    await vi.waitFor(async () => expect((await readdir(dir)).sort()).toEqual(['a.txt', 'b.txt', 'map.json']))
    expect((await readCache(cacheFile, FAST))?.text).toBe(GOOD)
    costs.dispose()
  }, 120_000)
})

describe('E8 many instances in one process', () => {
  it('50 stores reload, price and dispose independently', async () => {
    const server = await serve((req) => ({ body: req.url === '/dear' ? DEARER : GOOD }))
    const stores = Array.from(
      { length: 50 },
      (_, i) => new ModelCostMap({ url: `${server.url}/${i % 2 ? 'dear' : 'good'}`, autoLoad: false, ...FAST }),
    )
    for (const s of stores) onCleanup(() => s.dispose())
    const results = await Promise.all(stores.map((s) => s.reload()))
    expect(results.every((r) => r.status === 'success')).toBe(true)
    stores.forEach((s, i) => {
      expect(s.costPerToken({ model: 'model-1', usage }).promptCost).toBe(i % 2 ? 3 : 1)
    })
    expect(server.requests).toHaveLength(50)
  })
})
