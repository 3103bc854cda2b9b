/**
 * The fleet's reload schedule in Redis: one interval and one `next_run` for every instance, so a restart
 * or a new instance never adds a fetch, and `scheduleStatus()` reads the same everywhere.
 * @module
 */
import { errorText } from '../errors'
import { retryDelay, type ScheduleStatus, setLongTimeout } from '../store'
import type { FleetState } from './protocol'

const HOUR = 3_600_000

/** @internal The schedule as this instance last read it, and the timer that checks whether it is due. */
export class FleetSchedule {
  /** `scheduleHours` of the store: seeds a fleet that has no schedule yet. */
  seedHours: number | undefined
  private interval: number | null = null
  private lastRun: string | null = null
  private nextRun: string | null = null
  /** The `next_run` the timer last fired for, and when: a retry waits for a lease that may still be held. */
  private fired: { next: string; at: number } | null = null
  private stopTimer: (() => void) | undefined

  constructor(private readonly fleet: FleetState) {}

  status(): ScheduleStatus {
    const scheduled = this.interval !== null
    return {
      scheduled,
      interval_hours: this.interval,
      last_run: this.lastRun,
      next_run: scheduled ? this.nextRun : null,
    }
  }

  /** Sets or cancels at once (answered from memory); Redis is written in the background. */
  set(hours: number | null): ScheduleStatus {
    this.interval = hours
    this.nextRun = hours === null ? null : new Date(Date.now() + hours * HOUR).toISOString()
    this.arm()
    this.write().catch((e: unknown) => {
      this.fleet.noteError(e)
      this.fleet.host?.warn(`could not share the schedule through Redis: ${errorText(e)}`)
    })
    return this.status()
  }

  /** Applies the schedule read from Redis (an empty hash: none yet, or Redis lost it). */
  async apply(raw: Record<string, string>): Promise<void> {
    const seed = this.seedHours
    this.seedHours = undefined
    if (raw.interval_hours === undefined && seed !== undefined && this.interval === null) {
      this.set(seed)
      return
    }
    const before = JSON.stringify(this.status())
    this.interval = raw.interval_hours ? Number(raw.interval_hours) : null
    this.lastRun = raw.last_run || null
    this.nextRun = raw.next_run || null
    const status = this.status()
    if (JSON.stringify(status) === before) return
    this.arm()
    this.fleet.host?.scheduleChanged(status)
  }

  /** The interval when a scheduled run is due now, else null (asked under the lease, so only one instance runs it). */
  async due(): Promise<number | null> {
    const [interval, next] = await this.fleet.redis.hmget(this.fleet.keys.schedule, 'interval_hours', 'next_run')
    const hours = Number(interval)
    return hours > 0 && Date.parse(next ?? '') <= Date.now() + 1_000 ? hours : null
  }

  /** Stamps a run; a scheduled one (its interval given, as `due` read it) also moves `next_run` (with backoff after failures). */
  async ran(ok: boolean, interval: number | null): Promise<void> {
    const { redis, keys } = this.fleet
    const now = new Date()
    const fields: Record<string, string> = { last_run: now.toISOString() }
    if (interval !== null) {
      const failures = ok ? 0 : await redis.hincrby(keys.schedule, 'failures', 1)
      const delay = ok ? interval * HOUR : retryDelay(failures, interval * HOUR)
      fields.next_run = new Date(now.getTime() + delay).toISOString()
      if (ok) fields.failures = '0'
    }
    await redis.multi().hset(keys.schedule, fields).publish(keys.events, 'schedule').exec()
  }

  /** Writes this instance's schedule back into a Redis that lost it. */
  async reseed(): Promise<void> {
    if (this.interval === null) return
    const { redis, keys } = this.fleet
    if (await redis.hsetnx(keys.schedule, 'interval_hours', String(this.interval))) {
      await redis.hset(keys.schedule, 'next_run', this.nextRun ?? '', 'last_run', this.lastRun ?? '')
    }
  }

  stop(): void {
    this.stopTimer?.()
    this.stopTimer = undefined
  }

  private async write(): Promise<void> {
    const { redis, keys } = this.fleet
    await redis
      .multi()
      .hset(keys.schedule, 'interval_hours', this.interval ?? '', 'next_run', this.nextRun ?? '')
      .hincrby(keys.schedule, 'revision', 1)
      .publish(keys.events, 'schedule')
      .exec()
  }

  /** Arms the due check; after a run that did not move `next_run` (another instance holds the lease), waits a little. */
  private arm(): void {
    this.stop()
    const next = this.nextRun
    if (this.interval === null || next === null) return
    let at = Date.parse(next)
    if (this.fired?.next === next) {
      at = Math.max(at, this.fired.at + Math.min(this.fleet.settings.leaseMs, this.fleet.settings.reconcileMs))
    }
    const delay = at - Date.now()
    // A little jitter so the fleet's timers do not all hit Redis in the same millisecond.
    this.stopTimer = setLongTimeout(() => this.fire(next), Math.max(0, delay) + Math.random() * 250)
  }

  private fire(next: string): void {
    this.fired = { next, at: Date.now() }
    const host = this.fleet.host
    if (!host) return
    host
      .reload('scheduled')
      .catch(() => undefined)
      .finally(() => {
        this.fleet.requestSync()
        if (this.nextRun === next) this.arm()
      })
  }
}
