/**
 * `tiered_pricing` token ranges (Dashscope/Qwen entries): one row per input-size range.
 *
 * Two readings exist. LiteLLM 1.82.1 slices each bucket across the rows (graduated, like income tax);
 * Alibaba bills the whole request at the row its input size falls in, and later LiteLLM switched to
 * that. The default here is `'request'`; `'graduated'` reproduces 1.82.1.
 * @module
 */
import { price } from './rates'
import { addPart, type Sides } from './tokens'
import type { CostComponent } from './types'
import type { Tokens } from './usage'

type Row = Readonly<Record<string, unknown>>

/**
 * @internal Prices a request with `tiered_pricing` rows.
 * @example
 * ```ts
 * tieredTokenCost(map['dashscope/qwen-flash'], readUsage({ prompt_tokens: 300000, completion_tokens: 10 }), 'request', parts)
 * ```
 */
export function tieredTokenCost(
  entry: Readonly<Record<string, unknown>>,
  t: Tokens,
  mode: 'request' | 'graduated',
  parts: CostComponent[],
): Sides {
  const rows = entry.tiered_pricing as Row[]
  const notText = t.cached + t.cacheWrite + t.audioIn + t.imageIn
  const text = t.textIn === 0 || t.textIn + notText > t.prompt ? Math.max(0, t.prompt - notText) : t.textIn
  const reasoning = t.reasoning
  const textOut = Math.max(0, t.completion - reasoning)
  const buckets: Array<[string, 'prompt' | 'completion', number, string, string]> = [
    [
      'input_text',
      'prompt',
      text + t.audioIn + t.imageIn + t.cacheWrite,
      'input_cost_per_token',
      'input_cost_per_token',
    ],
    ['input_cached', 'prompt', t.cached, 'cache_read_input_token_cost', 'input_cost_per_token'],
    ['output_text', 'completion', textOut, 'output_cost_per_token', 'output_cost_per_token'],
    ['output_reasoning', 'completion', reasoning, 'output_cost_per_reasoning_token', 'output_cost_per_token'],
  ]
  const sides: Sides = { prompt: 0, completion: 0 }
  const chosen = mode === 'request' ? selectRow(rows, t.prompt) : -1
  for (const [component, side, units, field, fallback] of buckets) {
    if (units <= 0) continue
    if (chosen >= 0) {
      sides[side] += slice(parts, rows, chosen, component, side, units, field, fallback)
      continue
    }
    for (let i = 0; i < rows.length; i++) {
      const [lo, hi] = (rows[i] as Row).range as [number, number]
      // Tokens beyond the last range are billed at the last row's price.
      const upper = i === rows.length - 1 ? units : Math.min(units, hi)
      const amount = upper - lo
      if (amount > 0) sides[side] += slice(parts, rows, i, component, side, amount, field, fallback)
    }
  }
  return sides
}

/** Row whose range holds n (`lo < n <= hi`); the first for n = 0, the last above every range. */
function selectRow(rows: readonly Row[], n: number): number {
  for (let i = 0; i < rows.length; i++) {
    const [lo, hi] = (rows[i] as Row).range as [number, number]
    if ((n > lo || (i === 0 && n >= lo)) && n <= hi) return i
  }
  return rows.length - 1
}

function slice(
  parts: CostComponent[],
  rows: readonly Row[],
  i: number,
  component: string,
  side: 'prompt' | 'completion',
  units: number,
  field: string,
  fallback: string,
): number {
  const row = rows[i] as Row
  let key = field
  let rate = price(row, field)
  if (rate === undefined) {
    key = fallback
    rate = price(row, fallback) ?? 0
  }
  return addPart(parts, component, side, units, 'token', rate, `tiered_pricing[${i}].${key}`)
}
