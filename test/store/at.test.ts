// Prices at a point in time: the 23 real LiteLLM versions imported into a history directory, each price
// checked against one computed here from that version's raw JSON.
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { basename, join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ModelCostMap } from '../../src/store/store'
import { historyFiles, readJson, readText } from '../support/data'
import { startServer, type TestServer } from '../support/server'

const sha = (text: string) => createHash('sha256').update(text).digest('hex')
const USAGE = { prompt_tokens: 1000, completion_tokens: 500 }
/** `2025-06-02T19-06-17.json` -> epoch ms, parsed here without costmap code. */
const fileTime = (file: string) =>
  Date.parse(`${basename(file, '.json').replace(/T(\d\d)-(\d\d)-(\d\d)$/, 'T$1:$2:$3')}Z`)
/** The price LiteLLM's raw entry gives `USAGE` (input and output per-token prices only). */
function rawPrice(file: string, model: string): number | undefined {
  const entry = readJson(file)[model] as { input_cost_per_token: number; output_cost_per_token: number } | undefined
  return (
    entry && entry.input_cost_per_token * USAGE.prompt_tokens + entry.output_cost_per_token * USAGE.completion_tokens
  )
}

const files = historyFiles()
const dirs: string[] = []
const newDir = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'costmap-history-'))
  dirs.push(dir)
  return dir
}
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true })
})

describe('the 23 real versions imported', () => {
  let dir: string
  let costs: ModelCostMap
  beforeAll(async () => {
    dir = await newDir()
    costs = new ModelCostMap({ autoLoad: false, history: { dir } })
    const results = await costs.importHistory(files.map((f) => ({ at: fileTime(f), text: readText(f) })))
    expect(results.map((r) => r.status)).toEqual(files.map(() => 'imported'))
  }, 120_000)
  afterAll(() => costs.dispose())

  it('records every version in time order, each closed by the next, the boot map last', () => {
    const history = costs.history()
    expect(history).toHaveLength(files.length + 1)
    files.forEach((f, i) => {
      expect(history[i]).toMatchObject({
        sha256: sha(readText(f)),
        active_from: new Date(fileTime(f)).toISOString(),
        source: 'import',
      })
      expect(history[i]?.active_until).toBe(history[i + 1]?.active_from)
    })
    expect(history.at(-1)).toMatchObject({ sha256: costs.snapshot.sha256, active_until: null, source: 'local' })
  })

  const cases = files.flatMap((file, i) => {
    const next = files[i + 1]
    const between = next ? (fileTime(file) + fileTime(next)) / 2 : fileTime(file) + 3_600_000
    return ['deepseek/deepseek-chat', 'o3', 'mistral/mistral-large-latest']
      .filter((model) => rawPrice(file, model) !== undefined)
      .map((model) => ({ model, file: basename(file), path: file, at: new Date(between).toISOString() }))
  })

  it.each(cases)('$model at $at is priced on $file', ({ model, path, at }) => {
    const expected = rawPrice(path, model) as number
    const view = costs.at(at)
    expect(view.sha256).toBe(sha(readText(path)))
    const result = view.completionCost({ model, usage: USAGE })
    expect(result.totalCost).toBeCloseTo(expected, 15)
    expect(result.sha256).toBe(view.sha256)
    // The short form is the same call.
    expect(costs.completionCost({ model, usage: USAGE, at }).totalCost).toBe(result.totalCost)
    expect(costs.costPerToken({ model, usage: USAGE, at: Date.parse(at) })).toEqual({
      promptCost: result.promptCost,
      completionCost: result.completionCost,
    })
  })

  it('sees every price change of the three models (the cases are not all one price)', () => {
    const prices = new Set(cases.map((c) => `${c.model}:${rawPrice(c.path, c.model)}`))
    expect(prices.size).toBe(7)
  })

  it.each([
    ['a Date', new Date('2025-01-01T00:00:00Z')],
    ['an ISO string', '2024-12-31T23:59:59Z'],
    ['epoch ms', Date.parse('2025-02-06T10:56:02Z')],
  ])('before the first version (%s) is NO_MAP_AT, never the current map', (_, at) => {
    expect(() => costs.at(at)).toThrow(expect.objectContaining({ code: 'NO_MAP_AT' }))
    expect(() => costs.completionCost({ model: 'gpt-4o', usage: USAGE, at })).toThrow(
      expect.objectContaining({ code: 'NO_MAP_AT' }),
    )
  })

  it('the first second of the first version is priced on it', () => {
    expect(costs.at('2025-02-06T10:56:03Z').sha256).toBe(sha(readText(files[0] as string)))
  })

  it('a model that did not exist then is MODEL_NOT_MAPPED (o3 before May 2025)', () => {
    expect(rawPrice(files[2] as string, 'o3')).toBeUndefined()
    expect(() => costs.completionCost({ model: 'o3', usage: USAGE, at: '2025-04-15T00:00:00Z' })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_MAPPED' }),
    )
    expect(costs.at('2025-04-15T00:00:00Z').findModelInfo('o3')).toBeUndefined()
  })

  it('a bad time is INVALID_ARGUMENT', () => {
    for (const at of ['yesterday', Number.NaN, new Date('x'), 1e20, '2025-13-45T99:00:00Z', {} as string])
      expect(() => costs.at(at)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
  })

  it('importing the same files again changes nothing', async () => {
    const before = costs.history()
    const filesBefore = (await readdir(dir)).sort()
    const again = await costs.importHistory(files.map((f) => ({ at: basename(f, '.json'), text: readText(f) })))
    expect(again.map((r) => r.status)).toEqual(files.map(() => 'unchanged'))
    expect(costs.history()).toEqual(before)
    expect((await readdir(dir)).sort()).toEqual(filesBefore)
  })

  it('stores each map once, gzip-compressed, named by its sha256', async () => {
    const names = (await readdir(dir)).filter((n) => n.endsWith('.json.gz'))
    expect(names.sort()).toEqual([...new Set(costs.history().map((e) => `${e.sha256}.json.gz`))].sort())
    const [first] = files as [string]
    const gz = await readFile(join(dir, `${sha(readText(first))}.json.gz`))
    expect(gz[0]).toBe(0x1f)
    expect(gz.length).toBeLessThan(readText(first).length / 3)
  })

  it('a restart with the same directory has the same history and prices', async () => {
    await costs.flushHistory()
    const again = new ModelCostMap({ autoLoad: false, history: { dir } })
    try {
      expect(again.history()).toEqual(costs.history())
      const at = '2025-06-15T00:00:00Z'
      expect(again.completionCost({ model: 'o3', usage: USAGE, at }).totalCost).toBeCloseTo(
        rawPrice(files[4] as string, 'o3') as number,
        15,
      )
    } finally {
      again.dispose()
    }
  })

  it('registered models and custom prices apply at every time', () => {
    costs.registerModel({
      'my-llama': { litellm_provider: 'openai', input_cost_per_token: 1e-6, output_cost_per_token: 0 },
    })
    try {
      expect(
        costs.completionCost({ model: 'my-llama', usage: USAGE, at: '2025-03-10T00:00:00Z' }).totalCost,
      ).toBeCloseTo(1e-3, 15)
    } finally {
      costs.unregisterModel(['my-llama'])
    }
    expect(() => costs.completionCost({ model: 'my-llama', usage: USAGE, at: '2025-03-10T00:00:00Z' })).toThrow(
      expect.objectContaining({ code: 'MODEL_NOT_MAPPED' }),
    )
  })
})

describe('imports that are refused', () => {
  it.each([
    ['not JSON', '{"gpt-4o": '],
    ['an array', '[]'],
    ['no models at all', '{}'],
    ['mostly invalid entries', JSON.stringify({ a: { input_cost_per_token: 'x' }, b: { input_cost_per_token: -1 } })],
  ])('%s: reported, nothing recorded, nothing written', async (_, text) => {
    const dir = await newDir()
    const costs = new ModelCostMap({ autoLoad: false, history: { dir } })
    try {
      await costs.flushHistory()
      const before = costs.history()
      const [result] = await costs.importHistory([{ at: '2025-01-01T00:00:00Z', text }])
      expect(result).toMatchObject({ status: 'failed', sha256: null })
      expect(result?.error).toBeTruthy()
      expect(costs.history()).toEqual(before)
      expect((await readdir(dir)).filter((n) => n.endsWith('.gz'))).toHaveLength(1) // the boot map only
    } finally {
      costs.dispose()
    }
  })

  it('one bad time fails the whole import before anything is recorded', async () => {
    const dir = await newDir()
    const costs = new ModelCostMap({ autoLoad: false, history: { dir } })
    try {
      const before = costs.history()
      const items = [
        { at: '2025-02-06T10:56:03Z', text: readText(files[0] as string) },
        { at: 'last tuesday', text: readText(files[1] as string) },
      ]
      await expect(costs.importHistory(items)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' })
      await costs.flushHistory()
      expect(costs.history()).toEqual(before)
      expect((await readdir(dir)).filter((n) => n.endsWith('.gz'))).toHaveLength(1)
    } finally {
      costs.dispose()
    }
  })

  it('a damaged index is set aside, not trusted and not lost', async () => {
    const dir = await newDir()
    await writeFile(join(dir, 'index.json'), '{"entries": [{"sha256": "../../etc"}]}')
    const warnings: string[] = []
    const costs = new ModelCostMap({ autoLoad: false, history: { dir }, logger: { warn: (m) => warnings.push(m) } })
    try {
      await costs.flushHistory()
      expect(warnings.join('\n')).toMatch(/history index .* was damaged/)
      expect((await readdir(dir)).some((n) => n.startsWith('index.json.damaged-'))).toBe(true)
      expect(costs.history()).toHaveLength(1)
    } finally {
      costs.dispose()
    }
  })
})

describe('a live store records every map that becomes active', () => {
  let server: TestServer
  let body = ''
  beforeAll(async () => {
    server = await startServer(() => ({ body }))
  })
  afterAll(() => server.close())

  it('appends a reload, closes the previous map, and still prices the time before it', async () => {
    const dir = await newDir()
    const [older, newer] = files.slice(-2) as [string, string]
    body = readText(older)
    const costs = new ModelCostMap({ url: server.url, backup: readText(files[0] as string), history: { dir } })
    try {
      await costs.ready
      const [boot, first] = costs.history()
      expect(boot).toMatchObject({ source: 'local', sha256: sha(readText(files[0] as string)) })
      expect(first).toMatchObject({ source: 'remote', url: server.url, sha256: sha(body), active_until: null })
      expect(boot?.active_until).toBe(first?.active_from)
      const beforeReload = Date.now()
      await new Promise((r) => setTimeout(r, 5))
      body = readText(newer)
      expect((await costs.reload()).status).toBe('success')
      const history = costs.history()
      expect(history).toHaveLength(3)
      expect(history[2]).toMatchObject({
        sha256: sha(body),
        active_until: null,
        model_count: costs.source().model_count,
      })
      expect(history[1]?.active_until).toBe(history[2]?.active_from)
      expect(costs.at(beforeReload).sha256).toBe(sha(readText(older)))
      expect(costs.at(Date.now()).sha256).toBe(costs.snapshot.sha256)
      // A reload that changes nothing records nothing.
      await costs.reload()
      expect(costs.history()).toHaveLength(3)
      await costs.flushHistory()
    } finally {
      costs.dispose()
    }
    // The next process, before its remote map lands, prices the past on the recorded maps.
    const restarted = new ModelCostMap({ autoLoad: false, history: { dir } })
    try {
      expect(restarted.history()).toHaveLength(3)
      expect(restarted.at(Date.now()).sha256).toBe(sha(readText(newer)))
      expect(restarted.completionCost({ model: 'o3', usage: USAGE, at: Date.now() }).totalCost).toBeCloseTo(
        rawPrice(newer, 'o3') as number,
        15,
      )
    } finally {
      restarted.dispose()
    }
  }, 60_000)

  it('retention drops maps that ended long ago, never the current one', async () => {
    const dir = await newDir()
    const costs = new ModelCostMap({ autoLoad: false, history: { dir, maxAgeDays: 30 } })
    try {
      await costs.importHistory(files.slice(0, 2).map((f) => ({ at: fileTime(f), text: readText(f) })))
      await costs.flushHistory()
      // The first map ended in March 2025 and goes with its file; the second was active until the boot map
      // replaced it just now, so it stays.
      const history = costs.history()
      expect(history.map((e) => e.sha256)).toEqual([sha(readText(files[1] as string)), costs.snapshot.sha256])
      expect((await readdir(dir)).filter((n) => n.endsWith('.gz')).sort()).toEqual(
        history.map((e) => `${e.sha256}.json.gz`).sort(),
      )
      expect(() => costs.at(fileTime(files[0] as string))).toThrow(expect.objectContaining({ code: 'NO_MAP_AT' }))
    } finally {
      costs.dispose()
    }
  })

  it('without the history option, at() says what is missing', () => {
    const costs = new ModelCostMap({ autoLoad: false })
    try {
      expect(costs.history()).toEqual([])
      expect(() => costs.at(Date.now())).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }))
    } finally {
      costs.dispose()
    }
  })
})
