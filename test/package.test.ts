// The built package as users get it: every subpath loads through the exports map in ESM and CJS,
// and the core bundle never touches express, hono or ioredis.
import { execFileSync } from 'node:child_process'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { beforeAll, describe, expect, it } from 'vitest'

const root = join(import.meta.dirname, '..')
beforeAll(() => {
  if (!existsSync(join(root, 'dist/index.js'))) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'ignore' })
}, 120_000)

function node(code: string, type: 'module' | 'commonjs'): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], { cwd: root, encoding: 'utf8' }).trim()
}

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

  it('keeps one copy of the 1.4 MB backup per format', () => {
    const big = readdirSync(join(root, 'dist')).filter((f) => readFileSync(join(root, 'dist', f)).length > 1_000_000)
    expect(big.filter((f) => f.endsWith('.js'))).toHaveLength(1)
    expect(big.filter((f) => f.endsWith('.cjs'))).toHaveLength(1)
  })

  it('the core never imports express, hono or ioredis', () => {
    for (const file of ['index.js', 'index.cjs']) {
      const code = readFileSync(join(root, 'dist', file), 'utf8')
      expect(code).not.toMatch(/from ['"](express|hono|ioredis)['"]|require\(['"](express|hono|ioredis)['"]\)/)
    }
  })
})
