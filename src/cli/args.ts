/**
 * How a CLI command is declared (one spec gives both `node:util` parseArgs options and the `--help`
 * text), and the checks of option values. A bad command line is a {@link UsageError}: exit code 2.
 * @module
 */
import { parseArgs } from 'node:util'
import type { Output } from './format'

/**
 * @internal A mistake on the command line (exit code 2), as opposed to a failure of the work (1).
 * @example
 * ```ts
 * throw new UsageError('--port must be a whole number from 0 to 65535')
 * ```
 */
export class UsageError extends Error {
  override name = 'UsageError'
}

/** @internal One `--flag`. */
export interface OptionSpec {
  type: 'string' | 'boolean'
  /** Placeholder shown in the help for a value, e.g. `<n>`. */
  arg?: string
  description: string
}

/** @internal What a command receives. */
export interface Context {
  values: Record<string, string | boolean | undefined>
  positionals: string[]
  out: Output
}

/**
 * @internal A command: its help and its work. `run` returns the exit code (0 when it returns nothing).
 * @example
 * ```ts
 * const hello: Command = { name: 'hello', summary: 'Say hello', args: '', positionals: [0, 0], options: {}, run: async ({ out }) => out.print('hi') }
 * ```
 */
export interface Command {
  name: string
  summary: string
  /** The positional arguments as the usage line shows them, e.g. `<model>`. */
  args: string
  /** How many positional arguments are accepted: [min, max]. */
  positionals: [number, number]
  options: Record<string, OptionSpec>
  /** Extra help: defaults, environment, examples. */
  notes?: string
  run(ctx: Context): Promise<number | undefined>
}

/** @internal `--json`, shared by the commands that have machine output. */
export const JSON_OPTION: OptionSpec = { type: 'boolean', description: 'machine-readable JSON on stdout' }

const COMMON: Record<string, OptionSpec> = {
  help: { type: 'boolean', description: 'show this help' },
  debug: { type: 'boolean', description: 'print stack traces of errors' },
}

/**
 * @internal Parses a command's arguments strictly (unknown flags, missing values and extra arguments are
 * usage errors). `help` is true when `--help`/`-h` was given (nothing else is checked then).
 * @example
 * ```ts
 * const { values, positionals } = parseCommand(cost, ['gpt-4o', '--prompt-tokens', '10'])
 * ```
 */
export function parseCommand(command: Command, argv: string[]): Omit<Context, 'out'> & { help: boolean } {
  const options: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
  }
  for (const [name, spec] of Object.entries({ ...command.options, ...COMMON })) options[name] ??= { type: spec.type }
  let parsed: ReturnType<typeof parseArgs>
  try {
    parsed = parseArgs({ args: joinNegatives(argv, options), options, strict: true, allowPositionals: true })
  } catch (error) {
    throw new UsageError((error as Error).message.split('. To specify')[0] ?? String(error))
  }
  const values = parsed.values as Context['values']
  const help = values.help === true
  const [min, max] = command.positionals
  if (!help && parsed.positionals.length < min) throw new UsageError(`missing ${command.args}`)
  if (!help && parsed.positionals.length > max) throw new UsageError(`unexpected argument '${parsed.positionals[max]}'`)
  return { values, positionals: parsed.positionals, help }
}

/**
 * parseArgs reads `--prompt-tokens -5` as an option with no value; joined as `--prompt-tokens=-5`, the value
 * reaches the option's own check, which says what is wrong with it.
 */
function joinNegatives(argv: string[], options: Record<string, { type: string }>): string[] {
  const joined: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    const next = argv[i + 1]
    if (
      arg.startsWith('--') &&
      options[arg.slice(2)]?.type === 'string' &&
      next !== undefined &&
      /^-[\d.]/.test(next)
    ) {
      joined.push(`${arg}=${next}`)
      i++
    } else joined.push(arg)
  }
  return joined
}

/**
 * @internal The `--help` text of a command.
 * @example
 * ```ts
 * out.print(commandHelp(cost))
 * ```
 */
export function commandHelp(command: Command): string {
  const flags = Object.entries({ ...command.options, ...COMMON }).map(([name, spec]) => [
    `  --${name}${spec.arg ? ` ${spec.arg}` : ''}`,
    spec.description,
  ])
  const pad = Math.max(...flags.map(([flag]) => (flag as string).length)) + 2
  const lines = [
    `Usage: costmap ${command.name}${command.args ? ` ${command.args}` : ''} [options]`,
    '',
    command.summary,
    '',
    'Options:',
    ...flags.map(([flag, text]) => `${(flag as string).padEnd(pad)}${text}`),
  ]
  if (command.notes) lines.push('', command.notes)
  return lines.join('\n')
}

/**
 * @internal A whole-number option, or `fallback` when absent.
 * @throws {UsageError} when it is not a whole number in [min, max]
 * @example
 * ```ts
 * const port = intOption(values, 'port', 4000, 0, 65535)
 * ```
 */
export function intOption(
  values: Context['values'],
  name: string,
  fallback: number,
  min = 0,
  max = Number.MAX_SAFE_INTEGER,
) {
  const raw = values[name]
  if (raw === undefined) return fallback
  const n = typeof raw === 'string' && /^\s*\d+\s*$/.test(raw) ? Number(raw) : Number.NaN
  if (!(n >= min && n <= max)) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of ${min} or more` : `from ${min} to ${max}`
    throw new UsageError(`--${name} must be a whole number ${range}, got '${raw}'`)
  }
  return n
}

/**
 * @internal A positive number option (fractions allowed), or `fallback` when absent.
 * @throws {UsageError} when it is not a finite number > 0
 * @example
 * ```ts
 * const seconds = positiveOption(values, 'interval', 10)
 * ```
 */
export function positiveOption(values: Context['values'], name: string, fallback: number): number {
  const raw = values[name]
  if (raw === undefined) return fallback
  const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN
  if (!(Number.isFinite(n) && n > 0)) throw new UsageError(`--${name} must be a number greater than 0, got '${raw}'`)
  return n
}

/**
 * @internal A string option's value (undefined when absent).
 * @example
 * ```ts
 * const provider = stringOption(values, 'provider')
 * ```
 */
export function stringOption(values: Context['values'], name: string): string | undefined {
  const raw = values[name]
  return typeof raw === 'string' ? raw : undefined
}
