/**
 * Writing a file so that nobody ever reads half of it. No imports from the rest of the library: the backup
 * script uses it before the bundled backup exists.
 * @module
 */

/**
 * @internal Writes `data` to a new temporary file beside `path`, flushes it to disk, then renames it over
 * `path`: readers, and the next start after a crash, see the old file or the new one, never half of one.
 * The temporary file is removed when the write fails.
 * @example
 * ```ts
 * await writeFileAtomic('/var/cache/costmap/map.json', text)
 * ```
 */
export async function writeFileAtomic(path: string, data: string): Promise<void> {
  // Loaded on first write, so start-up never pays for the file system module.
  const { open, rename, unlink } = await import('node:fs/promises')
  const tmp = `${path}.${process.pid}.${crypto.randomUUID().slice(0, 8)}.tmp`
  try {
    const handle = await open(tmp, 'wx')
    try {
      await handle.writeFile(data)
      await handle.sync()
    } finally {
      await handle.close()
    }
    await rename(tmp, path)
  } catch (error) {
    await unlink(tmp).catch(() => {})
    throw error
  }
}
