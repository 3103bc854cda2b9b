// The fast paths of src/map/schema.ts against the zod schemas they stand in for, so that a map with fallback
// rules loads without zod and still gets exactly what zod would give.
import { isDeepStrictEqual } from 'node:util'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { findForbiddenKey, isCleanEntry, isCleanRule, PRICE_KEY } from '../../src/map/schema'
import { FallbackRuleSchema, ModelEntrySchema } from '../../src/schema-entry'
import { historyFiles, readJson } from '../support/data'
import { entryText, ruleText } from './arbitraries'

const text = fc.oneof(fc.string(), fc.constantFrom('', '^claude-', '(', 'anthropic'))
const value = fc.oneof(
  text,
  fc.integer(),
  fc.constant(null),
  fc.boolean(),
  fc.array(text, { maxLength: 3 }),
  fc.dictionary(
    fc.constantFrom('litellm_provider', 'supports_vision', '__proto__', 'mode'),
    fc.oneof(text, fc.boolean()),
  ),
)
const field = fc.constantFrom(
  'name',
  'pattern',
  'description',
  'model_info',
  'fill_missing_for_providers',
  'extends',
  'note',
  '__proto__',
  'constructor',
)
const rule = fc.oneof(
  fc.dictionary(field, value, { maxKeys: 6 }).map((d) => ({ name: 'r', pattern: '^a', ...d })),
  fc.dictionary(field, value, { maxKeys: 6 }),
  value,
)

describe('isCleanRule', () => {
  it('whatever it accepts, FallbackRuleSchema accepts and gives the same rule (5,000 cases)', () => {
    let accepted = 0
    fc.assert(
      fc.property(rule, (candidate) => {
        const input = JSON.parse(JSON.stringify(candidate ?? null)) as unknown
        if (!isCleanRule(input)) return
        accepted++
        const parsed = FallbackRuleSchema.safeParse(structuredClone(input))
        expect(parsed.success).toBe(true)
        expect(parsed.data).toEqual({ ...input, model_info: input.model_info ?? {} })
      }),
      { numRuns: Number(process.env.COSTMAP_FUZZ_RUNS ?? 5_000) },
    )
    expect(accepted).toBeGreaterThan(100) // the generator reaches the fast path, not only the refusals
  })

  it.each([
    [
      'a prototype key deep inside model_info',
      { name: 'r', pattern: '^a', model_info: JSON.parse('{"__proto__": {}}') },
    ],
    ['an empty name', { name: '', pattern: '^a' }],
    ['a pattern that is not a string', { name: 'r', pattern: 1 }],
    ['providers that are not strings', { name: 'r', pattern: '^a', fill_missing_for_providers: [1] }],
  ])('leaves %s to zod', (_label, candidate) => {
    expect(isCleanRule(candidate)).toBe(false)
  })

  it('accepts every rule of the newest upstream map', () => {
    const newest = historyFiles().at(-1) as string
    const rules = (readJson(newest).fallback_generalizations as { rules: unknown[] }).rules
    expect(rules.length).toBeGreaterThan(0)
    expect(rules.filter((r) => !isCleanRule(r))).toEqual([])
  })
})

/**
 * What the full check (src/map/build.ts: the prototype-key scan, then zod) makes of `input`: the entry it
 * keeps, or null when it drops it.
 */
function fullCheck(input: unknown, schema: typeof ModelEntrySchema | typeof FallbackRuleSchema): unknown {
  if (findForbiddenKey(input) !== null) return null
  const parsed = schema.safeParse(structuredClone(input))
  return parsed.success ? parsed.data : null
}

describe('the fast checks are the zod schemas (one definition of a valid entry)', () => {
  const RUNS = Number(process.env.COSTMAP_FUZZ_RUNS ?? 5_000)

  it('isCleanEntry accepts an entry exactly when the full check keeps it unchanged, and flags the prices above the ceiling (property)', () => {
    const seen = { fast: 0, zod: 0 }
    fc.assert(
      fc.property(entryText, fc.constantFrom(0.01, 1e-7, Number.POSITIVE_INFINITY), (entry, ceiling) => {
        const input = JSON.parse(entry) as unknown
        const flagged: string[] = []
        const fast = isCleanEntry(input, ceiling, flagged)
        const kept = fullCheck(input, ModelEntrySchema)
        const unchanged = kept !== null && isDeepStrictEqual(kept, input)
        expect(fast).toBe(unchanged)
        if (kept !== null) seen[fast ? 'fast' : 'zod']++
        if (!fast) return
        // The findings the full check reports for a kept entry (build.ts checkPrices), in the file's order.
        const data = kept as Record<string, unknown>
        const over = Object.keys(input as object).filter((field) => {
          const value = data[field]
          return typeof value === 'number' && value > ceiling && field.includes('per_token') && PRICE_KEY.test(field)
        })
        expect(flagged).toEqual(over)
      }),
      { numRuns: RUNS },
    )
    // Both sides are reached: entries the fast check keeps, and valid ones only zod keeps (coerced).
    expect(seen.fast).toBeGreaterThan(RUNS / 20)
    expect(seen.zod).toBeGreaterThan(RUNS / 100)
  })

  it('isCleanRule accepts a rule exactly when the full check keeps it unchanged (model_info defaulting to {}) (property)', () => {
    const seen = { fast: 0, zod: 0 }
    fc.assert(
      fc.property(ruleText, (rule) => {
        const input = JSON.parse(rule) as Record<string, unknown>
        const fast = isCleanRule(input)
        const kept = fullCheck(input, FallbackRuleSchema)
        const unchanged = kept !== null && isDeepStrictEqual(kept, { ...input, model_info: input.model_info ?? {} })
        expect(fast).toBe(unchanged)
        if (kept !== null) seen[fast ? 'fast' : 'zod']++
      }),
      { numRuns: RUNS },
    )
    expect(seen.fast).toBeGreaterThan(RUNS / 20)
    expect(seen.zod).toBeGreaterThan(RUNS / 100)
  })
})
