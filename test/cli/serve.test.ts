// `costmap serve`: a real server over HTTP, stopped by signals; config files; refusals.
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { backupManifest, getModelInfo, loadBackup } from '../../src'
import { raw, request } from '../support/raw-http'
import { startServer } from '../support/server'
import { expectExit, oneLine, runCli, startServe } from './run'

const dir = mkdtempSync(join(tmpdir(), 'costmap-serve-'))
const LOCAL = { LITELLM_LOCAL_MODEL_COST_MAP: 'True' }
const auth = (key: string) => ({ headers: { authorization: `Bearer ${key}` } })

function config(name: string, yaml: string): string {
  const path = join(dir, name)
  writeFileSync(path, yaml)
  return path
}

describe('costmap serve', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('serves the routes over HTTP and exits 0 on %s', async (signal) => {
    const serve = await startServe(['--master-key', 'sk-1234'], LOCAL)
    const response = await fetch(`${serve.url}/model/cost_map/source`, auth('sk-1234'))
    expect(response.status).toBe(200)
    expect(await response.json()).toMatchObject({
      source: 'local',
      is_env_forced: true,
      model_count: backupManifest().model_count,
      sha256: backupManifest().sha256,
    })
    expect((await fetch(`${serve.url}/model/cost_map/source`)).status).toBe(401)
    expect((await fetch(`${serve.url}/not-a-route`, auth('sk-1234'))).status).toBe(404)
    const result = await serve.stop(signal)
    expectExit(result, 0)
    expect(result.stdout).toContain(`${signal}, shutting down`)
    expect(result.stderr).toBe('')
    await expect(fetch(`${serve.url}/model/cost_map/source`)).rejects.toThrow()
  })

  it('answers CONNECT and TRACE with 405 and odd targets with a 4xx, and keeps serving', async () => {
    const serve = await startServe(['--master-key', 'sk-1234'], LOCAL)
    const port = Number(new URL(serve.url).port)
    for (const [line, status] of [
      ['CONNECT 127.0.0.1:1', 405],
      ['TRACE /model/info', 405],
      ['GET http://a:99999/x', 404],
      ['GET //[/x', 404],
      ['OPTIONS *', 400],
    ] as const) {
      const answer = await raw(port, request(line))
      expect(answer.status, line).toBe(status)
      expect(answer.text, line).not.toMatch(/\n\s+at\s|Error: /)
    }
    expect((await fetch(`${serve.url}/model/cost_map/source`, auth('sk-1234'))).status).toBe(200)
    const result = await serve.stop('SIGTERM')
    expectExit(result, 0)
    expect(result.stderr).toBe('')
  })

  it('starts at once on the bundled map when the upstream cannot be reached, and says why', async () => {
    const down = await startServer({ status: 503 })
    await down.close() // nothing listens there any more
    const serve = await startServe(['--master-key', 'sk-1234'], {
      LITELLM_MODEL_COST_MAP_URL: down.url,
      COSTMAP_TIMEOUT_MS: '1000',
    })
    let source: Record<string, unknown> = {}
    for (let i = 0; i < 100 && !source.fallback_reason; i++) {
      source = await (await fetch(`${serve.url}/model/cost_map/source`, auth('sk-1234'))).json()
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    expect(source).toMatchObject({ source: 'local', model_count: backupManifest().model_count, url: null })
    expect(source.fallback_reason).toMatch(/^Remote fetch failed: .*ECONNREFUSED/)
    const result = await serve.stop('SIGTERM')
    expectExit(result, 0)
    expect(result.stderr).toMatch(/reload failed, current pricing data was kept/)
  })

  it('--config: LiteLLM model_list and an os.environ/ master key; secrets never returned', async () => {
    const path = config(
      'proxy.yaml',
      [
        'model_list:',
        '  - model_name: gpt-4',
        '    litellm_params: { model: gpt-4, api_key: os.environ/OPENAI_API_KEY }',
        '    model_info: { my_custom_key: my_custom_value }',
        '  - model_name: my-llama',
        '    litellm_params: { model: ollama/llama3, input_cost_per_token: 0, output_cost_per_token: 0 }',
        'general_settings:',
        '  master_key: os.environ/MY_PROXY_KEY',
      ].join('\n'),
    )
    const serve = await startServe(['--config', path], {
      ...LOCAL,
      MY_PROXY_KEY: 'sk-from-env',
      OPENAI_API_KEY: 'sk-secret',
    })
    const models = await (await fetch(`${serve.url}/v1/models`, auth('sk-from-env'))).json()
    expect(models.data.map((m: { id: string }) => m.id)).toEqual(['gpt-4', 'my-llama'])
    const response = await fetch(`${serve.url}/v1/model/info`, auth('sk-from-env'))
    const text = await response.text()
    expect(text).not.toContain('sk-secret')
    expect(text).not.toContain('os.environ')
    const [gpt4] = JSON.parse(text).data
    expect(gpt4.model_info).toMatchObject({
      my_custom_key: 'my_custom_value',
      db_model: false,
      input_cost_per_token: getModelInfo(loadBackup(), 'gpt-4').input_cost_per_token,
    })
    expect(gpt4.litellm_params.api_key).toBeUndefined()
    expect((await serve.stop('SIGTERM')).code).toBe(0)
  })

  it('runs the example config as examples/README.md shows it', async () => {
    const serve = await startServe(['--config', 'examples/config.yaml'], { ...LOCAL, LITELLM_MASTER_KEY: 'sk-1234' })
    const info = await (await fetch(`${serve.url}/model/info`, auth('sk-1234'))).json()
    expect(info.data.map((d: { model_name: string }) => d.model_name)).toEqual(['gpt-4', 'gpt-3.5-turbo'])
    expect((await serve.stop('SIGINT')).code).toBe(0)
  })

  it.each([
    ['no master key anywhere', [], 2, /no master key: pass --master-key, set LITELLM_MASTER_KEY/],
    [
      'a master_key reference to an unset variable',
      ['--config', config('unset.yaml', 'general_settings:\n  master_key: os.environ/COSTMAP_TEST_UNSET\n')],
      2,
      /os\.environ\/COSTMAP_TEST_UNSET, which is not set/,
    ],
    ['a bad port', ['--master-key', 'k', '--port', '70000'], 2, /--port must be a whole number from 0 to 65535/],
    ['a missing config file', ['--config', join(dir, 'nope.yaml')], 1, /nope\.yaml: cannot read it \(ENOENT\)/],
    ['YAML that does not parse', ['--config', config('bad.yaml', 'model_list: [\n')], 1, /bad\.yaml: not valid YAML/],
    [
      'a model_list entry without a model',
      [
        '--master-key',
        'k',
        '--config',
        config('nomodel.yaml', 'model_list:\n  - model_name: x\n    litellm_params: {}\n'),
      ],
      1,
      /nomodel\.yaml: model_list\.0\.litellm_params\.model: /,
    ],
  ])('refuses to start with %s (exit 1 or 2, one line on stderr)', async (_name, args, code, message) => {
    const result = await runCli(['serve', '--port', '0', ...args], LOCAL)
    expectExit(result, code)
    expect(result.stdout).toBe('')
    expect(oneLine(result.stderr)).toMatch(message)
  })

  it('a port in use is a failure with one line', async () => {
    const busy = await startServer({ status: 200 })
    const result = await runCli(
      ['serve', '--master-key', 'k', '--host', '127.0.0.1', '--port', String(busy.port)],
      LOCAL,
    )
    await busy.close()
    expectExit(result, 1)
    expect(oneLine(result.stderr)).toBe(
      `costmap serve: port ${busy.port} is already in use (choose another with --port)`,
    )
  })
})
