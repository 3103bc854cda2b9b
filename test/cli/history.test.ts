// `costmap history import|list`, `costmap cost --at` and `costmap reprice` against the built CLI, with the
// 23 real LiteLLM versions as the history.
import { spawn } from 'node:child_process'
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { HISTORY, historyFiles, readJson } from '../support/data'
import { CLI, cleanEnv, expectExit, oneLine, ROOT, runCli } from './run'

const tmp = mkdtempSync(join(tmpdir(), 'costmap-cli-history-'))
const dir = join(tmp, 'history')
afterAll(() => rmSync(tmp, { recursive: true, force: true }))
const files = historyFiles()
const USAGE = { prompt_tokens: 1000, completion_tokens: 500 }
/** The price of USAGE in one raw version, computed here from its JSON. */
const rawPrice = (file: string, model: string) => {
  const e = readJson(file)[model] as { input_cost_per_token: number; output_cost_per_token: number }
  return e.input_cost_per_token * USAGE.prompt_tokens + e.output_cost_per_token * USAGE.completion_tokens
}
const byName = (name: string) => files.find((f) => basename(f) === name) as string

beforeAll(async () => {
  const result = await runCli(['history', 'import', HISTORY, '--history-dir', dir, '--json'])
  expectExit(result, 0)
  expect(JSON.parse(result.stdout).map((r: { status: string }) => r.status)).toEqual(files.map(() => 'imported'))
}, 120_000)

describe('costmap history', () => {
  it('list --json: every version at the time its file name carries, nothing of the CLI itself', async () => {
    const result = await runCli(['history', 'list', '--history-dir', dir, '--json'])
    expectExit(result, 0)
    const entries = JSON.parse(result.stdout)
    expect(entries).toHaveLength(23)
    expect(entries[4]).toMatchObject({
      active_from: '2025-06-02T19:06:17.000Z',
      active_until: '2025-07-03T17:07:54.000Z',
    })
    expect(entries.at(-1)).toMatchObject({
      active_from: '2026-07-24T18:23:43.000Z',
      active_until: null,
      source: 'import',
    })
  })

  it('list: a table for people', async () => {
    const result = await runCli(['history', 'list', '--history-dir', dir])
    expectExit(result, 0)
    expect(result.stdout.split('\n')[0]).toMatch(/^active from\s+until\s+sha256\s+source\s+models$/)
    expect(result.stdout).toContain('current')
  })

  it('importing the same directory again changes nothing', async () => {
    const before = readFileSync(join(dir, 'index.json'), 'utf8')
    const result = await runCli(['history', 'import', HISTORY, '--history-dir', dir, '--json'])
    expectExit(result, 0)
    expect(new Set(JSON.parse(result.stdout).map((r: { status: string }) => r.status))).toEqual(new Set(['unchanged']))
    expect(readFileSync(join(dir, 'index.json'), 'utf8')).toBe(before)
  })

  it('a file whose name carries no time fails (exit 1) unless --at gives it', async () => {
    const other = join(tmp, 'other')
    const file = join(tmp, 'map.json')
    copyFileSync(files[0] as string, file)
    const failed = await runCli(['history', 'import', file, '--history-dir', other, '--json'])
    expectExit(failed, 1)
    expect(JSON.parse(failed.stdout)[0]).toMatchObject({ status: 'failed', error: expect.stringContaining('--at') })
    const ok = await runCli(['history', 'import', file, '--history-dir', other, '--at', '2025-02-06T10:56:03Z'])
    expectExit(ok, 0)
    expect(ok.stdout).toContain('imported')
  })

  it.each([
    [['history', 'list'], /--history-dir is required/],
    [['history', 'forget', '--history-dir', dir], /unknown history action 'forget'/],
    [['history', 'import', HISTORY, '--at', '2025-01-01', '--history-dir', dir], /--at applies to exactly one file/],
    [['cost', 'o3', '--prompt-tokens', '10', '--at', '2025-06-15'], /--history-dir is required/],
    [['cost', 'o3', '--prompt-tokens', '10', '--history-dir', dir], /--history-dir is only read with --at/],
    [['reprice', join(tmp, 'missing.jsonl'), '--history-dir', dir], /cannot read .*missing\.jsonl: ENOENT/],
  ])('usage error: %j', async (args, message) => {
    const result = await runCli(args)
    expectExit(result, 2)
    expect(oneLine(result.stderr)).toMatch(message)
  })
})

describe('costmap cost --at', () => {
  it.each([
    ['o3', '2025-06-15T00:00:00Z', '2025-06-02T19-06-17.json'],
    ['o3', '2025-07-15T00:00:00Z', '2025-07-03T17-07-54.json'],
    ['deepseek/deepseek-chat', '2026-01-15T00:00:00Z', '2026-01-01T21-07-47.json'],
    ['deepseek/deepseek-chat', '2026-02-15T00:00:00Z', '2026-02-02T10-23-43.json'],
    ['mistral/mistral-large-latest', '2026-04-10T00:00:00Z', '2026-04-02T23-15-19.json'],
  ])('%s at %s is priced on %s', async (model, at, name) => {
    const args = ['cost', model, '--prompt-tokens', '1000', '--completion-tokens', '500', '--json']
    const result = await runCli([...args, '--at', at, '--history-dir', dir])
    expectExit(result, 0)
    expect(JSON.parse(result.stdout).totalCost).toBeCloseTo(rawPrice(byName(name), model), 15)
  })

  it('before the first version: NO_MAP_AT on one line, exit 1', async () => {
    const result = await runCli(['cost', 'o3', '--prompt-tokens', '10', '--at', '2025-01-01', '--history-dir', dir])
    expectExit(result, 1)
    expect(oneLine(result.stderr)).toMatch(
      /no map was recorded at 2025-01-01T00:00:00\.000Z: the history starts at 2025-02-06/,
    )
  })
})

describe('costmap reprice', () => {
  const lines = [
    { timestamp: '2025-06-15T00:00:00Z', model: 'o3', usage: USAGE, user: 'ann' },
    'not json',
    '',
    { timestamp: '2025-01-01T00:00:00Z', model: 'o3', usage: USAGE },
    { timestamp: 1_752_000_000, model: 'deepseek/deepseek-chat', usage: USAGE },
    { timestamp: '2025-04-15T00:00:00Z', model: 'o3', usage: USAGE },
    { model: 'o3', usage: USAGE },
  ]
  const input = join(tmp, 'usage.jsonl')
  beforeAll(() =>
    writeFileSync(input, `${lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n')}\n`),
  )

  it('prices each record at its time, reports each failure with its line, and goes on (exit 1)', async () => {
    const result = await runCli(['reprice', input, '--history-dir', dir])
    expectExit(result, 1)
    const out = result.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(out).toHaveLength(6)
    expect(out[0]).toMatchObject({ user: 'ann', cost: { key: 'o3', sha256: expect.stringMatching(/^3bbe7ecf/) } })
    expect(out[0].cost.totalCost).toBeCloseTo(rawPrice(byName('2025-06-02T19-06-17.json'), 'o3'), 15)
    expect(out[1]).toEqual({ error: { code: 'INVALID_JSON', message: expect.any(String), line: 2 } })
    expect(out[2].error).toMatchObject({ code: 'NO_MAP_AT', line: 4 })
    // Epoch seconds, 2025-07-08: the 2025-07-03 version.
    expect(out[3].cost.totalCost).toBeCloseTo(
      rawPrice(byName('2025-07-03T17-07-54.json'), 'deepseek/deepseek-chat'),
      15,
    )
    expect(out[4].error).toMatchObject({ code: 'MODEL_NOT_MAPPED', line: 6 })
    expect(out[5].error).toMatchObject({
      code: 'INVALID_ARGUMENT',
      line: 7,
      message: expect.stringContaining('timestamp'),
    })
    expect(result.stderr).toMatch(
      /^6 records, 2 priced, 4 failed \(INVALID_JSON 1, NO_MAP_AT 1, MODEL_NOT_MAPPED 1, INVALID_ARGUMENT 1\)/,
    )
    expect(result.stderr).toMatch(/^total\s+2\s+\$0\.03\d+$/m)
  })

  it('reads stdin (-), writes --out, --at fixes the time, a custom --time-field; exit 0 when all priced', async () => {
    const out = join(tmp, 'priced.jsonl')
    const records = [
      { created: 1_760_000_000, model: 'o3', usage: USAGE },
      { created: 1_740_000_000, model: 'mistral/mistral-large-latest', usage: USAGE },
    ]
    const child = spawn(
      process.execPath,
      [CLI, 'reprice', '-', '--history-dir', dir, '--time-field', 'created', '--out', out],
      { cwd: ROOT, env: cleanEnv() },
    )
    let stderr = ''
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c))
    child.stdin.end(`${records.map((r) => JSON.stringify(r)).join('\n')}\n`)
    const code = await new Promise((resolve) => child.on('close', resolve))
    expect(code, stderr).toBe(0)
    const priced = readFileSync(out, 'utf8')
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l))
    expect(priced[0].cost.totalCost).toBeCloseTo(rawPrice(byName('2025-10-01T22-07-13.json'), 'o3'), 15)
    expect(priced[1].cost.totalCost).toBeCloseTo(
      rawPrice(byName('2025-02-06T10-56-03.json'), 'mistral/mistral-large-latest'),
      15,
    )
    expect(stderr).toMatch(/^2 records, 2 priced, 0 failed/)

    const fixed = await runCli(['reprice', input, '--history-dir', dir, '--at', '2026-07-30T00:00:00Z'])
    const first = JSON.parse(fixed.stdout.split('\n')[0] as string)
    expect(first.cost.totalCost).toBeCloseTo(rawPrice(files.at(-1) as string, 'o3'), 15)
  })
})
