/** Paths to the shared LiteLLM data (never copied into this repo). */
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export const SHARED = fileURLToPath(new URL('../../../shared/', import.meta.url))
export const DATA = join(SHARED, 'data/litellm')
export const MAIN_MAP = join(DATA, 'model_prices_and_context_window.json')
export const LITELLM_BACKUP_MAP = join(DATA, 'model_prices_and_context_window_backup.json')
export const HISTORY = join(DATA, 'history')
export const CONFORMANCE = join(SHARED, 'conformance/litellm_cases.json')

/** History files in date order (their names are ISO timestamps). */
export function historyFiles(): string[] {
  return readdirSync(HISTORY)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => join(HISTORY, f))
}

const cache = new Map<string, string>()
export function readText(path: string): string {
  let text = cache.get(path)
  if (text === undefined) {
    text = readFileSync(path, 'utf8')
    cache.set(path, text)
  }
  return text
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readText(path)) as Record<string, unknown>
}

/** The real map with every model cloned under `times - 1` new keys: `times` x the models, the same shape. */
export function bloatedMap(times: number): string {
  const map = readJson(MAIN_MAP)
  const out: Record<string, unknown> = { ...map }
  for (const [key, value] of Object.entries(map)) {
    if (key === 'sample_spec' || key === 'fallback_generalizations') continue
    for (let i = 1; i < times; i++) out[`${key}-clone-${i}`] = value
  }
  return JSON.stringify(out)
}
