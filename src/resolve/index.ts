/**
 * resolve: the entry other folders import from.
 * @module
 */
export { contextOf, type MapIndex, type MapLike, type Resolved, SlotMemo } from './lookup'
export { buildModelInfo, MODEL_INFO_FIELDS, type ModelInfo, type ModelInfoField, type PricingTier } from './model-info'
export { findModelInfo, getModelInfo, notMapped, resolveIn, resolveModel } from './resolve'
