/**
 * Shared set-up of the reliability suite: a store that already serves a good remote map, pointed at a
 * fault server, with every event recorded, and the catalogue's "keep" check. Importing it also checks,
 * after each test, that nothing the test opened (ref'ed timers, sockets, servers) is still open.
 */
import { createHash } from 'node:crypto'
import { afterEach, beforeEach, expect } from 'vitest'
import { ModelCostMap } from '../../src/store/store'
import type { ModelCostMapOptions, ReloadResult } from '../../src/store/types'
import {
  activeResources,
  expectNoLeaks,
  type RecordedRequest,
  type Reply,
  startServer,
  syntheticMap,
  type TestServer,
} from '../support/fault-server'

export const sha = (text: string | Buffer) => createHash('sha256').update(text).digest('hex')

/** Fast retries and a short deadline, so a fault costs milliseconds. */
export const FAST = { retry: { attempts: 3, baseDelayMs: 5, maxDelayMs: 20 }, timeoutMs: 1500 }

/** A valid map, different from the bundled backup and big enough to pass the shrink checks. */
export const GOOD = JSON.stringify(syntheticMap(1500))
export const GOOD_SHA = sha(GOOD)

const cleanup: Array<() => unknown> = []
// Registered first, so it runs last: after every server is closed and every store disposed, no timer,
// socket or server the test opened may still be there.
beforeEach(() => {
  const before = activeResources()
  cleanup.push(() => expectNoLeaks(before))
})
afterEach(async () => {
  for (const f of cleanup.splice(0).reverse()) await f()
})

/** Runs `f` after the test (in reverse order of registration). */
export function onCleanup(f: () => unknown): void {
  cleanup.push(f)
}

/** Starts a scripted server that is closed after the test. */
export async function serve(script: Parameters<typeof startServer>[0]): Promise<TestServer> {
  const server = await startServer(script)
  onCleanup(() => server.close())
  return server
}

export interface Armed {
  costs: ModelCostMap
  server: TestServer
  /** Sets the upstream's next answers: one reply for every request, or one per request. */
  set(reply: Reply | ((req: RecordedRequest) => Reply)): void
  /** Sends the store's next requests to another URL (an unreachable host, a TLS server…) or another fetch. */
  reroute(target: string | typeof fetch): void
  /** Requests the store has made (retries included). */
  calls(): number
  /** Names of the events since the last {@link Armed.reloadFault}. */
  events: string[]
  /** Serves `reply`, reloads, and checks the catalogue's "keep": same snapshot, failure reported. */
  reloadFault(reply: Reply): Promise<ReloadResult>
}

/** A store that has loaded {@link GOOD} from a fault server, ready for the next answer to go wrong. */
export async function armed(options: ModelCostMapOptions = {}): Promise<Armed> {
  let reply: Reply | ((req: RecordedRequest) => Reply) = { body: GOOD, headers: { etag: '"good"' } }
  const server = await serve((req) => (typeof reply === 'function' ? reply(req) : reply))
  let via: typeof fetch = globalThis.fetch
  let calls = 0
  const routed = ((input: RequestInfo | URL, init?: RequestInit) => {
    calls++
    return via(input, init)
  }) as typeof fetch
  const costs = new ModelCostMap({
    url: `${server.url}/map.json`,
    autoLoad: false,
    fetch: routed,
    ...FAST,
    ...options,
  })
  onCleanup(() => costs.dispose())
  const events: string[] = []
  for (const e of ['change', 'reload', 'reload_failed'] as const) costs.on(e, () => events.push(e))
  expect((await costs.reload()).status).toBe('success')
  expect(costs.snapshot.sha256).toBe(GOOD_SHA)
  return {
    costs,
    server,
    events,
    set: (r) => {
      reply = r
    },
    reroute: (target) => {
      via = typeof target === 'string' ? (_input, init) => globalThis.fetch(target, init) : target
    },
    calls: () => calls,
    async reloadFault(next) {
      reply = next
      const before = costs.snapshot
      events.length = 0
      const result = await costs.reload()
      expect(result.status).toBe('failed')
      expect(costs.snapshot).toBe(before) // same object: nothing was swapped
      expect(costs.source()).toMatchObject({ sha256: GOOD_SHA, source: 'remote', last_error: result.error })
      expect(events).toEqual(['reload_failed', 'reload'])
      return result
    },
  }
}
