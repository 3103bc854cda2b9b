// Catalogue D (schedule) and B7 (permanent errors on a schedule), with fake timers and a scripted fetch.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { ModelCostMap } from '../../src/store/store'
import { syntheticMap } from '../support/fault-server'
import { GOOD } from './harness'

const HOUR = 3_600_000
const MINUTE = 60_000
const body = JSON.stringify(syntheticMap(2000))

let costs: ModelCostMap
/** When each fetch started (fake clock), and what it answers. */
let starts: number[]
let answer: () => Response | Promise<Response>

/** A fetch that records its start and honours the abort signal, like a real one. */
const upstream = ((_input: RequestInfo | URL, init?: RequestInit) => {
  starts.push(Date.now())
  return new Promise<Response>((resolve, reject) => {
    init?.signal?.addEventListener('abort', () => reject(init.signal?.reason), { once: true })
    Promise.resolve(answer()).then(resolve, reject)
  })
}) as typeof fetch

/** Resolves at the next settled reload (sha256 runs outside the fake clock). */
const settled = () => new Promise<void>((resolve) => costs.on('reload', () => resolve()))

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-22T00:00:00Z') })
  starts = []
  answer = () => new Response(body)
  costs = new ModelCostMap({
    autoLoad: false,
    url: 'http://upstream.test/map.json',
    fetch: upstream,
    backup: GOOD,
    retry: { attempts: 1 },
    timeoutMs: 10 * MINUTE,
  })
})
afterEach(async () => {
  costs.dispose()
  if (vi.isFakeTimers()) {
    await vi.advanceTimersByTimeAsync(0) // let an aborted fetch unwind
    expect(vi.getTimerCount(), 'timers left after dispose()').toBe(0)
  }
  vi.useRealTimers()
})

describe('D2 nothing faster than once a minute', () => {
  it.each([0.001, 0.0166, 1 / 3600])('schedule(%s) is refused and the schedule kept', (hours) => {
    costs.schedule(6)
    expect(() => costs.schedule(hours)).toThrow(
      expect.objectContaining({ code: 'INVALID_SCHEDULE', message: 'Hours must be at least 0.0167 (one minute)' }),
    )
    expect(costs.scheduleStatus()).toMatchObject({ scheduled: true, interval_hours: 6 })
  })

  it('one minute is accepted', async () => {
    expect(costs.schedule(1 / 60).scheduled).toBe(true)
    await vi.advanceTimersByTimeAsync(MINUTE)
    expect(starts).toHaveLength(1)
  })
})

describe('D3 an interval past 2^31-1 ms (24.8 days)', () => {
  it('720 h on real timers: no TimeoutOverflowWarning, no early fetch', async () => {
    vi.useRealTimers()
    const warnings: string[] = []
    const onWarning = (w: Error) => warnings.push(w.name)
    process.on('warning', onWarning)
    try {
      costs.schedule(720)
      await new Promise((resolve) => setTimeout(resolve, 100))
      expect(warnings).toEqual([])
      expect(starts).toHaveLength(0)
      expect(Date.parse(costs.scheduleStatus().next_run as string) - Date.now()).toBeGreaterThan(719 * HOUR)
    } finally {
      process.off('warning', onWarning)
    }
  })
})

describe('D4 the same schedule twice', () => {
  it('6 then 6: one timer, the later start wins, one fetch when due', async () => {
    costs.schedule(6)
    await vi.advanceTimersByTimeAsync(HOUR)
    const second = costs.schedule(6)
    expect(vi.getTimerCount()).toBe(1)
    expect(second.next_run).toBe('2026-11-22T07:00:00.000Z')
    await vi.advanceTimersByTimeAsync(5 * HOUR)
    expect(starts).toHaveLength(0)
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(starts).toHaveLength(1)
  })
})

describe('D7 dispose() with a schedule armed and a fetch in flight', () => {
  it('clears the timers, aborts the fetch, emits nothing, keeps the map', async () => {
    answer = () => new Promise<Response>(() => {}) // the upstream never answers
    const events: string[] = []
    for (const e of ['change', 'reload', 'reload_failed', 'schedule'] as const) costs.on(e, () => events.push(e))
    costs.schedule(1)
    await vi.advanceTimersByTimeAsync(HOUR) // the scheduled reload starts and hangs
    expect(starts).toHaveLength(1)
    events.length = 0
    const before = costs.snapshot
    costs.dispose()
    await vi.advanceTimersByTimeAsync(0) // let the aborted fetch unwind
    expect(vi.getTimerCount()).toBe(0) // the schedule and the fetch deadline are gone
    await vi.advanceTimersByTimeAsync(24 * HOUR)
    expect(starts).toHaveLength(1)
    expect(events).toEqual([])
    expect(costs.snapshot).toBe(before)
    expect(costs.scheduleStatus().scheduled).toBe(false)
  })
})

describe('D9 a wall-clock jump', () => {
  it('moves nothing: timers run on the monotonic clock', async () => {
    costs.schedule(1)
    vi.setSystemTime(new Date('2026-12-25T00:00:00Z')) // a month forward
    await vi.advanceTimersByTimeAsync(0)
    expect(starts).toHaveLength(0)
    vi.setSystemTime(new Date('2026-11-01T00:00:00Z')) // three weeks back
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(starts).toHaveLength(1)
  })
})

describe('D10 a fetch slower than the interval', () => {
  it('never overlaps: the next run is one interval after the slow one finished', async () => {
    let release = () => {}
    answer = () =>
      new Promise<Response>((resolve) => {
        release = () => resolve(new Response(body))
      })
    costs.schedule(1 / 60)
    await vi.advanceTimersByTimeAsync(MINUTE)
    expect(starts).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(5 * MINUTE) // five intervals pass while it runs
    expect(starts).toHaveLength(1)
    answer = () => new Response(body)
    const done = settled()
    release()
    await done
    const finished = Date.now()
    await vi.advanceTimersByTimeAsync(MINUTE - 1000)
    expect(starts).toHaveLength(1)
    await vi.advanceTimersByTimeAsync(1000)
    expect(starts).toEqual([expect.any(Number), finished + MINUTE])
  })
})

describe('B7 a permanent error (401/403) on a schedule', () => {
  it.each([401, 403])('HTTP %i: backoff between runs up to the interval, never a tight loop', async (status) => {
    answer = () => new Response('denied', { status })
    const before = costs.snapshot
    costs.schedule(6)
    await vi.advanceTimersByTimeAsync(24 * HOUR)
    // First run at 6 h, then 1, 4, 16, 64, 256 minutes, then every 6 h (the interval caps the backoff).
    const gaps = starts.slice(1).map((t, i) => (t - (starts[i] as number)) / MINUTE)
    expect(gaps.slice(0, 5)).toEqual([1, 4, 16, 64, 256])
    expect(gaps.slice(5).every((g) => g === 360)).toBe(true)
    expect(starts.length).toBeLessThanOrEqual(10)
    expect(costs.snapshot).toBe(before)
  })
})
