// Run in a child process by concurrency.test.ts (E7): writes the cache file as reloads do, alternating two
// maps in a tight loop, until the parent SIGKILLs it at a random instant.
import { readFile } from 'node:fs/promises'
import { writeCache } from '../../src/load/disk-cache'
import { sha256Hex } from '../../src/load/loader'

const [cacheFile, ...textFiles] = process.argv.slice(2) as [string, ...string[]]
const texts = await Promise.all(textFiles.map((f) => readFile(f, 'utf8')))
const shas = await Promise.all(texts.map((t) => sha256Hex(t)))
process.stdout.write('writing\n')
for (let i = 0; ; i++) {
  const n = i % texts.length
  const meta = { sha256: shas[n] ?? '', etag: null, url: null, fetched_at: new Date().toISOString() }
  const error = await writeCache(cacheFile, texts[n] ?? '', meta)
  if (error) {
    process.stderr.write(`${error.message}\n`)
    process.exit(4)
  }
}
