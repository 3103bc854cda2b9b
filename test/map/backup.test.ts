import { execFile } from 'node:child_process'
import { createHash } from 'node:crypto'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import fc from 'fast-check'
import { afterAll, describe, expect, it } from 'vitest'
import {
  backupManifest,
  backupText,
  buildVerbatim,
  loadBackup,
  loadBackupBuilt,
  manifestFindings,
} from '../../src/map/backup'
import { buildCostMap, parseCostMapText } from '../../src/map/integrity'
import { mapMeta } from '../../src/map/map'
import type { BuiltMap } from '../../src/map/report'
import { validateModelCostMap } from '../../src/map/validate'
import { historyFiles, MAIN_MAP } from '../support/data'
import { startServer, syntheticMap } from '../support/server'
import { mapEntries, renderMap } from './arbitraries'

const run = promisify(execFile)
const dirs: string[] = []
afterAll(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })))
})

describe('the bundled backup', () => {
  it('matches its manifest', () => {
    const manifest = backupManifest()
    expect(createHash('sha256').update(backupText()).digest('hex')).toBe(manifest.sha256)
    expect(Buffer.byteLength(backupText())).toBe(manifest.bytes)
    expect(Object.keys(loadBackup())).toHaveLength(manifest.model_count)
  })

  it('passes the runtime validation with nothing dropped', () => {
    const report = validateModelCostMap(backupText())
    expect(report.ok).toBe(true)
    expect(report.dropped).toEqual([])
    expect(report.model_count).toBe(backupManifest().model_count)
  })

  it('is parsed once and shared', () => {
    expect(loadBackup()).toBe(loadBackup())
    expect(Object.isFrozen(loadBackup())).toBe(true)
  })

  /** Entries (in order, frozen), report and lookup meta: everything pricing and the routes read. */
  const expectSameBuild = (actual: BuiltMap, expected: BuiltMap) => {
    expect(Object.entries(actual.map)).toEqual(Object.entries(expected.map))
    expect(Object.values(actual.map).every((entry) => Object.isFrozen(entry))).toBe(true)
    expect(actual.report).toEqual(expected.report)
    const { derived: _a, ...meta } = mapMeta(actual.map)
    const { derived: _b, ...want } = mapMeta(expected.map)
    expect(meta).toEqual(want)
  }
  const validated = () =>
    buildCostMap(parseCostMapText(backupText()), {
      text: backupText(),
      sha256: backupManifest().sha256,
      minModelCount: 1,
    })

  it('starts without validating again what the backup script validated, and builds the same map', () => {
    const full = validated()
    expect(full.report.suspicious_prices.length).toBeGreaterThan(0)
    const { suspicious_prices, case_collisions, duplicate_keys, duplicate_fields } = full.report
    const file = {
      ...backupManifest(),
      verbatim: true,
      suspicious_prices,
      case_collisions,
      duplicate_keys,
      duplicate_fields,
    }
    const trusted = buildVerbatim(parseCostMapText(backupText()) as Record<string, unknown>, file)
    expect(trusted).not.toBeNull()
    expectSameBuild(trusted as BuiltMap, full)
    expectSameBuild(loadBackupBuilt(), full) // whichever way this checkout's manifest lets it start
    // A manifest that does not belong to the file is not trusted.
    const other = { ...file, model_count: file.model_count + 1 }
    expect(buildVerbatim(parseCostMapText(backupText()) as Record<string, unknown>, other)).toBeNull()
    // Nor one written before the duplicates were recorded: it cannot vouch for them.
    const { duplicate_fields: _, ...older } = file
    expect(buildVerbatim(parseCostMapText(backupText()) as Record<string, unknown>, older)).toBeNull()
  })

  it('a trusted start builds what full validation builds, for generated maps the backup script marks verbatim (property)', () => {
    let trustedRuns = 0
    fc.assert(
      fc.property(mapEntries, (entries) => {
        const text = renderMap(entries)
        const parsed = parseJson(text)
        if (parsed === undefined) return
        // What `npm run backup:update` does (with the minimum loadBackupBuilt applies: these maps are small).
        const full = buildCostMap(parsed, { text, sha256: SHA, minModelCount: 1 })
        if (!full.report.ok) return
        const findings = JSON.parse(JSON.stringify(manifestFindings(parsed, full.map, full.report)))
        if (!findings.verbatim) return
        const file = { ...backupManifest(), sha256: SHA, model_count: full.report.model_count, ...findings }
        const trusted = buildVerbatim(parseJson(text) as Record<string, unknown>, file)
        expect(trusted).not.toBeNull()
        expectSameBuild(trusted as BuiltMap, full)
        trustedRuns++
      }),
      { numRuns: Number(process.env.COSTMAP_FUZZ_RUNS ?? 2_000) },
    )
    expect(trustedRuns).toBeGreaterThan(50)
  })
})

const SHA = 'f'.repeat(64)
const parseJson = (text: string): Record<string, unknown> | undefined => {
  try {
    return parseCostMapText(text) as Record<string, unknown>
  } catch {
    return undefined
  }
}

async function generate(args: string[], env: Record<string, string> = {}, before?: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'costmap-backup-'))
  dirs.push(dir)
  await before?.(dir)
  const child = run('node_modules/.bin/tsx', ['scripts/update-backup.ts', '--out-dir', dir, ...args], {
    env: { ...process.env, COSTMAP_BACKUP_SOURCE: '', ...env },
  })
  try {
    const { stdout } = await child
    const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8')) as Record<string, unknown>
    const text = await readFile(join(dir, 'model_prices_and_context_window.json'), 'utf8')
    return { ok: true as const, stdout, manifest, text }
  } catch (error) {
    const e = error as { code: number; stderr: string }
    return { ok: false as const, code: e.code, stderr: e.stderr }
  }
}

describe('npm run backup:update', () => {
  it('writes the map and a manifest from a path', async () => {
    const file = historyFiles()[12]! // 2026-02: 2470 models
    const out = await generate(['--from', file])
    expect(out.ok).toBe(true)
    if (!out.ok) return
    expect(out.manifest).toMatchObject({ model_count: 2470, source: file })
    expect(out.text).toBe(await readFile(file, 'utf8'))
    expect(out.manifest.sha256).toBe(createHash('sha256').update(out.text).digest('hex'))
    expect(out.stdout).toMatch(/backup written from .*: 2470 models/)
    const { report } = buildCostMap(parseCostMapText(out.text), { text: out.text })
    expect(out.manifest).toMatchObject({ verbatim: true, suspicious_prices: report.suspicious_prices })
  })

  it('does not let start-up trust a file that validation had to change', async () => {
    const map = syntheticMap(80) as Record<string, Record<string, unknown>>
    const first = Object.values(map)[0] as Record<string, unknown>
    first.input_cost_per_token = '0.000001' // valid, but coerced to a number
    const server = await startServer({ body: JSON.stringify(map) })
    try {
      const out = await generate(['--from', `${server.url}/map.json`])
      expect(out.ok && out.manifest.verbatim).toBe(false)
    } finally {
      await server.close()
    }
  })

  /** A backup already there (model_count 1 tells it apart), written by an older version or by this one. */
  const existingBackup = (source: string, current: boolean) => async (dir: string) => {
    await writeFile(join(dir, 'model_prices_and_context_window.json'), '{}')
    const manifest = { sha256: 'x', model_count: 1, bytes: 2, source, generated_at: 'x', verbatim: true }
    const findings = {
      suspicious_prices: [],
      case_collisions: [],
      ...(current ? { duplicate_keys: [], duplicate_fields: [] } : {}),
    }
    await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, ...findings }))
  }

  it.each([
    ['regenerates, from its own source, a backup whose manifest an older version wrote', MAIN_MAP, false, 2668],
    ['keeps an older backup it cannot regenerate (start-up validates it), and exits 0', '/nonexistent', false, 1],
    ['leaves a backup this version wrote alone', MAIN_MAP, true, 1],
  ])('--if-missing %s', async (_, source, current, count) => {
    const out = await generate(['--if-missing'], {}, existingBackup(source, current))
    expect(out.ok).toBe(true)
    if (!out.ok) return
    expect(out.manifest.model_count).toBe(count)
    expect('duplicate_fields' in out.manifest).toBe(current || count > 1)
  })

  it('takes the source from COSTMAP_BACKUP_SOURCE', async () => {
    const out = await generate([], { COSTMAP_BACKUP_SOURCE: MAIN_MAP })
    expect(out.ok && out.manifest.model_count).toBe(2668)
  })

  it('takes the source from a URL', async () => {
    const server = await startServer({ body: JSON.stringify(syntheticMap(80)) })
    try {
      const out = await generate(['--from', `${server.url}/map.json`])
      expect(out.ok && out.manifest.model_count).toBe(80)
    } finally {
      await server.close()
    }
  })

  async function expectFailure(source: string, message: RegExp) {
    const out = await generate(['--from', source])
    expect(out.ok).toBe(false)
    if (out.ok) return
    expect(out.code).toBe(1)
    expect(out.stderr.trim().split('\n')).toHaveLength(1)
    expect(out.stderr).toMatch(message)
    expect(out.stderr).toMatch(/npm run backup:update -- --from <path\|url>.*COSTMAP_BACKUP_SOURCE/)
  }

  it('fails with one line of explanation for a missing file', async () => {
    await expectFailure('/nonexistent/map.json', /could not read \/nonexistent\/map\.json: .*ENOENT/)
  })

  it('fails with one line of explanation for a map that fails validation', async () => {
    const server = await startServer({ body: JSON.stringify(syntheticMap(10)) })
    try {
      await expectFailure(server.url, /failed validation: map has only 10 models \(minimum=50\)/)
    } finally {
      await server.close()
    }
  })

  it('fails with one line of explanation for an HTML page', async () => {
    const server = await startServer({ body: '<html>rate limited</html>' })
    try {
      await expectFailure(server.url, /is not a cost map: invalid JSON: the body is HTML/)
    } finally {
      await server.close()
    }
  })
})
