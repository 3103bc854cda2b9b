/**
 * Fault injection for the reliability suite, on top of the scripted loopback server of `server.ts`:
 * recipes for the bad answers of the catalogue (docs/reliability.md), an HTTPS server with a
 * self-signed certificate, a connector that never connects, and a check that nothing was left open.
 */
import { createHook } from 'node:async_hooks'
import { expect } from 'vitest'
import { type Reply, type Script, startServer, type TestServer } from './server'

export { type RecordedRequest, type Reply, type Script, startServer, syntheticMap, type TestServer } from './server'

const MB = 1024 * 1024

/** `bytes` bytes of `fill`, in 64 KiB chunks, made as they are read (nothing is held in memory). */
export function* generated(bytes: number, fill = 0x20, prefix = '{"model": "'): Generator<Uint8Array> {
  const head = Buffer.from(prefix)
  yield head
  const chunk = Buffer.alloc(64 * 1024, fill)
  for (let left = bytes - head.length; left > 0; left -= chunk.length) {
    yield left >= chunk.length ? chunk : chunk.subarray(0, left)
  }
}

/** Ready-made answers, one per kind of fault. */
export const faults = {
  /** A redirect to `location` (absolute, relative, or another scheme). */
  redirect: (location: string, status = 302): Reply => ({ status, headers: { location }, body: '' }),
  /** Promises `declared` bytes, sends `body`, then closes the connection cleanly. */
  shortBody: (body: string, declared: number): Reply => ({
    body,
    headers: { 'content-length': String(declared) },
    endAfterBytes: Buffer.byteLength(body),
  }),
  /** Declares a huge Content-Length and then sends almost nothing, slowly. */
  hugeDeclared: (declared = 500 * MB): Reply => ({
    body: '{"a":',
    headers: { 'content-length': String(declared) },
    trickle: { bytes: 1, everyMs: 1000 },
  }),
  /** A chunked body of `bytes` bytes (no Content-Length), generated on the fly. */
  endless: (bytes = 200 * MB): Reply => ({ stream: () => generated(bytes) }),
  /** A gzip bomb: `decoded` bytes of spaces, about a thousandth of that on the wire. */
  gzipBomb: (decoded = 200 * MB): Reply => ({ stream: () => generated(decoded), gzip: true }),
}

/**
 * A throwaway self-signed certificate for 127.0.0.1 and localhost (P-256, valid until 2126). It is a
 * test fixture: no client trusts it, which is the point of the TLS case.
 */
export const SELF_SIGNED = {
  key: `-----BEGIN PRIVATE KEY-----
MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgZVyabmfg9/AYHeaC
IlS979ZiN7H3/f3dRoRyt9WJ75WhRANCAATbUBSmSiGLkGGOEM46+3wz09Ekq/Lp
+GwxLw+8GuiOiqBOzZChxsDvx3eWx4txkW60e+j/oJxMqq6jwzXjgV2C
-----END PRIVATE KEY-----
`,
  cert: `-----BEGIN CERTIFICATE-----
MIIBmzCCAUGgAwIBAgIUSGBblkzNCFD5PS12n7wRe7HXE0AwCgYIKoZIzj0EAwIw
FDESMBAGA1UEAwwJbG9jYWxob3N0MCAXDTI2MTEyMjA1MDgyNFoYDzIxMjYxMDI5
MDUwODI0WjAUMRIwEAYDVQQDDAlsb2NhbGhvc3QwWTATBgcqhkjOPQIBBggqhkjO
PQMBBwNCAATbUBSmSiGLkGGOEM46+3wz09Ekq/Lp+GwxLw+8GuiOiqBOzZChxsDv
x3eWx4txkW60e+j/oJxMqq6jwzXjgV2Co28wbTAdBgNVHQ4EFgQUWKZ/mUvHi95F
0TN3ZAx4P+V/lCgwHwYDVR0jBBgwFoAUWKZ/mUvHi95F0TN3ZAx4P+V/lCgwDwYD
VR0TAQH/BAUwAwEB/zAaBgNVHREEEzARgglsb2NhbGhvc3SHBH8AAAEwCgYIKoZI
zj0EAwIDSAAwRQIhALtOmGprXcHwoJoGa95rRN9rVFr8ksA0DhqhNV70+CeLAiAF
JhCSTn4qMw3SLDPNO9h6QamJNPIQso9nVIUz06Oc5A==
-----END CERTIFICATE-----
`,
}

/** The scripted server over HTTPS with {@link SELF_SIGNED}. */
export function startTlsServer(script: Script): Promise<TestServer> {
  return startServer(script, SELF_SIGNED)
}

/**
 * A `fetch` whose connections never complete (a blackholed address: SYNs dropped, no RST), built on
 * undici with a connector that never calls back, so only the caller's deadline can end the request.
 */
export async function blackholeFetch(): Promise<{ fetch: typeof fetch; attempts: () => number }> {
  const undici = await import('undici')
  let attempts = 0
  const dispatcher = new undici.Agent({
    connect: () => {
      attempts++
    },
  })
  const blackhole = ((input: string, init?: RequestInit) =>
    undici.fetch(input, { ...(init as object), dispatcher } as Parameters<typeof undici.fetch>[1])) as typeof fetch
  return { fetch: blackhole, attempts: () => attempts }
}

/** Sockets and servers, which `process.getActiveResourcesInfo()` lists exactly. */
const HANDLES = ['TCPSocketWrap', 'TCPServerWrap', 'TLSWrap'] as const

/** Timers are tracked one by one: vitest's own (test timeouts, RPC) come and go and would blur a count. */
const timers = new Map<number, { timer: { hasRef(): boolean }; creator: string }>()
let polling = false
const RUNNER = /node_modules\/(?:@vitest|vitest|birpc|tinypool|tinyspy)\//
createHook({
  init(id, type, _trigger, resource) {
    if (type !== 'Timeout' || polling) return
    const frames = (new Error().stack ?? '').split('\n').slice(1)
    const creator = frames.find((f) => f.includes('/') && !f.includes('node:') && !f.includes('AsyncHook.init')) ?? ''
    if (!RUNNER.test(creator)) timers.set(id, { timer: resource as { hasRef(): boolean }, creator: creator.trim() })
  },
  destroy(id) {
    timers.delete(id)
  },
}).enable()

/** What is open now: sockets and servers by type, and the ref'ed timers not made by the test runner. */
export function activeResources(): { handles: Record<string, number>; timers: Set<number> } {
  const handles: Record<string, number> = Object.fromEntries(HANDLES.map((h) => [h, 0]))
  for (const name of process.getActiveResourcesInfo()) if (name in handles) handles[name] = (handles[name] ?? 0) + 1
  const refed = new Set([...timers].filter(([, t]) => t.timer.hasRef()).map(([id]) => id))
  return { handles, timers: refed }
}

/**
 * Waits until everything opened since `before` is closed again: sockets and servers back to their
 * counts (`process.getActiveResourcesInfo()`), and no ref'ed timer created since still pending.
 */
export async function expectNoLeaks(before: ReturnType<typeof activeResources>, timeoutMs = 3000): Promise<void> {
  const leaks = () => {
    const now = activeResources()
    const handles = HANDLES.filter((h) => (now.handles[h] ?? 0) > (before.handles[h] ?? 0)).map(
      (h) => `${h}: ${before.handles[h]} -> ${now.handles[h]}`,
    )
    const pending = [...now.timers].filter((id) => !before.timers.has(id))
    return [...handles, ...pending.map((id) => `timer created ${timers.get(id)?.creator}`)]
  }
  const until = Date.now() + timeoutMs
  while (leaks().length > 0 && Date.now() < until) {
    polling = true
    const wait = new Promise((resolve) => setTimeout(resolve, 25))
    polling = false
    await wait
  }
  expect(leaks(), 'resources left open by the test').toEqual([])
}
