// The dependency direction of src/ (README "Architecture"): each folder imports only the folders below it,
// and only through their index.ts. madge checks the file-level cycles in CI (`npm run lint:cycles`).
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

const SRC = fileURLToPath(new URL('../src/', import.meta.url))

/** Which folders each folder may import (besides itself and the root `errors.ts`). The README draws it. */
const ALLOWED: Record<string, readonly string[]> = {
  _internal: [],
  map: ['_internal'],
  resolve: ['map', '_internal'],
  cost: ['resolve', 'map', '_internal'],
  load: ['map', '_internal'],
  store: ['cost', 'resolve', 'load', 'map', '_internal'],
  redis: ['store', 'load', 'map', '_internal'],
  http: ['store', 'cost', 'resolve', 'load', 'map', '_internal'],
  adapters: ['http', 'store'],
  cli: ['http', 'store', 'cost', 'resolve', 'load', 'map', '_internal'],
}
/** The root files: the public entry points and the error type every folder shares. */
const ROOT_MAY_IMPORT = ['errors.ts']

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? sources(path) : name.endsWith('.ts') ? [path] : []
  })
}

const SPECIFIER = /(?:^|\n)\s*(?:import|export)\s[^'"]*?from\s+'(\.{1,2}\/[^']*)'|import\(\s*'(\.{1,2}\/[^']*)'\s*\)/g

const imports = sources(SRC).flatMap((file) => {
  const from = relative(SRC, file)
  const text = readFileSync(file, 'utf8')
  return [...text.matchAll(SPECIFIER)].map((m) => {
    const target = relative(SRC, join(file, '..', (m[1] ?? m[2]) as string))
    return { from, target }
  })
})

/** The folder a file or an import target belongs to; null for the root files. */
const folderOf = (path: string): string | null =>
  path.includes('/') ? (path.split('/')[0] as string) : FOLDERS.has(path) ? path : null
const FOLDERS = new Set(readdirSync(SRC).filter((n) => statSync(join(SRC, n)).isDirectory()))

describe('src/ layering', () => {
  it('has one folder per concept, each with an index.ts, and only entry points at the root', () => {
    const folders = [...FOLDERS]
    expect(folders.sort()).toEqual(Object.keys(ALLOWED).sort())
    // adapters/ and cli/ hold entry points (tsup builds them); nothing imports them.
    for (const folder of folders.filter((f) => f !== 'adapters' && f !== 'cli')) {
      expect(sources(join(SRC, folder)).map((f) => relative(SRC, f))).toContain(`${folder}/index.ts`)
    }
    const root = readdirSync(SRC).filter((n) => n.endsWith('.ts'))
    expect(root.length).toBeLessThanOrEqual(6)
  })

  it.each(Object.keys(ALLOWED))('%s imports only the folders below it', (folder) => {
    const wrong = imports
      .filter((i) => folderOf(i.from) === folder)
      .filter((i) => {
        const to = folderOf(i.target)
        if (to === null) return !ROOT_MAY_IMPORT.some((name) => i.target === name.replace(/\.ts$/, ''))
        return to !== folder && !ALLOWED[folder]?.includes(to)
      })
    expect(wrong).toEqual([])
  })

  it('reaches another folder only through its index.ts', () => {
    const deep = imports.filter((i) => {
      const from = folderOf(i.from)
      const to = folderOf(i.target)
      return to !== null && to !== from && i.target !== to
    })
    expect(deep).toEqual([])
  })

  it('the root entry points import folders through their index.ts', () => {
    expect(imports.filter((i) => !i.from.includes('/') && i.target.includes('/'))).toEqual([])
  })
})
