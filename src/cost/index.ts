/**
 * The pricing engine: usage readers, token, unit and tier prices, adjustments; `costPerToken` and
 * `completionCost`. Other folders import this folder through this file only.
 * @module
 */
export { completionCost, costPerToken } from './cost'
export type {
  Adjustments,
  CallType,
  CostArgs,
  CostComponent,
  CostResult,
  MarginSpec,
  TokenCosts,
  UsageFormat,
} from './types'
