// Catalogue B (HTTP semantics): conditional requests, retries, permanent errors, redirects, size limits.
import { describe, expect, it, vi } from 'vitest'
import { fetchText } from '../../src/load/transport'
import { MAIN_MAP, readText } from '../support/data'
import { faults, syntheticMap } from '../support/fault-server'
import { armed, FAST, GOOD, serve, sha } from './harness'

/** Another valid map (prices differ), for the cases that must succeed. */
const NEXT = JSON.stringify(
  Object.fromEntries(
    Object.entries(syntheticMap(1500)).map(([k, v]) => [k, { ...(v as object), input_cost_per_token: 3e-6 }]),
  ),
)

describe('B4 ETags follow the upstream', () => {
  it('a 200 without an ETag clears the stored one, so the next request is unconditional', async () => {
    const { costs, server, set } = await armed()
    expect(costs.source().etag).toBe('"good"')
    set({ body: GOOD }) // the same bytes, no ETag
    expect((await costs.reload()).status).toBe('unchanged')
    expect(costs.source().etag).toBeNull()
    set({ body: NEXT }) // new bytes, no ETag
    expect((await costs.reload()).status).toBe('success')
    expect(server.requests.map((r) => r.headers['if-none-match'] ?? null)).toEqual([null, '"good"', null])
    expect(costs.source()).toMatchObject({ etag: null, sha256: sha(NEXT) })
  })
})

describe('B5, B7, B8 error statuses: 5xx retried, 4xx not, the map kept either way', () => {
  it.each<[number, number]>([
    [500, 3],
    [502, 3],
    [503, 3],
    [504, 3],
    [401, 1],
    [403, 1],
    [404, 1],
    [410, 1],
  ])('HTTP %i: %i request(s), then the active map is kept with a warning', async (status, requests) => {
    const warn = vi.fn()
    const { server, reloadFault } = await armed({ logger: { warn } })
    const before = server.requests.length
    const result = await reloadFault({ status, body: `<html>error page ${status}</html>` })
    expect(server.requests.length - before).toBe(requests)
    expect(result.error).toMatch(new RegExp(`^HTTP ${status} from `)) // the status code is recorded…
    expect(result.error).not.toMatch(/error page/) // …the upstream's page is not
    expect(warn.mock.calls.at(-1)?.[0]).toMatch(`reload failed, current pricing data was kept: HTTP ${status}`)
    await expect(fetchText(server.url, FAST)).rejects.toMatchObject({ code: 'HTTP_STATUS', status })
  })
})

describe('B9–B11 redirects: followed within the origin only, at most 3 hops', () => {
  it('B9 redirects to other paths of the same origin are followed', async () => {
    const { costs, server, set } = await armed()
    set((req) => {
      if (req.url === '/map.json') return faults.redirect('/v2/map.json', 301)
      if (req.url === '/v2/map.json') return faults.redirect(`${server.url}/v3/map.json`, 308)
      return { file: MAIN_MAP } // the real March 2026 map, streamed from its file
    })
    expect((await costs.reload()).status).toBe('success')
    expect(costs.snapshot.sha256).toBe(sha(readText(MAIN_MAP)))
    expect(server.requests.slice(-3).map((r) => r.url)).toEqual(['/map.json', '/v2/map.json', '/v3/map.json'])
  })

  it('B10 a redirect to another port, host or scheme is refused before connecting', async () => {
    const trap = await serve({ body: NEXT })
    const { reloadFault } = await armed()
    const targets = [
      `${trap.url}/map.json`, // another port of the same host
      'http://169.254.169.254/latest/meta-data/',
      'http://localhost/map.json',
      'file:///etc/passwd',
      'data:application/json,{}',
      'ftp://127.0.0.1/map.json',
    ]
    for (const location of targets) {
      const result = await reloadFault(faults.redirect(location))
      expect(result.error, location).toMatch(
        /^refused a redirect from .* only redirects within http:\/\/127\.0\.0\.1:\d+ are/,
      )
    }
    expect(trap.connections()).toBe(0)
  })

  it('B10 an https to http downgrade is refused (the scheme is part of the origin)', async () => {
    const seen: string[] = []
    const upstream = (async (input: RequestInfo | URL) => {
      seen.push(String(input))
      return new Response(null, { status: 302, headers: { location: 'http://upstream.example/map.json' } })
    }) as typeof fetch
    await expect(fetchText('https://upstream.example/map.json', { ...FAST, fetch: upstream })).rejects.toMatchObject({
      code: 'FETCH_FAILED',
      message: expect.stringMatching(/^refused a redirect .* to http:\/\/upstream\.example/),
    })
    expect(seen).toEqual(['https://upstream.example/map.json'])
  })

  it('B11 a redirect loop stops after 3 hops', async () => {
    const { server, reloadFault } = await armed()
    const before = server.requests.length
    const result = await reloadFault(faults.redirect('/map.json'))
    expect(result.error).toMatch(/^more than 3 redirects from /)
    expect(server.requests.length - before).toBe(4)
  })
})

describe('B14 a declared length over the cap is refused before reading the body', () => {
  it('Content-Length of 500 MB: refused at once, the connection closed', async () => {
    const { server, reloadFault } = await armed()
    const result = await reloadFault(faults.hugeDeclared())
    // This is the declared-length check: reading the body (a byte a second) would have hit the deadline.
    expect(result.error).toBe('response of 524288000 bytes exceeds the 33554432-byte limit')
    await expect(fetchText(server.url, FAST)).rejects.toMatchObject({ code: 'BODY_TOO_LARGE' })
    await expect.poll(() => server.activeResponses(), { timeout: 2000 }).toBe(0)
  })
})

describe('B17 a UTF-8 byte order mark before the JSON', () => {
  it('is stripped and the map loads', async () => {
    const { costs, set } = await armed()
    set({ body: `\uFEFF${NEXT}` })
    expect((await costs.reload()).status).toBe('success')
    expect(costs.getModelInfo('model-0').input_cost_per_token).toBe(3e-6)
  })
})
