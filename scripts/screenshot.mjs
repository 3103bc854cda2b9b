// Writes docs/status-page.png: the status page of the built package (dist/) in headless Chromium, on real
// LiteLLM maps from ../shared. A local upstream serves three history maps in turn (two changes), then the
// last one again (unchanged), then a 500 (a failure kept the map), so every part of the page has data.
// Usage: npm run screenshot   (builds dist first; needs /usr/bin/chromium or CHROMIUM=/path)
import { readdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import puppeteer from 'puppeteer-core'
import { createCostMapHandler, ModelCostMap, toNodeListener } from '../dist/index.js'

const root = fileURLToPath(new URL('..', import.meta.url))
const history = join(root, '../shared/data/litellm/history')
const out = join(root, 'docs/status-page.png')
const KEY = 'sk-screenshot'
const MAP_PATH = '/BerriAI/litellm/main/model_prices_and_context_window.json'

// Three consecutive maps whose last step added models and moved prices (any three will do when they are gone).
const WANTED = ['2026-06-06T22-29-16.json', '2026-07-01T01-56-47.json', '2026-07-15T21-09-00.json']
const present = readdirSync(history)
  .filter((f) => f.endsWith('.json'))
  .sort()
const files = WANTED.every((f) => present.includes(f)) ? WANTED : present.slice(-3)
const maps = files.map((f) => readFileSync(join(history, f), 'utf8'))
const answers = [...maps.map((body) => ({ status: 200, body })), { status: 200, body: maps.at(-1) }, { status: 500 }]

let served = 0
const upstream = createServer((_req, res) => {
  const answer = answers[Math.min(served++, answers.length - 1)]
  res.writeHead(answer.status, { 'content-type': 'application/json' })
  res.end(answer.body ?? 'upstream unavailable')
})
const listen = (server) =>
  new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(`http://127.0.0.1:${server.address().port}`)))

const upstreamUrl = await listen(upstream)
const costs = new ModelCostMap({
  url: `${upstreamUrl}${MAP_PATH}`,
  autoLoad: false,
  retry: { attempts: 1, baseDelayMs: 5, maxDelayMs: 10 },
})
const server = createServer(toNodeListener(createCostMapHandler(costs, { masterKey: KEY, env: {} })))
const url = await listen(server)
for (let i = 0; i < answers.length; i++) {
  const result = await costs.reload()
  console.log(`reload ${i + 1}: ${result.status}${result.error ? ` (${result.error.slice(0, 80)})` : ''}`)
}
costs.schedule(6)

const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--headless=new', '--disable-gpu', '--hide-scrollbars'],
})
try {
  const page = await browser.newPage()
  await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: 'light' }])
  await page.setViewport({ width: 1280, height: 900, deviceScaleFactor: 1 })
  await page.goto(`${url}/model/cost_map/ui#key=${KEY}`, { waitUntil: 'load' })
  await page.waitForSelector('#src-sha:not(:empty)')
  await page.click('form[name="calculate"] button[type="submit"]')
  await page.waitForSelector('#calc-result:not([hidden])')
  await page.type('#search-q', 'claude-sonnet-4-5')
  await page.waitForFunction(() => /claude/.test(document.querySelector('#models-body tr td')?.textContent ?? ''))
  await page.screenshot({ path: out, fullPage: true })
  console.log(`wrote ${out}`)
} finally {
  await browser.close()
  costs.dispose()
  server.close()
  upstream.close()
}
