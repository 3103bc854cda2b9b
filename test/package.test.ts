// The built package as users get it: every subpath loads through the exports map in ESM and CJS,
// and the core bundle never touches express, hono or ioredis.
import { execFileSync } from 'node:child_process'
import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { stripInternalMembers } from '../scripts/strip-internal'

const root = join(import.meta.dirname, '..')
beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' })
}, 120_000)

function node(code: string, type: 'module' | 'commonjs'): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: root, encoding: 'utf8' }).trim()
}

/** The files an ESM file of dist/ imports. */
const staticImports = (file: string): string[] =>
  [
    ...readFileSync(join(root, 'dist', file), 'utf8').matchAll(
      /(?:^|;)\s*(?:import|export)\b[^;]*?from\s*"\.\/([^"]+)"/g,
    ),
  ].map((m) => m[1] as string)

describe('the built package', () => {
  it('loads from ESM through the exports map', () => {
    const out = node(
      `import { loadBackup, getModelCostMap, CostMapError } from 'costmap'
       import { backupManifest } from 'costmap/backup'
       const map = loadBackup()
       console.log(Object.keys(map).length === backupManifest().model_count, typeof getModelCostMap, new CostMapError('TIMEOUT', 'x').code)`,
      'module',
    )
    expect(out).toBe('true function TIMEOUT')
  })

  it('loads from CommonJS through the exports map', () => {
    const out = node(
      `const { loadBackup, isCostMapError, CostMapError } = require('costmap')
       const { backupText } = require('costmap/backup')
       const { registerCostMapOtelMetrics } = require('costmap/otel')
       console.log(Object.keys(loadBackup()).length > 1000, isCostMapError(new CostMapError('TIMEOUT', 'x')), backupText().length > 1e6, typeof registerCostMapOtelMetrics)`,
      'commonjs',
    )
    expect(out).toBe('true true true function')
  })

  it('shares one instance of the core between the subpaths, and loads two files for it', () => {
    const out = node(
      `import * as core from 'costmap'
       import * as express from 'costmap/express'
       import * as redis from 'costmap/redis'
       import * as schema from 'costmap/schema'
       import * as otel from 'costmap/otel'
       console.log(typeof otel.registerCostMapOtelMetrics === 'function' && [express, redis, schema, otel].every((m) => m.ModelCostMap === core.ModelCostMap && m.CostMapError === core.CostMapError))`,
      'module',
    )
    expect(out).toBe('true')
    // index.js re-exports one chunk: each module file costs a cold start about 0.7 ms.
    expect(staticImports('index.js')).toHaveLength(1)
    expect(staticImports(staticImports('index.js')[0] as string)).toEqual([])
  })

  it('loads zod only to validate, never for a start on the bundled backup', () => {
    const out = node(
      `import { createRequire } from 'node:module'
       import { ModelCostMap, validateModelCostMap } from 'costmap'
       const zodLoaded = () => Object.keys(createRequire(import.meta.url).cache).some((p) => p.includes('/node_modules/zod/'))
       const costs = new ModelCostMap({ autoLoad: false })
       const cost = costs.completionCost({ model: 'gpt-4o', usage: { prompt_tokens: 1000, completion_tokens: 100 } }).totalCost
       const before = zodLoaded()
       const report = validateModelCostMap({ a: { litellm_provider: 'openai', input_cost_per_token: '1e-6' } }, { minModelCount: 1, referenceCounts: [] })
       console.log(cost > 0, before, report.ok, zodLoaded())`,
      'module',
    )
    expect(out).toBe('true false true true')
  })

  // A resolve hook lists what the ESM loader resolves (a static `import 'ofetch'` in the chunk would show),
  // require.cache what require and require(esm) load.
  it.each([
    ['ESM', "await import('costmap')", ['ofetch/dist/node.mjs', 'zod/index.js']],
    [
      'CommonJS',
      "here('costmap')",
      ['ofetch/dist/node.cjs', 'ofetch/dist/shared/ofetch.BBShr9Pz.cjs', 'zod/index.cjs'],
    ],
  ])(
    "%s build: ofetch and zod are not loaded by a start, then load from the build format's copy",
    (_name, load, copies) => {
      const hook = `let port; export function initialize(d) { port = d.port }
      export async function resolve(s, c, next) { const r = await next(s, c); port.postMessage(r.url); return r }`
      const out = node(
        `import { createRequire, register } from 'node:module'
       import { MessageChannel } from 'node:worker_threads'
       const { port1, port2 } = new MessageChannel()
       const seen = new Set()
       port1.on('message', (url) => seen.add(url))
       port1.unref()
       register('data:text/javascript,' + ${JSON.stringify(encodeURIComponent(hook))}, { data: { port: port2 }, transferList: [port2] })
       const here = createRequire(import.meta.url)
       const loaded = async () => {
         await new Promise((resolve) => setTimeout(resolve, 100)) // the hook's messages cross a thread
         for (const path of Object.keys(here.cache)) seen.add(path)
         const files = [...seen].map((u) => u.split('/node_modules/').at(-1))
         return [...new Set(files.filter((f) => f.startsWith('ofetch/') || f.startsWith('zod/')))].sort()
       }
       const costmap = ${load}
       new costmap.ModelCostMap({ autoLoad: false }).completionCost({ model: 'gpt-4o', usage: { prompt_tokens: 10, completion_tokens: 5 } })
       const cold = await loaded()
       await costmap.getModelCostMap('http://127.0.0.1:1/map.json', { retry: { attempts: 1 } })
       costmap.validateModelCostMap({ m: { litellm_provider: 'openai', input_cost_per_token: 'abc' } })
       console.log(JSON.stringify({ cold, used: await loaded() }))`,
        'module',
      )
      const { cold, used } = JSON.parse(out) as { cold: string[]; used: string[] }
      expect(cold).toEqual([])
      // The ESM build takes zod's and ofetch's ESM copies (the ones the application's own imports get), no .cjs.
      expect(used.filter((file) => !file.startsWith('zod/v4/'))).toEqual(copies)
    },
  )

  it('ships the bundled map as a file beside dist/, not compiled into a module', () => {
    // The map alone is over 1 MB; the CLI bundle (all of the code, unminified) is about 200 KB.
    const big = readdirSync(join(root, 'dist')).filter((f) => readFileSync(join(root, 'dist', f)).length > 500_000)
    expect(big).toEqual([])
    const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { files: string[] }
    expect(pkg.files).toEqual(expect.arrayContaining(['dist', 'backup']))
  })

  it('says which file is missing when a bundler left backup/ behind, and still starts on a backup it is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'costmap-nobackup-'))
    try {
      cpSync(join(root, 'dist'), join(dir, 'dist'), { recursive: true })
      cpSync(join(root, 'node_modules/zod'), join(dir, 'node_modules/zod'), { recursive: true })
      cpSync(join(root, 'node_modules/mitt'), join(dir, 'node_modules/mitt'), { recursive: true })
      const out = execFileSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const { ModelCostMap, isCostMapError } = await import(${JSON.stringify(join(dir, 'dist/index.js'))})
           try { new ModelCostMap({ autoLoad: false }) } catch (e) { console.log(isCostMapError(e) && e.code, e.message.includes('backup/model_prices_and_context_window.json cannot be read')) }
           const backup = { m: { litellm_provider: 'openai', input_cost_per_token: 1e-6, output_cost_per_token: 2e-6 } }
           const costs = new ModelCostMap({ autoLoad: false, backup })
           console.log(costs.completionCost({ model: 'm', usage: { prompt_tokens: 10, completion_tokens: 10 } }).totalCost)`,
        ],
        { cwd: dir, encoding: 'utf8' },
      ).trim()
      expect(out).toBe(`BACKUP_MISSING true\n${10 * 1e-6 + 10 * 2e-6}`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('the core never imports express, hono or ioredis', () => {
    for (const file of ['index.js', 'index.cjs', ...staticImports('index.js')]) {
      const code = readFileSync(join(root, 'dist', file), 'utf8')
      expect(code).not.toMatch(
        /from ['"](express|hono|ioredis|@opentelemetry\/api)['"]|require\(['"](express|hono|ioredis|@opentelemetry\/api)['"]\)/,
      )
    }
  })
})

// What a TypeScript user installs: the packed tarball, compiled against with both module resolutions a
// project uses. Dependencies and peers come from this repo's node_modules (no registry, no network).
const CONSUMER_ESM = `
import { getModelInfo, loadBackup, ModelCostMap, type ModelInfo } from 'costmap'
import { backupManifest } from 'costmap/backup'
import type { Coordinator, FleetRecord } from 'costmap/redis'
// @ts-expect-error internal: the root does not export it
import type { CoordinatorHost } from 'costmap'

type IsAny<T> = 0 extends 1 & T ? true : false
type IsUnknown<T> = unknown extends T ? true : false
const costs = new ModelCostMap({ autoLoad: false })
const info: ModelInfo = costs.getModelInfo('gpt-4o')
const n: number | null = info.max_input_tokens
const notAny: IsAny<typeof info.max_input_tokens> = false
const notUnknown: IsUnknown<typeof info.max_input_tokens> = false
const price: number | null = getModelInfo(loadBackup(), 'gpt-4o').input_cost_per_token
const mode: string | null = info.mode
const extra: unknown = info.deprecation_date
// @ts-expect-error a number | null is not a string
const wrong: string = info.max_input_tokens
// @ts-expect-error 'chnage' is not an event of ModelCostMap
costs.on('chnage', () => undefined)
const off: () => void = costs.on('change', (r) => console.log(r.previous_sha256.length, r.models_count))
costs.on('reload_failed', ({ error, keptVersion }) => console.log(error.length + keptVersion))
const coordinator: Coordinator | undefined = undefined
const record: FleetRecord | null = null
const count: number = backupManifest().model_count
export type Host = CoordinatorHost
// The routes' and the fleet's seams are left out of the published types (scripts/strip-internal.ts).
// @ts-expect-error internal: the handler's, not the user's
costs.shareDeployment('id', null)
// @ts-expect-error internal: the handler's, not the user's
costs.mapKeyFor('gpt-4o')
export function seam(c: Coordinator): unknown {
  const status: string = c.status().kind
  // @ts-expect-error internal: only the store starts a coordinator
  return [status, c.start]
}
export { coordinator, count, extra, mode, n, notAny, notUnknown, off, price, record, wrong }
`
const CONSUMER_CJS = `
import costmap = require('costmap')
const costs = new costmap.ModelCostMap({ autoLoad: false })
const n: number | null = costs.getModelInfo('gpt-4o').max_input_tokens
// @ts-expect-error 'chnage' is not an event of ModelCostMap
costs.on('chnage', () => undefined)
export = n
`
const compilerOptions = { strict: true, noEmit: true, types: ['node'], lib: ['ES2022', 'DOM'] }
// node16 also checks the shipped .d.ts/.d.cts files themselves (and their dependencies'): slow, so once.
const libCheck: Record<string, boolean> = { node16: false, bundler: true }

describe('stripInternalMembers (the build step after tsup)', () => {
  it.each([
    [
      'an interface member',
      'interface A {\n    /** @internal x */\n    x(): void;\n    y: number;\n}',
      ['A.x'],
      'y: number',
    ],
    [
      'a class member, its overloads kept apart',
      'declare class C {\n    /** Public. */\n    a(): void;\n    /**\n     * @internal Seam.\n     */\n    b(id: string): void;\n}',
      ['C.b'],
      'a(): void',
    ],
    [
      'a top-level declaration (public ones may name it)',
      '/** @internal */\ninterface H {\n    x: number;\n}',
      [],
      'x: number',
    ],
    [
      'a member that only mentions internals',
      'interface D {\n    /** Not internal. */\n    z: string;\n}',
      [],
      'z: string',
    ],
  ])('%s', (_name, text, removed, kept) => {
    const result = stripInternalMembers(text)
    expect(result.removed).toEqual(removed)
    expect(result.text).toContain(kept)
    expect(result.text).not.toMatch(/@internal x|Seam\./)
    for (const name of removed) expect(result.text).not.toContain(`${name.split('.')[1]}(`)
  })
})

describe('the packed tarball, as a TypeScript consumer gets it', () => {
  let dir = ''
  let packed: string[] = []
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'costmap-consumer-'))
    const [pack] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', dir], { cwd: root, encoding: 'utf8' }),
    ) as Array<{ filename: string; files: Array<{ path: string }> }>
    packed = (pack?.files ?? []).map((f) => f.path)
    const installed = join(dir, 'node_modules/costmap')
    mkdirSync(installed, { recursive: true })
    execFileSync('tar', ['-xzf', join(dir, pack?.filename ?? ''), '-C', installed, '--strip-components=1'])
    for (const name of ['@types', 'zod', 'mitt', 'ofetch', 'undici', 'yaml', 'express', 'hono', 'ioredis'])
      symlinkSync(join(root, 'node_modules', name), join(dir, 'node_modules', name))
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true, type: 'module' }))
    writeFileSync(join(dir, 'consumer.ts'), CONSUMER_ESM)
    writeFileSync(join(dir, 'consumer-require.cts'), CONSUMER_CJS)
    const module = { node16: 'node16', bundler: 'esnext' }
    for (const [resolution, kind] of Object.entries(module)) {
      const files = resolution === 'node16' ? ['consumer.ts', 'consumer-require.cts'] : ['consumer.ts']
      const options = {
        ...compilerOptions,
        module: kind,
        moduleResolution: resolution,
        skipLibCheck: libCheck[resolution],
      }
      writeFileSync(join(dir, `tsconfig.${resolution}.json`), JSON.stringify({ compilerOptions: options, files }))
    }
  }, 120_000)
  afterAll(() => rmSync(dir, { recursive: true, force: true }))

  it('ships LICENSE and NOTICE beside dist/ and backup/', () => {
    expect(packed).toEqual(expect.arrayContaining(['LICENSE', 'NOTICE', 'package.json', 'dist/index.d.ts']))
    expect(packed).toContain('backup/model_prices_and_context_window.json')
    expect(readFileSync(join(dir, 'node_modules/costmap/NOTICE'), 'utf8')).toMatch(
      /model_prices_and_context_window\.json[\s\S]*MIT/,
    )
  })

  it.each(['node16', 'bundler'])(
    'compiles with moduleResolution %s: ModelInfo fields are typed, a misspelt event is an error',
    (resolution) => {
      const tsc = join(root, 'node_modules/typescript/bin/tsc')
      const run = () =>
        execFileSync(process.execPath, [tsc, '-p', `tsconfig.${resolution}.json`], { cwd: dir, encoding: 'utf8' })
      expect(run).not.toThrow()
    },
    120_000,
  )

  it('publishes no member marked @internal in any .d.ts or .d.cts', () => {
    const types = packed.filter((f) => /\.d\.c?ts$/.test(f))
    expect(types).toEqual(expect.arrayContaining(['dist/index.d.ts', 'dist/index.d.cts', 'dist/redis.d.ts']))
    for (const file of types) {
      const text = readFileSync(join(dir, 'node_modules/costmap', file), 'utf8')
      expect(stripInternalMembers(text).removed, file).toEqual([])
    }
  })

  it('runs from the tarball: a price from the bundled backup', () => {
    const out = execFileSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { ModelCostMap } from 'costmap'
         const costs = new ModelCostMap({ autoLoad: false })
         console.log(costs.getModelInfo('gpt-4o').input_cost_per_token > 0)`,
      ],
      { cwd: dir, encoding: 'utf8' },
    ).trim()
    expect(out).toBe('true')
  })
})
