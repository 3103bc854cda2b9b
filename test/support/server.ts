/**
 * A real loopback HTTP server whose answers are scripted per request: status, headers, body,
 * delays, trickled bytes, a reset mid-body, or no answer at all. Every request is recorded.
 */
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http'
import type { AddressInfo, Socket } from 'node:net'

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
  close(): Promise<void>
}

export type Script = Reply | Reply[] | ((req: RecordedRequest, index: number) => Reply | Promise<Reply>)

/** Starts a server on 127.0.0.1 port 0. An array script plays in order and repeats its last reply. */
export async function startServer(script: Script): Promise<TestServer> {
  const requests: RecordedRequest[] = []
  const sockets = new Set<Socket>()
  const timers = new Set<NodeJS.Timeout>()
  const responses = new Set<ServerResponse>()
  const server: Server = createServer(async (req, res) => {
    responses.add(res)
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
    await send(res, reply, timers)
  })
  server.on('connection', (s) => {
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
    close: () =>
      new Promise<void>((resolve) => {
        for (const t of timers) clearTimeout(t)
        for (const s of sockets) s.destroy()
        server.close(() => resolve())
      }),
  }
}

async function send(res: ServerResponse, reply: Reply, timers: Set<NodeJS.Timeout>): Promise<void> {
  const body = typeof reply.body === 'string' ? Buffer.from(reply.body) : (reply.body ?? Buffer.alloc(0))
  const length = reply.trickle ? {} : { 'content-length': String(body.length) }
  res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...length, ...reply.headers })
  if (reply.resetAfterBytes !== undefined) {
    res.write(body.subarray(0, reply.resetAfterBytes))
    await sleep(20, timers)
    res.socket?.destroy()
    return
  }
  if (reply.trickle) {
    for (let i = 0; i < body.length && !res.destroyed; i += reply.trickle.bytes) {
      res.write(body.subarray(i, i + reply.trickle.bytes))
      await sleep(reply.trickle.everyMs, timers)
    }
    if (!res.destroyed) res.end()
    return
  }
  res.end(body)
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
