/**
 * The last good map on disk, so a restart while the upstream is down keeps today's prices.
 * Written atomically (temp file, fsync, rename): a crash mid-write leaves the previous file intact.
 * @module
 */

import type { BuiltMap } from './integrity'
import { sha256Hex } from './loader'
import { writeFileAtomic } from './write-atomic'

/** @internal What is stored beside the map text. */
export interface CacheMeta {
  sha256: string
  etag: string | null
  url: string | null
  fetched_at: string
}

/** @internal Writes `text` and its meta; errors are returned, not thrown (a cache is best effort). */
export async function writeCache(file: string, text: string, meta: CacheMeta): Promise<Error | null> {
  try {
    const { mkdir } = await import('node:fs/promises')
    const { dirname } = await import('node:path')
    await mkdir(dirname(file), { recursive: true })
    await writeFileAtomic(file, text)
    await writeFileAtomic(`${file}.meta.json`, JSON.stringify(meta))
    return null
  } catch (error) {
    return error as Error
  }
}

/** @internal The cached text and meta, or null when missing, empty or unreadable. */
export async function readCache(file: string): Promise<{ text: string; meta: CacheMeta } | null> {
  try {
    const { readFile } = await import('node:fs/promises')
    const [text, metaText] = await Promise.all([readFile(file, 'utf8'), readFile(`${file}.meta.json`, 'utf8')])
    if (text.trim() === '') return null
    const meta = JSON.parse(metaText) as CacheMeta
    if (typeof meta.sha256 !== 'string' || typeof meta.fetched_at !== 'string') return null
    return { text, meta }
  } catch {
    return null
  }
}

/**
 * @internal The cached map, passed through `admit` (the store's gate, like a download), when it exists and
 * is newer than `notBefore`.
 * @throws when the file is there but broken or refused (the caller warns and ignores it)
 */
export async function loadCachedMap(
  file: string,
  notBefore: string,
  admit: (text: string, sha256: string) => BuiltMap,
): Promise<{ built: BuiltMap; sha256: string; meta: CacheMeta } | null> {
  const cached = await readCache(file)
  if (!cached || Date.parse(cached.meta.fetched_at) <= Date.parse(notBefore)) return null
  const sha256 = await sha256Hex(cached.text)
  if (sha256 !== cached.meta.sha256) throw new Error('the cache file does not match its recorded sha256')
  return { built: admit(cached.text, sha256), sha256, meta: cached.meta }
}
