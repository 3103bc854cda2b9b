// `costmap sync | diff | validate` against the built CLI, with a real loopback upstream.
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  backupManifest,
  diffCostMaps,
  getModelCostMap,
  getModelInfo,
  loadBackup,
  META_KEYS,
  validateModelCostMap,
} from '../../src'
import { perMillion } from '../../src/cli/format'
import { backupText } from '../../src/map/backup'
import { historyFiles, readText } from '../support/data'
import { startServer, syntheticMap, type TestServer } from '../support/server'
import { expectExit, oneLine, runCli } from './run'

const dir = mkdtempSync(join(tmpdir(), 'costmap-sync-'))
const file = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

// The upstream a day later: two models gone, one new, one price cut.
const original = JSON.parse(backupText()) as Record<string, Record<string, unknown>>
const models = Object.keys(original).filter((key) => !META_KEYS.has(key))
const gone = [models[10], models[20]] as string[]
const next = structuredClone(original)
for (const key of gone) delete next[key]
next['grok-5-preview'] = {
  litellm_provider: 'xai',
  mode: 'chat',
  input_cost_per_token: 3e-6,
  output_cost_per_token: 1.5e-5,
}
next['gpt-4o'] = { ...next['gpt-4o'], input_cost_per_token: 2e-6 }
const nextText = JSON.stringify(next)
const nextFile = file('next.json', nextText)

let upstream: TestServer
beforeAll(async () => {
  upstream = await startServer((req) => {
    if (req.url === '/next.json') return { body: nextText }
    if (req.url === '/html') return { body: '<!DOCTYPE html><html>Rate limited</html>' }
    if (req.url === '/small.json') return { body: JSON.stringify(syntheticMap(100)) }
    return { status: 404, body: '{"detail":"Not Found"}' }
  })
})
afterAll(() => upstream.close())

describe('costmap sync', () => {
  it('--json reports what diffCostMaps finds against the bundled map; --out writes the same bytes atomically', async () => {
    const out = join(dir, 'synced.json')
    const result = await runCli(['sync', '--url', `${upstream.url}/next.json`, '--out', out, '--json'])
    expect(result.stderr).toBe('')
    expectExit(result, 0)
    const loaded = await getModelCostMap(nextFile)
    const expected = diffCostMaps(loadBackup(), loaded.map)
    const report = JSON.parse(result.stdout)
    expect(report).toMatchObject({ ...expected, sha256: loaded.sha256, model_count: loaded.model_count, out })
    // The ReloadResult fields, as the reload route answers them.
    expect(report).toMatchObject({ status: 'success', price_changes_truncated: false })
    expect(report.new_models).toEqual(['grok-5-preview'])
    expect(report.removed_models).toEqual(gone)
    expect(readFileSync(out, 'utf8')).toBe(nextText)
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([])
  })

  it('prints new models, removed models and each price change old -> new per 1M tokens', async () => {
    const result = await runCli(['sync', '--url', `${upstream.url}/next.json`])
    expectExit(result, 0)
    // Grouped by provider.
    expect(result.stdout).toContain('New models (1)\n  xai (1)\n    + grok-5-preview')
    expect(result.stdout).toContain('Removed models (2)\n')
    for (const model of gone) {
      const provider = original[model]?.litellm_provider as string
      expect(result.stdout).toMatch(
        new RegExp(`\n  ${provider} \\(\\d+\\)\n(    - .*\n)*    - ${model.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n`),
      )
    }
    const old = getModelInfo(loadBackup(), 'gpt-4o').input_cost_per_token as number
    expect(result.stdout).toMatch(
      new RegExp(
        `gpt-4o +input_cost_per_token +\\${perMillion(old)} / 1M tokens +-> +\\${perMillion(2e-6)} / 1M tokens`,
      ),
    )
  })

  it('reads LITELLM_MODEL_COST_MAP_URL, relative paths, and compares --against another map', async () => {
    const before = upstream.requests.length
    const fromEnv = await runCli(['sync', '--json'], { LITELLM_MODEL_COST_MAP_URL: `${upstream.url}/next.json` })
    expectExit(fromEnv, 0)
    expect(upstream.requests.length).toBe(before + 1)

    const against = historyFiles().at(-1) as string
    const relative = await runCli(['sync', '--url', 'next.json', '--against', against, '--json'], {}, dir)
    expectExit(relative, 0)
    const { map: old } = await getModelCostMap(against, { maxShrinkRatio: 0 })
    const { map: now } = await getModelCostMap(nextFile)
    const report = JSON.parse(relative.stdout)
    expect(report.against.location).toBe(against)
    expect(report).toMatchObject(diffCostMaps(old, now))
  })

  it.each([
    ['/html', /failed validation: invalid JSON: the body is HTML/],
    ['/missing.json', /HTTP 404/],
    ['/small.json', /failed validation: map shrank significantly \(fetched=100, backup=\d+/],
  ])('%s: exit 1 with one line, nothing written', async (path, message) => {
    const out = join(dir, `never-${path.slice(1)}`)
    const result = await runCli(['sync', '--url', `${upstream.url}${path}`, '--out', out])
    expectExit(result, 1)
    expect(result.stdout).toBe('')
    expect(oneLine(result.stderr)).toMatch(message)
    expect(existsSync(out)).toBe(false)
  })
})

describe('costmap diff', () => {
  const [older, newer] = historyFiles().slice(-2) as [string, string]

  it('--json is diffCostMaps of the two files', async () => {
    const result = await runCli(['diff', older, newer, '--json'])
    expectExit(result, 0)
    const options = { maxShrinkRatio: 0 }
    const expected = diffCostMaps(
      (await getModelCostMap(older, options)).map,
      (await getModelCostMap(newer, options)).map,
    )
    expect(expected.new_models.length).toBeGreaterThan(0)
    expect(JSON.parse(result.stdout)).toMatchObject(expected)
  })

  it('prints the counts people look for', async () => {
    const options = { maxShrinkRatio: 0 }
    const expected = diffCostMaps(
      (await getModelCostMap(older, options)).map,
      (await getModelCostMap(newer, options)).map,
    )
    const models = new Set(expected.price_changes.map((c) => c.model)).size
    const result = await runCli(['diff', older, newer])
    expect(result.stdout).toContain(`New models (${expected.new_models.length})`)
    expect(result.stdout).toContain(`Pricing changes (${expected.pricing_changes} fields in ${models} models)`)
    expect((await runCli(['diff', newer, newer])).stdout).toBe('No changes.\n')
  })

  it('a missing file is a failure with one line', async () => {
    const result = await runCli(['diff', join(dir, 'nope.json'), newer])
    expectExit(result, 1)
    expect(oneLine(result.stderr)).toMatch(/^costmap diff: could not fetch .*nope\.json: ENOENT$/)
  })
})

describe('costmap validate', () => {
  it('a good map: exit 0 and the report validateModelCostMap gives', async () => {
    const result = await runCli(['validate', `${upstream.url}/next.json`, '--json'])
    expectExit(result, 0)
    const expected = validateModelCostMap(nextText, {
      referenceCounts: [{ name: 'backup', count: backupManifest().model_count }],
    })
    expect(JSON.parse(result.stdout)).toMatchObject({ ...expected, ok: true })
  })

  it.each([
    ['truncated', nextText.slice(0, 5000), /invalid JSON \(truncated or malformed\)/],
    ['many bad entries', badEntries(), /entries failed validation \(more than 5%\)/],
    ['an old, much smaller map', readText(historyFiles()[0] as string), /map shrank significantly/],
  ])('%s: exit 1 with the reasons', async (name, text, reason) => {
    const path = file(`${name}.json`, text)
    const json = await runCli(['validate', path, '--json'])
    expectExit(json, 1)
    const report = JSON.parse(json.stdout)
    expect(report).toMatchObject({ ok: false, reason: expect.stringMatching(reason) })
    const expected = validateModelCostMap(text, {
      referenceCounts: [{ name: 'backup', count: backupManifest().model_count }],
    })
    expect(report.dropped).toEqual(expected.dropped)

    const human = await runCli(['validate', path])
    expectExit(human, 1)
    expect(human.stdout).toMatch(new RegExp(`^INVALID: ${path}: `))
    expect(oneLine(human.stderr)).toMatch(reason)
  })
})

/** The backup with one entry in ten priced "free" (not a number): far over the 5% limit. */
function badEntries(): string {
  const map = structuredClone(original)
  models.forEach((key, i) => {
    if (i % 10 === 0) map[key] = { ...map[key], input_cost_per_token: 'free' }
  })
  return JSON.stringify(map)
}
