/**
 * Model resolution: from the name a caller has to the map entry LiteLLM would use, and `ModelInfo`. Other folders import this folder through this file only.
 * @module
 */
export { contextOf, type MapIndex, type MapLike, type Resolved, SlotMemo } from './lookup'
export { buildModelInfo, MODEL_INFO_FIELDS, type ModelInfo, type ModelInfoField, type PricingTier } from './model-info'
export { findModelInfo, getModelInfo, notMapped, resolveIn, resolveModel } from './resolve'
