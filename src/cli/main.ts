#!/usr/bin/env node
import { errorText, isCostMapError } from '../errors'
/**
 * The `costmap` command: price calls, inspect models, sync and check maps, watch and run servers.
 * Exit codes: 0 ok, 1 failure, 2 usage error. Errors are one line on stderr (`--debug` adds the stack).
 * @module
 */
import { type Command, commandHelp, parseCommand, UsageError } from './args'
import { createOutput, type Output, printJson } from './format'
import { history, reprice } from './history'
import { cost, info, list } from './pricing'
import { serve } from './serve'
import { status } from './status'
import { diff, sync, validate } from './sync'

/** Replaced by the build (tsup `define`) with the package version. */
declare const __COSTMAP_VERSION__: string | undefined

const COMMANDS: readonly Command[] = [cost, info, list, sync, diff, validate, status, serve, history, reprice]

async function main(argv: string[], out: Output): Promise<number> {
  const [name, ...rest] = argv
  if (name === '--version' || name === '-v') {
    out.print(typeof __COSTMAP_VERSION__ === 'string' ? __COSTMAP_VERSION__ : 'development')
    return 0
  }
  if (name === undefined) {
    out.error(mainHelp())
    return 2
  }
  if (name === '--help' || name === '-h' || (name === 'help' && rest.length === 0)) {
    out.print(mainHelp())
    return 0
  }
  const wanted = name === 'help' ? rest[0] : name
  const command = COMMANDS.find((c) => c.name === wanted)
  try {
    if (!command) throw new UsageError(`unknown command '${wanted}'`)
    if (name === 'help') {
      out.print(commandHelp(command))
      return 0
    }
    const parsed = parseCommand(command, rest)
    if (parsed.help) {
      out.print(commandHelp(command))
      return 0
    }
    return (await command.run({ values: parsed.values, positionals: parsed.positionals, out })) ?? 0
  } catch (error) {
    return fail(error, command, argv.includes('--debug'), out, argv.includes('--json'))
  }
}

function fail(error: unknown, command: Command | undefined, debug: boolean, out: Output, json = false): number {
  const prefix = `costmap${command ? ` ${command.name}` : ''}: `
  const usage = error instanceof UsageError
  const hint = usage ? ` (see 'costmap ${command ? `${command.name} ` : ''}--help')` : ''
  const suggestions = isCostMapError(error) ? error.suggestions : []
  const didYouMean = suggestions.length ? ` Did you mean ${suggestions.join(', ')}?` : ''
  // --json: the error is also JSON on stdout, where a script reads the result (as `validate --json` does).
  if (json) {
    const code = usage ? 'USAGE' : isCostMapError(error) ? error.code : 'FAILED'
    printJson(out, { error: { code, message: errorText(error), suggestions: [...suggestions] } })
  }
  out.error(`${prefix}${errorText(error).replace(/\s*\n\s*/g, ' ')}${didYouMean}${hint}`)
  if (debug) {
    for (let e: unknown = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++)
      out.error(depth ? `caused by: ${e.stack ?? e.message}` : (e.stack ?? e.message))
  }
  return usage ? 2 : 1
}

function mainHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length)) + 2
  return [
    'Usage: costmap <command> [options]',
    '',
    "LiteLLM's model cost map from the command line: price calls, inspect models, sync and check maps,",
    'watch a server, or run the cost-map and model routes.',
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}${c.summary}`),
    '',
    'Options: --help (any command), --version, --debug (stack traces), --json (machine output).',
    'Run costmap <command> --help for its options. Exit codes: 0 ok, 1 failure, 2 usage error.',
    'Colour only on a terminal; NO_COLOR turns it off.',
  ].join('\n')
}

const out = createOutput(process.env)
// `costmap list | head` closes the pipe early: that is not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0)
  throw error
})
main(process.argv.slice(2), out).then(
  (code) => {
    process.exitCode = code
  },
  (error: unknown) => {
    process.exitCode = fail(error, undefined, true, out)
  },
)
