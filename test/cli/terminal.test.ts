// On a terminal (a pseudo-terminal from util-linux `script`): colour and download progress appear, and
// NO_COLOR turns the colour off. Piped output never has either.
import { spawnSync } from 'node:child_process'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { backupText } from '../../src/map/backup'
import { startServer, type TestServer } from '../support/server'
import { CLI, expectExit, runCli, spawnProcess } from './run'

const ESC = '\x1b'
const COLOUR = new RegExp(`${ESC}\\[[0-9;]*m`)
const ERASE = `\r${ESC}[K` // back to the start of the line, clear it
const hasScript = spawnSync('script', ['--version']).status === 0

/** Runs `costmap …` with stdout and stderr on one pseudo-terminal; resolves with what it showed. */
function inTerminal(args: string[], env: Record<string, string> = {}) {
  const command = [process.execPath, CLI, ...args].map((word) => `'${word}'`).join(' ')
  return spawnProcess('script', ['-qefc', command, '/dev/null'], { env }).exited
}

let upstream: TestServer
beforeAll(async () => {
  const body = backupText()
  // About a second and a half for the 1.4 MB map: long enough for the progress line.
  upstream = await startServer({
    body,
    headers: { 'content-length': String(Buffer.byteLength(body)) },
    trickle: { bytes: 64 * 1024, everyMs: 60 },
  })
})
afterAll(() => upstream.close())

describe.runIf(hasScript)('on a terminal', () => {
  it('tables have a bold header; NO_COLOR removes every colour code', async () => {
    const coloured = await inTerminal(['list', '--provider', 'deepseek'])
    expectExit(coloured, 0)
    expect(coloured.stdout.startsWith(`${ESC}[1mmodel `)).toBe(true)
    const plain = await inTerminal(['list', '--provider', 'deepseek'], { NO_COLOR: '1' })
    expect(plain.stdout).toMatch(/^model +provider/)
    expect(plain.stdout).not.toMatch(COLOUR)
  })

  it('a long download shows its progress on stderr, then erases it', async () => {
    const result = await inTerminal(['sync', '--url', upstream.url], { NO_COLOR: '1' })
    expectExit(result, 0)
    expect(result.stdout).toMatch(/Downloading http:\/\/127\.0\.0\.1:\d+: \d+\.\d \/ 1\.\d MB \(\d+%\)/)
    expect(result.stdout).toContain(`${ERASE}Downloading http`)
    expect(result.stdout).toContain(`${ERASE}Fetched http`)
    expect(result.stdout).not.toMatch(COLOUR)
  })
})

it('piped, the same download prints no progress and no colour', async () => {
  const result = await runCli(['sync', '--url', upstream.url])
  expectExit(result, 0)
  expect(result.stderr).toBe('')
  expect(result.stdout).toMatch(/^Fetched http/)
  expect(result.stdout).not.toMatch(COLOUR)
})
