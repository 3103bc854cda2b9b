/**
 * Prices a few calls with the bundled map (no network): each call's total and breakdown, then the sum.
 *
 *   npx tsx examples/basic-pricing.ts
 *
 * 'costmap' instead of '../src/index'.
 */
import { type CostArgs, completionCost, isCostMapError, loadBackup } from '../src'

const map = loadBackup() // synchronous; a ModelCostMap would keep it current

// Usage objects exactly as each provider returns them.
const calls: Array<{ label: string; args: CostArgs }> = [
  {
    label: 'OpenAI chat, 10k of 12k prompt tokens from the cache',
    args: {
      model: 'gpt-4o',
      usage: { prompt_tokens: 12_000, completion_tokens: 800, prompt_tokens_details: { cached_tokens: 10_000 } },
    },
  },
  {
    label: 'Anthropic message with cache writes and reads',
    args: {
      model: 'claude-sonnet-4-5',
      usage: {
        input_tokens: 2_000,
        output_tokens: 600,
        cache_creation_input_tokens: 5_000,
        cache_read_input_tokens: 20_000,
      },
    },
  },
  {
    label: 'Reasoning model',
    args: {
      model: 'o3',
      usage: { prompt_tokens: 3_000, completion_tokens: 4_000, completion_tokens_details: { reasoning_tokens: 3_200 } },
    },
  },
  {
    label: 'Gemini usageMetadata',
    args: { model: 'gemini/gemini-2.5-flash', usage: { promptTokenCount: 1_000, candidatesTokenCount: 400 } },
  },
  {
    label: 'Embedding',
    args: { model: 'text-embedding-3-small', callType: 'embedding', usage: { prompt_tokens: 50_000 } },
  },
]

// Ten significant digits: the float noise of a sum (0.025500000000000002) is not a price.
const usd = (n: number) => `$${+n.toPrecision(10)}`

let total = 0
for (const { label, args } of calls) {
  const bill = completionCost(map, args)
  total += bill.totalCost
  console.log(`${label}: ${args.model} (map key ${bill.key}) = ${usd(bill.totalCost)}`)
  for (const part of bill.breakdown) {
    const rate = part.unit === 'token' ? `${usd(part.rate * 1e6)} per 1M tokens` : `${usd(part.rate)} per ${part.unit}`
    console.log(`    ${part.component.padEnd(18)} ${String(part.units).padStart(7)} x ${rate} = ${usd(part.cost)}`)
  }
}
console.log(`Total for ${calls.length} calls: ${usd(total)}`)

// A model the map does not know is an error, never $0.
try {
  completionCost(map, { model: 'my-private-model', usage: { prompt_tokens: 10, completion_tokens: 10 } })
} catch (error) {
  if (!isCostMapError(error)) throw error
  console.log(`my-private-model: ${error.code}`)
}
