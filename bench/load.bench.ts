// Load time of the real 1.4 MB map against the floor, bare JSON.parse of the same text, in the same run.
// Goal (issue 2): parse + validate + index at most 2x JSON.parse. The raw-text duplicate-key scan is a
// report on top (it runs on remote loads), measured separately. The transport (ofetch, the stream cap, the
// deadline) against a bare fetch of the same bytes from a loopback server.
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, bench, describe } from 'vitest'
import { fetchText } from '../src/load/transport'
import { buildCostMap, parseCostMapText } from '../src/map/integrity'
import { contextOf } from '../src/resolve/lookup'
import { MAIN_MAP } from '../test/support/data'

const text = readFileSync(MAIN_MAP, 'utf8')
const options = { time: 3000, warmupTime: 500 }

describe('load the March 2026 map (1.4 MB, 2,668 models)', () => {
  bench(
    'floor: JSON.parse',
    () => {
      JSON.parse(text)
    },
    options,
  )
  bench(
    'costmap: parse + validate + lookup index',
    () => {
      contextOf(buildCostMap(parseCostMapText(text)).map)
    },
    options,
  )
  bench(
    'costmap: parse + validate + index + duplicate-key scan',
    () => {
      contextOf(buildCostMap(parseCostMapText(text), { text }).map)
    },
    options,
  )
})

const body = readFileSync(MAIN_MAP)
const server = createServer((_req, res) => res.end(body))
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/map.json`
afterAll(() => new Promise((resolve) => server.close(resolve)))

describe('fetch the March 2026 map (1.4 MB) from a loopback server', () => {
  bench(
    'floor: fetch + text()',
    async () => {
      await (await fetch(url)).text()
    },
    options,
  )
  bench(
    'costmap: fetchText (ofetch, deadline, capped stream)',
    async () => {
      await fetchText(url, { env: {} })
    },
    options,
  )
})
