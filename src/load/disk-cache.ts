/**
 * The last good map on disk, so a restart while the upstream is down keeps today's prices.
 *
 * One file holds the map and its metadata: a one-line JSON header (`{"costmap_cache":2,…}`), a newline, then
 * the map text exactly as fetched. It is written atomically (temporary file, fsync, rename, directory fsync),
 * so a process killed at any instant leaves the previous copy or the new one, never a map without its
 * metadata. The older layout (the map text in `file`, its metadata in `file.meta.json`, two renames) is still
 * read; the first write in the new layout replaces it and removes the old metadata file.
 *
 * Cache I/O never holds the store: reads at start-up and each write have a time limit, and writes run in the
 * background, one at a time, the newest waiting.
 * @module
 */

import { writeFileAtomic } from '../_internal'
import { CostMapError } from '../errors'
import type { BuiltMap } from '../map'
import { sha256Hex } from './loader'

/** @internal What is stored beside the map text. */
export interface CacheMeta {
  sha256: string
  etag: string | null
  url: string | null
  fetched_at: string
}

/** How a cache file in the current layout starts: the header's first key says which layout it is. */
const HEADER = '{"costmap_cache":2,'

/** Largest cache file read when the options set no `maxBytes` (the fetch limit's default). */
const DEFAULT_MAX_BYTES = 32 * 1024 * 1024

/**
 * @internal The text of a cache file: the header line (meta, which JSON keeps on one line) and the map text.
 * @example
 * ```ts
 * cacheFileText('{"gpt-4o":{}}', meta) // '{"costmap_cache":2,"sha256":"…",…}\n{"gpt-4o":{}}'
 * ```
 */
export function cacheFileText(text: string, meta: CacheMeta): string {
  return `${HEADER}${JSON.stringify(meta).slice(1)}\n${text}`
}

/**
 * @internal Writes the map and its meta as one file; errors are returned, not thrown (a cache is best effort).
 * `commit` is asked before the file is replaced (see {@link writeFileAtomic}).
 * @example
 * ```ts
 * const error = await writeCache('/var/cache/costmap/map.json', text, meta)
 * ```
 */
export async function writeCache(
  file: string,
  text: string,
  meta: CacheMeta,
  commit?: () => boolean,
): Promise<Error | null> {
  try {
    const { mkdir, unlink } = await import('node:fs/promises')
    const { dirname } = await import('node:path')
    await mkdir(dirname(file), { recursive: true })
    if (!(await writeFileAtomic(file, cacheFileText(text, meta), { commit }))) return null
    // The old layout's metadata: ignored beside a file in the new layout, removed so nobody trusts it.
    await unlink(`${file}.meta.json`).catch(() => {})
    return null
  } catch (error) {
    return error as Error
  }
}

/**
 * @internal Removes the temporary files that writes to `file` left behind when their process was killed.
 * Only files older than `olderThanMs` go: a younger one may be a write in flight in another process
 * sharing the file (cluster workers), and a write never waits longer than its time limit.
 * @example
 * ```ts
 * await removeStaleTemps('/var/cache/costmap/map.json', 5000)
 * ```
 */
export async function removeStaleTemps(file: string, olderThanMs: number): Promise<void> {
  const { readdir, stat, unlink } = await import('node:fs/promises')
  const { basename, dirname, join } = await import('node:path')
  const dir = dirname(file)
  const base = basename(file)
  // writeFileAtomic's names: `<name>.<pid>.<8 hex>.tmp`, for the file and the old layout's meta file.
  const isTemp = (name: string) =>
    name.startsWith(`${base}.`) && /^(meta\.json\.)?\d+\.[0-9a-f]{8}\.tmp$/.test(name.slice(base.length + 1))
  const before = Date.now() - olderThanMs
  for (const name of (await readdir(dir)).filter(isTemp)) {
    const path = join(dir, name)
    const info = await stat(path).catch(() => null)
    if (info?.isFile() && info.mtimeMs < before) await unlink(path).catch(() => {})
  }
}

/**
 * @internal Writes the newest map in the background, one write at a time: a reload hands its map over and
 * returns. A write still running after `timeoutMs` is abandoned (it will not replace the file) and warned;
 * the next write waits for it to settle, so a hung file system holds at most one write, never a reload.
 * @example
 * ```ts
 * const writer = new CacheWriter('/var/cache/costmap/map.json', 5000, (m) => log.warn(m))
 * writer.write(text, meta)
 * ```
 */
export class CacheWriter {
  private next: { text: string; meta: CacheMeta } | null = null
  private busy = false

  constructor(
    private readonly file: string,
    private readonly timeoutMs: number,
    private readonly warn: (message: string) => void,
  ) {}

  /** Queues `text` as the next copy; a copy queued earlier and not yet started is dropped. */
  write(text: string, meta: CacheMeta): void {
    this.next = { text, meta }
    // A throwing logger ends this round; it must not become an unhandled rejection.
    if (!this.busy) this.drain().catch(() => {})
  }

  private async drain(): Promise<void> {
    this.busy = true
    try {
      for (let job = this.next; job; job = this.next) {
        this.next = null
        await this.writeOne(job.text, job.meta)
      }
    } finally {
      // Cleared in the same turn as the loop's last look at `next`: a copy queued after it starts a new round.
      this.busy = false
    }
  }

  private async writeOne(text: string, meta: CacheMeta): Promise<void> {
    let abandoned = false
    const writing = writeCache(this.file, text, meta, () => !abandoned).then(async (error) => {
      if (!error) await removeStaleTemps(this.file, this.timeoutMs).catch(() => {})
      return error
    })
    let timer: ReturnType<typeof setTimeout> | undefined
    const late = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.timeoutMs)
    })
    const outcome = await Promise.race([writing, late])
    clearTimeout(timer)
    if (outcome === 'late') {
      abandoned = true
      this.warn(
        `abandoned writing the cache file ${this.file} after ${this.timeoutMs} ms (the file system does not answer); the next write waits for it`,
      )
      await writing
    } else if (outcome) {
      this.warn(`could not write the cache file ${this.file}: ${outcome.message}`)
    }
  }
}

/**
 * @internal The cached text and meta. Null when the file is missing or blank (a first start); throws a
 * {@link CostMapError} naming the file and the reason when it is there but unusable.
 * @example
 * ```ts
 * const cached = await readCache('/var/cache/costmap/map.json', { timeoutMs: 5000 })
 * ```
 */
export async function readCache(
  file: string,
  limits: { timeoutMs: number; maxBytes?: number },
): Promise<{ text: string; meta: CacheMeta } | null> {
  let timer: ReturnType<typeof setTimeout> | undefined
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new CostMapError('TIMEOUT', `reading it took longer than ${limits.timeoutMs} ms`)),
      limits.timeoutMs,
    )
  })
  try {
    return await Promise.race([readLayouts(file, limits.maxBytes ?? DEFAULT_MAX_BYTES), late])
  } finally {
    clearTimeout(timer)
  }
}

async function readLayouts(file: string, maxBytes: number): Promise<{ text: string; meta: CacheMeta } | null> {
  const content = await readRegularFile(file, maxBytes)
  if (content === null || content.trim() === '') return null
  if (content.startsWith(HEADER)) {
    const end = content.indexOf('\n')
    if (end < 0) throw new CostMapError('INTEGRITY_FAILED', 'the file ends inside its header line')
    return { meta: parseMeta(content.slice(0, end), 'its header line'), text: content.slice(end + 1) }
  }
  const metaFile = `${file}.meta.json`
  const metaText = await readRegularFile(metaFile, maxBytes)
  if (metaText === null) throw new CostMapError('INTEGRITY_FAILED', `its metadata file ${metaFile} is missing`)
  return { meta: parseMeta(metaText, `its metadata file ${metaFile}`), text: content }
}

/**
 * The file's text, or null when it does not exist. Opened non-blocking, so a FIFO at the path is refused
 * at once instead of waiting for a writer that never comes.
 */
async function readRegularFile(path: string, maxBytes: number): Promise<string | null> {
  const { constants, open } = await import('node:fs/promises')
  let handle: Awaited<ReturnType<typeof open>>
  try {
    handle = await open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0))
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new CostMapError('FETCH_FAILED', `could not read ${path}: ${(error as Error).message}`, { cause: error })
  }
  try {
    const info = await handle.stat()
    if (!info.isFile()) {
      const kind = info.isDirectory() ? 'a directory' : info.isFIFO() ? 'a FIFO' : 'not a regular file'
      throw new CostMapError('FETCH_FAILED', `${path} is ${kind}`)
    }
    if (info.size > maxBytes)
      throw new CostMapError('BODY_TOO_LARGE', `${path} is ${info.size} bytes, over the ${maxBytes}-byte limit`)
    return await handle.readFile('utf8')
  } catch (error) {
    if (error instanceof CostMapError) throw error
    throw new CostMapError('FETCH_FAILED', `could not read ${path}: ${(error as Error).message}`, { cause: error })
  } finally {
    await handle.close()
  }
}

function parseMeta(text: string, where: string): CacheMeta {
  let meta: unknown
  try {
    meta = JSON.parse(text)
  } catch (error) {
    throw new CostMapError('INVALID_JSON', `${where} is not JSON`, { cause: error })
  }
  const { sha256, fetched_at, etag, url } = (meta ?? {}) as Partial<CacheMeta>
  if (typeof sha256 !== 'string' || typeof fetched_at !== 'string' || Number.isNaN(Date.parse(fetched_at)))
    throw new CostMapError('INTEGRITY_FAILED', `${where} has no sha256 or no valid fetched_at`)
  return { sha256, etag: typeof etag === 'string' ? etag : null, url: typeof url === 'string' ? url : null, fetched_at }
}

/**
 * @internal The cached map, passed through `admit` (the store's gate, like a download), when it exists and
 * is newer than `notBefore`. Reading is bounded by `limits.timeoutMs` and `limits.maxBytes`.
 * @throws {CostMapError} when the file is there but broken or refused (the caller warns and ignores it)
 * @example
 * ```ts
 * const cached = await loadCachedMap(file, backupManifest().generated_at, { timeoutMs: 5000 }, admit)
 * ```
 */
export async function loadCachedMap(
  file: string,
  notBefore: string,
  limits: { timeoutMs: number; maxBytes?: number },
  admit: (text: string, sha256: string) => BuiltMap,
): Promise<{ built: BuiltMap; sha256: string; meta: CacheMeta } | null> {
  const cached = await readCache(file, limits)
  if (!cached || Date.parse(cached.meta.fetched_at) <= Date.parse(notBefore)) return null
  const sha256 = await sha256Hex(cached.text)
  if (sha256 !== cached.meta.sha256)
    throw new CostMapError('INTEGRITY_FAILED', 'the cache file does not match its recorded sha256')
  // The one place the cached map is validated: the store's gate, the same checks as a download.
  return { built: admit(cached.text, sha256), sha256, meta: cached.meta }
}
