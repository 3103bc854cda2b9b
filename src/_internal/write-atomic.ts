/**
 * Writing a file so that nobody ever reads half of it. No imports from the rest of the library: the backup
 * script uses it before the bundled backup exists.
 * @module
 */

/** @internal Options of {@link writeFileAtomic}. */
export interface AtomicWriteOptions {
  /**
   * Asked just before the rename: `false` drops the written temporary file instead, so a write its caller
   * gave up on (too slow, superseded) cannot land over a newer one later.
   */
  commit?: () => boolean
}

/**
 * @internal Writes `data` to a new temporary file beside `path`, flushes it to disk, renames it over
 * `path`, then flushes the directory: readers, and the next start after a crash or a power cut, see the old
 * file or the new one, never half of one. The temporary file is removed when the write fails or is not
 * committed. Resolves to whether `path` was replaced.
 * @example
 * ```ts
 * await writeFileAtomic('/var/cache/costmap/map.json', text)
 * ```
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: AtomicWriteOptions = {},
): Promise<boolean> {
  // Loaded on first write, so start-up never pays for the file system module.
  const { open, rename, unlink } = await import('node:fs/promises')
  const { dirname } = await import('node:path')
  const tmp = `${path}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`
  try {
    const handle = await open(tmp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    if (options.commit && !options.commit()) {
      await unlink(tmp).catch(() => {})
      return false
    }
    await rename(tmp, path)
  } catch (error) {
    await unlink(tmp).catch(() => {})
    throw error
  }
  await syncDirectory(open, dirname(path))
  return true
}

/** Codes of a platform or file system that cannot open or flush a directory (Windows, some network mounts). */
const NO_DIRECTORY_SYNC = new Set(['EISDIR', 'EPERM', 'EACCES', 'EINVAL', 'ENOTSUP', 'EBADF'])

/** A rename is only durable once the directory that holds the name is flushed too. */
async function syncDirectory(open: typeof import('node:fs/promises').open, dir: string): Promise<void> {
  let handle: Awaited<ReturnType<typeof open>> | undefined
  try {
    handle = await open(dir, 'r')
    await handle.sync()
  } catch (error) {
    if (!NO_DIRECTORY_SYNC.has((error as NodeJS.ErrnoException).code ?? '')) throw error
  } finally {
    await handle?.close()
  }
}
