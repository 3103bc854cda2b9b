/**
 * `costmap history import|list` and `costmap reprice`: a history directory of past maps, and usage logs
 * priced on the map that was active at each record's time.
 * @module
 */
import { once } from 'node:events'
import { createReadStream, createWriteStream } from 'node:fs'
import { readdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { finished } from 'node:stream/promises'
import { errorText } from '../errors'
import { ModelCostMap, type RepricedRecord, repriceRecords, timeFromFileName } from '../store'
import { type Command, type Context, JSON_OPTION, type OptionSpec, stringOption, UsageError } from './args'
import { count, paint, printJson, table, usdColumn } from './format'

const HISTORY_DIR: OptionSpec = {
  type: 'string',
  arg: '<dir>',
  description: 'the history directory (as the history option of ModelCostMap writes it)',
}
const AT: OptionSpec = { type: 'string', arg: '<time>', description: 'ISO 8601 time or epoch ms' }

/**
 * @internal A store reading (and importing into) `--history-dir`, recording nothing of its own.
 * @throws {UsageError} without `--history-dir`
 * @example
 * ```ts
 * const costs = historyStore(values)
 * ```
 */
export function historyStore(values: Context['values']): ModelCostMap {
  const dir = stringOption(values, 'history-dir')
  if (!dir) throw new UsageError('--history-dir is required')
  return new ModelCostMap({ autoLoad: false, history: { dir, record: false } })
}

/** @internal `costmap history import <files…|dir>` and `costmap history list`. */
export const history: Command = {
  name: 'history',
  summary: 'Import past maps into a history directory, or list it.',
  args: '<import|list> [files…|dir]',
  positionals: [1, 10_000],
  options: {
    'history-dir': HISTORY_DIR,
    at: { ...AT, description: 'import: the time one file became active' },
    json: JSON_OPTION,
  },
  notes: [
    'import: each file name carries the time the map became active (2025-06-02T19-06-17.json, or ISO 8601',
    'with colons), or --at for one file. Each map is validated entry by entry; importing twice changes nothing.',
    'Examples:',
    '  costmap history import ./history/ --history-dir /var/lib/costmap/history',
    '  costmap history list --history-dir /var/lib/costmap/history',
  ].join('\n'),
  async run({ values, positionals, out }) {
    const [action, ...paths] = positionals
    if (action === 'list') {
      if (paths.length) throw new UsageError(`unexpected argument '${paths[0]}'`)
      const costs = historyStore(values)
      try {
        const entries = costs.history()
        if (values.json) return printJson(out, entries)
        const rows = entries.map((e) => [
          e.active_from,
          e.active_until ?? paint(out.color, 'green', 'current'),
          e.sha256.slice(0, 12),
          e.source,
          count(e.model_count),
        ])
        out.print(
          table([['active from', 'until', 'sha256', 'source', 'models'], ...rows], { right: [4], color: out.color }),
        )
        return 0
      } finally {
        costs.dispose()
      }
    }
    if (action !== 'import') throw new UsageError(`unknown history action '${action ?? ''}' (import or list)`)
    if (paths.length === 0) throw new UsageError('missing <files…|dir> to import')
    const files = await expandFiles(paths)
    const at = stringOption(values, 'at')
    if (at !== undefined && files.length !== 1) throw new UsageError('--at applies to exactly one file')
    const costs = historyStore(values)
    try {
      const items: Array<{ file: string; at: string | number; text: string }> = []
      const rows: string[][] = []
      const results: Array<{ file: string; status: string; sha256: string | null; error: string | null }> = []
      for (const file of files) {
        const time = at ?? timeFromFileName(file)
        if (time === undefined) {
          results.push({ file, status: 'failed', sha256: null, error: 'the file name carries no time; pass --at' })
          continue
        }
        items.push({ file, at: time, text: await readFile(file, 'utf8') })
      }
      const imported = await costs.importHistory(items)
      await costs.flushHistory()
      imported.forEach((r, i) => {
        results.push({ file: items[i]?.file as string, status: r.status, sha256: r.sha256, error: r.error })
      })
      if (values.json) printJson(out, results)
      else {
        for (const r of results)
          rows.push([
            r.file,
            r.status === 'failed' ? paint(out.color, 'red', 'failed') : r.status,
            r.sha256?.slice(0, 12) ?? '',
            r.error ?? '',
          ])
        out.print(table([['file', 'status', 'sha256', 'error'], ...rows], { color: out.color }))
      }
      return results.some((r) => r.status === 'failed') ? 1 : 0
    } finally {
      costs.dispose()
    }
  },
}

/** @internal `costmap reprice <usage.jsonl|->`. */
export const reprice: Command = {
  name: 'reprice',
  summary: 'Price a JSONL usage log, each record on the map active at its time.',
  args: '<usage.jsonl|->',
  positionals: [1, 1],
  options: {
    'history-dir': HISTORY_DIR,
    out: { type: 'string', arg: '<file>', description: 'write the priced records here instead of stdout' },
    'time-field': { type: 'string', arg: '<name>', description: "the records' time field (default timestamp)" },
    at: { ...AT, description: 'price every record at this one time instead' },
  },
  notes: [
    'Each input line is {timestamp, model, provider?, usage, …}; each output line is that record plus',
    'cost: {totalCost, promptCost, completionCost, key, sha256}, or error: {code, message, line}. A summary',
    'goes to stderr. Exit code 1 when any record failed.',
    'Example:',
    '  costmap reprice usage.jsonl --history-dir /var/lib/costmap/history --out priced.jsonl',
  ].join('\n'),
  async run({ values, positionals, out }) {
    const source = positionals[0] as string
    const costs = historyStore(values)
    const input = source === '-' ? process.stdin : createReadStream(source)
    const opened = new Promise<void>((resolve, reject) => {
      if (source === '-') resolve()
      input.once('open', () => resolve()).once('error', reject)
    })
    await opened.catch((error: unknown) => {
      costs.dispose()
      throw new UsageError(`cannot read ${source}: ${(error as NodeJS.ErrnoException).code ?? errorText(error)}`)
    })
    const target = stringOption(values, 'out')
    const output = target ? createWriteStream(target) : process.stdout
    const at = stringOption(values, 'at')
    const summary = new Summary()
    const progress = out.interactive
      ? setInterval(() => process.stderr.write(`\r${summary.records} records…`), 500)
      : undefined
    try {
      const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })
      const records = repriceRecords(lines, {
        costs,
        timeField: stringOption(values, 'time-field') ?? 'timestamp',
        ...(at === undefined ? {} : { at }),
      })
      for await (const record of records) {
        summary.add(record)
        // Backpressure: a slow disk or pipe holds the reading, so memory stays bounded.
        if (!output.write(`${JSON.stringify(record)}\n`)) await once(output, 'drain')
      }
      if (target) {
        output.end()
        await finished(output)
      }
    } finally {
      if (progress) {
        clearInterval(progress)
        process.stderr.write('\r')
      }
      costs.dispose()
    }
    out.error(summary.text(out.errorColor))
    return summary.failed > 0 ? 1 : 0
  },
}

/** Counts and USD by model, as the run goes. */
class Summary {
  records = 0
  failed = 0
  private readonly byModel = new Map<string, { count: number; usd: number }>()
  private readonly codes = new Map<string, number>()

  add(record: RepricedRecord): void {
    this.records++
    if (record.cost) {
      const model = String(record.model)
      const row = this.byModel.get(model) ?? { count: 0, usd: 0 }
      row.count++
      row.usd += record.cost.totalCost
      this.byModel.set(model, row)
    } else {
      this.failed++
      const code = record.error?.code ?? 'UNKNOWN'
      this.codes.set(code, (this.codes.get(code) ?? 0) + 1)
    }
  }

  text(color: boolean): string {
    const models = [...this.byModel].sort((a, b) => b[1].usd - a[1].usd)
    const total = models.reduce((sum, [, r]) => sum + r.usd, 0)
    const money = usdColumn([...models.map(([, r]) => r.usd), total])
    const rows = models.map(([model, r], i) => [model, count(r.count), money[i] as string])
    rows.push(['total', count(this.records - this.failed), paint(color, 'bold', money.at(-1) as string)])
    const failed = [...this.codes].map(([code, n]) => `${code} ${count(n)}`).join(', ')
    return [
      `${count(this.records)} records, ${count(this.records - this.failed)} priced, ${count(this.failed)} failed${failed ? ` (${failed})` : ''}`,
      table([['model', 'records', 'USD'], ...rows], { right: [1, 2], color }),
    ].join('\n')
  }
}

/** Files as given, and a directory's `*.json` files in name order. */
async function expandFiles(paths: string[]): Promise<string[]> {
  const files: string[] = []
  for (const path of paths) {
    const info = await stat(path).catch((error: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot read ${path}: ${error.code ?? errorText(error)}`)
    })
    if (!info.isDirectory()) files.push(path)
    else
      files.push(
        ...(await readdir(path))
          .filter((n) => /\.json$/i.test(n))
          .sort()
          .map((n) => join(path, n)),
      )
  }
  return files
}
