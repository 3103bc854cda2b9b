// The sync log, readiness and the fixes of issue 16 on the store: what each attempt records, an identical
// first fetch, last_error clearing, the failed log line's error, and no failure reported after dispose().
import { createHash } from 'node:crypto'
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { CostMapError } from '../../src/errors'
import { ModelCostMap } from '../../src/store/store'
import { failureReason, SyncLog } from '../../src/store/syncs'
import type { ModelCostMapOptions, SyncRecord } from '../../src/store/types'
import { MAIN_MAP, readText } from '../support/data'
import { type Reply, startServer } from '../support/server'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')
const FAST = { retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 }, timeoutMs: 2000 }
const cleanup: Array<() => unknown> = []
afterEach(async () => {
  vi.useRealTimers()
  for (const f of cleanup.splice(0).reverse()) await f()
})

let main = ''
/** The real map with gpt-4o's input price doubled and one model added (a 2x move passes the default guard). */
let changed = ''
beforeAll(() => {
  main = readText(MAIN_MAP)
  const map = JSON.parse(main) as Record<string, Record<string, unknown>>
  map['gpt-4o'] = { ...map['gpt-4o'], input_cost_per_token: 5e-6 }
  map['my-new-model'] = {
    litellm_provider: 'openai',
    mode: 'chat',
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
  }
  changed = JSON.stringify(map)
})

async function setup(first: Reply, options: ModelCostMapOptions = {}) {
  let reply = first
  const server = await startServer(() => reply)
  const info = vi.fn()
  const warn = vi.fn()
  const costs = new ModelCostMap({ url: `${server.url}/map.json`, ...FAST, logger: { info, warn }, ...options })
  cleanup.push(
    () => server.close(),
    () => costs.dispose(),
  )
  return { costs, info, warn, set: (r: Reply) => (reply = r) }
}

describe('sync log', () => {
  it('records a failed, an unchanged and a changed sync, newest first, with counts and the rate', async () => {
    const { costs, info, set } = await setup({ status: 503, body: 'down' })
    await costs.ready
    set({ body: main })
    const unchanged = await costs.reload()
    set({ body: changed })
    const success = await costs.reload()

    expect(unchanged).toMatchObject({ status: 'unchanged', error: null, price_changes: [] })
    expect(success).toMatchObject({
      status: 'success',
      new_models: ['my-new-model'],
      changed_models: ['gpt-4o'],
      pricing_changes: 1,
      price_changes: [{ model: 'gpt-4o', field: 'input_cost_per_token', old: 2.5e-6, new: 5e-6 }],
      price_changes_truncated: false,
    })
    const { data, counts, success_rate } = costs.syncs()
    expect(counts).toEqual({ success: 1, unchanged: 1, failed: 1 })
    expect(success_rate).toBeCloseTo(2 / 3, 12)
    expect(data.map((r) => [r.trigger, r.status, r.reason])).toEqual([
      ['manual', 'success', null],
      ['manual', 'unchanged', null],
      ['startup', 'failed', 'http'],
    ])
    const [last, , first] = data as [SyncRecord, SyncRecord, SyncRecord]
    expect(last).toMatchObject({ sha256: sha(changed), new_models: 1, pricing_changes: 1, error: null })
    expect(last.models_count).toBe(success.models_count)
    expect(first.error).toMatch(/503/)
    expect(data.every((r) => Number.isInteger(r.duration_ms) && r.duration_ms >= 0)).toBe(true)
    expect(costs.lastSyncs()).toEqual({ last_success: last.timestamp, last_failure: first.timestamp })
    // The failed sync's log line says why.
    const lines = info.mock.calls.map((c) => c[0] as Record<string, unknown>)
    expect(lines.map((l) => [l.status, typeof l.error])).toEqual([
      ['failed', 'string'],
      ['unchanged', 'object'],
      ['success', 'object'],
    ])
    expect(String(lines[0]?.error)).toMatch(/503/)
  })

  it('keeps the last 100 attempts and counts all of them', () => {
    const log = new SyncLog()
    for (let i = 0; i < 130; i++) {
      log.add({
        timestamp: new Date(i * 1000).toISOString(),
        trigger: 'schedule',
        status: i % 10 === 0 ? 'failed' : 'unchanged',
        error: null,
        reason: null,
        duration_ms: 1,
        sha256: '',
        models_count: 0,
        new_models: 0,
        pricing_changes: 0,
      })
    }
    const summary = log.summary()
    expect(summary.data).toHaveLength(100)
    expect(summary.data[0]?.timestamp).toBe(new Date(129_000).toISOString())
    expect(summary.counts).toEqual({ success: 0, unchanged: 117, failed: 13 })
    expect(summary.success_rate).toBeCloseTo(117 / 130, 12)
  })

  it('caps price_changes at 100 and says so', async () => {
    const map = JSON.parse(main) as Record<string, Record<string, unknown>>
    let moved = 0
    for (const entry of Object.values(map)) {
      if (moved < 150 && typeof entry.input_cost_per_token === 'number' && entry.input_cost_per_token > 0) {
        entry.input_cost_per_token *= 1.5
        moved++
      }
    }
    const { costs } = await setup({ body: JSON.stringify(map) }, { autoLoad: false })
    const r = await costs.reload()
    expect(r.pricing_changes).toBe(150)
    expect(r.price_changes).toHaveLength(100)
    expect(r.price_changes_truncated).toBe(true)
  })

  it.each([
    ['HTTP_STATUS', 'x', 'http'],
    ['TIMEOUT', 'x', 'timeout'],
    ['FETCH_FAILED', 'x', 'fetch'],
    ['INVALID_JSON', 'x', 'parse'],
    ['BODY_TOO_LARGE', 'x', 'parse'],
    ['INTEGRITY_FAILED', 'only 3 models', 'integrity'],
    ['INTEGRITY_FAILED', 'held back by priceChangeGuard: gpt-4o input x100', 'price_guard'],
  ] as const)('a %s error (%s) is a %s failure', (code, message, reason) => {
    expect(failureReason(new CostMapError(code, message))).toBe(reason)
  })
})

describe('fixes', () => {
  it('an identical first fetch is unchanged (and the map now comes from the remote source)', async () => {
    const { costs, info } = await setup({ body: main })
    const changes = vi.fn()
    costs.on('change', changes)
    await costs.ready
    expect(costs.source()).toMatchObject({ source: 'remote', sha256: sha(main) })
    expect(costs.syncs().data[0]).toMatchObject({ trigger: 'startup', status: 'unchanged' })
    expect(info.mock.calls[0]?.[0]).toMatchObject({ status: 'unchanged' })
    expect(changes).not.toHaveBeenCalled()
  })

  it('last_error clears on the next good fetch, an unchanged one too', async () => {
    const { costs, set } = await setup({ body: main })
    await costs.ready
    set({ status: 500, body: 'oops' })
    await costs.reload()
    expect(costs.source().last_error).toMatch(/500/)
    set({ body: main })
    expect((await costs.reload()).status).toBe('unchanged')
    expect(costs.source().last_error).toBeNull()
  })

  it('a store disposed during its first fetch reports no failure', async () => {
    const { costs, info, warn } = await setup({ hang: true })
    await new Promise((r) => setTimeout(r, 50))
    costs.dispose()
    await costs.ready
    expect(warn).not.toHaveBeenCalled()
    expect(info).not.toHaveBeenCalled()
  })
})

describe('readiness', () => {
  it('is degraded on the backup after a failed fetch, healthy once a fetch succeeds', async () => {
    const { costs, set } = await setup({ status: 503, body: 'down' })
    await costs.ready
    const degraded = costs.readiness()
    expect(degraded).toMatchObject({ status: 'degraded', map: { source: 'local' }, last_success: null })
    expect(degraded.map.fallback_reason).toMatch(/503/)
    expect(degraded.reasons.join()).toMatch(/last sync failed/)
    set({ body: changed })
    await costs.reload()
    expect(costs.readiness()).toMatchObject({
      status: 'healthy',
      reasons: [],
      map: { source: 'remote', sha256: sha(changed), fallback_reason: null },
    })
  })

  it('is degraded when the last good sync is older than twice the schedule', async () => {
    const { costs } = await setup({ body: main }, { scheduleHours: 1 })
    await costs.ready
    const at = Date.now()
    expect(costs.readiness(at + 1.9 * 3_600_000).status).toBe('healthy')
    const late = costs.readiness(at + 2.1 * 3_600_000)
    expect(late.status).toBe('degraded')
    expect(late.reasons.join()).toMatch(/twice the schedule/)
    expect(late.map.age_seconds).toBeGreaterThanOrEqual(2.1 * 3600 - 5)
  })
})
