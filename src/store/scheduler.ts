/**
 * The reload schedule: any interval up to a year, timers that never fire early (Node fires a delay over
 * 2^31-1 ms after 1 ms), backoff while the upstream keeps failing, and nothing left behind on cancel.
 * @module
 */
import { CostMapError } from '../errors'

/**
 * The schedule as LiteLLM's `/schedule/model_cost_map_reload/status` reports it.
 *
 * @example
 * ```ts
 * costs.scheduleStatus() // { scheduled: true, interval_hours: 6, last_run: null, next_run: '2026-…' }
 * ```
 */
export interface ScheduleStatus {
  scheduled: boolean
  interval_hours: number | null
  last_run: string | null
  next_run: string | null
}

const MAX_TIMEOUT = 2 ** 31 - 1
const HOUR = 3_600_000
const MIN_HOURS = 1 / 60
/** First retry after a failed scheduled run; then x4 each time, never later than the interval. */
const FAILURE_RETRY_MS = 60_000

/** @internal Checks `hours` the way the routes and `schedule()` accept it. */
export function checkHours(hours: unknown): number {
  const n = typeof hours === 'string' && hours.trim() !== '' ? Number(hours) : hours
  if (typeof n !== 'number' || !Number.isFinite(n)) {
    throw new CostMapError('INVALID_SCHEDULE', 'Hours must be a finite number greater than 0')
  }
  if (n <= 0) throw new CostMapError('INVALID_SCHEDULE', 'Hours must be greater than 0')
  if (n > 8760) throw new CostMapError('INVALID_SCHEDULE', 'Hours must be at most 8760 (one year)')
  // A schedule faster than once a minute is a fetch loop against the upstream, not a schedule.
  if (n < MIN_HOURS) throw new CostMapError('INVALID_SCHEDULE', 'Hours must be at least 0.0167 (one minute)')
  return n
}

/** @internal The wait before retrying after `failures` failed runs in a row: 1, 4, 16 … minutes, never over the interval. */
export function retryDelay(failures: number, intervalMs: number): number {
  return Math.min(intervalMs, FAILURE_RETRY_MS * 4 ** (failures - 1))
}

/**
 * @internal `setTimeout` for any delay: chains timers past Node's 2^31-1 ms limit (which would fire after
 * 1 ms), unref-ed so it never keeps a process alive. Returns the cancel function.
 * @example
 * ```ts
 * const cancel = setLongTimeout(run, 720 * HOUR)
 * ```
 */
export function setLongTimeout(fn: () => void, delay: number): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined
  const wait = (left: number) => {
    const step = Math.min(Math.max(left, 0), MAX_TIMEOUT)
    timer = setTimeout(() => (left > step ? wait(left - step) : fn()), step)
    timer.unref?.()
  }
  wait(delay)
  return () => clearTimeout(timer)
}

/** @internal Runs `task` every `hours` (from the end of the previous run) until cancelled. */
export class Scheduler {
  private stop: (() => void) | undefined
  private intervalMs: number | null = null
  private nextAt: number | null = null
  private failures = 0
  private generation = 0
  lastRun: Date | null = null

  constructor(
    private readonly task: () => Promise<boolean>,
    private readonly jitter = 0,
  ) {}

  /** Replaces any earlier schedule. */
  start(hours: number): void {
    const intervalMs = checkHours(hours) * HOUR
    this.cancel()
    this.intervalMs = intervalMs
    this.failures = 0
    this.arm(this.withJitter(this.intervalMs))
  }

  cancel(): void {
    this.generation++
    this.stop?.()
    this.stop = undefined
    this.intervalMs = null
    this.nextAt = null
  }

  status(): ScheduleStatus {
    return {
      scheduled: this.intervalMs !== null,
      interval_hours: this.intervalMs === null ? null : this.intervalMs / HOUR,
      last_run: this.lastRun?.toISOString() ?? null,
      next_run: this.nextAt === null ? null : new Date(this.nextAt).toISOString(),
    }
  }

  private arm(delay: number): void {
    this.nextAt = Date.now() + delay
    const generation = this.generation
    this.stop = setLongTimeout(() => void this.fire(generation), delay)
  }

  private async fire(generation: number): Promise<void> {
    if (generation !== this.generation) return
    this.stop = undefined
    let ok = false
    try {
      ok = await this.task()
    } catch {
      ok = false
    }
    // Cancelled or replaced while the reload ran: the new schedule owns the timer now.
    if (generation !== this.generation || this.intervalMs === null) return
    this.failures = ok ? 0 : this.failures + 1
    const interval = this.intervalMs
    const delay = ok ? this.withJitter(interval) : retryDelay(this.failures, interval)
    this.arm(delay)
  }

  private withJitter(ms: number): number {
    return this.jitter > 0 ? ms * (1 - this.jitter * Math.random()) : ms
  }
}
