// Resource bounds: bodies far over the cap (B15, B16), 1,000 concurrent route calls, a 10,000-reload burst.
import { createServer } from 'node:http'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import { describe, expect, it } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { fetchText } from '../../src/load/transport'
import { ModelCostMap } from '../../src/store/store'
import { admin, listenOn } from '../routes/fixtures'
import { faults } from '../support/fault-server'
import { armed, FAST, GOOD, onCleanup, serve } from './harness'

const MB = 1024 * 1024
const CAP = 32 * MB

/** V8's collector, so garbage left by earlier tests does not count as growth. */
v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

/** Samples heap plus ArrayBuffer memory while `work` runs; returns the peak growth in bytes. */
async function peakGrowth(work: () => Promise<unknown>): Promise<number> {
  const used = () => {
    const m = process.memoryUsage()
    return m.heapUsed + m.arrayBuffers
  }
  gc()
  const base = used()
  let peak = base
  const sampler = setInterval(() => {
    peak = Math.max(peak, used())
  }, 5)
  try {
    await work()
  } finally {
    clearInterval(sampler)
  }
  return Math.max(peak, used()) - base
}

describe('bodies over the cap are cut off while streaming, without buffering them', () => {
  it('B15 a 200 MB chunked body stops at the 32 MB cap', async () => {
    const { server, reloadFault } = await armed({ timeoutMs: 15_000 })
    let result: Awaited<ReturnType<typeof reloadFault>> | undefined
    const growth = await peakGrowth(async () => {
      result = await reloadFault(faults.endless(200 * MB))
    })
    expect(result?.error).toBe(`response body exceeds the ${CAP}-byte limit`)
    await expect.poll(() => server.activeResponses(), { timeout: 2000 }).toBe(0)
    // The server stopped soon after the cap (socket buffers hold a few MB), far from 200 MB…
    expect(server.bodyBytes().produced).toBeLessThan(CAP + 16 * MB)
    // …and the process held about the cap, not the body.
    expect(growth).toBeLessThan(100 * MB)
  })

  it('B16 a gzip bomb (1 GB decoded, 1 MB on the wire) is cut off on the decoded byte count', async () => {
    const server = await serve(faults.gzipBomb(1024 * MB))
    let error: unknown
    const growth = await peakGrowth(async () => {
      error = await fetchText(server.url, { ...FAST, timeoutMs: 15_000 }).catch((e: unknown) => e)
    })
    expect(error).toMatchObject({ code: 'BODY_TOO_LARGE', message: `response body exceeds the ${CAP}-byte limit` })
    await expect.poll(() => server.activeResponses(), { timeout: 2000 }).toBe(0)
    const { produced, sent } = server.bodyBytes()
    expect(sent).toBeLessThan(CAP) // a count of wire bytes would never have tripped…
    expect(produced).toBeGreaterThan(CAP) // …the decoded count did…
    expect(produced).toBeLessThan(512 * MB) // …and the client stopped reading long before the end
    expect(growth).toBeLessThan(100 * MB)
  })
})

describe('load on the routes and on reload', () => {
  it('1,000 concurrent GET /model/info on a real server all answer', async () => {
    const costs = new ModelCostMap({ autoLoad: false })
    onCleanup(() => costs.dispose())
    const modelList = ['gpt-4o', 'claude-sonnet-4-5', 'gemini/gemini-2.5-pro'].map((model) => ({
      model_name: model,
      litellm_params: { model, api_key: 'sk-upstream-secret' },
    }))
    const server = await listenOn(
      createServer(toNodeListener(createCostMapHandler(costs, { masterKey: 'sk-master-key-1234', modelList }))),
    )
    onCleanup(() => server.close())
    const responses = await Promise.all(
      Array.from({ length: 1000 }, async () => {
        const res = await fetch(`${server.url}/model/info`, { headers: admin })
        return { status: res.status, count: ((await res.json()) as { data: unknown[] }).data.length }
      }),
    )
    expect(responses.filter((r) => r.status === 200 && r.count === 3)).toHaveLength(1000)
  })

  it('10,000 reloads requested in a burst: never more than one fetch at a time', async () => {
    const server = await serve((_req, i) => ({ body: GOOD, delayMs: 20, headers: { etag: `"${i}"` } }))
    const costs = new ModelCostMap({ url: server.url, autoLoad: false, ...FAST })
    onCleanup(() => costs.dispose())
    const pending: Array<Promise<unknown>> = []
    for (let i = 0; i < 10_000; i++) {
      pending.push(costs.reload())
      if (i % 1000 === 999) await new Promise((resolve) => setTimeout(resolve, 10)) // spread over ~100 ms
    }
    const results = (await Promise.all(pending)) as Array<{ status: string }>
    expect(results.every((r) => r.status === 'success' || r.status === 'unchanged')).toBe(true)
    expect(server.maxConcurrent()).toBe(1)
    expect(server.requests.length).toBeGreaterThanOrEqual(1)
    expect(server.requests.length).toBeLessThanOrEqual(10) // each fetch serves every call made while it ran
  })
})
