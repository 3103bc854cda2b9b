// The README's main-job command, run as written (plus --port 0), and the LiteLLM curl calls the README
// lists under it, parsed from the README and sent with fetch.
import { readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import { getModelCostMap } from '../../src'
import { MAIN_MAP } from '../support/data'
import { ROOT, startServe } from './run'

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8')
const setup = readme.slice(
  readme.indexOf('## Set up and run'),
  readme.indexOf('\n## ', readme.indexOf('## Set up and run') + 1),
)
const blocks = [...setup.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => (m[1] as string).replace(/\\\n\s*/g, ''))

const serveLine = blocks[0]?.split('&&').at(-1)?.trim() as string
const curlBlock = blocks.find((b) => b.includes('curl ')) as string
const vars = Object.fromEntries([...curlBlock.matchAll(/\b(KEY|URL)=(\S+)/g)].map((m) => [m[1], m[2]]))

describe("the README's server", () => {
  it('the main-job command ends by starting costmap serve with the key the curl calls use', () => {
    expect(serveLine).toMatch(/^node dist\/cli\.js serve /)
    expect(shellWords(serveLine)).toContain(vars.KEY)
  })

  it('answers the LiteLLM curl calls as the README shows them', async () => {
    const serve = await startServe(shellWords(serveLine).slice(3)) // after `node dist/cli.js serve`
    const args = shellWords(serveLine)
    const url = args[args.indexOf('--url') + 1]
    expect(resolve(ROOT, url as string)).toBe(MAIN_MAP)
    const synced = await getModelCostMap(MAIN_MAP)

    const requests = curlBlock
      .split('\n')
      .filter((line) => line.startsWith('curl '))
      .map((line) => toRequest(shellWords(line.replaceAll('$URL', serve.url).replaceAll('$KEY', vars.KEY as string))))
    expect(requests.map((r) => `${r.method} ${new URL(r.url).pathname}`)).toEqual([
      'POST /reload/model_cost_map',
      'POST /schedule/model_cost_map_reload',
      'DELETE /schedule/model_cost_map_reload',
      'GET /schedule/model_cost_map_reload/status',
      'GET /model/cost_map/source',
      'GET /v1/models',
      'GET /model/info',
      'GET /v1/model/info',
      'POST /model/new',
    ])
    const answers = []
    for (const request of requests) {
      const response = await fetch(request.url, request)
      expect(response.status, `${request.method} ${request.url}`).toBe(200)
      answers.push(await response.json())
    }
    const [reload, schedule, cancel, status, source, models, info, v1Info, added] = answers
    const n = synced.model_count
    // The synced file has the bundled map's bytes: nothing changed.
    expect(reload).toMatchObject({
      status: 'unchanged',
      models_count: n,
      message: `Price data reloaded successfully! ${n} models updated.`,
    })
    expect(schedule).toMatchObject({ status: 'success', interval_hours: 6 })
    expect(cancel).toMatchObject({ status: 'success' })
    expect(status).toMatchObject({
      scheduled: false,
      interval_hours: null,
      next_run: null,
      last_run: expect.any(String),
    })
    expect(source).toMatchObject({ source: 'remote', url: MAIN_MAP, model_count: n, sha256: synced.sha256 })
    // No model_list: LiteLLM's /v1/models lists no deployment (the cost map is on /model/cost_map/models).
    expect(models).toEqual({ object: 'list', data: [] })
    expect(info).toEqual({ data: [] })
    expect(v1Info).toEqual({ data: [] })
    expect(added).toMatchObject({ model_name: 'azure-gpt-turbo', litellm_params: { api_base: 'my-azure-api-base' } })
    expect(added.litellm_params.api_key).toBeUndefined()

    const after = await (await fetch(`${serve.url}/v1/model/info`, { headers: requests[0]?.headers })).json()
    expect(after.data.map((d: { model_info: { id: string } }) => d.model_info.id)).toEqual([added.model_info.id])
    expect((await serve.stop('SIGINT')).code).toBe(0)
  })
})

/** Splits a shell command line into words (single and double quotes, no expansion). */
function shellWords(line: string): string[] {
  const words: string[] = []
  let word = ''
  let quote: string | null = null
  let started = false
  for (const ch of line) {
    if (quote) {
      if (ch === quote) quote = null
      else word += ch
    } else if (ch === '"' || ch === "'") {
      quote = ch
      started = true
    } else if (/\s/.test(ch)) {
      if (started || word) words.push(word)
      word = ''
      started = false
    } else word += ch
  }
  if (started || word) words.push(word)
  return words
}

/** The fetch request a curl command line makes (-X, -H, -d, -L and the URL). */
function toRequest(words: string[]): { url: string; method: string; headers: Record<string, string>; body?: string } {
  const request: { url: string; method: string; headers: Record<string, string>; body?: string } = {
    url: '',
    method: 'GET',
    headers: {},
  }
  for (let i = 1; i < words.length; i++) {
    const word = words[i] as string
    if (word === '-X') request.method = words[++i] as string
    else if (word === '-H') {
      const [name, ...value] = (words[++i] as string).split(':')
      request.headers[(name as string).trim()] = value.join(':').trim()
    } else if (word === '-d') {
      request.body = words[++i] as string
      if (request.method === 'GET') request.method = 'POST'
    } else if (word !== '-L') request.url = word
  }
  return request
}
