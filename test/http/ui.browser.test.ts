/**
 * The status page (`GET /model/cost_map/ui`) in Debian's headless Chromium, against real servers (node:http,
 * under a basePath, Express, Hono) over one store whose upstream is scripted: the map as bundled (unchanged),
 * then the map with gpt-4o repriced, a model added and one removed (a change), then a 500 (a failure).
 * What the page shows is compared with what the JSON routes answer; every request the page makes must go
 * to the server that served it. Chromium missing is a failure, never a skip (CI installs it).
 */
import type { Server } from 'node:http'
import { createServer } from 'node:http'
import { createAdaptorServer } from '@hono/node-server'
import express from 'express'
import { Hono } from 'hono'
import puppeteer, { type Browser, type Page } from 'puppeteer-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { costMapRoutes as expressRoutes } from '../../src/adapters/express'
import { costMapRoutes as honoRoutes } from '../../src/adapters/hono'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { STATUS_PAGE_HTML } from '../../src/http/ui'
import type { HistoryEntry } from '../../src/store'
import { ModelCostMap } from '../../src/store/store'
import { startServe } from '../cli/run'
import { AUTH, admin, KEY, listenOn, storeWithTwoMaps, VIEWER } from '../routes/fixtures'
import { MAIN_MAP, readJson, readText } from '../support/data'
import { startServer, type TestServer } from '../support/server'

const CHROMIUM = '/usr/bin/chromium'
const UI = '/model/cost_map/ui'
const NEW_MODEL = 'costmap-test/brand-new-model'

interface Site {
  url: string
  close(): Promise<void>
}

/** The real map with gpt-4o's input price doubled, one model added and one removed. */
function changedMap(): { text: string; removed: string } {
  const map = readJson(MAIN_MAP) as Record<string, Record<string, unknown>>
  const gpt = map['gpt-4o'] as Record<string, number>
  map['gpt-4o'] = { ...gpt, input_cost_per_token: (gpt.input_cost_per_token as number) * 2 }
  map[NEW_MODEL] = {
    litellm_provider: 'openai',
    mode: 'chat',
    input_cost_per_token: 1e-6,
    output_cost_per_token: 2e-6,
    max_input_tokens: 1000,
  }
  const removed = 'gpt-3.5-turbo-0301' in map ? 'gpt-3.5-turbo-0301' : (Object.keys(map).at(-1) as string)
  delete map[removed]
  return { text: JSON.stringify(map), removed }
}

describe('the status page in Chromium', () => {
  let browser: Browser
  let upstream: TestServer
  let costs: ModelCostMap
  let removed: string
  const sites: Record<'node' | 'base' | 'express' | 'hono', Site> = {} as never

  beforeAll(async () => {
    // Launched first: without Chromium the whole file fails here, as it must in CI.
    browser = await puppeteer.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--no-first-run'],
    })
    const changed = changedMap()
    removed = changed.removed
    const answers = [{ body: readText(MAIN_MAP) }, { body: changed.text }, { status: 500, body: 'upstream down' }]
    upstream = await startServer((_req, i) => answers[Math.min(i, answers.length - 1)] as never)
    costs = new ModelCostMap({
      url: `${upstream.url}/map.json`,
      autoLoad: false,
      retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
      timeoutMs: 5000,
    })
    sites.node = await listenOn(createServer(toNodeListener(createCostMapHandler(costs, AUTH))))
    sites.base = await listenOn(
      createServer(toNodeListener(createCostMapHandler(costs, { ...AUTH, basePath: '/ops/costs' }))),
    )
    const app = express()
    app.use('/admin', expressRoutes(costs, AUTH))
    sites.express = await listenOn(createServer(app))
    const hono = new Hono()
    hono.route('/', honoRoutes(costs, AUTH))
    sites.hono = await listenOn(createAdaptorServer({ fetch: hono.fetch }) as Server)
    // The handlers are listening: they see the change the second reload makes.
    expect((await costs.reload()).status).toBe('unchanged')
    expect((await costs.reload()).status).toBe('success')
    expect((await costs.reload()).status).toBe('failed')
  }, 60_000)

  afterAll(async () => {
    await browser?.close()
    for (const site of Object.values(sites)) await site.close()
    costs?.dispose()
    await upstream?.close()
  })

  /** A new tab that records every request and every console error; `origin` is the only allowed one. */
  async function open(site: Site, path: string, width = 1200): Promise<{ page: Page; problems: () => string[] }> {
    const page = await browser.newPage()
    await page.setViewport({ width, height: 900 })
    const origin = new URL(site.url).origin
    const foreign: string[] = []
    const errors: string[] = []
    page.on('request', (req) => {
      if (new URL(req.url()).origin !== origin) foreign.push(req.url())
    })
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(msg.text())
    })
    page.on('pageerror', (error) => errors.push(String(error)))
    await page.goto(`${site.url}${path}`, { waitUntil: 'load' })
    return {
      page,
      problems: () => [...foreign.map((u) => `request left the server: ${u}`), ...errors],
    }
  }

  const text = (page: Page, selector: string) => page.$eval(selector, (e) => e.textContent ?? '')
  const loaded = (page: Page) => page.waitForSelector('#src-sha:not(:empty)', { timeout: 10_000 })

  async function routeJson(site: Site, path: string, prefix = ''): Promise<Record<string, unknown>> {
    const res = await fetch(`${site.url}${prefix}${path}`, { headers: admin })
    expect(res.status, path).toBe(200)
    return (await res.json()) as Record<string, unknown>
  }

  it('is one page under 200 KB with a strict CSP, no data, and no key needed', async () => {
    const res = await fetch(`${sites.node.url}${UI}`)
    expect(res.status).toBe(200)
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(res.headers.get('x-content-type-options')).toBe('nosniff')
    expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    expect(res.headers.get('cache-control')).toBe('no-store')
    const csp = res.headers.get('content-security-policy') ?? ''
    expect(csp).toMatch(/default-src 'none'/)
    expect(csp).toMatch(/connect-src 'self'/)
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1]
    expect(nonce).toBeTruthy()
    const html = await res.text()
    expect(html).toContain(`<script nonce="${nonce}">`)
    expect(html).toContain(`<style nonce="${nonce}">`)
    expect(Buffer.byteLength(STATUS_PAGE_HTML)).toBeLessThan(200_000)
    // Nothing to fetch from elsewhere: no external src/href, no CSS url() or @import.
    expect(html).not.toMatch(/(?:src|href)\s*=\s*["']?(?:https?:)?\/\//)
    expect(html).not.toMatch(/url\(|@import/)
    expect(html).not.toContain(costs.snapshot.sha256)
    expect(html).not.toContain(KEY)
    // A second load gets another nonce.
    const again = (await fetch(`${sites.node.url}${UI}`)).headers.get('content-security-policy')
    expect(again).not.toBe(csp)
  })

  it('shows the numbers of the JSON routes, takes the key off the address bar, and loads nothing foreign', async () => {
    const { page, problems } = await open(sites.node, `${UI}#key=${KEY}`)
    await loaded(page)
    const source = await routeJson(sites.node, '/model/cost_map/source')
    const syncs = (await routeJson(sites.node, '/model/cost_map/syncs')) as {
      counts: Record<string, number>
      success_rate: number
      data: unknown[]
    }
    expect(await page.$eval('#src-models', (e) => (e as HTMLElement).dataset.value)).toBe(String(source.model_count))
    expect(await text(page, '#src-models')).toBe((source.model_count as number).toLocaleString('en-US'))
    const sha = await text(page, '#src-sha')
    expect(sha.length).toBeGreaterThanOrEqual(8)
    expect(source.sha256).toMatch(new RegExp(`^${sha}`))
    expect(await text(page, '#src-url')).toBe(source.url)
    expect(await text(page, '#src-error')).toMatch(/500/)
    expect(await text(page, '#sync-success')).toBe(String(syncs.counts.success))
    expect(await text(page, '#sync-unchanged')).toBe(String(syncs.counts.unchanged))
    expect(await text(page, '#sync-failed')).toBe(String(syncs.counts.failed))
    expect(await text(page, '#sync-rate')).toBe(`${(syncs.success_rate * 100).toFixed(1)}%`)
    expect(await page.$$eval('#syncs-body tr', (rows) => rows.length)).toBe(syncs.data.length)
    expect(await page.$$eval('#sync-chart rect', (r) => r.map((e) => e.getAttribute('class')))).toEqual(
      expect.arrayContaining(['success', 'unchanged', 'failed']),
    )
    expect(await page.evaluate(() => location.hash)).toBe('')
    expect(await page.evaluate(() => sessionStorage.getItem('costmap.key'))).toBe(KEY)
    expect(problems()).toEqual([])
    await page.close()
  })

  it('after a restart with a history: shows the change between its two latest maps', async () => {
    const { costs: restarted, close } = await storeWithTwoMaps()
    // A new handler on a store with a history has seen no change: what it shows comes from the history.
    const site = await listenOn(createServer(toNodeListener(createCostMapHandler(restarted, AUTH))))
    try {
      const [before, after] = restarted.history().slice(-2) as [HistoryEntry, HistoryEntry]
      const { page, problems } = await open(site, `${UI}#key=${KEY}`)
      await loaded(page)
      await page.waitForSelector('#change-detail:not([hidden])', { timeout: 10_000 })
      expect(await page.$eval('#change-none', (e) => (e as HTMLElement).hidden)).toBe(true)
      expect(await text(page, '#chg-from')).toBe(before.sha256.slice(0, 12))
      expect(await text(page, '#chg-to')).toBe(after.sha256.slice(0, 12))
      expect(problems()).toEqual([])
      await page.close()
    } finally {
      await site.close()
      await close()
    }
  }, 60_000)

  it('shows the last change: the new and removed model, gpt-4o old -> new per 1M with +100.0%', async () => {
    const { page, problems } = await open(sites.node, `${UI}#key=${KEY}`)
    await loaded(page)
    const change = ((await routeJson(sites.node, '/model/cost_map/last_change')) as { data: Record<string, unknown> })
      .data
    expect(change.new_models).toEqual([NEW_MODEL])
    expect(await page.$$eval('#chg-new li', (li) => li.map((e) => e.textContent))).toEqual([NEW_MODEL])
    expect(await page.$$eval('#chg-removed li', (li) => li.map((e) => e.textContent))).toEqual([removed])
    const rows = await page.$$eval('#change-body tr', (trs) => trs.map((tr) => [...tr.cells].map((c) => c.textContent)))
    const input = rows.find((r) => r[0] === 'gpt-4o' && r[1] === 'input')
    const old = (readJson(MAIN_MAP)['gpt-4o'] as Record<string, number>).input_cost_per_token as number
    expect(input).toEqual(['gpt-4o', 'input', `$${(old * 1e6).toFixed(2)}`, `$${(old * 2e6).toFixed(2)}`, '+100.0%'])
    expect(problems()).toEqual([])
    await page.close()
  })

  it('the calculator prices gpt-4o as completionCost does, with the breakdown', async () => {
    const { page, problems } = await open(sites.node, `${UI}#key=${KEY}`)
    await loaded(page)
    const form = 'form[name="calculate"]'
    await page.$eval(`${form} [name="model"]`, (e) => {
      ;(e as HTMLInputElement).value = 'gpt-4o'
    })
    for (const [name, value] of [
      ['prompt_tokens', '1000'],
      ['completion_tokens', '500'],
      ['cached_tokens', '200'],
    ]) {
      await page.$eval(
        `${form} [name="${name}"]`,
        (e, v) => {
          ;(e as HTMLInputElement).value = v
        },
        value as string,
      )
    }
    await page.click(`${form} button[type="submit"]`)
    await page.waitForSelector('#calc-result:not([hidden])')
    const expected = costs.completionCost({
      model: 'gpt-4o',
      usage: { prompt_tokens: 1000, completion_tokens: 500, prompt_tokens_details: { cached_tokens: 200 } },
    })
    expect(expected.totalCost).toBeGreaterThan(0)
    expect(Number(await page.$eval('#calc-total', (e) => (e as HTMLElement).dataset.value))).toBe(expected.totalCost)
    const shown = await text(page, '#calc-total')
    expect(shown).toMatch(/^\$0\.\d{4,}$/)
    expect(Number(shown.slice(1))).toBeCloseTo(expected.totalCost, 6)
    expect(await page.$$eval('#calc-breakdown tr', (r) => r.length)).toBe(expected.breakdown.length)

    // An unknown model: the 404's message and its suggestions, one click from a price.
    await page.$eval(`${form} [name="model"]`, (e) => {
      ;(e as HTMLInputElement).value = 'gpt4o'
    })
    await page.click(`${form} button[type="submit"]`)
    await page.waitForSelector('#calc-suggestions button')
    expect(await text(page, '#calc-error')).toMatch(/isn't mapped yet/)
    const suggestions = await page.$$eval('#calc-suggestions button', (b) => b.map((e) => e.textContent))
    expect(suggestions[0]).toBe('gpt-4o')
    // Chrome logs the 404 of the fetch itself; nothing else may be in the console.
    expect(problems().filter((p) => !/status of 404/.test(p))).toEqual([])
    await page.close()
  })

  it('a wrong key shows an error and no data', async () => {
    const { page, problems } = await open(sites.node, `${UI}#key=sk-wrong`)
    await page.waitForFunction(() => /refused/.test(document.getElementById('message')?.textContent ?? ''))
    expect(await text(page, '#message')).toMatch(/refused \(401\): Invalid API key/)
    expect(await page.$eval('#app', (e) => (e as HTMLElement).hidden)).toBe(true)
    expect(await page.$$eval('#app dd', (dds) => dds.map((d) => d.textContent).join(''))).toBe('')
    expect(await page.$$eval('#app tbody tr', (r) => r.length)).toBe(0)
    expect(await page.evaluate(() => sessionStorage.getItem('costmap.key'))).toBeNull()
    expect(problems().filter((p) => !/status of 401/.test(p))).toEqual([])
    await page.close()
  })

  it('a viewer key reads everything; an admin action shows the 403 and disables the admin controls', async () => {
    const { page } = await open(sites.node, `${UI}#key=${VIEWER}`)
    await loaded(page)
    const before = upstream.requests.length
    await page.click('#reload')
    await page.waitForFunction(() => /Admin role required/.test(document.getElementById('message')?.textContent ?? ''))
    expect(await page.$eval('#reload', (b) => (b as HTMLButtonElement).disabled)).toBe(true)
    expect(upstream.requests.length).toBe(before)
    await page.close()
  })

  it('searches the models with prices per 1M and the context window', async () => {
    const { page, problems } = await open(sites.node, `${UI}#key=${KEY}`)
    await loaded(page)
    await page.type('#search-q', 'gpt-4o-mini')
    await page.waitForFunction(() => document.querySelector('#models-body tr td')?.textContent === 'gpt-4o-mini', {
      timeout: 5000,
    })
    const entry = readJson(MAIN_MAP)['gpt-4o-mini'] as Record<string, number>
    const first = await page.$eval('#models-body tr', (tr) =>
      [...(tr as HTMLTableRowElement).cells].map((c) => c.textContent),
    )
    expect(first.slice(0, 3)).toEqual(['gpt-4o-mini', 'openai', 'chat'])
    expect(first[3]).toBe(`$${((entry.input_cost_per_token as number) * 1e6).toFixed(2)}`)
    expect(first[6]).toBe((entry.max_input_tokens as number).toLocaleString('en-US'))
    expect(problems()).toEqual([])
    await page.close()
  })

  it('works under a basePath and fits a 360 px screen without horizontal scrolling', async () => {
    const { page, problems } = await open(sites.base, `/ops/costs${UI}#key=${KEY}`, 360)
    await loaded(page)
    const source = await routeJson(sites.base, '/model/cost_map/source', '/ops/costs')
    expect(await text(page, '#src-models')).toBe((source.model_count as number).toLocaleString('en-US'))
    await page.type('#search-q', 'claude')
    await page.waitForSelector('#models-body tr')
    const width = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }))
    expect(width.client).toBe(360)
    expect(width.scroll).toBeLessThanOrEqual(width.client)
    expect(problems()).toEqual([])
    await page.close()
  })

  it.each([
    ['express', '/admin'],
    ['hono', ''],
  ] as const)('works with the %s adapter', async (name, prefix) => {
    const site = sites[name]
    const { page, problems } = await open(site, `${prefix}${UI}#key=${KEY}`)
    await loaded(page)
    const source = await routeJson(site, '/model/cost_map/source', prefix)
    expect(source.sha256).toMatch(new RegExp(`^${await text(page, '#src-sha')}`))
    expect(await text(page, '#src-models')).toBe((source.model_count as number).toLocaleString('en-US'))
    expect(problems()).toEqual([])
    await page.close()
  })

  it('works with costmap serve (the built CLI, on the bundled backup)', async () => {
    const serve = await startServe(['--master-key', KEY], { LITELLM_LOCAL_MODEL_COST_MAP: 'True' })
    try {
      // It says where the page is, with a placeholder for the key (never the key itself).
      const [, printed] = await serve.waitFor(/status page (\S+)/)
      expect(printed).toBe(`${serve.url}${UI}#key=<your`)
      expect(serve.stdout()).not.toContain(KEY)
      const site = { url: serve.url, close: async () => undefined }
      const { page, problems } = await open(site, `${UI}#key=${KEY}`)
      await loaded(page)
      const source = await routeJson(site, '/model/cost_map/source')
      expect(source.source).toBe('local')
      expect(await text(page, '#src-source')).toMatch(/^local/)
      expect(await text(page, '#src-models')).toBe((source.model_count as number).toLocaleString('en-US'))
      expect(problems()).toEqual([])
      await page.close()
    } finally {
      await serve.stop('SIGTERM')
    }
  })
})
