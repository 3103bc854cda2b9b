/**
 * A real redis-server on a free loopback port, persistence off, for the fleet tests. It can be stopped,
 * restarted (empty) on the same port, and paused with SIGSTOP to play a hung Redis.
 */
import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { createServer } from 'node:net'
import { Redis } from 'ioredis'

export interface RedisServer {
  port: number
  url: string
  /** A client for the test itself (inspecting and corrupting keys). */
  client: Redis
  stop(): Promise<void>
  /** Starts again on the same port, with no data (as a restart without persistence). */
  restart(): Promise<void>
  pause(): void
  resume(): void
  close(): Promise<void>
}

/** Fails with a clear message when redis-server is missing: the README's set-up and `.ci/run` install it. */
export function redisServerPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim()
  } catch {
    throw new Error('redis-server is not installed: run `apt-get install -y redis-server` (the README set-up does)')
  }
}

export async function startRedis(): Promise<RedisServer> {
  const binary = redisServerPath()
  const port = await freePort()
  let child: ChildProcess | undefined
  const launch = async () => {
    child = spawn(binary, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    })
    await waitForPing(port)
  }
  await launch()
  const client = new Redis(port, '127.0.0.1', { lazyConnect: true, maxRetriesPerRequest: 1 })
  client.on('error', () => undefined)
  await client.connect()
  const stop = async () => {
    const proc = child
    if (!proc || proc.exitCode !== null || proc.signalCode !== null) return
    const exited = new Promise((resolve) => proc.once('exit', resolve))
    proc.kill('SIGCONT')
    proc.kill('SIGKILL')
    await exited
  }
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    client,
    stop,
    restart: async () => {
      await stop()
      await launch()
    },
    pause: () => child?.kill('SIGSTOP'),
    resume: () => child?.kill('SIGCONT'),
    close: async () => {
      client.disconnect()
      await stop()
    },
  }
}

async function freePort(): Promise<number> {
  const server = createServer()
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  await new Promise((resolve) => server.close(resolve))
  return port
}

async function waitForPing(port: number): Promise<void> {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const probe = new Redis(port, '127.0.0.1', {
      lazyConnect: true,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    })
    probe.on('error', () => undefined)
    try {
      await probe.connect()
      if ((await probe.ping()) === 'PONG') return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    } finally {
      probe.disconnect()
    }
  }
  throw new Error(`redis-server did not answer on port ${port}`)
}
