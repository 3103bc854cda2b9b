/**
 * A real loopback HTTP server whose answers are scripted per request: status, headers, body,
 * delays, trickled bytes, a reset mid-body, or no answer at all. Every request is recorded.
 * Streamed bodies (a generator or a file, optionally gzipped) are sent with backpressure, so a client
 * that stops reading stops the server too; `bodyBytes()` tells how far it got.
 */
import { createReadStream } from 'node:fs'
import {
  createServer,
  type IncomingHttpHeaders,
  type IncomingMessage,
  type Server,
  type ServerResponse,
} from 'node:http'
import { createServer as createTlsServer } from 'node:https'
import type { AddressInfo, Socket } from 'node:net'
import { Readable, Transform } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { createGzip } from 'node:zlib'
import { afterEach } from 'vitest'

export interface Reply {
  status?: number
  headers?: Record<string, string>
  body?: string | Buffer
  /** Wait before sending the headers. */
  delayMs?: number
  /** Send the body in pieces of `bytes`, one every `everyMs`. */
  trickle?: { bytes: number; everyMs: number }
  /** Send this many body bytes, then destroy the socket. */
  resetAfterBytes?: number
  /** Accept the request and never answer. */
  hang?: boolean
  /** Send this many body bytes, then close the connection cleanly (FIN, not a reset). */
  endAfterBytes?: number
  /** A body produced chunk by chunk (sent chunked unless `headers` set a length). */
  stream?: () => Iterable<Uint8Array> | AsyncIterable<Uint8Array>
  /** A body read from this file. */
  file?: string
  /** Compress the body on the fly (`Content-Encoding: gzip`). */
  gzip?: boolean
}

export interface RecordedRequest {
  method: string
  url: string
  headers: IncomingHttpHeaders
  at: number
}

export interface TestServer {
  url: string
  port: number
  requests: RecordedRequest[]
  /** Sockets still open (idle keep-alive ones included). */
  openSockets(): number
  /** Responses still being written (a client that gave up must close these). */
  activeResponses(): number
  /** Most responses ever in progress at once. */
  maxConcurrent(): number
  /** TCP connections accepted so far. */
  connections(): number
  /** Body bytes made (before gzip) and written to sockets (after gzip), over all responses. */
  bodyBytes(): { produced: number; sent: number }
  close(): Promise<void>
}

export type Script = Reply | Reply[] | ((req: RecordedRequest, index: number) => Reply | Promise<Reply>)

/** Byte counters shared by every response of one server. */
interface Counters {
  produced: number
  sent: number
}

/**
 * Starts a server on 127.0.0.1 port 0. An array script plays in order and repeats its last reply.
 * With `tls` it speaks HTTPS with that key and certificate.
 */
export async function startServer(script: Script, tls?: { key: string; cert: string }): Promise<TestServer> {
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const responses = new Set<ServerResponse>()
  const counters: Counters = { produced: 0, sent: 0 }
  let maxConcurrent = 0
  let connections = 0
  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    responses.add(res)
    maxConcurrent = Math.max(maxConcurrent, responses.size)
    res.on('close', () => responses.delete(res))
    const recorded = { method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers, at: Date.now() }
    const index = requests.push(recorded) - 1
    const reply =
      typeof script === 'function'
        ? await script(recorded, index)
        : Array.isArray(script)
          ? (script[Math.min(index, script.length - 1)] as Reply)
          : script
    if (reply.hang) return
    if (reply.delayMs) await sleep(reply.delayMs, timers)
    if (res.destroyed) return
    if (reply.stream || reply.file || reply.gzip) await sendStream(res, reply, counters)
    else await send(res, reply, timers, counters)
  }
  const server: Server = tls ? createTlsServer(tls, handler) : createServer(handler)
  server.on(tls ? 'secureConnection' : 'connection', (s: Socket) => {
    connections++
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    openSockets: () => sockets.size,
    activeResponses: () => responses.size,
    maxConcurrent: () => maxConcurrent,
    connections: () => connections,
    bodyBytes: () => ({ ...counters }),
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

async function send(res: ServerResponse, reply: Reply, timers: Set<NodeJS.Timeout>, counters: Counters): Promise<void> {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0))
  const length = reply.trickle ? {} : { 'content-length': String(body.length) }
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...length, ...reply.headers })
  const write = (chunk: Buffer) => {
    counters.produced += chunk.length
    counters.sent += chunk.length
    return res.write(chunk)
  }
  const cut = reply.resetAfterBytes ?? reply.endAfterBytes
  if (cut !== undefined) {
    write(body.subarray(0, cut))
    await sleep(20, timers)
    if (reply.resetAfterBytes === undefined) res.socket?.end()
    else res.socket?.destroy()
    return
  }
  if (reply.trickle) {
    for (let i = 0; i < body.length && !res.destroyed; i += reply.trickle.bytes) {
      write(body.subarray(i, i + reply.trickle.bytes))
      await sleep(reply.trickle.everyMs, timers)
    }
    if (!res.destroyed) res.end()
    return
  }
  counters.produced += body.length
  counters.sent += body.length
  res.end(body)
}

/** Streams a generated, file or gzipped body with backpressure; a client that goes away ends it. */
async function sendStream(res: ServerResponse, reply: Reply, counters: Counters): Promise<void> {
  const encoding = reply.gzip ? { 'content-encoding': 'gzip' } : {}
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...encoding, ...reply.headers })
  const source = reply.file
    ? createReadStream(reply.file)
    : Readable.from(reply.stream ? reply.stream() : [Buffer.from(reply.body ?? '')], { objectMode: false })
  const count = (...keys: Array<keyof Counters>) =>
    new Transform({
      transform(chunk: Buffer, _encoding, done) {
        for (const key of keys) counters[key] += chunk.length
        done(null, chunk)
      },
    })
  const stages = reply.gzip ? [count('produced'), createGzip(), count('sent')] : [count('produced', 'sent')]
  // A client that hangs up mid-body is one of the scripted outcomes, not a server error.
  await pipeline([source, ...stages, res]).catch(() => res.destroy())
}

function sleep(ms: number, timers: Set<NodeJS.Timeout>): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(() => {
      timers.delete(t)
      resolve()
    }, ms)
    timers.add(t)
  })
}

/** A minimal map that passes the integrity checks: `count` chat models priced 1e-6 / 2e-6. */
export function syntheticMap(count: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
  const map: Record<string, unknown> = {}
  for (let i = 0; i < count; i++) {
    map[`model-${i}`] = {
      litellm_provider: 'openai',
      mode: 'chat',
      input_cost_per_token: 1e-6,
      output_cost_per_token: 2e-6,
    }
  }
  return { ...map, ...extra }
}

/**
 * `startServer` for a test file whose servers live for one test: each is closed after the test that
 * started it (the hook is registered by this call, at the file's top level).
 * @example
 * ```ts
 * const serve = serverPerTest()
 * const upstream = await serve({ body: text })
 * ```
 */
export function serverPerTest(): (script: Script) => Promise<TestServer> {
  const servers: TestServer[] = []
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()))
  })
  return async (script) => {
    const server = await startServer(script)
    servers.push(server)
    return server
  }
}
