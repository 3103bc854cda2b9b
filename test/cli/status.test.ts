// `costmap status` (once and --watch) against a real server: the routes on node:http, syncing from a
// real loopback upstream.
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createCostMapHandler, ModelCostMap, toNodeListener } from '../../src'
import { count } from '../../src/cli/format'
import { backupText } from '../../src/map/backup'
import { startServer, type TestServer } from '../support/server'
import { expectExit, oneLine, runCli, startCli } from './run'

const KEY = 'sk-status-test'
let upstreamBody = backupText()
let upstream: TestServer
let costs: ModelCostMap
let server: Server
let url: string

beforeAll(async () => {
  upstream = await startServer(() => ({ body: upstreamBody }))
  costs = new ModelCostMap({ url: upstream.url, autoLoad: false })
  server = createServer(toNodeListener(createCostMapHandler(costs, { masterKey: KEY, rateLimit: false })))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
})
afterAll(async () => {
  costs.dispose()
  server.closeAllConnections()
  await new Promise((resolve) => server.close(resolve))
  await upstream.close()
})

describe('costmap status', () => {
  it('--json: the server schedule status and source', async () => {
    costs.schedule(6)
    const result = await runCli(['status', '--server', url, '--key', KEY, '--json'])
    expectExit(result, 0)
    const report = JSON.parse(result.stdout)
    const source = costs.source()
    expect(report.server).toBe(url)
    expect(report.status).toEqual({
      ...JSON.parse(JSON.stringify(costs.scheduleStatus())),
      last_success: null,
      last_failure: null,
      success_count: 0,
      failure_count: 0,
      model_count: source.model_count,
    })
    expect(report.source).toMatchObject({
      source: source.source,
      model_count: source.model_count,
      sha256: source.sha256,
    })
  })

  it('prints last sync, next sync, sync counts, source, model count and sha256', async () => {
    upstreamBody = 'not json'
    expect((await costs.reload()).status).toBe('failed')
    upstreamBody = backupText()
    await costs.reload()
    costs.schedule(6)
    const result = await runCli(['status', '--server', url], { LITELLM_MASTER_KEY: KEY })
    expectExit(result, 0)
    const source = costs.source()
    const status = costs.scheduleStatus()
    expect(result.stdout).toMatch(new RegExp(`^source +remote ${upstream.url}$`, 'm'))
    expect(result.stdout).toMatch(new RegExp(`^models +${count(source.model_count)}$`, 'm'))
    expect(result.stdout).toMatch(new RegExp(`^sha256 +${source.sha256}$`, 'm'))
    expect(result.stdout).toMatch(new RegExp(`^last sync +${status.last_run}$`, 'm'))
    expect(result.stdout).toMatch(new RegExp(`^next sync +${status.next_run} \\(every 6 h\\)$`, 'm'))
    const { last_success, last_failure } = costs.lastSyncs()
    expect(result.stdout).toMatch(/^syncs +1 ok, 1 failed \(50\.0% ok\)$/m)
    expect(result.stdout).toMatch(new RegExp(`^last success +${last_success}$`, 'm'))
    expect(result.stdout).toMatch(new RegExp(`^last failure +${last_failure}$`, 'm'))
    costs.cancelSchedule()
    expect((await runCli(['status', '--server', url, '--key', KEY])).stdout).toMatch(/^next sync +not scheduled$/m)
  })

  it.each([
    [['--key', 'sk-wrong'], 1, /answered HTTP 401/],
    [['--server', 'CLOSED', '--key', KEY], 1, /could not reach http:\/\/127\.0\.0\.1:\d+: ECONNREFUSED/],
    [[], 2, /pass --key \(or set LITELLM_MASTER_KEY\)/],
    [['--server', 'localhost:4000', '--key', KEY], 2, /--server must be an http\(s\) URL/],
    [['--key', KEY, '--watch', '--interval', '0'], 2, /--interval must be a number greater than 0/],
  ])('%j: exit %i with one line', async (args, code, message) => {
    const closed = args.includes('CLOSED') ? await closedPort() : ''
    const result = await runCli(['status', '--server', url, ...args.map((a) => (a === 'CLOSED' ? closed : a))])
    expectExit(result, code)
    expect(oneLine(result.stderr)).toMatch(message)
  })

  it('--watch --json prints the new models of each change (one JSON line each), until SIGINT', async () => {
    const watch = startCli(['status', '--server', url, '--key', KEY, '--watch', '--interval', '0.1', '--json'])
    await watch.waitFor(/"event":"status"/)
    const before = costs.source()
    const next = JSON.parse(upstreamBody) as Record<string, unknown>
    next['grok-5-preview'] = { litellm_provider: 'xai', mode: 'chat', input_cost_per_token: 3e-6 }
    upstreamBody = JSON.stringify(next)
    expect((await costs.reload()).status).toBe('success')
    await watch.waitFor(/"event":"change"/)
    const result = await watch.stop('SIGINT')
    expectExit(result, 0)
    const lines = result.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
    expect(lines[0].source.sha256).toBe(before.sha256)
    expect(lines[1]).toMatchObject({
      event: 'change',
      previous_model_count: before.model_count,
      model_count: costs.source().model_count,
      previous_sha256: before.sha256,
      sha256: costs.source().sha256,
      new_models: ['grok-5-preview'],
      removed_models: [],
    })
  })

  it('--watch prints "+ model" lines for people and stops on SIGTERM', async () => {
    const watch = startCli(['status', '--server', url, '--key', KEY, '--watch', '--interval', '0.1'])
    await watch.waitFor(/^sha256 /m)
    const next = JSON.parse(upstreamBody) as Record<string, unknown>
    delete next['grok-5-preview']
    next['grok-6-preview'] = { litellm_provider: 'xai', mode: 'chat', input_cost_per_token: 3e-6 }
    upstreamBody = JSON.stringify(next)
    await costs.reload()
    await watch.waitFor(/\+ grok-6-preview/)
    const result = await watch.stop('SIGTERM')
    expectExit(result, 0)
    expect(result.stdout).toMatch(/map changed: .* models.*\n {2}\+ grok-6-preview\n {2}- grok-5-preview/)
    expect(result.stderr).toBe('')
  })
})

/** The URL of a port nothing listens on (a server that was just closed). */
async function closedPort(): Promise<string> {
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  const { port } = probe.address() as AddressInfo
  await new Promise((resolve) => probe.close(resolve))
  return `http://127.0.0.1:${port}`
}
