/**
 * A ModelCostMap that syncs from an upstream while it serves prices, and prints its events: a new model
 * and a price cut arrive without a restart; a broken upstream file is refused and the map is kept.
 * The upstream is a loopback HTTP server standing in for LiteLLM's GitHub file (a `file:` URL or an
 * absolute path works the same way).
 *
 *   npx tsx examples/hot-reload.ts
 *
 * 'costmap' and 'costmap/backup' instead of '../src/…'.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { ModelCostMap } from '../src'
import { backupText } from '../src/backup-entry'

// What the upstream serves, changed as the example goes.
let upstreamBody = backupText()
const upstream = createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json' })
  res.end(upstreamBody)
})
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/model_prices_and_context_window.json`

const costs = new ModelCostMap({ url, autoLoad: false })
costs.on('change', (e) => {
  console.log(`change: ${e.models_count} models, new: [${e.new_models.join(', ')}], ${e.pricing_changes} price changes`)
  for (const c of e.price_changes) console.log(`  ${c.model}.${c.field}: ${c.old} -> ${c.new}`)
})
costs.on('reload_failed', (e) => console.log(`reload failed, version ${e.keptVersion} kept: ${e.error}`))

const gpt4o = () => costs.completionCost({ model: 'gpt-4o', usage: { prompt_tokens: 1_000_000 } }).totalCost
console.log(`1M gpt-4o input tokens: $${gpt4o()} (bundled backup)`)

console.log(`reload: ${(await costs.reload()).status} (the same file as the backup, now from the remote source)`)

const next = JSON.parse(upstreamBody) as Record<string, Record<string, unknown>>
next['grok-5-preview'] = {
  litellm_provider: 'xai',
  mode: 'chat',
  input_cost_per_token: 3e-6,
  output_cost_per_token: 1.5e-5,
}
next['gpt-4o'] = { ...next['gpt-4o'], input_cost_per_token: 2e-6 }
upstreamBody = JSON.stringify(next)
console.log(`reload: ${(await costs.reload()).status} (a new model and a price cut)`)
console.log(`1M gpt-4o input tokens: $${gpt4o()}`)

upstreamBody = '<html><body>Rate limited</body></html>'
console.log(`reload: ${(await costs.reload()).status} (the upstream serves an HTML page)`)
console.log(`grok-5-preview is still priced: ${costs.findModelInfo('grok-5-preview') !== undefined}`)

costs.dispose()
upstream.closeAllConnections()
upstream.close()
