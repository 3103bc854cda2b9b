/**
 * The fleet as separate Node processes (what a deployment really is): one upstream fetch per reload, the
 * same sha256 everywhere, a schedule set in one process seen by the others.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { type RedisServer, startRedis } from '../support/redis'
import { sha256, startUpstream, type Upstream, V1, V2, waitFor } from './fixtures'

const WORKER = fileURLToPath(new URL('./worker.ts', import.meta.url))

interface Member {
  child: ChildProcess
  lines: Record<string, unknown>[]
  send(command: string): void
}

let redis: RedisServer
let upstream: Upstream
const members: Member[] = []

beforeAll(async () => {
  redis = await startRedis()
  upstream = await startUpstream(V1)
})
afterAll(async () => {
  for (const m of members) m.child.kill()
  await upstream.server.close()
  await redis.close()
})

function startMember(id: string): Member {
  const child = spawn(process.execPath, ['--import', 'tsx', WORKER, redis.url, 'procs:', upstream.server.url, id], {
    stdio: ['pipe', 'pipe', 'inherit'],
  })
  const member: Member = { child, lines: [], send: (command) => child.stdin?.write(`${command}\n`) }
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) =>
    member.lines.push(JSON.parse(line)),
  )
  members.push(member)
  return member
}

const last = (m: Member, event: string) => m.lines.findLast((l) => l.event === event)
const seen = (m: Member, event: string) => last(m, event) !== undefined

it('3 processes: one fetch at start, one per reload, the same sha256 everywhere, one schedule', async () => {
  const fleet = ['p1', 'p2', 'p3'].map(startMember)
  await waitFor('every process ready', () => fleet.every((m) => seen(m, 'ready')), 60_000).catch((e) => {
    throw new Error(`${e.message}: ${JSON.stringify(fleet.map((m) => m.lines))}`)
  })
  await waitFor('every process on v1', () =>
    fleet.every((m) => last(m, 'ready')?.source === 'remote' || last(m, 'change')?.sha256 === sha256(V1)),
  )
  expect(upstream.fetches()).toBe(1)

  upstream.body = V2
  fleet[1]?.send('reload')
  await waitFor('the reload answered', () => seen(fleet[1] as Member, 'reloaded'))
  expect(last(fleet[1] as Member, 'reloaded')).toMatchObject({ status: 'success', sha256: sha256(V2) })
  await waitFor('every process on v2', () => fleet.every((m) => last(m, 'change')?.sha256 === sha256(V2)))
  expect(upstream.fetches()).toBe(2)

  fleet[2]?.send('schedule 6')
  await waitFor('scheduled', () => seen(fleet[2] as Member, 'scheduled'))
  const next = last(fleet[2] as Member, 'scheduled')?.next_run
  await waitFor('the schedule in process 1', async () => {
    fleet[0]?.send('status')
    await new Promise((resolve) => setTimeout(resolve, 100))
    const status = last(fleet[0] as Member, 'status') as { schedule?: { next_run?: string } } | undefined
    return status?.schedule?.next_run === next
  })
  for (const m of fleet) m.send('exit')
  await Promise.all(fleet.map((m) => new Promise((resolve) => m.child.once('exit', resolve))))
  expect(fleet.map((m) => m.child.exitCode)).toEqual([0, 0, 0])
}, 90_000)
