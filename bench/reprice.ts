/**
 * Repricing throughput and peak memory: 1 M generated usage records whose timestamps span the 23 real
 * LiteLLM versions (2025-02 .. 2026-07), priced by `repriceRecords` on a history directory, beside a plain
 * `completionCost` loop over the same records on the current map. Each mode runs in its own process so
 * its peak memory is its own. Not part of `npm test`.
 * Run: `npx tsx bench/reprice.ts [records]` (default 1,000,000).
 */
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { repriceRecords } from '../src/store/reprice'
import { ModelCostMap } from '../src/store/store'
import { historyFiles } from '../test/support/data'

const MODES = ['completionCost loop (current map)', 'repriceRecords (objects)', 'repriceRecords (JSONL in and out)']
const count = Number(process.argv[2] ?? 1_000_000)
const files = historyFiles()
const fileTime = (f: string) => Date.parse(`${basename(f, '.json').replace(/T(\d\d)-(\d\d)-(\d\d)$/, 'T$1:$2:$3')}Z`)
const start = fileTime(files[0] as string)
const end = fileTime(files.at(-1) as string) + 86_400_000

/** Models priced in every version, so every record can be priced at its time. */
function models(): string[] {
  const maps = files.map(
    (f) => JSON.parse(readFileSync(f, 'utf8')) as Record<string, { output_cost_per_token?: number }>,
  )
  const first = maps[0] as Record<string, { output_cost_per_token?: number }>
  return Object.keys(first)
    .filter((k) => k !== 'sample_spec' && maps.every((m) => typeof m[k]?.output_cost_per_token === 'number'))
    .slice(0, 40)
}

/** Record i, the same in every mode (a cheap deterministic mix, no Math.random). */
function record(i: number, names: string[]) {
  const t = start + ((i * 2_654_435_761) % 1_000_003) * ((end - start) / 1_000_003)
  return {
    timestamp: new Date(t).toISOString(),
    model: names[i % names.length] as string,
    usage: { prompt_tokens: 100 + (i % 5000), completion_tokens: 10 + (i % 700) },
    user: `u${i % 1000}`,
  }
}

async function runMode(mode: number, dir: string): Promise<void> {
  const names = models()
  const costs = new ModelCostMap({ autoLoad: false, history: { dir, record: false } })
  let peakRss = 0
  let peakHeap = 0
  const sample = () => {
    const m = process.memoryUsage()
    peakRss = Math.max(peakRss, m.rss)
    peakHeap = Math.max(peakHeap, m.heapUsed)
  }
  let usd = 0
  let failed = 0
  const t0 = performance.now()
  if (mode === 0) {
    for (let i = 0; i < count; i++) {
      usd += costs.completionCost(record(i, names)).totalCost
      if (i % 10_000 === 0) sample()
    }
  } else {
    async function* input() {
      for (let i = 0; i < count; i++) {
        if (i % 10_000 === 0) sample()
        yield mode === 1 ? record(i, names) : JSON.stringify(record(i, names))
      }
    }
    let bytes = 0
    for await (const out of repriceRecords(input(), { costs })) {
      if (out.cost) usd += out.cost.totalCost
      else failed++
      if (mode === 2) bytes += JSON.stringify(out).length + 1
    }
    if (mode === 2 && bytes === 0) throw new Error('no output')
  }
  const ms = performance.now() - t0
  sample()
  costs.dispose()
  console.log(JSON.stringify({ mode: MODES[mode], ms, perSecond: (count / ms) * 1000, peakRss, peakHeap, usd, failed }))
}

async function main(): Promise<void> {
  const [, , , mode, dir] = process.argv
  if (mode !== undefined && dir !== undefined) return runMode(Number(mode), dir)
  const history = mkdtempSync(join(tmpdir(), 'costmap-bench-history-'))
  try {
    const costs = new ModelCostMap({ autoLoad: false, history: { dir: history, record: false } })
    await costs.importHistory(files.map((f) => ({ at: fileTime(f), text: readFileSync(f, 'utf8') })))
    await costs.flushHistory()
    costs.dispose()
    console.log(`${count.toLocaleString('en')} records over ${files.length} versions, Node ${process.version}`)
    console.log('| mode | records/s | time | peak RSS | peak heap | failed |\n|---|---:|---:|---:|---:|---:|')
    const self = fileURLToPath(import.meta.url)
    for (const [i] of MODES.entries()) {
      const line = execFileSync(process.execPath, ['--import', 'tsx', self, String(count), String(i), history], {
        encoding: 'utf8',
      })
      const r = JSON.parse(line.trim().split('\n').at(-1) as string)
      const mb = (n: number) => `${(n / 1048576).toFixed(0)} MB`
      console.log(
        `| ${r.mode} | ${Math.round(r.perSecond).toLocaleString('en')} | ${(r.ms / 1000).toFixed(1)} s | ${mb(r.peakRss)} | ${mb(r.peakHeap)} | ${r.failed} |`,
      )
    }
  } finally {
    rmSync(history, { recursive: true, force: true })
  }
}

await main()
