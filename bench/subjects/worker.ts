/**
 * One measurement in a fresh process, on plain node (compiled to bench/.out, no TypeScript loader), so a
 * process costs what it costs a user: `node bench/.out/worker.js <task> <subject>[+<variant>]`.
 * Prints one JSON line. Started by bench/run.ts; see its header for the method.
 */
import { FIRST_CALL, MIX } from './mix.js'
import type { LoadSubject, Subject } from './subject.js'

const start = performance.now()
const SUBJECTS = ['floor', 'costmap', 'genai-prices', 'tokenlens']
const WARMUP_MS = 300
const ROUND_MS = 300
const ROUNDS = 3

const [task = '', id = ''] = process.argv.slice(2)
const [name = '', variant] = id.split('+')

async function importSubject(): Promise<LoadSubject> {
  if (!SUBJECTS.includes(name)) throw new Error(`unknown subject ${name}; one of ${SUBJECTS.join(', ')}`)
  return ((await import(`./${name}.js`)) as { load: LoadSubject }).load
}

async function load(): Promise<Subject> {
  return (await importSubject())(variant)
}

let sink = 0

function priceAll(s: Subject, args: unknown[]): void {
  for (let i = 0; i < args.length; i++) sink += s.price(args[i]) ?? 0
}

function lookupAll(s: Subject, models: string[]): void {
  const lookup = s.lookup as (model: string) => unknown
  for (let i = 0; i < models.length; i++) if (lookup(models[i] as string) !== undefined) sink++
}

/** Calls per second in ROUNDS time-boxed rounds after a warm-up; `once` makes `calls` calls. */
function rates(once: () => void, calls: number): number[] {
  let batch = 1 // mixes between two clock reads: enough for ~5 ms, so reading the clock costs nothing
  for (;;) {
    const t = performance.now()
    for (let i = 0; i < batch; i++) once()
    if (performance.now() - t >= 5) break
    batch *= 2
  }
  for (const until = performance.now() + WARMUP_MS; performance.now() < until; ) once()
  const out: number[] = []
  for (let r = 0; r < ROUNDS; r++) {
    const t = performance.now()
    let n = 0
    let elapsed: number
    do {
      for (let i = 0; i < batch; i++) once()
      n += batch
      elapsed = performance.now() - t
    } while (elapsed < ROUND_MS)
    out.push((n * calls * 1000) / elapsed)
  }
  return out
}

async function gcTwice(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('memory: run with node --expose-gc')
  for (let i = 0; i < 2; i++) {
    gc()
    await new Promise((resolve) => setImmediate(resolve))
  }
}

async function run(): Promise<unknown> {
  switch (task) {
    case 'boot':
      return { bootMs: start }
    case 'cold': {
      const loadSubject = await importSubject()
      const imported = performance.now()
      const s = await loadSubject(variant)
      const value = s.price(s.prepare(FIRST_CALL))
      const end = performance.now()
      return { ms: end - start, importMs: imported - start, bootMs: start, value }
    }
    case 'memory': {
      const s = name === 'node' ? undefined : await load()
      const value = s?.price(s.prepare(FIRST_CALL))
      await gcTwice()
      const { rss, heapUsed } = process.memoryUsage()
      return { rss, heapUsed, value, loaded: s !== undefined }
    }
    case 'throughput': {
      const s = await load()
      const args = MIX.map((call) => s.prepare(call))
      return { rates: rates(() => priceAll(s, args), args.length), sink }
    }
    case 'lookup': {
      const s = await load()
      if (!s.lookup) return { rates: null }
      const models = MIX.map((call) => call.model)
      return { rates: rates(() => lookupAll(s, models), models.length), sink }
    }
    case 'prices': {
      const s = await load()
      return MIX.map((call) => {
        const args = s.prepare(call)
        try {
          return { total: s.price(args), parts: s.parts?.(args) ?? null }
        } catch (error) {
          return { total: null, parts: null, error: String(error) }
        }
      })
    }
    case 'reload': {
      const { measureReload } = await import('./reload.js')
      return measureReload(Number(process.env.BENCH_RELOAD_ROUNDS ?? 15))
    }
    default:
      throw new Error(`unknown task ${task}`)
  }
}

process.stdout.write(`${JSON.stringify(await run())}\n`)
// Loaded libraries may keep sockets or timers; the measurement is done.
process.exit(0)
