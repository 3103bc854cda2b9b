// `costmap cost | info | list`, help, version and usage errors, against the built CLI.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { type CostArgs, completionCost, getModelCostMap, getModelInfo, loadBackup } from '../../src'
import { count, perMillion, usdColumn } from '../../src/cli/format'
import { syntheticMap } from '../support/server'
import { expectExit, oneLine, ROOT, runCli, spawnProcess } from './run'

const backup = loadBackup()
const usage = (prompt: number, completion: number, cached = 0, reasoning = 0) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  prompt_tokens_details: { cached_tokens: cached },
  completion_tokens_details: { reasoning_tokens: reasoning },
})

describe('costmap cost', () => {
  it.each<[string[], CostArgs]>([
    [['gpt-4o', '--prompt-tokens', '1000', '--completion-tokens', '200'], { model: 'gpt-4o', usage: usage(1000, 200) }],
    [
      [
        'o3',
        '--prompt-tokens',
        '3000',
        '--cached-tokens',
        '1000',
        '--completion-tokens',
        '4000',
        '--reasoning-tokens',
        '3200',
      ],
      { model: 'o3', usage: usage(3000, 4000, 1000, 3200) },
    ],
    [
      ['gpt-4o', '--provider', 'azure', '--prompt-tokens', '500', '--completion-tokens', '50'],
      { model: 'gpt-4o', provider: 'azure', usage: usage(500, 50) },
    ],
    [
      ['gpt-4o', '--service-tier', 'priority', '--prompt-tokens', '1000', '--completion-tokens', '500'],
      { model: 'gpt-4o', serviceTier: 'priority', usage: usage(1000, 500) },
    ],
  ])('costmap cost %j --json is completionCost on the bundled map', async (argv, args) => {
    const result = await runCli(['cost', ...argv, '--json'])
    expect(result.stderr).toBe('')
    expectExit(result, 0)
    expect(JSON.parse(result.stdout)).toEqual({ model: args.model, usage: args.usage, ...completionCost(backup, args) })
  })

  it('prints the breakdown as a table with prices per 1M tokens and the total', async () => {
    const args = { model: 'o3', usage: usage(3000, 4000, 1000, 3200) }
    const expected = completionCost(backup, args)
    const result = await runCli(
      ['cost', 'o3', '--prompt-tokens', '3000', '--cached-tokens', '1000'].concat([
        '--completion-tokens',
        '4000',
        '--reasoning-tokens',
        '3200',
      ]),
    )
    expectExit(result, 0)
    // The cost column has one number of decimals for every row.
    const column = usdColumn([...expected.breakdown.map((part) => part.cost), expected.totalCost])
    expect(Number(column.at(-1)?.slice(1))).toBeCloseTo(expected.totalCost, 12)
    expected.breakdown.forEach((part, i) => {
      const line = result.stdout.split('\n').find((l) => l.startsWith(`${part.component} `))
      expect(line).toContain(`${perMillion(part.rate)} / 1M tokens`)
      expect(line?.endsWith(column[i] as string)).toBe(true)
    })
    expect(result.stdout).toMatch(new RegExp(`^total\\s+\\${column.at(-1)}$`, 'm'))
    expect(result.stdout).not.toContain('\x1b[') // not a terminal: no colour
  })

  it('prices against another map with --map', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'costmap-cli-'))
    const file = join(dir, 'map.json')
    writeFileSync(file, JSON.stringify(syntheticMap(3)))
    const result = await runCli([
      'cost',
      'model-1',
      '--prompt-tokens',
      '10',
      '--completion-tokens',
      '5',
      '--map',
      file,
      '--json',
    ])
    const { map } = await getModelCostMap(file, { minModelCount: 1, maxShrinkRatio: 0 })
    expectExit(result, 0)
    expect(JSON.parse(result.stdout).totalCost).toBe(
      completionCost(map, { model: 'model-1', usage: usage(10, 5) }).totalCost,
    )
  })

  it('an unknown model is a failure (exit 1) with one line, never $0; --debug adds the stack', async () => {
    const plain = await runCli(['cost', 'my-private-model', '--prompt-tokens', '10'])
    expectExit(plain, 1)
    expect(plain.stdout).toBe('')
    expect(oneLine(plain.stderr)).toMatch(/^costmap cost: This model isn't mapped yet\. model=my-private-model/)
    const debug = await runCli(['cost', 'my-private-model', '--prompt-tokens', '10', '--debug'])
    expectExit(debug, 1)
    expect(debug.stderr).toMatch(/\n\s+at /)
  })
})

describe('usage errors exit 2 with one line that points at --help', () => {
  it.each([
    [['cost'], /missing <model>/],
    [['cost', 'gpt-4o', '--prompt-tokens=-1'], /--prompt-tokens must be a whole number/],
    [['cost', 'gpt-4o', '--prompt-tokens', '1.5'], /--prompt-tokens must be a whole number/],
    [['cost', 'gpt-4o', '--prompt-tokens', '10', '--cached-tokens', '11'], /cannot exceed --prompt-tokens/],
    [['cost', 'gpt-4o', '--bogus'], /Unknown option '--bogus'/],
    [['cost', 'gpt-4o', '--json=yes'], /--json/],
    [['info', 'a', 'b'], /unexpected argument 'b'/],
    [['list', '--provider'], /--provider/],
    [['frobnicate'], /unknown command 'frobnicate'/],
    [['diff', 'only-one.json'], /missing <old.json> <new.json>/],
  ])('costmap %j', async (argv, message) => {
    const result = await runCli(argv)
    expectExit(result, 2)
    expect(result.stdout).toBe('')
    const line = oneLine(result.stderr)
    expect(line).toMatch(message)
    expect(line).toMatch(/see 'costmap (\w+ )?--help'/)
  })
})

describe('help and version', () => {
  const commands = ['cost', 'info', 'list', 'sync', 'diff', 'validate', 'status', 'serve']

  it('costmap --help lists every command; with no command the help goes to stderr with exit 2', async () => {
    const help = await runCli(['--help'])
    expectExit(help, 0)
    for (const name of commands) expect(help.stdout).toMatch(new RegExp(`^  ${name} +\\S`, 'm'))
    const bare = await runCli([])
    expectExit(bare, 2)
    expect(bare.stdout).toBe('')
    expect(bare.stderr).toBe(help.stdout)
  })

  it.each(commands)('costmap %s --help shows its usage and options (so does costmap help <command>)', async (name) => {
    const result = await runCli([name, '--help'])
    expectExit(result, 0)
    expect(result.stdout).toMatch(new RegExp(`^Usage: costmap ${name}\\b`))
    expect(result.stdout).toContain('--debug')
    expect((await runCli(['help', name])).stdout).toBe(result.stdout)
  })

  it('costmap --version prints the package version', async () => {
    const { version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }
    const result = await runCli(['--version'])
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n`, stderr: '' })
  })
})

describe('costmap info', () => {
  it.each([
    [['claude-sonnet-4-5'], 'claude-sonnet-4-5', undefined],
    [['gpt-4o', '--provider', 'azure'], 'gpt-4o', 'azure'],
  ])('costmap info %j --json is getModelInfo', async (argv, model, provider) => {
    const result = await runCli(['info', ...argv, '--json'])
    expectExit(result, 0)
    expect(JSON.parse(result.stdout)).toEqual(JSON.parse(JSON.stringify(getModelInfo(backup, model, provider))))
  })

  it('shows the non-null fields with per-token prices per 1M tokens', async () => {
    const info = getModelInfo(backup, 'claude-sonnet-4-5')
    const result = await runCli(['info', 'claude-sonnet-4-5'])
    expectExit(result, 0)
    expect(result.stdout).toMatch(
      new RegExp(`^input_cost_per_token +\\${perMillion(info.input_cost_per_token as number)} / 1M tokens$`, 'm'),
    )
    expect(result.stdout).toMatch(new RegExp(`^max_input_tokens +${count(info.max_input_tokens as number)}$`, 'm'))
    expect(result.stdout).not.toMatch(/null/)
  })
})

describe('costmap list', () => {
  const keys = (filter: (entry: { litellm_provider: string; mode?: string }) => boolean) =>
    Object.keys(backup)
      .filter((key) => filter(backup[key] as { litellm_provider: string; mode?: string }))
      .sort()

  it('--provider --json: every entry of that provider, with its model key', async () => {
    const result = await runCli(['list', '--provider', 'XAI', '--json'])
    const expected = keys((e) => e.litellm_provider === 'xai')
    expectExit(result, 0)
    const listed = JSON.parse(result.stdout) as Array<{ model: string }>
    expect(listed.map((e) => e.model)).toEqual(expected)
    expect(listed[0]).toEqual({ model: expected[0], ...backup[expected[0] as string] })
  })

  it('--mode: an aligned table, one row per model', async () => {
    const expected = keys((e) => e.mode === 'embedding')
    const result = await runCli(['list', '--mode', 'embedding'])
    expectExit(result, 0)
    const lines = result.stdout.trimEnd().split('\n')
    expect(lines).toHaveLength(expected.length + 1)
    expect(lines.slice(1).map((l) => l.split(' ')[0])).toEqual(expected)
    // The last column is right-aligned, so aligned rows all have the header's width.
    expect(new Set(lines.map((l) => l.length)).size).toBe(1)
  })

  it('no match is a failure with a clear line', async () => {
    const result = await runCli(['list', '--provider', 'no-such-provider'])
    expectExit(result, 1)
    expect(oneLine(result.stderr)).toMatch(
      /^costmap list: no model matches --provider no-such-provider; no provider 'no-such-provider' in the map, known providers \(\d+\): /,
    )
    // A known provider and a known mode that have no model in common: nothing to list, no hint needed.
    const none = await runCli(['list', '--provider', 'xai', '--mode', 'embedding'])
    expectExit(none, 1)
    expect(oneLine(none.stderr)).toBe('costmap list: no model matches --provider xai --mode embedding')
  })

  it('a reader that closes the pipe early (| head) ends the CLI quietly', async () => {
    const child = spawnProcess(process.execPath, [join(ROOT, 'dist/cli.js'), 'list'])
    child.child.stdout?.once('data', () => child.child.stdout?.destroy())
    const result = await child.exited
    expectExit(result, 0)
    expect(result.stderr).toBe('')
  })
})
