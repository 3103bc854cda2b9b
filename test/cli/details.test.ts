// The CLI details of issue 17 (item 5) and its "did you mean", against the built CLI.
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { completionCost, getModelInfo, loadBackup } from '../../src'
import { changeText } from '../../src/cli/sync'
import { syntheticMap } from '../support/server'
import { expectExit, oneLine, runCli } from './run'

const backup = loadBackup()
const dir = mkdtempSync(join(tmpdir(), 'costmap-details-'))
const file = (name: string, value: unknown) => {
  const path = join(dir, name)
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value))
  return path
}

describe('did you mean (the runbook command)', () => {
  it('costmap cost grok-code-fast-1 … suggests xai/grok-code-fast-1', async () => {
    const result = await runCli(['cost', 'grok-code-fast-1', '--prompt-tokens', '1000', '--completion-tokens', '100'])
    expectExit(result, 1)
    expect(result.stdout).toBe('')
    const line = oneLine(result.stderr)
    expect(line).toMatch(/^costmap cost: This model isn't mapped yet\. model=grok-code-fast-1/)
    expect(line).toMatch(/ Did you mean xai\/grok-code-fast-1, [^?]*azure_ai\/grok-code-fast-1[^?]*\?$/)
  })

  it('costmap info suggests too', async () => {
    const result = await runCli(['info', 'gtp-4o'])
    expectExit(result, 1)
    expect(oneLine(result.stderr)).toMatch(/Did you mean gpt-4o,/)
  })
})

describe('costmap cost flags', () => {
  it.each([
    [
      ['--prompt-tokens', '10', '--service-tier', 'prioirty'],
      /--service-tier must be one of auto, default, standard, flex, priority, scale, got 'prioirty'/,
    ],
    [['--prompt-tokens', '-5'], /--prompt-tokens must be a whole number of 0 or more, got '-5'/],
    [
      ['--prompt-tokens', '10', '--completion-tokens', '-1.5'],
      /--completion-tokens must be a whole number of 0 or more, got '-1.5'/,
    ],
    [
      ['--prompt-tokens', '10', '--cache-write-tokens', '-3'],
      /--cache-write-tokens must be a whole number of 0 or more, got '-3'/,
    ],
    [[], /give the tokens to price: --prompt-tokens <n> and\/or --completion-tokens <n>/],
    [['--cached-tokens', '5'], /give the tokens to price/],
    [
      ['--prompt-tokens', '10', '--cached-tokens', '6', '--cache-write-tokens', '5'],
      /together cannot exceed --prompt-tokens/,
    ],
  ])('costmap cost gpt-4o %j is a usage error with its own message', async (argv, message) => {
    const result = await runCli(['cost', 'gpt-4o', ...argv])
    expectExit(result, 2)
    expect(result.stdout).toBe('')
    expect(oneLine(result.stderr)).toMatch(message)
  })

  it.each(['PRIORITY', 'flex', 'standard', 'auto'])(
    '--service-tier %s is accepted and priced as the library prices it',
    async (tier) => {
      const result = await runCli([
        'cost',
        'gpt-4o',
        '--prompt-tokens',
        '1000',
        '--completion-tokens',
        '10',
        '--service-tier',
        tier,
        '--json',
      ])
      expectExit(result, 0)
      const usage = JSON.parse(result.stdout).usage
      expect(JSON.parse(result.stdout).totalCost).toBe(
        completionCost(backup, { model: 'gpt-4o', usage, serviceTier: tier }).totalCost,
      )
    },
  )

  it('--cache-write-tokens and --cache-write-1h-tokens price Anthropic writes (5 m and 1 h rates)', async () => {
    const result = await runCli([
      'cost',
      'claude-haiku-4-5',
      '--prompt-tokens',
      '5000',
      '--cache-write-tokens',
      '3000',
      '--cache-write-1h-tokens',
      '1000',
      '--completion-tokens',
      '200',
      '--json',
    ])
    expectExit(result, 0)
    const info = getModelInfo(backup, 'claude-haiku-4-5')
    const write5m = info.cache_creation_input_token_cost as number
    const write1h = info.cache_creation_input_token_cost_above_1hr as number
    expect(write1h).toBeGreaterThan(write5m) // the 1 h rate is its own
    const byHand =
      1000 * (info.input_cost_per_token as number) +
      3000 * write5m +
      1000 * write1h +
      200 * (info.output_cost_per_token as number)
    const { totalCost } = JSON.parse(result.stdout)
    expect(totalCost).toBeCloseTo(byHand, 12)
    // The same call as Anthropic's own usage object reports it.
    const anthropic = {
      input_tokens: 1000,
      cache_creation_input_tokens: 4000,
      cache_creation: { ephemeral_5m_input_tokens: 3000, ephemeral_1h_input_tokens: 1000 },
      output_tokens: 200,
    }
    expect(totalCost).toBeCloseTo(completionCost(backup, { model: 'claude-haiku-4-5', usage: anthropic }).totalCost, 15)
    const table = await runCli([
      'cost',
      'claude-haiku-4-5',
      '--prompt-tokens',
      '5000',
      '--cache-write-tokens',
      '3000',
      '--cache-write-1h-tokens',
      '1000',
      '--completion-tokens',
      '200',
    ])
    expect(table.stdout).toMatch(/^cache_write_5m\s+3,000\s/m)
    expect(table.stdout).toMatch(/^cache_write_1h\s+1,000\s/m)
  })
})

describe('--json makes errors JSON too', () => {
  it.each<[string[], number, string]>([
    [['cost', 'grok-code-fast-1', '--prompt-tokens', '10', '--json'], 1, 'MODEL_NOT_MAPPED'],
    [['cost', 'gpt-4o', '--json'], 2, 'USAGE'],
    [['validate', join(tmpdir(), 'costmap-no-such-file.json'), '--json'], 1, 'FETCH_FAILED'],
  ])('costmap %j: {error: {code, message, suggestions}} on stdout, the line on stderr', async (argv, exit, code) => {
    const result = await runCli(argv)
    expectExit(result, exit)
    const { error } = JSON.parse(result.stdout)
    expect(error.code).toBe(code)
    expect(typeof error.message).toBe('string')
    expect(oneLine(result.stderr)).toContain(error.message.split('\n')[0])
    if (code === 'MODEL_NOT_MAPPED') expect(error.suggestions[0]).toBe('xai/grok-code-fast-1')
    else expect(error.suggestions).toEqual([])
  })
})

describe('money with sensible precision', () => {
  it('each cost keeps its own precision (no $3.000000), without float noise, points aligned', async () => {
    // 1M input tokens cost dollars, 3 output tokens a few millionths of a dollar: one column.
    const argv = ['cost', 'claude-haiku-4-5', '--prompt-tokens', '1000000', '--completion-tokens', '3']
    const result = await runCli(argv)
    expectExit(result, 0)
    const expected = completionCost(backup, {
      model: 'claude-haiku-4-5',
      usage: { prompt_tokens: 1_000_000, completion_tokens: 3 },
    })
    const rows = result.stdout.split('\n').filter((l) => /^(input|output|total)/.test(l))
    const cells = rows.map((l) => (l.match(/\$[\d,.]+ *$/) as RegExpMatchArray)[0])
    expect(cells).toHaveLength(expected.breakdown.length + 1)
    const values = [...expected.breakdown.map((p) => p.cost), expected.totalCost]
    cells.forEach((cell, i) => {
      const text = cell.trim()
      expect(text).not.toMatch(/\.\d{2,}0$/) // no trailing zeros beyond cents
      expect(text.replace(/[$,.]/g, '').replace(/^0+/, '').length).toBeLessThanOrEqual(10) // no float noise
      expect(Number(text.slice(1).replace(/,/g, ''))).toBeCloseTo(values[i] as number, 12)
    })
    // Right-aligned and padded after the digits: every decimal point is in the same column.
    const points = rows.map((l, i) => l.length - (cells[i] as string).length + (cells[i] as string).indexOf('.'))
    expect(new Set(points).size).toBe(1)
  })
})

describe('sync, diff, list and validate details', () => {
  it('sync --out creates the folder it writes into', async () => {
    const out = join(dir, 'new', 'nested', 'map.json')
    const backupFile = join(import.meta.dirname, '../../backup/model_prices_and_context_window.json')
    const result = await runCli(['sync', '--url', backupFile, '--out', out, '--json'])
    expectExit(result, 0)
    expect(existsSync(out)).toBe(true)
    expect(readFileSync(out, 'utf8')).toBe(readFileSync(backupFile, 'utf8'))
  })
  // Two maps of 60 models: one price up by half, one down by a quarter, one model of another provider added.
  const before = syntheticMap(60, {
    'claude-x': {
      litellm_provider: 'anthropic',
      mode: 'chat',
      input_cost_per_token: 4e-6,
      output_cost_per_token: 2e-5,
    },
  })
  const after = syntheticMap(60, {
    'model-1': { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 1.5e-6, output_cost_per_token: 2e-6 },
    'claude-x': {
      litellm_provider: 'anthropic',
      mode: 'chat',
      input_cost_per_token: 3e-6,
      output_cost_per_token: 2e-5,
    },
    'grok-y': { litellm_provider: 'xai', mode: 'chat', input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 },
  })

  it('diff groups by provider and shows the percentage of each price change', async () => {
    const result = await runCli(['diff', file('before.json', before), file('after.json', after)])
    expectExit(result, 0)
    expect(result.stdout).toContain('New models (1)\n  xai (1)\n    + grok-y')
    expect(result.stdout).toContain('Pricing changes (2 fields in 2 models)')
    const lines = result.stdout.split('\n')
    const anthropic = lines.findIndex((l) => /^ {2}anthropic \(1 fields in 1 models\)/.test(l))
    const openai = lines.findIndex((l) => /^ {2}openai \(1 fields in 1 models\)/.test(l))
    expect(anthropic).toBeGreaterThan(0)
    expect(openai).toBeGreaterThan(anthropic) // providers in alphabetical order
    expect(lines[anthropic + 1]).toMatch(
      /^ {4}claude-x +input_cost_per_token +\$4\.00 \/ 1M tokens +-> +\$3\.00 \/ 1M tokens +-25%$/,
    )
    expect(lines[openai + 1]).toMatch(
      /^ {4}model-1 +input_cost_per_token +\$1\.00 \/ 1M tokens +-> +\$1\.50 \/ 1M tokens +\+50%$/,
    )
  })

  it.each([
    [2e-6, 3e-6, '+50%'],
    [4e-6, 3e-6, '-25%'],
    [3e-6, 1e-6, '-66.7%'],
    [1e-6, 1.0000001e-6, '+<0.1%'],
    [1e-6, 1e-6, '0%'],
    [0, 1e-6, 'from 0'],
    [null, 1e-6, 'new'],
    [1e-6, null, 'removed'],
  ])('changeText(%s, %s) = %s', (old, now, text) => {
    expect(changeText(old, now)).toBe(text)
  })

  it.each([
    ['the new file', (good: string, bad: string) => [good, bad]],
    ['the old file', (good: string, bad: string) => [bad, good]],
  ])('diff names %s when it is not JSON', async (_name, order) => {
    const good = file('good.json', before)
    const bad = file('truncated.json', JSON.stringify(after).slice(0, 300))
    const result = await runCli(['diff', ...order(good, bad)])
    expectExit(result, 1)
    expect(oneLine(result.stderr)).toMatch(
      new RegExp(
        `^costmap diff: ${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: invalid JSON \\(truncated or malformed\\)`,
      ),
    )
  })

  it('list --provider with an unknown provider lists the known ones', async () => {
    const result = await runCli(['list', '--provider', 'x-ai'])
    expectExit(result, 1)
    const providers = [...new Set(Object.values(backup).map((e) => e.litellm_provider.toLowerCase()))].sort()
    expect(oneLine(result.stderr)).toBe(
      `costmap list: no model matches --provider x-ai; no provider 'x-ai' in the map, known providers (${providers.length}): ${providers.join(', ')}`,
    )
    expect(providers).toContain('xai')
  })

  it('list --mode with an unknown mode lists the known ones', async () => {
    const result = await runCli(['list', '--mode', 'embeddings'])
    expectExit(result, 1)
    expect(oneLine(result.stderr)).toMatch(/no mode 'embeddings' in the map, known modes: .*\bembedding\b/)
  })

  it.each<[string, (small: string, smaller: string) => string[], number, RegExp | null]>([
    [
      'the backup is the default reference',
      (small) => [small],
      1,
      /map shrank significantly \(fetched=100, backup=\d+, threshold=50%\)/,
    ],
    ['--against a map of 150 models', (small, smaller) => [small, '--against', smaller], 0, null],
    [
      '--against, --max-shrink 0.8',
      (small, smaller) => [small, '--against', smaller, '--max-shrink', '0.8'],
      1,
      /map shrank significantly \(fetched=100, .*smaller\.json=150, threshold=80%\)/,
    ],
    ['--max-shrink 0 (off)', (small) => [small, '--max-shrink', '0'], 0, null],
    [
      '--min-models 200',
      (small) => [small, '--max-shrink', '0', '--min-models', '200'],
      1,
      /map has only 100 models \(minimum=200\)/,
    ],
  ])('validate: %s', async (_name, argv, exit, reason) => {
    const small = file('small.json', syntheticMap(100))
    const smaller = file('smaller.json', syntheticMap(150))
    const result = await runCli(['validate', ...argv(small, smaller), '--json'])
    expectExit(result, exit)
    const report = JSON.parse(result.stdout)
    expect(report.ok).toBe(exit === 0)
    if (reason) expect(report.reason).toMatch(reason)
  })

  it.each([
    [['--max-shrink', '2'], /--max-shrink must be a number from 0 to 1, got '2'/],
    [['--max-shrink', '-0.1'], /--max-shrink must be a number from 0 to 1, got '-0.1'/],
    [['--min-models', 'many'], /--min-models must be a whole number of 0 or more, got 'many'/],
  ])('validate %j is a usage error', async (argv, message) => {
    const result = await runCli(['validate', file('any.json', syntheticMap(60)), ...argv])
    expectExit(result, 2)
    expect(oneLine(result.stderr)).toMatch(message)
  })
})
