// The built package as users get it: every subpath loads through the exports map in ESM and CJS,
// and the core bundle never touches express, hono or ioredis.
import { execFileSync } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' })
}, 120_000)

function node(code: string, type: 'module' | 'commonjs'): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: root, encoding: 'utf8' }).trim()
}

/** The files an ESM file of dist/ imports. */
const staticImports = (file: string): string[] =>
  [...readFileSync(join(root, 'dist', file), 'utf8').matchAll(/^(?:import|export) [^;]*?from "\.\/([^"]+)"/gm)].map(
    (m) => m[1] as string,
  )

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
       console.log(Object.keys(loadBackup()).length > 1000, isCostMapError(new CostMapError('TIMEOUT', 'x')), backupText().length > 1e6)`,
      'commonjs',
    )
    expect(out).toBe('true true true')
  })

  it('shares one instance of the core between the subpaths, and loads two files for it', () => {
    const out = node(
      `import * as core from 'costmap'
       import * as express from 'costmap/express'
       import * as redis from 'costmap/redis'
       import * as schema from 'costmap/schema'
       console.log([express, redis, schema].every((m) => m.ModelCostMap === core.ModelCostMap && m.CostMapError === core.CostMapError))`,
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
       const report = validateModelCostMap({ a: { litellm_provider: 'openai', input_cost_per_token: '1e-6' } }, { minModelCount: 1 })
       console.log(cost > 0, before, report.ok, zodLoaded())`,
      'module',
    )
    expect(out).toBe('true false true true')
  })

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
      expect(code).not.toMatch(/from ['"](express|hono|ioredis)['"]|require\(['"](express|hono|ioredis)['"]\)/)
    }
  })
})
