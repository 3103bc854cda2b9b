/**
 * Runs after tsup (`npm run build`): removes the members of classes and interfaces whose TSDoc says
 * `@internal` from the published `dist/*.d.ts` and `dist/*.d.cts`, so a user's editor offers only what
 * they may call (`ModelCostMap#shareDeployment`, `Coordinator#start` and its `CoordinatorHost` are the
 * routes' and the fleet's, not theirs). TypeScript's `stripInternal` cannot do it in the tsup build: it also
 * drops the `@internal` exports the modules import from one another, and the .d.ts bundler then fails on
 * those imports ("defineMapSchemas is not exported by src/map/zod.ts").
 * @module
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import ts from 'typescript'

/**
 * `text` (a .d.ts) without its `@internal` class and interface members (their doc comment included),
 * and the `Owner.member` names it removed. Top-level declarations stay: the bundled .d.ts exports only
 * the public ones, and the public ones may name the others.
 * @example
 * ```ts
 * stripInternalMembers('interface A {\n  /** @internal *\/\n  x(): void\n  y: number\n}').removed // ['A.x']
 * ```
 */
export function stripInternalMembers(text: string): { text: string; removed: string[] } {
  const source = ts.createSourceFile('bundle.d.ts', text, ts.ScriptTarget.Latest, true)
  const cuts: Array<{ start: number; end: number; name: string }> = []
  const visit = (node: ts.Node): void => {
    if (ts.isClassDeclaration(node) || ts.isInterfaceDeclaration(node)) {
      for (const member of node.members) {
        const comments = ts.getLeadingCommentRanges(text, member.getFullStart()) ?? []
        if (comments.some((c) => /@internal\b/.test(text.slice(c.pos, c.end)))) {
          const name = `${node.name?.text ?? '(anonymous)'}.${member.name?.getText(source) ?? '(unnamed)'}`
          cuts.push({ start: member.getFullStart(), end: member.getEnd(), name })
        }
      }
    }
    ts.forEachChild(node, visit)
  }
  visit(source)
  let out = text
  for (const { start, end } of [...cuts].sort((a, b) => b.start - a.start)) out = out.slice(0, start) + out.slice(end)
  return { text: out, removed: cuts.map((c) => c.name) }
}

function main(): void {
  const dist = resolve(dirname(fileURLToPath(import.meta.url)), '../dist')
  const removed = new Set<string>()
  for (const file of readdirSync(dist).filter((f) => f.endsWith('.d.ts') || f.endsWith('.d.cts'))) {
    const path = join(dist, file)
    const result = stripInternalMembers(readFileSync(path, 'utf8'))
    if (result.removed.length === 0) continue
    writeFileSync(path, result.text)
    for (const name of result.removed) removed.add(name)
  }
  console.log(`strip-internal: ${removed.size} internal members left out of dist/*.d.ts: ${[...removed].join(', ')}`)
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main()
