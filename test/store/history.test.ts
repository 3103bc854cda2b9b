import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelCostMap } from '../../src/store/store'
import { historyFiles, readText } from '../support/data'
import { startServer, syntheticMap, type TestServer } from '../support/server'

const META = new Set(['sample_spec', 'fallback_generalizations', 'last_updated'])

/** Models of a raw file as canonical JSON (sorted keys), computed without any costmap code. */
function models(text: string): Map<string, string> {
  const canonical = (v: unknown): unknown =>
    Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(
            Object.keys(v)
              .sort()
              .map((k) => [k, canonical((v as Record<string, unknown>)[k])]),
          )
        : v
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(JSON.parse(text) as Record<string, unknown>)) {
    if (!META.has(k) && v && typeof v === 'object') out.set(k, JSON.stringify(canonical(v)))
  }
  return out
}

describe('replaying the 23 real versions (2025-02 .. 2026-07) through one store', () => {
  let server: TestServer
  let body = ''
  beforeAll(async () => {
    server = await startServer(() => ({ body }))
  })
  afterAll(() => server.close())

  it('reports exactly the new, removed and changed models of each step', async () => {
    const files = historyFiles()
    expect(files).toHaveLength(23)
    body = readText(files[0]!)
    // The oldest version is the backup, so every later one passes the shrink check against it.
    const costs = new ModelCostMap({ url: server.url, backup: body, timeoutMs: 10_000 })
    await costs.ready
    let previous = models(body)
    let version = costs.snapshot.version
    for (const file of files.slice(1)) {
      body = readText(file)
      const result = await costs.reload()
      const next = models(body)
      const expected = {
        new_models: [...next.keys()].filter((k) => !previous.has(k)).sort(),
        removed_models: [...previous.keys()].filter((k) => !next.has(k)).sort(),
        changed_models: [...next.keys()].filter((k) => previous.has(k) && previous.get(k) !== next.get(k)).sort(),
      }
      expect(result.status, file).toBe('success')
      expect(
        {
          new_models: [...result.new_models].sort(),
          removed_models: [...result.removed_models].sort(),
          changed_models: [...result.changed_models].sort(),
        },
        file,
      ).toEqual(expected)
      expect(result.models_count).toBe(next.size)
      expect(costs.snapshot.version).toBeGreaterThan(version)
      version = costs.snapshot.version
      previous = next
    }
    costs.dispose()
  }, 60_000)
})

describe('property: interleaved reloads, cost calls and schedule changes', () => {
  // Two maps with the same models: in A every price is 1e-6/2e-6, in B 3e-6/7e-6. A cost from a mixed
  // snapshot would pair A's input price with B's output price.
  const mapA = JSON.stringify(syntheticMap(120))
  const mapB = JSON.stringify(
    Object.fromEntries(
      Object.entries(syntheticMap(120)).map(([k, v]) => [
        k,
        { ...(v as object), input_cost_per_token: 3e-6, output_cost_per_token: 7e-6 },
      ]),
    ),
  )
  let server: TestServer
  let which = 'A'
  beforeAll(async () => {
    server = await startServer(() => ({ body: which === 'A' ? mapA : mapB, delayMs: 2 }))
  })
  afterAll(() => server.close())

  it('never exposes a mixed snapshot and the version never goes backwards', async () => {
    const op = fc.oneof(
      fc.constantFrom('A', 'B').map((m) => ({ kind: 'reload' as const, map: m })),
      fc.nat({ max: 119 }).map((i) => ({ kind: 'cost' as const, model: `model-${i}` })),
      fc.double({ min: 1 / 60, max: 8760, noNaN: true }).map((h) => ({ kind: 'schedule' as const, hours: h })),
      fc.constant({ kind: 'cancel' as const }),
    )
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 25 }), async (ops) => {
        const costs = new ModelCostMap({
          url: server.url,
          backup: mapA,
          autoLoad: false,
          minModelCount: 1,
          maxShrinkRatio: 0,
          timeoutMs: 5000,
        })
        const pending: Array<Promise<unknown>> = []
        let lastVersion = costs.snapshot.version
        const check = () => {
          expect(costs.snapshot.version).toBeGreaterThanOrEqual(lastVersion)
          lastVersion = costs.snapshot.version
        }
        try {
          for (const o of ops) {
            if (o.kind === 'reload') {
              which = o.map
              pending.push(costs.reload().then(check)) // not awaited: costs are computed while it runs
            } else if (o.kind === 'cost') {
              const snap = costs.snapshot
              const r = costs.completionCost({
                model: o.model,
                usage: { prompt_tokens: 1000, completion_tokens: 1000 },
              })
              const pair = [r.promptCost, r.completionCost].map((x) => Math.round(x * 1e6) / 1e6)
              expect([
                [0.001, 0.002],
                [0.003, 0.007],
              ]).toContainEqual(pair)
              expect(r.sha256).toBe(snap.sha256)
            } else if (o.kind === 'schedule') costs.schedule(o.hours)
            else costs.cancelSchedule()
            check()
            await new Promise((r) => setImmediate(r))
          }
          await Promise.all(pending)
          check()
        } finally {
          costs.dispose()
        }
      }),
      { numRuns: Number(process.env.COSTMAP_FUZZ_RUNS_STORE ?? 40) },
    )
  }, 120_000)
})
