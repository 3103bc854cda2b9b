// Schedule behaviour with fake timers and an injected fetch (the HTTP path is covered in store.test.ts).
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { checkHours } from '../../src/store/scheduler'
import { ModelCostMap } from '../../src/store/store'
import { syntheticMap } from '../support/server'

const HOUR = 3_600_000
let calls = 0
let failing = false
let gate: Promise<void> | null = null
let costs: ModelCostMap
const body = JSON.stringify(syntheticMap(3000))
const fetchStub = (async () => {
  calls++
  if (gate) await gate
  return failing ? new Response('down', { status: 503 }) : new Response(body, { status: 200 })
}) as typeof fetch

/** Resolves at the next settled reload (sha256 runs on a worker thread, outside the fake clock). */
const settled = () => new Promise<void>((resolve) => costs.on('reload', () => resolve()))

beforeEach(() => {
  vi.useFakeTimers({ now: new Date('2026-11-22T00:00:00Z') })
  calls = 0
  failing = false
  costs = new ModelCostMap({
    autoLoad: false,
    url: 'http://upstream.test/map.json',
    fetch: fetchStub,
    retry: { attempts: 1 },
  })
})
afterEach(() => {
  costs.dispose()
  vi.useRealTimers()
})

describe('schedule(hours)', () => {
  it.each([
    [0.5, '2026-11-22T00:30:00.000Z'],
    [6, '2026-11-22T06:00:00.000Z'],
    [720, '2026-12-22T00:00:00.000Z'],
    [8760, '2027-11-22T00:00:00.000Z'],
  ])('%s hours: status, then exactly one reload when due', async (hours, nextRun) => {
    expect(costs.schedule(hours)).toEqual({ scheduled: true, interval_hours: hours, last_run: null, next_run: nextRun })
    await vi.advanceTimersByTimeAsync(hours * HOUR - 1000)
    expect(calls).toBe(0)
    const done = settled()
    await vi.advanceTimersByTimeAsync(1000)
    expect(calls).toBe(1)
    await done
    await vi.advanceTimersByTimeAsync(0) // let the scheduler re-arm after the reload settled
    const status = costs.scheduleStatus()
    expect(status.last_run).toBe(nextRun)
    expect(Date.parse(status.next_run!)).toBe(Date.parse(nextRun) + hours * HOUR)
  })

  it('720 h (over 2^31-1 ms) does not fire early', async () => {
    costs.schedule(720)
    await vi.advanceTimersByTimeAsync(25 * 24 * HOUR)
    expect(calls).toBe(0)
  })

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 8761, Number.MAX_VALUE * 10, '6h', 'abc', '', null, undefined])(
    'refuses %s and keeps the existing schedule',
    (hours) => {
      costs.schedule(6)
      expect(() => costs.schedule(hours as number)).toThrow(expect.objectContaining({ code: 'INVALID_SCHEDULE' }))
      expect(costs.scheduleStatus()).toMatchObject({ scheduled: true, interval_hours: 6 })
    },
  )

  it('accepts numeric strings the way the route passes them', () => {
    expect(checkHours('1.5')).toBe(1.5)
  })

  it('a second schedule replaces the first: one timer, the latest interval', async () => {
    costs.schedule(6)
    costs.schedule(12)
    expect(vi.getTimerCount()).toBe(1)
    await vi.advanceTimersByTimeAsync(6 * HOUR)
    expect(calls).toBe(0)
    await vi.advanceTimersByTimeAsync(6 * HOUR)
    expect(calls).toBe(1)
  })

  it('cancel stops it; the old time passes with no fetch; cancelling twice is fine', async () => {
    costs.schedule(1)
    expect(costs.cancelSchedule()).toEqual({ scheduled: false, interval_hours: null, last_run: null, next_run: null })
    expect(costs.cancelSchedule().scheduled).toBe(false)
    await vi.advanceTimersByTimeAsync(3 * HOUR)
    expect(calls).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('emits schedule events', () => {
    const seen: unknown[] = []
    costs.on('schedule', (s) => seen.push(s.scheduled))
    costs.schedule(2)
    costs.cancelSchedule()
    expect(seen).toEqual([true, false])
  })

  it('backs off while the upstream keeps failing, never later than the interval', async () => {
    failing = true
    costs.schedule(1)
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(calls).toBe(1)
    await vi.advanceTimersByTimeAsync(60_000) // 1 min
    expect(calls).toBe(2)
    await vi.advanceTimersByTimeAsync(4 * 60_000) // 4 min
    expect(calls).toBe(3)
    await vi.advanceTimersByTimeAsync(16 * 60_000) // 16 min
    expect(calls).toBe(4)
    await vi.advanceTimersByTimeAsync(59 * 60_000) // capped at the 1 h interval, not 64 min
    expect(calls).toBe(4)
    await vi.advanceTimersByTimeAsync(60_000)
    expect(calls).toBe(5)
    failing = false
    const recovered = settled()
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(calls).toBe(6)
    await recovered
    await vi.advanceTimersByTimeAsync(HOUR)
    expect(calls).toBe(7)
  })

  it('a scheduled run while a manual reload is in flight shares the same fetch', async () => {
    let open = () => {}
    gate = new Promise<void>((resolve) => {
      open = resolve
    })
    costs.schedule(1)
    await vi.advanceTimersByTimeAsync(HOUR - 1)
    const manual = costs.reload() // its fetch is held open by the gate
    await vi.advanceTimersByTimeAsync(1) // the scheduled run fires now
    open()
    gate = null
    await manual
    expect(calls).toBe(1)
  })
})

describe('dispose()', () => {
  it('leaves no timer behind and refuses later reloads', async () => {
    costs.schedule(6)
    costs.on('reload', () => {})
    costs.dispose()
    expect(vi.getTimerCount()).toBe(0)
    await expect(costs.reload()).rejects.toMatchObject({ code: 'DISPOSED' })
  })

  it('a scheduled store does not keep the process alive (timers are unref-ed)', () => {
    vi.useRealTimers()
    const real = new ModelCostMap({ autoLoad: false, fetch: fetchStub })
    real.schedule(1)
    const handles = (
      process as unknown as { _getActiveHandles(): Array<{ hasRef?: () => boolean }> }
    )._getActiveHandles()
    expect(handles.filter((h) => h.constructor?.name === 'Timeout' && h.hasRef?.())).toHaveLength(0)
    real.dispose()
  })
})
