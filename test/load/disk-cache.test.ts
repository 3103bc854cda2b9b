// The cache file (the last good map on disk): one atomic file, bounded I/O, a warning for every broken copy.
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import { mkdir, mkdtemp, readdir, readFile, rm, utimes, writeFile } from 'node:fs/promises'
import { syncBuiltinESMExports } from 'node:module'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { writeFileAtomic } from '../../src/_internal/write-atomic'
import {
  type CacheMeta,
  CacheWriter,
  cacheFileText,
  readCache,
  removeStaleTemps,
  writeCache,
} from '../../src/load/disk-cache'
import { backupManifest } from '../../src/map/backup'
import { ModelCostMap } from '../../src/store/store'
import type { ModelCostMapOptions } from '../../src/store/types'
import { FAST, GOOD, GOOD_SHA, onCleanup, serve, sha } from '../reliability/harness'
import { syntheticMap } from '../support/fault-server'

/** GOOD's models at another input price: a second valid map. */
const priced = (input: number) =>
  JSON.stringify(
    Object.fromEntries(
      Object.entries(syntheticMap(1500)).map(([k, v]) => [k, { ...(v as object), input_cost_per_token: input }]),
    ),
  )
const later = () => new Date(Date.now() + 1000).toISOString()
const metaOf = (text: string, fetched_at = later()): CacheMeta => ({
  sha256: sha(text),
  etag: null,
  url: null,
  fetched_at,
})

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'costmap-disk-cache-'))
  onCleanup(() => rm(dir, { recursive: true, force: true }))
  return dir
}

/** Replaces one `node:fs/promises` function for this test (the library loads it with a dynamic import). */
function patchFs<K extends 'open' | 'rename'>(
  name: K,
  wrap: (original: (typeof fs.promises)[K]) => (typeof fs.promises)[K],
): void {
  const original = fs.promises[name]
  fs.promises[name] = wrap(original)
  syncBuiltinESMExports()
  onCleanup(() => {
    fs.promises[name] = original
    syncBuiltinESMExports()
  })
}

/** A store whose upstream answers 503, started on `cacheFile`; its cache-file warnings are collected. */
async function startOn(cacheFile: string, options: ModelCostMapOptions = {}) {
  const warn = vi.fn()
  const server = await serve({ status: 503 })
  const costs = new ModelCostMap({ url: server.url, cacheFile, ...FAST, logger: { warn }, ...options })
  onCleanup(() => costs.dispose())
  await costs.ready
  const warnings = warn.mock.calls.map((c) => c[0] as string).filter((m) => m.includes('cache file'))
  return { costs, warnings }
}

/** A store whose upstream serves `body()`, not loaded yet. */
async function fetching(cacheFile: string, body: () => string, options: ModelCostMapOptions = {}) {
  const warn = vi.fn()
  const server = await serve(() => ({ body: body() }))
  const costs = new ModelCostMap({ url: server.url, cacheFile, autoLoad: false, ...FAST, logger: { warn }, ...options })
  onCleanup(() => costs.dispose())
  return { costs, warn }
}

describe('one file holds the map and its metadata', () => {
  it('a write and a read give back the same text and meta, in one file', async () => {
    const file = join(await tempDir(), 'sub', 'map.json')
    const meta = metaOf(GOOD)
    expect(await writeCache(file, GOOD, meta)).toBeNull()
    expect(await readdir(dirname(file))).toEqual(['map.json'])
    expect(await readFile(file, 'utf8')).toBe(cacheFileText(GOOD, meta))
    expect(await readCache(file, { timeoutMs: 1000 })).toEqual({ text: GOOD, meta })
  })

  it('the old two-file layout is still read, and the next write replaces it with one file', async () => {
    const dir = await tempDir()
    const cacheFile = join(dir, 'map.json')
    const old = priced(2e-6)
    await writeFile(cacheFile, old)
    await writeFile(`${cacheFile}.meta.json`, JSON.stringify(metaOf(old)))
    const started = await startOn(cacheFile)
    expect(started.costs.snapshot.sha256).toBe(sha(old))
    expect(started.warnings).toEqual([])

    const { costs } = await fetching(cacheFile, () => GOOD)
    expect((await costs.reload()).status).toBe('success')
    await vi.waitFor(async () => expect(await readdir(dir)).toEqual(['map.json']))
    expect((await readCache(cacheFile, { timeoutMs: 1000 }))?.text).toBe(GOOD)
    expect((await startOn(cacheFile)).costs.snapshot.sha256).toBe(GOOD_SHA)
  })

  it('a stale old-layout meta file beside a new-layout file is ignored', async () => {
    const dir = await tempDir()
    const cacheFile = join(dir, 'map.json')
    await writeFile(cacheFile, cacheFileText(GOOD, metaOf(GOOD)))
    await writeFile(`${cacheFile}.meta.json`, JSON.stringify(metaOf('something else')))
    const { costs, warnings } = await startOn(cacheFile)
    expect(costs.snapshot.sha256).toBe(GOOD_SHA)
    expect(warnings).toEqual([])
  })

  it('temporary files that killed writes left are removed once older than the write time limit, nothing else', async () => {
    const dir = await tempDir()
    const file = join(dir, 'map.json')
    const names = {
      stale: 'map.json.41.0a1b2c3d.tmp',
      staleOldMeta: 'map.json.meta.json.41.0a1b2c3d.tmp',
      young: 'map.json.42.0a1b2c3d.tmp',
      otherFile: 'other.json.41.0a1b2c3d.tmp',
      notOurs: 'map.json.backup.tmp',
    }
    for (const name of Object.values(names)) await writeFile(join(dir, name), '{')
    const past = new Date(Date.now() - 60_000)
    for (const name of [names.stale, names.staleOldMeta, names.otherFile, names.notOurs])
      await utimes(join(dir, name), past, past)
    await removeStaleTemps(file, 10_000)
    expect((await readdir(dir)).sort()).toEqual([names.notOurs, names.young, names.otherFile].sort())
  })

  it('writeFileAtomic flushes the directory after the rename', async () => {
    const dir = await tempDir()
    const steps: string[] = []
    patchFs(
      'rename',
      (rename) =>
        (async (from, to) => {
          steps.push(`rename -> ${to}`)
          return rename(from, to)
        }) as typeof rename,
    )
    patchFs(
      'open',
      (open) =>
        (async (path, ...rest: unknown[]) => {
          const handle = await (open as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(path, ...rest)
          const sync = handle.sync.bind(handle)
          handle.sync = async () => {
            steps.push(`sync ${path === dir ? 'directory' : 'file'}`)
            return sync()
          }
          return handle
        }) as typeof open,
    )
    expect(await writeFileAtomic(join(dir, 'a.json'), '{}')).toBe(true)
    expect(steps).toEqual(['sync file', `rename -> ${join(dir, 'a.json')}`, 'sync directory'])
  })
})

describe('a broken cache file: the backup is used and a warning names the file and the reason', () => {
  const backupSha = () => backupManifest().sha256
  const fifo = (path: string) => execFileSync('mkfifo', [path])
  it.each<[string, (file: string) => Promise<unknown>, RegExp | null]>([
    ['missing (a first start)', async () => {}, null],
    ['a directory', (file) => mkdir(file), /map\.json is a directory/],
    ['a FIFO (refused at once, no wait for a writer)', async (file) => fifo(file), /map\.json is a FIFO/],
    [
      'unreadable (its folder is a file)',
      async (file) => {
        await rm(dirname(file), { recursive: true })
        await writeFile(dirname(file), 'x')
      },
      /could not read .*map\.json: ENOTDIR/,
    ],
    [
      'a header that is not JSON',
      (file) => writeFile(file, `{"costmap_cache":2,"sha256":\n${GOOD}`),
      /header line is not JSON/,
    ],
    ['cut inside its header', (file) => writeFile(file, '{"costmap_cache":2,"sha256":"ab'), /ends inside its header/],
    [
      'a header without sha256',
      (file) => writeFile(file, `{"costmap_cache":2,"fetched_at":"${later()}"}\n${GOOD}`),
      /header line has no sha256/,
    ],
    [
      'a sha256 mismatch (a changed byte)',
      (file) => writeFile(file, cacheFileText(GOOD.replace('0.000002', '0.000003'), metaOf(GOOD))),
      /does not match its recorded sha256/,
    ],
    ['an invalid map', (file) => writeFile(file, cacheFileText('{"a":', metaOf('{"a":'))), /invalid JSON/],
    [
      'old layout, meta not JSON',
      async (file) => {
        await writeFile(file, GOOD)
        await writeFile(`${file}.meta.json`, '{')
      },
      /map\.json\.meta\.json is not JSON/,
    ],
    ['old layout, meta missing', (file) => writeFile(file, GOOD), /map\.json\.meta\.json is missing/],
    [
      'old layout, meta is a FIFO',
      async (file) => {
        await writeFile(file, GOOD)
        fifo(`${file}.meta.json`)
      },
      /map\.json\.meta\.json is a FIFO/,
    ],
    [
      'old layout, meta is a directory',
      async (file) => {
        await writeFile(file, GOOD)
        await mkdir(`${file}.meta.json`)
      },
      /map\.json\.meta\.json is a directory/,
    ],
  ])('%s', async (_name, make, warning) => {
    const sub = join(await tempDir(), 'cache')
    await mkdir(sub)
    const cacheFile = join(sub, 'map.json')
    await make(cacheFile)
    const started = Date.now()
    const { costs, warnings } = await startOn(cacheFile)
    expect(Date.now() - started).toBeLessThan(FAST.timeoutMs)
    expect(costs.snapshot.sha256).toBe(backupSha())
    if (!warning) return expect(warnings).toEqual([])
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toMatch(new RegExp(`ignoring the cache file ${cacheFile}: `))
    expect(warnings[0]).toMatch(warning)
  })

  it('a file over maxBytes is not read', async () => {
    const cacheFile = join(await tempDir(), 'map.json')
    await writeFile(cacheFile, cacheFileText(GOOD, metaOf(GOOD)))
    const { costs, warnings } = await startOn(cacheFile, { maxBytes: 1000 })
    expect(costs.snapshot.sha256).toBe(backupSha())
    expect(warnings.join('\n')).toMatch(/map\.json is \d+ bytes, over the 1000-byte limit/)
  })
})

describe('cache I/O has a time limit and never holds the store', () => {
  /** Makes every open of a path under `dir` (and matching `only`) wait until `release()`. */
  function holdOpens(dir: string, only: (path: string) => boolean = () => true) {
    let release = () => {}
    const released = new Promise<void>((resolve) => {
      release = resolve
    })
    const held: string[] = []
    patchFs(
      'open',
      (open) =>
        (async (path, ...rest: unknown[]) => {
          if (String(path).startsWith(dir) && only(String(path))) {
            held.push(String(path))
            await released
          }
          return (open as (...a: unknown[]) => Promise<fs.promises.FileHandle>)(path, ...rest)
        }) as typeof open,
    )
    onCleanup(() => release()) // before the patch is undone: nothing stays pending
    return { held, release }
  }

  it('a read that never finishes: ready resolves on the backup after timeoutMs, with a warning', async () => {
    const dir = await tempDir()
    const cacheFile = join(dir, 'map.json')
    await writeFile(cacheFile, cacheFileText(GOOD, metaOf(GOOD)))
    const { held } = holdOpens(dir)
    const started = Date.now()
    const { costs, warnings } = await startOn(cacheFile, { timeoutMs: 300 })
    expect(held).toEqual([cacheFile])
    expect(Date.now() - started).toBeLessThan(2000)
    expect(costs.snapshot.sha256).toBe(backupManifest().sha256)
    expect(warnings).toEqual([`[costmap] ignoring the cache file ${cacheFile}: reading it took longer than 300 ms`])
  })

  it('a write that never finishes: reloads return at once, one write waits, the newest map lands when the disk answers', async () => {
    const dir = await tempDir()
    const cacheFile = join(dir, 'map.json')
    const maps = [priced(1e-6), priced(2e-6), priced(3e-6)]
    let next = 0
    const { costs, warn } = await fetching(cacheFile, () => maps[next] ?? GOOD, { timeoutMs: 1000 })
    const { held, release } = holdOpens(dir, (path) => path.endsWith('.tmp'))
    // Each reload returns while the first write is still held: none of them waits for the disk.
    for (next = 0; next < maps.length; next++) {
      expect(await costs.reload()).toMatchObject({ status: 'success', sha256: sha(maps[next] ?? '') })
    }
    expect(held).toHaveLength(1)
    await vi.waitFor(
      () =>
        expect(warn).toHaveBeenCalledWith(
          `[costmap] abandoned writing the cache file ${cacheFile} after 1000 ms (the file system does not answer); the next write waits for it`,
        ),
      // The write's own 1000 ms limit runs out first; a loaded machine can fire that timer late.
      { timeout: 5000 },
    )
    expect(held).toHaveLength(1) // one write at a time: the others wait, they do not pile up on the disk
    release()
    await vi.waitFor(async () => expect((await readCache(cacheFile, { timeoutMs: 1000 }))?.text).toBe(maps[2]))
    // The abandoned write (the first map) did not land after the newest one, and left no temporary file.
    expect(held).toHaveLength(2)
    expect(await readdir(dir)).toEqual(['map.json'])
    expect((await startOn(cacheFile)).costs.snapshot.sha256).toBe(sha(maps[2] ?? ''))
  })

  it('a FIFO at the cache path: the start warns at once, and the next good map replaces it with a real file', async () => {
    const dir = await tempDir()
    const cacheFile = join(dir, 'map.json')
    execFileSync('mkfifo', [cacheFile])
    const { costs, warn } = await fetching(cacheFile, () => GOOD, { autoLoad: true })
    await costs.ready
    expect(costs.snapshot.sha256).toBe(GOOD_SHA)
    expect(warn).toHaveBeenCalledWith(`[costmap] ignoring the cache file ${cacheFile}: ${cacheFile} is a FIFO`)
    await vi.waitFor(async () => expect((await readCache(cacheFile, { timeoutMs: 1000 }))?.text).toBe(GOOD))
  })

  it('a logger that throws on the write warning crashes nothing, and the next write still runs', async () => {
    const dir = await tempDir()
    const file = join(dir, 'map.json')
    await mkdir(file)
    const warn = vi.fn(() => {
      throw new Error('logger bug')
    })
    const writer = new CacheWriter(file, 1000, warn)
    writer.write(GOOD, metaOf(GOOD))
    await vi.waitFor(() => expect(warn).toHaveBeenCalledTimes(1))
    await rm(file, { recursive: true })
    writer.write(GOOD, metaOf(GOOD))
    await vi.waitFor(async () => expect((await readCache(file, { timeoutMs: 1000 }))?.text).toBe(GOOD))
  })

  it('a write that fails (a directory at the path) is warned and the reload still succeeds', async () => {
    const dir = await tempDir()
    const cacheFile = join(dir, 'map.json')
    await mkdir(cacheFile)
    const { costs, warn } = await fetching(cacheFile, () => GOOD)
    expect((await costs.reload()).status).toBe('success')
    await vi.waitFor(() =>
      expect(warn).toHaveBeenCalledWith(expect.stringMatching(`could not write the cache file ${cacheFile}: EISDIR`)),
    )
    await vi.waitFor(async () => expect((await readdir(dir)).sort()).toEqual(['map.json']))
  })
})
