/**
 * Discount and margin, with LiteLLM's semantics (`cost_discount_config`, `cost_margin_config`):
 * discount first, then margin; a margin number p means x (1 + p), an object adds `fixed_amount` after
 * the percentage; per-provider tables fall back to `global` for margins.
 * @module
 */

import { CostMapError } from '../errors'
import { addPart } from './tokens'
import type { Adjustments, CostComponent, MarginSpec } from './types'

/**
 * @internal Applies discount then margin to `total`, adding breakdown lines; returns the new total.
 * @throws {CostMapError} `INVALID_ARGUMENT` for a discount outside 0..1 or a malformed margin
 * @example
 * ```ts
 * applyAdjustments(0.006, 'openai', { discount: 0.05, margin: 0.1 }, parts) // 0.006 * 0.95 * 1.1
 * ```
 */
export function applyAdjustments(
  total: number,
  provider: string,
  options: Adjustments,
  parts: CostComponent[],
): number {
  let result = total
  const discount = pickDiscount(options.discount, provider)
  if (discount > 0) {
    const amount = result * discount
    addPart(parts, 'discount', 'adjustment', 1, 'usd', -amount, null)
    result -= amount
  }
  const margin = pickMargin(options.margin, provider)
  if (margin !== undefined) {
    const spec = typeof margin === 'number' ? { percentage: margin } : margin
    const pct = finite(spec.percentage ?? 0, 'margin percentage', -1)
    const fixed = finite(spec.fixed_amount ?? 0, 'margin fixed_amount', 0)
    const amount = result * pct + fixed
    if (amount !== 0) addPart(parts, 'margin', 'adjustment', 1, 'usd', amount, null)
    result += amount
  }
  return result
}

/**
 * @internal `preferReportedCost`: the provider's reported cost replaces `total` (prompt + completion +
 * tools), before discount and margin; one `reported_cost` line keeps the breakdown summing to the total.
 * Returns the new total, or `undefined` when the map's price stands (not preferred, or nothing reported).
 * @throws {CostMapError} `INVALID_ARGUMENT` when `prefer` is given and not a boolean
 * @example
 * ```ts
 * reportedTotal(0.0035, 0.004, true, parts) // 0.004, parts gains { component: 'reported_cost', cost: 0.0005 }
 * ```
 */
export function reportedTotal(
  total: number,
  reported: number | null,
  prefer: unknown,
  parts: CostComponent[],
): number | undefined {
  if (prefer !== undefined && typeof prefer !== 'boolean')
    throw new CostMapError('INVALID_ARGUMENT', `[costmap] preferReportedCost must be a boolean, got ${typeof prefer}`)
  if (prefer !== true || reported === null) return undefined
  const delta = reported - total
  parts.push({
    component: 'reported_cost',
    side: 'adjustment',
    units: 1,
    unit: 'usd',
    rate: delta,
    cost: delta,
    priceKey: null,
  })
  return reported
}

function pickDiscount(discount: Adjustments['discount'], provider: string): number {
  if (discount === undefined || discount === null) return 0
  const value = typeof discount === 'number' ? discount : discount[provider]
  if (value === undefined) return 0
  if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
    throw new CostMapError(
      'INVALID_ARGUMENT',
      `[costmap] discount must be a fraction between 0 and 1, got ${String(value)}`,
    )
  }
  return value
}

function pickMargin(margin: Adjustments['margin'], provider: string): MarginSpec | undefined {
  if (margin === undefined || margin === null) return undefined
  if (typeof margin === 'number') return margin
  if (typeof margin !== 'object')
    throw new CostMapError('INVALID_ARGUMENT', `[costmap] margin must be a number or an object`)
  if ('percentage' in margin || 'fixed_amount' in margin) return margin as MarginSpec
  const table = margin as Readonly<Record<string, MarginSpec>>
  return table[provider] ?? table.global
}

function finite(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min) {
    throw new CostMapError(
      'INVALID_ARGUMENT',
      `[costmap] ${name} must be a finite number >= ${min}, got ${String(value)}`,
    )
  }
  return value
}
