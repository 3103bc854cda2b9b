/**
 * Repricing usage logs: each record priced on the map that was active at its own time.
 * @module
 */
import type { CostArgs } from '../cost'
import { CostMapError, errorText, isCostMapError } from '../errors'
import type { PriceView, TimeInput } from './history'
import { parseTime } from './history'

/**
 * Options of {@link repriceRecords}.
 *
 * @example
 * ```ts
 * const options: RepriceOptions = { costs, timeField: 'created_at' }
 * ```
 */
export interface RepriceOptions {
  /** What prices: a `ModelCostMap` with a `history` (anything with its `at`). */
  costs: { at(time: TimeInput): PriceView }
  /**
   * The field holding each record's time: ISO 8601, epoch milliseconds, or epoch seconds (a number below
   * 1e11, as OpenAI's `created`). @default 'timestamp'
   */
  timeField?: string
  /** Price every record at this one time instead (its time field is then not read). */
  at?: TimeInput
}

/**
 * One output record: the input record with `cost`, or with `error` (a line that is not a JSON object gives
 * `{ error }` alone). `error.line` is the record's 1-based line in the input.
 *
 * @example
 * ```ts
 * if (out.error) log.warn(`line ${out.error.line}: ${out.error.message}`)
 * ```
 */
export interface RepricedRecord {
  [field: string]: unknown
  cost?: { totalCost: number; promptCost: number; completionCost: number; key: string; sha256: string | null }
  error?: { code: string; message: string; line: number }
}

/**
 * Prices each record (`{timestamp, model, provider?, usage, …other pricing arguments}`) on the map active
 * at its time, one at a time: memory stays bounded whatever the input's length. A record that cannot be
 * priced (no time, `NO_MAP_AT`, `MODEL_NOT_MAPPED`, a line that is not JSON) yields an `error` and the run
 * goes on. Strings are read as JSON lines, so a `node:readline` interface can be passed as it is.
 *
 * @example
 * ```ts
 * const costs = new ModelCostMap({ autoLoad: false, history: { dir, record: false } })
 * for await (const out of repriceRecords(readline.createInterface({ input }), { costs })) write(out)
 * ```
 */
export async function* repriceRecords(
  records: AsyncIterable<unknown> | Iterable<unknown>,
  options: RepriceOptions,
): AsyncGenerator<RepricedRecord> {
  const timeField = options.timeField ?? 'timestamp'
  const fixed = options.at === undefined ? undefined : parseTime(options.at)
  let line = 0
  for await (const item of records) {
    line++
    let record: Record<string, unknown>
    if (typeof item === 'string') {
      if (item.trim() === '') continue
      try {
        record = JSON.parse(item) as Record<string, unknown>
      } catch (error) {
        yield { error: { code: 'INVALID_JSON', message: `not a JSON line: ${errorText(error)}`, line } }
        continue
      }
    } else record = item as Record<string, unknown>
    if (typeof record !== 'object' || record === null || Array.isArray(record)) {
      yield { error: { code: 'INVALID_ARGUMENT', message: 'a record must be a JSON object', line } }
      continue
    }
    try {
      const view = options.costs.at(fixed ?? recordTime(record, timeField))
      const r = view.completionCost(record as unknown as CostArgs)
      const cost = {
        totalCost: r.totalCost,
        promptCost: r.promptCost,
        completionCost: r.completionCost,
        key: r.key,
        sha256: r.sha256,
      }
      yield { ...record, cost }
    } catch (error) {
      const code = isCostMapError(error) ? error.code : 'INVALID_ARGUMENT'
      yield { ...record, error: { code, message: errorText(error), line } }
    }
  }
}

function recordTime(record: Record<string, unknown>, field: string): number {
  const value = record[field]
  if (typeof value === 'number') return value < 1e11 ? value * 1000 : value
  if (typeof value === 'string') return parseTime(value)
  throw new CostMapError('INVALID_ARGUMENT', `[costmap] the record has no ${field} (a time) to price it at`)
}
