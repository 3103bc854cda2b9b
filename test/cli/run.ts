// Runs the built CLI (`node dist/cli.js …`) as a child process, as users run it.
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { afterEach, expect } from 'vitest'

export const ROOT = join(import.meta.dirname, '../..')
export const CLI = join(ROOT, 'dist/cli.js')

export interface Result {
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
}

/** The test's environment without the variables that change what costmap does, plus `extra`. */
export function cleanEnv(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [name, value] of Object.entries(process.env)) {
    if (!/^(LITELLM_|MODEL_COST_MAP_|COSTMAP_|NO_COLOR$|FORCE_COLOR$|HTTPS?_PROXY$|NO_PROXY$)/i.test(name))
      env[name] = value
  }
  for (const [name, value] of Object.entries(extra)) {
    if (value === undefined) delete env[name]
    else env[name] = value
  }
  return env
}

const running = new Set<ChildProcess>()
afterEach(() => {
  for (const child of running) child.kill('SIGKILL')
  running.clear()
})

/** A process whose output is collected; it is killed after the test if it is still running. */
export function spawnProcess(
  command: string,
  args: string[],
  options: { env?: Record<string, string | undefined>; cwd?: string } = {},
) {
  const child = spawn(command, args, { cwd: options.cwd ?? ROOT, env: cleanEnv(options.env) })
  running.add(child)
  let stdout = ''
  let stderr = ''
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
  const exited = new Promise<Result>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code, signal) => {
      running.delete(child)
      resolve({ code, signal, stdout, stderr })
    })
  })
  return {
    child,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    /** Resolves with the first match of `pattern` on stdout; rejects if the process exits first. */
    async waitFor(pattern: RegExp, timeoutMs = 15_000): Promise<RegExpMatchArray> {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const match = stdout.match(pattern)
        if (match) return match
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline)
          throw new Error(`no ${pattern} in stdout:\n${stdout}\nstderr:\n${stderr}`)
        await new Promise((resolve) => setTimeout(resolve, 25))
      }
    },
    /** Sends `signal` and waits for the exit. */
    stop(signal: NodeJS.Signals): Promise<Result> {
      child.kill(signal)
      return exited
    },
  }
}

/** Runs `costmap …` to completion. */
export function runCli(args: string[], env: Record<string, string | undefined> = {}, cwd = ROOT): Promise<Result> {
  return spawnProcess(process.execPath, [CLI, ...args], { env, cwd }).exited
}

/** Starts a long-running `costmap …` (serve, status --watch). */
export function startCli(args: string[], env: Record<string, string | undefined> = {}) {
  return spawnProcess(process.execPath, [CLI, ...args], { env })
}

/** Starts `costmap serve` and waits for the URL it prints. */
export async function startServe(args: string[], env: Record<string, string | undefined> = {}) {
  const process = startCli(['serve', '--port', '0', ...args], env)
  const [, url] = await process.waitFor(/listening on (http:\/\/\S+)/)
  return { ...process, url: url as string }
}

/** stderr is exactly one line (the CLI's error format). */
export function oneLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n')
  if (lines.length !== 1) throw new Error(`expected one line on stderr, got:\n${stderr}`)
  return lines[0] as string
}

/** Checks the exit code, showing what the process printed when it is not the expected one. */
export function expectExit(result: Result, code: number): void {
  expect(result.code, `exit code (signal ${result.signal})\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(
    code,
  )
}
