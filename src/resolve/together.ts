/**
 * Together AI's size buckets (LiteLLM's `together_ai/cost_calculator.py`): a price by the parameter count
 * in the model name. LiteLLM 1.82.1 reprices every together_ai call this way, published rates included;
 * costmap uses a bucket only where the map publishes no rate, as later LiteLLM does (`has_published_rate`).
 * @module
 */

import { PRICE_KEY } from '../map'
import type { MapIndex, Resolved } from './lookup'
import { buildModelInfo } from './model-info'

/**
 * @internal The `matched_by` of a result priced by a size bucket.
 * @example
 * ```ts
 * getModelInfo(map, 'together_ai/meta-llama/Some-New-70B-Instruct').matched_by === TOGETHER_SIZE_RULE // true
 * ```
 */
export const TOGETHER_SIZE_RULE = 'rule:together_ai_size'

// LiteLLM's `re.search(r"(\d+b)")` on the lower-cased name: the first digit run followed by `b`, so
// `4.1b` reads as 1b and `mixtral-8x7b` as 7b.
const BILLIONS = /(\d+)b/i
const MILLIONS = /(\d+)m/i
const CHAT: ReadonlyArray<readonly [number, string]> = [
  [4, 'together-ai-up-to-4b'],
  [8, 'together-ai-4.1b-8b'],
  [21, 'together-ai-8.1b-21b'],
  [41, 'together-ai-21.1b-41b'],
  [80, 'together-ai-41.1b-80b'],
  [110, 'together-ai-81.1b-110b'],
]
const EMBEDDING: ReadonlyArray<readonly [number, string]> = [
  [150, 'together-ai-embedding-up-to-150m'],
  [350, 'together-ai-embedding-151m-to-350m'],
]

/**
 * @internal The bucket key for a model name, or `undefined` (no size in the name, or above the last
 * bucket). LiteLLM picks the embedding buckets by call type; resolution has none (getModelInfo and the
 * memo are per name), so the name decides: a size in billions is a chat bucket, otherwise a size in
 * millions an embedding one.
 * @example
 * ```ts
 * togetherBucket('meta-llama/Llama-3.1-8B-Instruct') // 'together-ai-4.1b-8b'
 * togetherBucket('togethercomputer/m2-bert-80M-8k-retrieval') // 'together-ai-embedding-up-to-150m'
 * togetherBucket('Qwen/Qwen3-235B-A22B') // undefined
 * ```
 */
export function togetherBucket(model: string): string | undefined {
  const billions = BILLIONS.exec(model)
  const match = billions ?? MILLIONS.exec(model)
  if (match === null) return undefined
  const size = Number(match[1])
  return (billions === null ? EMBEDDING : CHAT).find(([max]) => size <= max)?.[1]
}

/**
 * @internal A together_ai model the map does not know, priced by its size bucket; `null` without a
 * bucket (or when the map lacks the bucket's entry).
 * @example
 * ```ts
 * togetherFallback(index, 'together_ai/meta-llama/Some-New-70B-Instruct')?.key // 'together-ai-41.1b-80b'
 * ```
 */
export function togetherFallback(index: MapIndex, model: string): Resolved | null {
  const bucket = bucketEntry(index, model)
  if (bucket === undefined) return null
  const { key, entry } = bucket
  const info = buildModelInfo(entry, key, 'together_ai', TOGETHER_SIZE_RULE)
  return { info, entry, key, provider: 'together_ai', rule: undefined }
}

/** The bucket of `model` and the map's entry for it, when both exist. */
function bucketEntry(
  index: MapIndex,
  model: string,
): { key: string; entry: Readonly<Record<string, unknown>> } | undefined {
  const key = togetherBucket(model)
  const entry = key === undefined ? undefined : index.entries[key]
  return key === undefined || entry === undefined ? undefined : { key, entry }
}

/**
 * @internal A together_ai entry without a published rate (no `input_cost_per_token`: six capability-only
 * entries in LiteLLM's map rely on the buckets) with the bucket's prices added; the entry's own fields win.
 * `undefined` when the entry has a rate or the name no bucket.
 * @example
 * ```ts
 * bucketPriced(index, 'together_ai/Qwen/Qwen2.5-72B-Instruct-Turbo', entry)?.input_cost_per_token // 9e-7
 * ```
 */
export function bucketPriced(
  index: MapIndex,
  model: string,
  entry: Readonly<Record<string, unknown>>,
): Readonly<Record<string, unknown>> | undefined {
  if (entry.input_cost_per_token !== undefined && entry.input_cost_per_token !== null) return undefined
  const bucket = bucketEntry(index, model)?.entry
  if (bucket === undefined) return undefined
  const merged: Record<string, unknown> = { ...entry }
  for (const field in bucket) if (PRICE_KEY.test(field) && merged[field] == null) merged[field] = bucket[field]
  return Object.freeze(merged)
}
