/**
 * `GET /model/cost_map/last_change` after a restart (issue 19): a handler that has seen no change yet answers
 * the change between the two latest maps of the store's history (real LiteLLM maps, a real node:http server),
 * computed once per pair; without a history, or with one map, it still answers `{data: null}`.
 */
import { copyFile, mkdtemp, rm, unlink } from 'node:fs/promises'
import { createServer } from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { diffCostMaps, META_KEYS } from '../../src/map'
import { ModelCostMap } from '../../src/store/store'
import { historyFiles, MAIN_MAP, readJson, readText } from '../support/data'
import { AUTH, listenOn, sha, viewer } from './fixtures'

const files = historyFiles()
/** The history files' names are their activation times: `…/2025-02-06T10-56-03.json` -> 2025-02-06T10:56:03Z. */
const timeOf = (file: string) =>
  `${(/(\d{4}-\d{2}-\d{2}T\d{2})-(\d{2})-(\d{2})\.json$/.exec(file) ?? []).slice(1).join(':')}Z`
/** A map's models as its raw JSON has them: the meta keys (`sample_spec`, `last_updated`) are not models. */
const models = (file: string) =>
  Object.fromEntries(Object.entries(readJson(file)).filter(([key]) => !META_KEYS.has(key))) as Parameters<
    typeof diffCostMaps
  >[0]

const dirs: string[] = []
/** A history directory holding the first `count` real maps, written by a store that has since gone. */
async function historyOf(count: number): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'costmap-last-change-'))
  dirs.push(dir)
  const writer = new ModelCostMap({ autoLoad: false, history: { dir, record: false } })
  const results = await writer.importHistory(
    files.slice(0, count).map((file) => ({ at: timeOf(file), text: readText(file) })),
  )
  expect(results.map((r) => r.status)).toEqual(Array(count).fill('imported'))
  await writer.flushHistory()
  writer.dispose()
  return dir
}

/** The "restarted" server: a new store and handler on `dir`; `warnings` collects the handler's log. */
async function restart(options: ConstructorParameters<typeof ModelCostMap>[0] = {}) {
  const costs = new ModelCostMap({ autoLoad: false, ...options })
  const warnings: string[] = []
  const handler = createCostMapHandler(costs, { ...AUTH, logger: { warn: (m) => warnings.push(m) } })
  const server = await listenOn(createServer(toNodeListener(handler)))
  const lastChange = async () => {
    const res = await fetch(`${server.url}/model/cost_map/last_change`, { headers: viewer })
    expect(res.status).toBe(200)
    return (await res.json()) as { data: Record<string, unknown> | null }
  }
  return {
    costs,
    warnings,
    lastChange,
    close: async () => {
      await server.close()
      handler.dispose()
      costs.dispose()
      await costs.flushHistory()
    },
  }
}

let running: Awaited<ReturnType<typeof restart>> | undefined
afterEach(async () => {
  await running?.close()
  running = undefined
})
afterAll(async () => {
  await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })))
})

describe('GET /model/cost_map/last_change after a restart', () => {
  const dirsByCount = new Map<number, string>()
  beforeAll(async () => {
    for (const count of [1, 2, 3]) dirsByCount.set(count, await historyOf(count))
  }, 120_000)

  it.each([
    [2, 'the first two real maps'],
    [3, 'the first three real maps (the last two count)'],
  ])('a history of %i maps (%s) answers the diff of its last two, as diffCostMaps of their JSON', async (count) => {
    running = await restart({ history: { dir: dirsByCount.get(count) as string } })
    const [before, after] = files.slice(count - 2, count) as [string, string]
    const diff = diffCostMaps(models(before), models(after))
    expect(diff.new_models.length + diff.removed_models.length + diff.pricing_changes).toBeGreaterThan(0)
    const { data } = await running.lastChange()
    expect(data).toEqual({
      timestamp: new Date(timeOf(after)).toISOString(),
      previous_sha256: sha(readText(before)),
      sha256: sha(readText(after)),
      models_count: Object.keys(models(after)).length,
      new_models: diff.new_models,
      removed_models: diff.removed_models,
      changed_models: diff.changed_models,
      pricing_changes: diff.pricing_changes,
      price_changes: diff.price_changes.slice(0, 500),
      price_changes_truncated: diff.price_changes.length > 500,
    })
    expect(running.warnings).toEqual([])
  })

  it('computes the diff once: later requests read the two maps no more', async () => {
    running = await restart({ history: { dir: dirsByCount.get(2) as string } })
    const reads = vi.spyOn(running.costs, 'historyMap')
    const first = await running.lastChange()
    expect(reads).toHaveBeenCalledTimes(2)
    expect(await running.lastChange()).toEqual(first)
    expect(await running.lastChange()).toEqual(first)
    expect(reads).toHaveBeenCalledTimes(2)
  })

  it.each([
    ['no history', () => ({})],
    ['a history of one map', () => ({ history: { dir: dirsByCount.get(1) as string } })],
  ])('%s: {data: null}, as before', async (_, options) => {
    running = await restart(options())
    expect(await running.lastChange()).toEqual({ data: null })
  })

  it('a change this handler saw comes first', async () => {
    // Today's map with one model more: a change the guard lets through (a 2025 map would be held as a shrink).
    const text = JSON.stringify({
      ...readJson(MAIN_MAP),
      'costmap-test/new': { litellm_provider: 'openai', mode: 'chat' },
    })
    running = await restart({
      history: { dir: dirsByCount.get(2) as string, record: false },
      url: 'https://maps.example/model_prices.json',
      fetch: async () => new Response(text, { status: 200 }),
    })
    expect(((await running.lastChange()).data as { sha256: string }).sha256).toBe(sha(readText(files[1] as string)))
    const boot = running.costs.snapshot.sha256
    expect((await running.costs.reload()).status).toBe('success')
    const { data } = await running.lastChange()
    expect(data).toMatchObject({ previous_sha256: boot, sha256: sha(text), new_models: ['costmap-test/new'] })
  })

  it('a history map whose file is gone: {data: null} and one warning, never a 500', async () => {
    const source = dirsByCount.get(2) as string
    const dir = await mkdtemp(join(tmpdir(), 'costmap-last-change-broken-'))
    dirs.push(dir)
    const newer = sha(readText(files[1] as string))
    for (const name of ['index.json', `${sha(readText(files[0] as string))}.json.gz`])
      await copyFile(join(source, name), join(dir, name))
    running = await restart({ history: { dir } })
    await unlink(join(dir, `${newer}.json.gz`)).catch(() => undefined)
    expect(await running.lastChange()).toEqual({ data: null })
    expect(await running.lastChange()).toEqual({ data: null })
    expect(running.warnings).toHaveLength(1)
    expect(running.warnings[0]).toMatch(new RegExp(`last change.*${newer}`))
  })
})
