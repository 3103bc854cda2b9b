/**
 * cost: the entry other folders import from.
 * @module
 */
export { completionCost, costPerToken } from './cost'
export type { Adjustments, CallType, CostArgs, CostComponent, CostResult, MarginSpec, TokenCosts } from './types'
