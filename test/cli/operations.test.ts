// `costmap serve` for operators: the openai npm client against it, health and metrics without a key,
// alerts to --notify-url, and one clean line when the port is taken (no reload failure after it).
import { mkdtempSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import OpenAI from 'openai'
import { afterEach, describe, expect, it } from 'vitest'
import { backupText } from '../../src/map/backup'
import { listenOn } from '../routes/fixtures'
import { startServer } from '../support/server'
import { expectExit, oneLine, runCli, startServe } from './run'

const dir = mkdtempSync(join(tmpdir(), 'costmap-ops-'))
const LOCAL = { LITELLM_LOCAL_MODEL_COST_MAP: 'True' }
const closers: Array<() => unknown> = []
afterEach(async () => {
  for (const close of closers.splice(0).reverse()) await close()
})

const CONFIG = `model_list:
  - model_name: gpt-4o
    litellm_params:
      model: openai/gpt-4o
      api_key: os.environ/OPENAI_API_KEY
  - model_name: claude-sonnet
    litellm_params:
      model: anthropic/claude-sonnet-4-20250514
`

describe('the openai npm client against costmap serve', () => {
  it('lists the configured models, retrieves one, and shows a readable 401', async () => {
    const config = join(dir, 'config.yaml')
    writeFileSync(config, CONFIG)
    const serve = await startServe(['--master-key', 'sk-1234', '--config', config], LOCAL)
    const client = new OpenAI({ apiKey: 'sk-1234', baseURL: `${serve.url}/v1`, maxRetries: 0 })
    const ids: string[] = []
    for await (const model of client.models.list()) ids.push(model.id)
    expect(ids).toEqual(['gpt-4o', 'claude-sonnet'])
    expect(await client.models.retrieve('claude-sonnet')).toMatchObject({ id: 'claude-sonnet', owned_by: 'anthropic' })

    const wrong = new OpenAI({ apiKey: 'sk-wrong', baseURL: `${serve.url}/v1`, maxRetries: 0 })
    const error = await wrong.models.list().catch((e: unknown) => e)
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError)
    expect((error as InstanceType<typeof OpenAI.AuthenticationError>).status).toBe(401)
    expect((error as Error).message).toBe('401 Invalid API key')
    const missing = await client.models.retrieve('gpt-5').catch((e: unknown) => e)
    expect(missing).toBeInstanceOf(OpenAI.NotFoundError)
    expect((missing as Error).message).toBe("404 The model 'gpt-5' does not exist")
    expectExit(await serve.stop('SIGTERM'), 0)
  })
})

describe('costmap serve for operators', () => {
  it('health without a key; --public-metrics; --notify-url gets the failed startup sync', async () => {
    const received: Array<Record<string, unknown>> = []
    const hook = await listenOn(
      createServer((req, res) => {
        let text = ''
        req
          .on('data', (c) => (text += c))
          .on('end', () => {
            received.push(JSON.parse(text))
            res.end()
          })
      }),
    )
    closers.push(() => hook.close())
    const upstream = await startServer({ status: 500, body: 'down' })
    closers.push(() => upstream.close())
    const serve = await startServe([
      '--master-key',
      'sk-1234',
      '--url',
      `${upstream.url}/map.json`,
      '--public-metrics',
      '--notify-url',
      `${hook.url}/hook`,
    ])
    const deadline = Date.now() + 10_000
    while (received.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
    expect(received[0]).toMatchObject({ event: 'reload_failed', status: 'failed', text: expect.stringMatching(/500/) })
    expect(await (await fetch(`${serve.url}/health/liveliness`)).json()).toBe("I'm alive!")
    const ready = await (await fetch(`${serve.url}/health/readiness`)).json()
    expect(ready).toMatchObject({ status: 'degraded', map: { source: 'local' }, last_failure: expect.any(String) })
    const metrics = await (await fetch(`${serve.url}/metrics`)).text()
    expect(metrics).toMatch(/^costmap_reload_total\{trigger="startup",status="failed"\} 1$/m)
    expect(metrics).toMatch(/^costmap_fallback_active 1$/m)
    const result = await serve.stop('SIGTERM')
    expectExit(result, 0)
    // The failed sync's log line names the error.
    const line = result.stdout.split('\n').find((l) => l.includes('model_cost_map_reload'))
    expect(JSON.parse(line ?? '{}')).toMatchObject({ status: 'failed', error: expect.stringMatching(/500/) })
  })

  it('a port in use while the map is syncing is one clean line, no reload failure after it', async () => {
    const busy = await startServer({ status: 200 })
    closers.push(() => busy.close())
    // An upstream that answers slowly: the sync would fail (or be cut off) after the bind error.
    const upstream = await startServer({ delayMs: 300, status: 500, body: 'down' })
    closers.push(() => upstream.close())
    const result = await runCli([
      'serve',
      '--master-key',
      'k',
      '--host',
      '127.0.0.1',
      '--port',
      String(busy.port),
      '--url',
      `${upstream.url}/map.json`,
    ])
    expectExit(result, 1)
    expect(oneLine(result.stderr)).toBe(
      `costmap serve: port ${busy.port} is already in use (choose another with --port)`,
    )
    expect(result.stdout).toBe('')
    expect(upstream.requests).toHaveLength(0)
  })

  it.each([
    ['ftp://x/y', /--notify-url must be an http\(s\) URL/],
    ['hooks.slack.com/x', /--notify-url must be an http\(s\) URL/],
  ])('--notify-url %s is a usage error', async (url, message) => {
    const result = await runCli(['serve', '--master-key', 'k', '--port', '0', '--notify-url', url], LOCAL)
    expectExit(result, 2)
    expect(oneLine(result.stderr)).toMatch(message)
  })

  it('sync --json on an identical map says unchanged', async () => {
    const upstream = await startServer({ body: backupText() })
    closers.push(() => upstream.close())
    const result = await runCli(['sync', '--url', `${upstream.url}/map.json`, '--json'])
    expectExit(result, 0)
    expect(JSON.parse(result.stdout)).toMatchObject({ status: 'unchanged', new_models: [], pricing_changes: 0 })
  })
})
