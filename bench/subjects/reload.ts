/**
 * Full reload of the real map from a loopback node:http server, against JSON.parse of the same bytes
 * (and against a user-land reload: fetch + JSON.parse). The server cycles through three bodies that differ
 * in one price, so each `reload()` gets a body unlike the active one and parses, validates, diffs and swaps
 * instead of answering `unchanged`.
 */
import { readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ModelCostMap } from '../.out/dist/index.js'
import { MAP_FILE } from './mix.js'

export interface ReloadTimes {
  bytes: number
  /** Milliseconds per round, interleaved so the three share the machine's state. */
  reload: number[]
  parse: number[]
  fetchParse: number[]
}

/** The map text with gpt-4o's input price changed to a value unique to `i`. */
function variant(text: string, i: number): string {
  const at = text.indexOf('"input_cost_per_token":', text.indexOf('"gpt-4o": {'))
  const end = text.indexOf(',', at)
  return `${text.slice(0, at)}"input_cost_per_token": ${(2.5 + (i + 1) / 1e4).toFixed(4)}e-06${text.slice(end)}`
}

export async function measureReload(rounds: number): Promise<ReloadTimes> {
  const text = readFileSync(MAP_FILE, 'utf8')
  const texts = [0, 1, 2].map((i) => variant(text, i))
  const bodies = texts.map((t) => Buffer.from(t))
  let served = 0
  const server = createServer((_req, res) => {
    const body = bodies[served++ % 3] as Buffer
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': body.length })
    res.end(body)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  const costs = new ModelCostMap({ url, autoLoad: false, timeoutMs: 30_000 })
  const times: ReloadTimes = { bytes: Buffer.byteLength(text), reload: [], parse: [], fetchParse: [] }
  try {
    for (let i = -2; i < rounds; i++) {
      let t = performance.now()
      const result = await costs.reload()
      if (result.status !== 'success') throw new Error(`reload ${i}: ${result.status} ${result.error}`)
      const reload = performance.now() - t
      t = performance.now()
      JSON.parse(texts[(i + 3) % 3] as string)
      const parse = performance.now() - t
      t = performance.now()
      JSON.parse(await (await fetch(url)).text())
      const fetchParse = performance.now() - t
      if (i < 0) continue // warm-up: JIT, sockets, the first diff
      times.reload.push(reload)
      times.parse.push(parse)
      times.fetchParse.push(fetchParse)
    }
  } finally {
    costs.dispose()
    server.close()
  }
  return times
}
