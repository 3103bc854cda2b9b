/**
 * Generates the bundled backup from a LiteLLM map: `npm run backup:update -- --from <path|url>`.
 * The source may also come from COSTMAP_BACKUP_SOURCE; the default is the upstream URL. The file is
 * validated with the same schema and integrity rules as runtime loading, then written with a manifest.
 * `--if-missing` does nothing when a backup already exists (used before build and test).
 */
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdir, readFile } from 'node:fs/promises'
import { dirname, isAbsolute, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'
import { writeFileAtomic } from '../src/_internal/write-atomic'
import { DEFAULT_MODEL_COST_MAP_URL, fetchText } from '../src/load/transport'
import { type ManifestFile, manifestFindings } from '../src/map/backup'
import { buildCostMap, parseCostMapText } from '../src/map/integrity'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: { from: { type: 'string' }, 'if-missing': { type: 'boolean' }, 'out-dir': { type: 'string' } },
  })
  const outDir = resolve(values['out-dir'] ?? resolve(root, 'backup'))
  const target = resolve(outDir, 'model_prices_and_context_window.json')
  const manifestPath = resolve(outDir, 'manifest.json')
  // A manifest without a finding start-up now copies (written by an older version) is regenerated, from
  // where it came from unless told otherwise, so that start-up can keep trusting the file.
  const existing = existsSync(target) && existsSync(manifestPath) ? await readManifest(manifestPath) : null
  if (values['if-missing'] && existing?.duplicate_fields) return
  // An older backup that cannot be regenerated still works (start-up validates it): keep it.
  keepOnFailure = Boolean(values['if-missing'] && existing)
  const source = values.from ?? (process.env.COSTMAP_BACKUP_SOURCE || existing?.source) ?? DEFAULT_MODEL_COST_MAP_URL
  let text: string
  try {
    text = await readSource(source)
  } catch (error) {
    fail(`could not read ${source}: ${(error as Error).message}`)
  }
  let parsed: unknown
  try {
    parsed = parseCostMapText(text)
  } catch (error) {
    fail(`${source} is not a cost map: ${(error as Error).message}`)
  }
  const { map, report } = buildCostMap(parsed, { text })
  if (!report.ok) fail(`${source} failed validation: ${report.reason}`)
  const findings = manifestFindings(parsed as Record<string, unknown>, map, report)
  const sha256 = createHash('sha256').update(text).digest('hex')
  const manifest = {
    sha256,
    model_count: report.model_count,
    bytes: Buffer.byteLength(text),
    source,
    generated_at: new Date().toISOString(),
    // Start-up skips validating the bundled file again only when validation kept every entry as it was.
    ...findings,
  }
  await mkdir(outDir, { recursive: true })
  await writeFileAtomic(target, text)
  await writeFileAtomic(manifestPath, `${JSON.stringify(manifest, null, 2)}\n`)
  const notes = [
    report.dropped.length ? `${report.dropped.length} entries dropped` : '',
    report.duplicate_keys.length ? `${report.duplicate_keys.length} duplicate keys` : '',
  ].filter(Boolean)
  process.stdout.write(
    `costmap: backup written from ${source}: ${manifest.model_count} models, sha256 ${sha256.slice(0, 12)}${notes.length ? ` (${notes.join(', ')})` : ''}\n`,
  )
}

async function readManifest(path: string): Promise<Partial<ManifestFile> | null> {
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Partial<ManifestFile>
  } catch {
    return null
  }
}

async function readSource(source: string): Promise<string> {
  if (/^https?:\/\//i.test(source)) return (await fetchText(source, { timeoutMs: 60_000 })).text
  const path = source.startsWith('file:') ? fileURLToPath(source) : isAbsolute(source) ? source : resolve(source)
  return readFile(path, 'utf8')
}

let keepOnFailure = false

function fail(message: string): never {
  if (keepOnFailure) {
    process.stderr.write(
      `costmap: the bundled backup was written by an older version and could not be regenerated (${message}); start-up validates it in full until \`npm run backup:update\` runs.\n`,
    )
    process.exit(0)
  }
  process.stderr.write(
    `costmap: no bundled backup could be generated: ${message}. Provide a LiteLLM map with \`npm run backup:update -- --from <path|url>\` or set COSTMAP_BACKUP_SOURCE (e.g. COSTMAP_BACKUP_SOURCE=../shared/data/litellm/model_prices_and_context_window.json).\n`,
  )
  process.exit(1)
}

await main()
