/**
 * Registered models and custom prices: merged into the entry each key resolves to, on every snapshot.
 * @module
 */
import { CostMapError } from '../errors'
import type { CostMapData } from '../map'
import { isCleanEntry, type ModelEntry, mapSchemas } from '../map'
import { findModelInfo } from '../resolve'

/**
 * @internal Each registration laid over the entry its key resolves to in `base` (LiteLLM's
 * `register_model`), validated. With `onInvalid` unset an invalid result throws; otherwise it is skipped.
 * @throws {CostMapError} `INVALID_ARGUMENT`
 */
export function mergeRegistrations(
  base: CostMapData,
  registrations: ReadonlyMap<string, Partial<ModelEntry>>,
  onInvalid?: (key: string) => void,
): Record<string, ModelEntry> {
  const out: Record<string, ModelEntry> = Object.create(null)
  for (const [key, partial] of registrations) {
    const resolved = findModelInfo(base, key)?.key
    const existing = resolved === undefined ? undefined : base[resolved]
    const merged = { ...existing, ...partial }
    // The common registration needs no coercion: zod is loaded only to coerce or to explain.
    if (isCleanEntry(merged)) {
      out[key] = merged as ModelEntry
      continue
    }
    const parsed = mapSchemas().ModelEntrySchema.safeParse(merged)
    if (parsed.success) out[key] = parsed.data
    else if (onInvalid) onInvalid(key)
    else {
      const issue = parsed.error.issues[0]
      throw new CostMapError(
        'INVALID_ARGUMENT',
        `[costmap] invalid model ${key}: ${issue?.path.join('.')} ${issue?.message}`,
      )
    }
  }
  return out
}
