// The fast paths of src/map/schema.ts against the zod schemas they stand in for, so that a map with fallback
// rules loads without zod and still gets exactly what zod would give.
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { isCleanRule } from '../../src/map/schema'
import { FallbackRuleSchema } from '../../src/schema-entry'
import { historyFiles, readJson } from '../support/data'

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
