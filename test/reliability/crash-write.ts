// Run in a child process by concurrency.test.ts (E7): writes the cache file like a reload does, and
// the process is SIGKILLed between writing the temporary file and renaming it over the old one.
import fs from 'node:fs'
import { readFile } from 'node:fs/promises'
import { syncBuiltinESMExports } from 'node:module'
import { writeCache } from '../../src/load/disk-cache'

const [cacheFile, newTextFile] = process.argv.slice(2) as [string, string]
const text = await readFile(newTextFile, 'utf8')
fs.promises.rename = () => {
  process.kill(process.pid, 'SIGKILL')
  return new Promise(() => {})
}
syncBuiltinESMExports() // so the `node:fs/promises` that disk-cache imports sees the patched rename
await writeCache(cacheFile, text, { sha256: 'new', etag: null, url: null, fetched_at: new Date().toISOString() })
process.exit(3) // not reached when the kill lands where it should
