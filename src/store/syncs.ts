/**
 * The sync log: the last 100 reload attempts with their outcome, counted, for `costs.syncs()`, the status
 * and readiness routes, metrics and alerts. Each attempt is recorded once, after it settled.
 * @module
 */
import { CostMapError } from '../errors'
import type { SyncFailureReason, SyncRecord, SyncSummary } from './types'

/** How many attempts are kept (older ones drop out of `data`; the counts keep counting). */
export const SYNCS_KEPT = 100

/**
 * @internal The reason a reload error stands for: a CostMapError's code, a held map's message.
 * @example
 * ```ts
 * failureReason(new CostMapError('TIMEOUT', 'x')) // 'timeout'
 * ```
 */
export function failureReason(error: unknown): SyncFailureReason {
  if (!(error instanceof CostMapError)) return 'fetch'
  switch (error.code) {
    case 'HTTP_STATUS':
      return 'http'
    case 'TIMEOUT':
      return 'timeout'
    case 'INVALID_JSON':
    case 'BODY_TOO_LARGE':
      return 'parse'
    case 'INTEGRITY_FAILED':
      return /held back by priceChangeGuard/.test(error.message) ? 'price_guard' : 'integrity'
    default:
      return 'fetch'
  }
}

/** @internal The ring of the last {@link SYNCS_KEPT} attempts and the counts of all of them. */
export class SyncLog {
  private readonly records: SyncRecord[] = []
  private readonly counts = { success: 0, unchanged: 0, failed: 0 }
  lastSuccess: string | null = null
  lastFailure: string | null = null

  add(record: SyncRecord): void {
    this.records.push(record)
    if (this.records.length > SYNCS_KEPT) this.records.shift()
    this.counts[record.status]++
    if (record.status === 'failed') this.lastFailure = record.timestamp
    else this.lastSuccess = record.timestamp
  }

  summary(): SyncSummary {
    return withCounts(this.records.slice().reverse(), { ...this.counts })
  }
}

/**
 * @internal A summary of `records` (newest first), counted over them unless `counts` are given.
 * @example
 * ```ts
 * withCounts(await coordinator.fleetSyncs()).success_rate
 * ```
 */
export function withCounts<R extends SyncRecord>(
  records: R[],
  counts = { success: 0, unchanged: 0, failed: 0 },
): SyncSummary & { data: R[] } {
  if (counts.success + counts.unchanged + counts.failed === 0) for (const r of records) counts[r.status]++
  const { success, unchanged, failed } = counts
  const total = success + unchanged + failed
  return { data: records, counts, success_rate: total === 0 ? 1 : (success + unchanged) / total }
}
