/**
 * costmap against its peers and the physical floor, in one run: `npm run bench`.
 *
 * Subjects (bench/subjects/): costmap as built in dist/ (`new ModelCostMap()` on the bundled map, and
 * `getModelCostMap(file)` + the pure functions), `@pydantic/genai-prices` and `tokenlens` (installed in
 * bench/node_modules only, offline on their bundled data), and the floor.
 *
 * Floors (what no library on this map can beat by much, measured the same way):
 * - cold start and memory: `readFileSync` + `JSON.parse` of the same 1.4 MB LiteLLM file costmap bundles +
 *   `new Map(Object.entries(json))` + the first price with the formula below;
 * - completionCost: that `Map` + a user-land formula (bench/subjects/mix.ts `floorCost`) over the raw
 *   entries that reads both usage shapes, bills cache reads and writes, reasoning inside the completion and
 *   the whole-request >200k / >128k tiers, like peers.md's `ref-floor`; it must price every mix call as
 *   costmap does (checked below), so it is not a cheaper formula in disguise. Shown next to it, not used
 *   as a floor: issue 3's literal one, the same `Map` with input/output prices only (`naiveCost`), with
 *   how many mix calls it misprices;
 * - getModelInfo: `Map.get`; reload: `JSON.parse` of the same bytes (and fetch + `JSON.parse` from the
 *   same loopback server).
 *
 * Method: every measurement runs in a fresh child process on plain node (subjects compiled by
 * `tsc -p bench` into bench/.out, next to a snapshot of dist/; no TypeScript loader in the measured
 * process), one at a time. Subjects are measured in passes, each pass running every subject back to back,
 * and every ratio is the median over passes of the ratio within a pass, so a burst of background load
 * that spans a few processes does not decide it. Cold start: BENCH_COLD_RUNS (11) passes; library time =
 * from the probe's first line to the first price (import + load + first call, Node's own start-up
 * excluded), whole process = spawn to exit. Throughput: BENCH_PASSES (5) passes, each process 300 ms
 * warm-up then 3 rounds of >= 300 ms over the 100-call mix (peers.md 4b: 20 models x 5 usages); the rate
 * shown is the median of all rounds. Memory: RSS and heapUsed after two `gc()` (--expose-gc), 3 passes,
 * also as the increase over a bare node process. Reload: BENCH_RELOAD_ROUNDS (15) rounds, each a reload,
 * a JSON.parse and a fetch + JSON.parse. Prices: each library's price for every mix call, compared with
 * costmap's (bench/differences.ts). Last, the store soak (bench/soak.ts) and the Redis fleet convergence
 * slot: when bench/redis-convergence.ts exists and redis-server is on PATH, it runs under tsx and its
 * stdout (JSON) is included as is; otherwise it is reported as skipped.
 */
import { spawnSync } from 'node:child_process'
import { cpSync, existsSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { availableParallelism, loadavg } from 'node:os'
import { delimiter, join } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { differences, groupDifferences, type PriceRow, THRESHOLD } from './differences'
import { fmt, type Stat, stat, table, writeReadmeBlock } from './report'
import { type FloorEntry, MAP_FILE, MIX } from './subjects/mix'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
const BENCH = join(ROOT, 'bench')
const OUT = join(BENCH, '.out')
const WORKER = join(OUT, 'worker.js')
const TSX = join(ROOT, 'node_modules/.bin/tsx')
const int = (name: string, fallback: number): number => Number(process.env[name] ?? fallback)
const COLD_RUNS = int('BENCH_COLD_RUNS', 11)
const PASSES = int('BENCH_PASSES', 5)
const MEMORY_RUNS = int('BENCH_MEMORY_RUNS', 3)
const log = (line: string): boolean => process.stderr.write(`${line}\n`)

function run(command: string, args: string[], what: string): boolean {
  log(`> ${what}`)
  return spawnSync(command, args, { cwd: ROOT, stdio: ['ignore', 2, 2] }).status === 0
}

/** Newest modification time under `dir`. */
function newest(dir: string): number {
  return Math.max(
    0,
    ...readdirSync(dir, { withFileTypes: true }).map((d) =>
      d.isDirectory() ? newest(join(dir, d.name)) : statSync(join(dir, d.name)).mtimeMs,
    ),
  )
}

/**
 * Builds dist/ when src/ is newer, then measures a snapshot of it (bench/.out/dist), so that a rebuild by
 * someone else during the run cannot break or mix the measurements. A failing build (src/ mid-edit)
 * leaves the dist/ that exists to be measured, and says so. Compiles the subjects next to the snapshot.
 */
function prepare(): { built_at: string; older_than_src: boolean } {
  const dist = join(ROOT, 'dist')
  const index = join(dist, 'index.js')
  const snapshot = join(OUT, 'dist')
  const stale = (): boolean => !existsSync(index) || newest(join(ROOT, 'src')) > statSync(index).mtimeMs
  let olderThanSrc = false
  let builtAt = ''
  for (let attempt = 1; ; attempt++) {
    if (stale() && !run('npm', ['run', 'build'], 'npm run build (dist/ is missing or older than src/)')) {
      log('> the build failed: measuring dist/ as it is')
    }
    olderThanSrc = stale()
    rmSync(snapshot, { recursive: true, force: true })
    if (existsSync(index)) {
      builtAt = statSync(index).mtime.toISOString()
      cpSync(dist, snapshot, { recursive: true })
      // The package reads its bundled map from backup/, beside dist/.
      cpSync(join(ROOT, 'backup'), join(OUT, 'backup'), { recursive: true })
    }
    const url = pathToFileURL(join(snapshot, 'index.js')).href
    const loads = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(url)})`])
    if (loads.status === 0 && existsSync(join(snapshot, 'index.d.ts'))) break
    if (attempt === 3) throw new Error(`dist/ stays missing or incomplete:\n${loads.stderr}`)
    log('> dist/ is incomplete (a build in progress?): retrying in 10 s')
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10_000)
  }
  if (!run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', BENCH], 'tsc -p bench')) {
    throw new Error('tsc -p bench failed')
  }
  return { built_at: builtAt, older_than_src: olderThanSrc }
}

/** A script's result: its whole stdout as JSON, or else its last line. */
function jsonOutput<T>(stdout: string): T {
  try {
    return JSON.parse(stdout) as T
  } catch {
    return JSON.parse(stdout.trim().split('\n').at(-1) as string) as T
  }
}

function worker<T>(args: string[], flags: string[] = []): { out: T; ms: number } {
  const start = performance.now()
  const r = spawnSync(process.execPath, [...flags, WORKER, ...args], { cwd: ROOT, encoding: 'utf8' })
  const ms = performance.now() - start
  if (r.status !== 0) throw new Error(`worker ${args.join(' ')} failed:\n${r.stderr}`)
  return { out: jsonOutput<T>(r.stdout), ms }
}

/** One value per pass and subject: `samples[subject][pass]`. */
type Samples = Record<string, number[]>

/** `passes` passes over `subjects`, each subject once per pass, back to back. */
function passes<T>(subjects: readonly string[], count: number, sample: (id: string) => T): Record<string, T[]> {
  const out: Record<string, T[]> = Object.fromEntries(subjects.map((s) => [s, []]))
  for (let i = 0; i < count; i++) for (const s of subjects) out[s]?.push(sample(s))
  return out
}
const pluck = <T>(samples: Record<string, T[]>, f: (x: T, pass: number) => number): Samples =>
  Object.fromEntries(Object.entries(samples).map(([id, xs]) => [id, xs.map(f)]))
const median = (s: Samples, id: string): number => stat(s[id] as number[]).median

/** The median over passes of a / b within the pass. */
function paired(s: Samples, a: string, b: string): number | undefined {
  const x = s[a]
  const y = s[b]
  return x && y ? stat(x.map((v, i) => v / (y[i] as number))).median : undefined
}

const version = (pkg: string): string =>
  (JSON.parse(readFileSync(join(BENCH, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string }).version
const GENAI = `@pydantic/genai-prices ${version('@pydantic/genai-prices')}`
const LABEL: Record<string, string> = {
  floor: 'floor',
  'floor+naive': "floor, input/output only (issue 3's literal floor)",
  costmap: 'costmap: new ModelCostMap() (bundled map)',
  'costmap+file': 'costmap: getModelCostMap(file) + pure functions',
  'genai-prices': GENAI,
  'genai-prices+providerId': `${GENAI}, providerId given`,
  tokenlens: `tokenlens ${version('tokenlens')}`,
}
const REFS = ['floor', 'genai-prices', 'tokenlens']
/** Column heads of the variants used as references. */
const SHORT: Record<string, string> = {
  'floor+naive': 'floor, input/output only',
  'genai-prices+providerId': 'genai-prices, providerId',
}
const head = (refs: readonly string[]): string[] => refs.map((r) => `× ${SHORT[r] ?? r}`)
const refHead = head(REFS)
const ratioCells = (s: Samples, id: string, refs = REFS): string[] =>
  refs.map((r) => {
    const x = paired(s, id, r)
    return x === undefined ? '–' : fmt.ratio(x)
  })
const ratioJson = (s: Samples, id: string, refs = REFS): Record<string, number> =>
  Object.fromEntries(refs.flatMap((r) => (s[r] ? [[r, paired(s, id, r) as number]] : [])))

// ---------------------------------------------------------------------------------------------------------

const built = prepare()
const started = performance.now()
const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : ''
const machine = {
  cpus: availableParallelism(),
  cpu_model: /^model name\s*:\s*(.+)$/m.exec(cpuinfo)?.[1] ?? 'unknown',
  node: process.version,
  loadavg_at_start: loadavg().map((x) => Number(x.toFixed(2))),
}
const md: string[] = []
const results: Record<string, unknown> = { generated_at: new Date().toISOString(), machine, dist: built }

// Cold start ----------------------------------------------------------------------------------------------
log(`> cold start: ${COLD_RUNS} passes`)
const COLD = ['floor', 'costmap', 'costmap+file', 'genai-prices', 'tokenlens']
const coldRuns = passes(['node', ...COLD], COLD_RUNS, (id) => {
  const { out, ms } = worker<{ ms?: number; importMs?: number }>(id === 'node' ? ['boot'] : ['cold', id])
  return { whole: ms, library: out.ms ?? 0, import: out.importMs ?? 0 }
})
const coldLib = pluck(coldRuns, (x) => x.library)
const coldImport = pluck(coldRuns, (x) => x.import)
const coldWhole = pluck(coldRuns, (x) => x.whole)
md.push(
  `**Cold start**: import + load + first \`completionCost\` (gpt-4o) in a fresh process, ms, median (min..max) of ${COLD_RUNS} processes; lower is better. A bare \`node\` process takes ${fmt.ms(median(coldWhole, 'node'))} ms start to exit.`,
  '',
  table(
    ['subject', 'library ms', 'of which import', 'whole process ms', ...refHead],
    COLD.map((id) => [
      LABEL[id] as string,
      fmt.spread(stat(coldLib[id] as number[]), fmt.ms),
      fmt.ms(median(coldImport, id)),
      fmt.ms(median(coldWhole, id)),
      ...ratioCells(coldLib, id),
    ]),
  ),
)
results.cold_start = {
  bare_node_process_ms: stat(coldWhole.node as number[]),
  subjects: Object.fromEntries(
    COLD.map((id) => [
      id,
      {
        label: LABEL[id],
        library_ms: stat(coldLib[id] as number[]),
        import_ms: stat(coldImport[id] as number[]),
        whole_process_ms: stat(coldWhole[id] as number[]),
        ratio: ratioJson(coldLib, id),
      },
    ]),
  ),
}

// Memory --------------------------------------------------------------------------------------------------
log(`> memory: ${MEMORY_RUNS} passes`)
const memoryRuns = passes(
  ['node', ...COLD],
  MEMORY_RUNS,
  (id) => worker<{ rss: number; heapUsed: number }>(['memory', id], ['--expose-gc']).out,
)
const rss = pluck(memoryRuns, (x) => x.rss)
const heap = pluck(memoryRuns, (x) => x.heapUsed)
const rssUp = pluck(memoryRuns, (x, i) => x.rss - (rss.node?.[i] as number))
const heapUp = pluck(memoryRuns, (x, i) => x.heapUsed - (heap.node?.[i] as number))
md.push(
  '',
  `**Memory after load** (import + load + one call, two \`gc()\`), MB, median of ${MEMORY_RUNS} processes; ratios compare the increase over a bare node process (${fmt.mb(median(rss, 'node'))} MB RSS, ${fmt.mb(median(heap, 'node'))} MB heap), as RSS / heap.`,
  '',
  table(
    ['subject', 'RSS', 'heap used', '+RSS', '+heap', ...refHead],
    COLD.map((id) => {
      const heapRatios = ratioCells(heapUp, id)
      return [
        LABEL[id] as string,
        fmt.mb(median(rss, id)),
        fmt.mb(median(heap, id)),
        fmt.mb(median(rssUp, id)),
        fmt.mb(median(heapUp, id)),
        ...ratioCells(rssUp, id).map((r, i) => `${r} / ${heapRatios[i]}`),
      ]
    }),
  ),
)
const mb = (bytes: number): number => Number(fmt.mb(bytes))
results.memory = {
  bare_node: { rss_mb: mb(median(rss, 'node')), heap_used_mb: mb(median(heap, 'node')) },
  subjects: Object.fromEntries(
    COLD.map((id) => [
      id,
      {
        label: LABEL[id],
        rss_mb: mb(median(rss, id)),
        heap_used_mb: mb(median(heap, id)),
        rss_increase_ratio: ratioJson(rssUp, id),
        heap_increase_ratio: ratioJson(heapUp, id),
      },
    ]),
  ),
}

// Prices of the mix ---------------------------------------------------------------------------------------
log('> prices of the mix')
const PRICED = [
  'costmap',
  'costmap+file',
  'floor',
  'floor+naive',
  'genai-prices',
  'genai-prices+providerId',
  'tokenlens',
]
const prices = Object.fromEntries(PRICED.map((id) => [id, worker<PriceRow[]>(['prices', id]).out]))
const coverage = (id: string): string => {
  const totals = (prices[id] as PriceRow[]).map((r) => r.total)
  const count = (f: (t: number | null) => boolean) => totals.filter(f).length
  return `${count((t) => t !== null && t > 0)} / ${count((t) => t === 0)} / ${count((t) => t === null)}`
}

// completionCost and lookups ------------------------------------------------------------------------------
/** Per-pass medians (for the ratios) and every round (for the rate shown). */
function throughput(
  task: 'throughput' | 'lookup',
  subjects: string[],
): { perPass: Samples; all: Record<string, Stat> } {
  log(`> ${task}: ${PASSES} passes`)
  const runs = passes(subjects, PASSES, (id) => worker<{ rates: number[] }>([task, id]).out.rates)
  return {
    perPass: pluck(runs, (rounds) => stat(rounds).median),
    all: Object.fromEntries(subjects.map((id) => [id, stat((runs[id] as number[][]).flat())])),
  }
}
const THROUGHPUT = [
  'floor',
  'floor+naive',
  'costmap',
  'costmap+file',
  'genai-prices',
  'genai-prices+providerId',
  'tokenlens',
]
const cc = throughput('throughput', THROUGHPUT)
const CC_REFS = ['floor', 'floor+naive', 'genai-prices', 'tokenlens', 'genai-prices+providerId']
md.push(
  '',
  `**completionCost** on the ${MIX.length}-call mix (peers.md 4b: 20 models x 5 usages: plain, cached, cache write + read, 250k prompt, reasoning), calls/s, median (min..max) of ${PASSES} processes x 3 rounds; higher is better. Coverage = priced / $0 / no price, of ${MIX.length}.`,
  '',
  table(
    ['subject', 'calls/s', ...head(CC_REFS), 'coverage'],
    THROUGHPUT.map((id) => [
      LABEL[id] as string,
      fmt.spread(cc.all[id] as Stat, fmt.rate),
      ...ratioCells(cc.perPass, id, CC_REFS),
      coverage(id),
    ]),
  ),
)
const LOOKUP = ['floor', 'costmap', 'costmap+file', 'tokenlens']
const lookups = throughput('lookup', LOOKUP)
md.push(
  '',
  `**getModelInfo** on the mix's model names (tokenlens: \`getContext\`; genai-prices has no model lookup), lookups/s.`,
  '',
  table(
    ['subject', 'lookups/s', ...refHead],
    LOOKUP.map((id) => [
      LABEL[id] as string,
      fmt.spread(lookups.all[id] as Stat, fmt.rate),
      ...ratioCells(lookups.perPass, id),
    ]),
  ),
)
const rateJson = (m: { perPass: Samples; all: Record<string, Stat> }, refs = REFS) =>
  Object.fromEntries(
    Object.entries(m.all).map(([id, s]) => [
      id,
      { label: LABEL[id], per_second: s, ratio: ratioJson(m.perPass, id, refs) },
    ]),
  )
results.completion_cost = { mix_calls: MIX.length, subjects: rateJson(cc, CC_REFS) }
results.model_lookup = { subjects: rateJson(lookups) }

// Reload --------------------------------------------------------------------------------------------------
log('> reload from a loopback server')
const reloadRaw = worker<{ bytes: number; reload: number[]; parse: number[]; fetchParse: number[] }>(['reload']).out
const reload: Samples = { reload: reloadRaw.reload, parse: reloadRaw.parse, fetch: reloadRaw.fetchParse }
md.push(
  '',
  `**Reload** of the ${reloadRaw.bytes.toLocaleString('en-US')}-byte map from a loopback node:http server, a different body each time (one price moves, so it is parsed, validated, diffed and swapped), ms, median of ${reloadRaw.reload.length} rounds.`,
  '',
  table(
    ['step', 'ms', '× JSON.parse', '× fetch + JSON.parse'],
    [
      ['costmap: ModelCostMap.reload()', 'reload'],
      ['floor: JSON.parse of the same bytes', 'parse'],
      ['fetch + JSON.parse from the same server', 'fetch'],
    ].map(([label, id]) => [
      label as string,
      fmt.spread(stat(reload[id as string] as number[]), fmt.ms),
      ...ratioCells(reload, id as string, ['parse', 'fetch']),
    ]),
  ),
)
results.reload = {
  bytes: reloadRaw.bytes,
  reload_ms: stat(reloadRaw.reload),
  json_parse_ms: stat(reloadRaw.parse),
  fetch_json_parse_ms: stat(reloadRaw.fetchParse),
  ratio: { json_parse: paired(reload, 'reload', 'parse'), fetch_json_parse: paired(reload, 'reload', 'fetch') },
}

// Price differences ---------------------------------------------------------------------------------------
const map = JSON.parse(readFileSync(MAP_FILE, 'utf8')) as Record<string, FloorEntry>
const diffs = PRICED.slice(1).flatMap((id) =>
  differences(id, prices[id] as PriceRow[], prices.costmap as PriceRow[], map),
)
const groups = groupDifferences(diffs)
const differing = (id: string): number => diffs.filter((d) => d.subject === id).length
md.push(
  '',
  `**Prices that differ from costmap's** by more than ${THRESHOLD * 100} % on the mix (the map is the reference for the provider's published price; the floor formula agrees with costmap on ${MIX.length - differing('floor')} of ${MIX.length} calls, issue 3's literal input/output-only floor on ${MIX.length - differing('floor+naive')}). Every call is in bench/results.json.`,
  '',
  table(
    ['library', 'differs because it', 'calls', 'usages', 'models', 'its price / costmap', 'e.g.'],
    groups.map((g) => [
      LABEL[g.subject] as string,
      g.why,
      String(g.combos),
      g.usages.join(', '),
      g.models.length > 3 ? `${g.models.slice(0, 3).join(', ')} +${g.models.length - 3}` : g.models.join(', '),
      g.ratio ? `${fmt.ratio(g.ratio.min)}..${fmt.ratio(g.ratio.max)}` : '–',
      g.detail,
    ]),
  ),
)
results.price_differences = { threshold: THRESHOLD, reference: 'costmap', groups, calls: diffs }

// Redis fleet convergence: the slot for the lead's bench/redis-convergence.ts ------------------------------
const REDIS_BENCH = join(BENCH, 'redis-convergence.ts')
const onPath = (exe: string): boolean =>
  (process.env.PATH ?? '').split(delimiter).some((dir) => dir && existsSync(join(dir, exe)))
let redis: Record<string, unknown>
if (!existsSync(REDIS_BENCH)) redis = { skipped: 'no bench/redis-convergence.ts yet' }
else if (!onPath('redis-server')) redis = { skipped: 'no redis-server' }
else {
  log('> redis convergence (bench/redis-convergence.ts)')
  const r = spawnSync(TSX, [REDIS_BENCH], { cwd: ROOT, encoding: 'utf8', timeout: 180_000 })
  redis = r.status === 0 ? jsonOutput(r.stdout) : { failed: `exit ${r.status}`, stderr: r.stderr.slice(-2000) }
}
results.redis_convergence = redis
md.push(
  '',
  `**Redis fleet convergence** (bench/redis-convergence.ts): ${
    redis.skipped
      ? `skipped (${redis.skipped})`
      : Object.entries(redis)
          .map(([k, v]) => `${k.replaceAll('_', ' ')} ${typeof v === 'object' ? JSON.stringify(v) : v}`)
          .join(', ')
  }.`,
)

// Store soak ----------------------------------------------------------------------------------------------
log('> store soak (bench/soak.ts)')
interface Soak {
  reloads: number
  cost_calls_during_reloads: number
  heap_before_mb: number
  heap_after_mb: number
  heap_growth_ratio: number
  p50_us: { idle: number; during_reloads: number }
  p99_us: { idle: number; during_reloads: number }
}
const soakRun = spawnSync(TSX, ['--expose-gc', join(BENCH, 'soak.ts')], { cwd: ROOT, encoding: 'utf8' })
if (soakRun.status === 0) {
  const soak = jsonOutput<Soak>(soakRun.stdout)
  results.soak = soak
  md.push(
    '',
    `**Store soak** (bench/soak.ts): ${soak.reloads} reloads alternating the two newest real maps with ${soak.cost_calls_during_reloads} cost calls in between: heap ${soak.heap_before_mb} MB before, ${soak.heap_after_mb} MB after (${soak.heap_growth_ratio}x); cost-call p99 ${soak.p99_us.during_reloads} µs during reloads vs ${soak.p99_us.idle} µs idle (p50 ${soak.p50_us.during_reloads} / ${soak.p50_us.idle} µs).`,
  )
} else {
  results.soak = { failed: `exit ${soakRun.status}`, stderr: soakRun.stderr.slice(-2000) }
  md.push('', '**Store soak**: failed (see bench/results.json).')
}

// Goals ---------------------------------------------------------------------------------------------------
const vsGenai = ['genai-prices', 'genai-prices+providerId'].map((g) => paired(cc.perPass, 'costmap', g) as number)
/** Rows without a target are informational: measured in the same run, judged by no goal (see the notes). */
const goals: [goal: string, value: number | undefined, target?: [op: '<=' | '>=', bound: number, unit: string]][] = [
  ['cold start, ModelCostMap on the bundled map', paired(coldLib, 'costmap', 'floor'), ['<=', 1.5, 'x floor']],
  ['cold start, getModelCostMap(file) (1)', paired(coldLib, 'costmap+file', 'floor')],
  ['completionCost calls/s, millions', (cc.all.costmap as Stat).median / 1e6, ['>=', 3, ' M/s']],
  ['completionCost vs @pydantic/genai-prices (its faster mode)', Math.min(...vsGenai), ['>=', 50, 'x']],
  ['completionCost vs the floor (2)', paired(cc.perPass, 'costmap', 'floor'), ['>=', 0.5, 'x floor']],
  ["completionCost vs issue 3's literal floor (2)", paired(cc.perPass, 'costmap', 'floor+naive')],
  ['reload vs JSON.parse of the same bytes', paired(reload, 'reload', 'parse'), ['<=', 3, 'x']],
]
const goalRows = goals.map(([goal, value = Number.NaN, target]) => ({
  goal,
  value: Number(value.toPrecision(3)),
  target: target ? `${target[0]} ${target[1]}${target[2]}` : null,
  met: target ? (target[0] === '<=' ? value <= target[1] : value >= target[1]) : null,
}))
results.goals = goalRows
const entries = Object.keys(map).filter((key) => key !== 'sample_spec').length
md.push(
  '',
  '**Goals**',
  '',
  table(
    ['goal', 'measured', 'target', 'met'],
    goalRows.map((g) => [
      g.goal,
      g.target?.endsWith('M/s') ? `${g.value} M/s` : fmt.ratio(g.value),
      g.target ?? 'none',
      g.met === null ? 'n/a' : g.met ? 'yes' : 'no',
    ]),
  ),
  '',
  `(1) No target: \`getModelCostMap(file)\` validates all ${entries.toLocaleString('en-US')} entries of a file it does not trust (schema, duplicate keys, integrity checks), which the floor does not do; the cold-start goal is about the start every process gets, \`new ModelCostMap()\` on the bundled backup.`,
  '',
  `(2) The goal is judged against the floor that prices the mix as costmap does. Issue 3's literal floor (a \`Map\` lookup of the input/output price, nothing else) is shown for comparison: it skips cache, reasoning and long-context rates and so prices ${differing('floor+naive')} of the ${MIX.length} mix calls differently, which makes it a different computation, not a lower bound for a correct one.`,
)

// Output --------------------------------------------------------------------------------------------------
results.machine = { ...machine, loadavg_at_end: loadavg().map((x) => Number(x.toFixed(2))) }
results.seconds = Math.round((performance.now() - started) / 1000)
const header = `Measured ${new Date().toISOString().slice(0, 10)} by \`npm run bench\` on ${machine.cpu_model}, ${machine.cpus} cores, Node ${machine.node}${built.older_than_src ? ' (dist/ older than src/: the build failed)' : ''}; load average ${machine.loadavg_at_start[0]} at start (other jobs shared the machine, so absolute numbers are noisy; each ratio is the median of ratios between processes that ran back to back). Ratios are row / column.`
const block = [header, '', ...md].join('\n')
process.stdout.write(`\n${block}\n`)
writeFileSync(join(BENCH, 'results.json'), `${JSON.stringify(results, null, 2)}\n`)
const readme = writeReadmeBlock(join(ROOT, 'README.md'), block)
log(
  `> wrote bench/results.json${readme ? ' and the README block' : ' (README has no bench markers)'} in ${results.seconds} s`,
)
