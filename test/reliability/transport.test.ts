// Catalogue A (transport): every failure keeps the active map, says why, and leaves no socket or timer.
import { describe, expect, it } from 'vitest'
import type { CostMapErrorCode } from '../../src/errors'
import { fetchText, type TransportOptions } from '../../src/load/transport'
import { blackholeFetch, faults, type Reply, startTlsServer } from '../support/fault-server'
import { armed, FAST, GOOD, onCleanup, serve } from './harness'

/** The code `fetchText` fails with. */
async function codeOf(url: string, options: TransportOptions = FAST): Promise<CostMapErrorCode | undefined> {
  const error = await fetchText(url, options).then(
    () => undefined,
    (e: { code?: CostMapErrorCode }) => e,
  )
  return error?.code
}

async function closedPort(): Promise<string> {
  const server = await serve({ body: '' })
  await server.close()
  return server.url
}

describe('A1–A2 the upstream cannot be reached: network error, retried with backoff, map kept', () => {
  it.each([
    ['A1 DNS failure (*.invalid)', async () => 'http://costmap-upstream.invalid/map.json', /ENOTFOUND|EAI_AGAIN/],
    ['A2 connection refused (closed port)', closedPort, /ECONNREFUSED/],
  ])('%s', async (_name, target, detail) => {
    const url = await target()
    const { reloadFault, reroute, calls } = await armed()
    reroute(url)
    const before = calls()
    const result = await reloadFault({})
    expect(result.error).toMatch(detail)
    expect(calls() - before).toBe(3) // three attempts, then the map is kept
    expect(await codeOf(url)).toBe('FETCH_FAILED')
  })
})

describe('A3–A5 the upstream is too slow: the one deadline ends it and tears the connection down', () => {
  it('A3 blackholed address: the connection never completes, the deadline aborts it', async () => {
    const blackhole = await blackholeFetch()
    const { reloadFault, reroute } = await armed({ timeoutMs: 300 })
    reroute(blackhole.fetch)
    const started = Date.now()
    const result = await reloadFault({})
    expect(Date.now() - started).toBeLessThan(3000)
    expect(result.error).toMatch(/no complete response from .* within 300 ms$/)
    expect(blackhole.attempts()).toBe(1) // no retry can start after the deadline
    expect(await codeOf('http://192.0.2.1/map.json', { ...FAST, timeoutMs: 100, fetch: blackhole.fetch })).toBe(
      'TIMEOUT',
    )
  })

  it.each<[string, Reply]>([
    ['A4 the server accepts but never sends headers', { hang: true }],
    ['A5 slow-loris body: a byte every 30 ms, never idle for long', { body: GOOD, trickle: { bytes: 1, everyMs: 30 } }],
  ])('%s', async (_name, reply) => {
    const { server, reloadFault } = await armed({ timeoutMs: 400 })
    const started = Date.now()
    const result = await reloadFault(reply)
    expect(Date.now() - started).toBeLessThan(4000)
    expect(result.error).toMatch(/no complete response from .* within 400 ms$/)
    expect(await codeOf(server.url, { ...FAST, timeoutMs: 200 })).toBe('TIMEOUT')
    // The client hung up: the server is not left writing to a socket nobody reads.
    await expect.poll(() => server.activeResponses(), { timeout: 2000 }).toBe(0)
  })
})

describe('A6–A7 the body is cut short: partial text is never parsed', () => {
  it.each<[string, Reply]>([
    ['A6 connection reset halfway through the body', { body: GOOD, resetAfterBytes: GOOD.length / 2 }],
    ['A7 Content-Length larger than the bytes sent, then a clean close', faults.shortBody(GOOD.slice(0, 1000), 5000)],
  ])('%s', async (_name, reply) => {
    const { server, reloadFault } = await armed()
    const result = await reloadFault(reply)
    expect(result.error).toMatch(/^could not fetch /)
    expect(result.error).not.toMatch(/JSON/)
    expect(await codeOf(server.url)).toBe('FETCH_FAILED')
    await expect.poll(() => server.activeResponses(), { timeout: 2000 }).toBe(0)
  })
})

describe('A8 TLS failure', () => {
  it('a self-signed certificate is refused: no request is sent, nothing is trusted on the side', async () => {
    const tls = await startTlsServer({ body: GOOD })
    onCleanup(() => tls.close())
    const url = tls.url.replace('http:', 'https:')
    const { reloadFault, reroute } = await armed()
    reroute(url)
    const result = await reloadFault({})
    expect(result.error).toMatch(/SELF_SIGNED_CERT/)
    expect(await codeOf(url)).toBe('FETCH_FAILED')
    expect(tls.connections()).toBe(0) // no handshake ever completed
    expect(tls.requests).toHaveLength(0)
    expect(process.env.NODE_TLS_REJECT_UNAUTHORIZED).toBeUndefined()
  })
})

describe('dispose() during a retry wait', () => {
  // The wait is 1 s (Retry-After) or 2 s (backoff, base 1 s): long enough that a retry scheduled before the
  // dispose would reach the server within the second wait below.
  it.each<[string, Reply, TransportOptions['retry']]>([
    ['a Retry-After wait', { status: 429, headers: { 'retry-after': '1' } }, { attempts: 3, baseDelayMs: 5 }],
    ['a backoff wait', { status: 503 }, { attempts: 3, baseDelayMs: 1000, maxDelayMs: 2000 }],
  ])('%s: no further request reaches the server, the reload settles at once', async (_name, reply, retry) => {
    const { costs, server, set } = await armed({ retry, timeoutMs: 10_000 })
    set(reply)
    const before = server.requests.length
    const reload = costs.reload()
    await expect.poll(() => server.requests.length).toBe(before + 1)
    const disposed = Date.now()
    costs.dispose()
    const result = await reload
    expect(Date.now() - disposed).toBeLessThan(500)
    expect(result).toMatchObject({ status: 'failed', error: expect.stringMatching(/was cancelled$/) })
    await new Promise((resolve) => setTimeout(resolve, 2500))
    expect(server.requests.length).toBe(before + 1)
  })
})

describe('a signal that is already aborted', () => {
  it('sends nothing: the call fails as cancelled and the server sees no request', async () => {
    const server = await serve({ body: GOOD })
    await expect(fetchText(server.url, { ...FAST, signal: AbortSignal.abort() })).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message: expect.stringMatching(/was cancelled$/),
    })
    expect(server.requests).toHaveLength(0)
    expect(server.connections()).toBe(0)
  })
})
