// vitest globalSetup: the CLI, example and package tests run the BUILT package, so `npm test` on a fresh
// clone (or after editing src/) builds it first, once, before any test file starts. A run limited to
// other files (`vitest run test/cost/cost.test.ts`) does not build. A lock directory keeps two test runs in
// the same checkout from building over each other.
import { execFileSync } from 'node:child_process'
import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'

const root = join(import.meta.dirname, '../..')
const OUTPUTS = ['dist/cli.js', 'dist/index.js', 'dist/index.cjs']
const INPUTS = ['src', 'backup', 'tsup.config.ts', 'package.json']
const LOCK = join(root, 'node_modules/.costmap-build.lock')

function mtime(path: string): number {
  try {
    return statSync(path).mtimeMs
  } catch {
    return Number.NaN
  }
}

function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (!stat) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

function stale(): boolean {
  const built = Math.min(...OUTPUTS.map((file) => mtime(join(root, file))))
  // NaN (an output is missing) compares false: stale.
  return !(built >= Math.max(...INPUTS.map((input) => newest(join(root, input)))))
}

async function withLock(work: () => void): Promise<void> {
  const deadline = Date.now() + 180_000
  for (;;) {
    try {
      mkdirSync(LOCK)
      break
    } catch {
      // A lock older than the longest build is left over from a killed run.
      if (Date.now() - mtime(LOCK) > 180_000) rmSync(LOCK, { recursive: true, force: true })
      if (Date.now() > deadline) throw new Error(`${LOCK} is held by another build`)
      await new Promise((resolve) => setTimeout(resolve, 500))
    }
  }
  try {
    work()
  } finally {
    rmSync(LOCK, { recursive: true, force: true })
  }
}

/** The test files that run dist/ (vitest includes a file when its path contains a filter). */
const USES_DIST = [
  ...readdirSync(join(root, 'test/cli'))
    .filter((name) => name.endsWith('.test.ts'))
    .map((name) => `test/cli/${name}`),
  'test/examples.test.ts',
  'test/package.test.ts',
  // The status page's browser tests open it on `costmap serve` too.
  'test/http/ui.browser.test.ts',
]
const OPTIONS_WITH_VALUES = new Set([
  '-t',
  '--testNamePattern',
  '-c',
  '--config',
  '--project',
  '--reporter',
  '-r',
  '--root',
  '--dir',
])

/** The file filters on vitest's command line (`vitest run a b -t name` -> ['a', 'b']). */
function fileFilters(argv: string[]): string[] {
  const filters: string[] = []
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string
    if (OPTIONS_WITH_VALUES.has(arg)) i++
    else if (!arg.startsWith('-') && !['run', 'related', 'watch', 'dev', 'bench'].includes(arg)) filters.push(arg)
  }
  return filters.map((f) => f.replace(/^\.\//, ''))
}

export async function setup(): Promise<void> {
  const filters = fileFilters(process.argv.slice(2))
  if (filters.length && !USES_DIST.some((file) => filters.some((f) => file.includes(f)))) return
  if (!stale()) return
  await withLock(() => {
    if (!stale()) return // another run built it while we waited
    try {
      execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'pipe', encoding: 'utf8' })
    } catch (error) {
      const { stdout, stderr } = error as { stdout?: string; stderr?: string }
      throw new Error(`npm run build failed before the tests:\n${stdout ?? ''}${stderr ?? ''}`)
    }
  })
}
