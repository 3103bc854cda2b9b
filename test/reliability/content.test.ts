// Map content limits (issue 14): what a fetched map may put in its rules and entries, and what callers'
// model names may cost. Every case here was a reproduced defect: an event-loop stall, a rule that made
// pricing throw, a stack overflow, unbounded memo memory, a silent $0.
import { readFileSync } from 'node:fs'
import v8 from 'node:v8'
import { runInNewContext } from 'node:vm'
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { completionCost, costPerToken } from '../../src/cost/cost'
import { isCostMapError } from '../../src/errors'
import { createCostMapHandler } from '../../src/http/handler'
import { buildCostMapText } from '../../src/map/integrity'
import { compileRulePattern, MAX_RULE_NAME } from '../../src/map/pattern'
import { isCleanEntry, isCleanRule } from '../../src/map/schema'
import { MAX_ARRAY, MAX_DEPTH, MAX_KEYS, MAX_STRING } from '../../src/map/zod'
import { contextOf, MAX_MEMO_CHARS, MAX_MEMO_KEY } from '../../src/resolve/lookup'
import { findModelInfo } from '../../src/resolve/resolve'
import { FallbackRuleSchema, ModelEntrySchema } from '../../src/schema-entry'
import { admin } from '../routes/fixtures'
import { historyFiles, LITELLM_BACKUP_MAP, MAIN_MAP, readText } from '../support/data'
import { syntheticMap } from '../support/server'
import { armed, GOOD } from './harness'

/** V8's collector, so that garbage does not count as retained memory. */
v8.setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void

const REAL_MAPS = [MAIN_MAP, LITELLM_BACKUP_MAP, ...historyFiles()]
const usage = { prompt_tokens: 1000, completion_tokens: 500 }

/** A valid synthetic map text with `extra` top-level keys (entries or `fallback_generalizations`). */
function mapText(extra: Record<string, unknown>): string {
  return JSON.stringify(syntheticMap(200, extra))
}

function rules(...list: unknown[]): { fallback_generalizations: { rules: unknown[] } } {
  return { fallback_generalizations: { rules: list } }
}

/** The median time of `runs` calls, ms: a typical call, not a preempted one (the machine is shared). */
function typical(runs: number, f: (i: number) => unknown): number {
  const times: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    f(i)
    times.push(performance.now() - start)
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)] as number
}

describe('fallback rule patterns cannot stall the event loop', () => {
  it.each([
    ['nested repetition', '^(a+)+$', /nested repetition/],
    ['repeated alternation', '^(a|aa)*$', /repeated alternation/],
    ['a repeated group of alternatives', '^((a|b)c)+x$', /repeated alternation/],
    ['three ambiguous repetitions', '\\d+\\d+\\d+x', /ambiguous repetitions/],
    ['two ambiguous wildcards', 'a.*b.*c$', /ambiguous repetitions/],
    ['a backreference', '^(a+)\\1$', /backreference/],
    ['a named backreference', '^(?<x>a)\\k<x>$', /backreference/],
    ['a repetition inside a lookahead', '^(?=a+)a', /inside a lookaround/],
    ['a huge count', '^a{1,50000}$', /count above/],
    ['a very long pattern', `^${'a'.repeat(300)}$`, /longer than/],
    ['an invalid regex', '^(a', /bad pattern/],
  ])('a rule with %s (%s) is dropped with a reason', (_label, pattern, reason) => {
    const { map, report } = buildCostMapText(
      mapText(rules({ name: 'evil', pattern, model_info: { supports_vision: true } })),
    )
    expect(report.ok).toBe(true)
    const dropped = report.dropped.find((d) => d.key === 'fallback_generalizations.rules[0]')
    expect(dropped?.reason).toMatch(reason)
    expect(findModelInfo(map, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaa!')).toBeUndefined()
  })

  it('with the evil rule dropped, pricing 200 unknown 30-character names stays fast', () => {
    const evil = { name: 'evil', pattern: '^(a+)+$', model_info: { supports_vision: true } }
    const fine = { name: 'fine', pattern: '^claude-[a-z]+-\\d+$', model_info: { supports_vision: true } }
    const { map, report } = buildCostMapText(mapText(rules(evil, fine)))
    expect(report.dropped.map((d) => d.key)).toEqual(['fallback_generalizations.rules[0]'])
    // Before the check, each of these took hundreds of ms (doubling per character).
    const worst = typical(200, (i) => {
      expect(() => completionCost(map, { model: `${'a'.repeat(26)}${1000 + i}!`, usage })).toThrow(/isn't mapped/)
    })
    expect(worst).toBeLessThan(50)
    expect(findModelInfo(map, 'claude-new-5')?.supports_vision).toBe(true) // the good rule still works
  })

  it(`a name longer than ${MAX_RULE_NAME} characters is not matched against rules`, () => {
    // Accepted (one ambiguous repetition), but O(n^2) per start on an n-character name: 100k would stall.
    const rule = { name: 'wide', pattern: 'a.*b', model_info: { supports_vision: true } }
    const { map, report } = buildCostMapText(mapText(rules(rule)))
    expect(report.dropped).toEqual([])
    expect(findModelInfo(map, `a${'x'.repeat(MAX_RULE_NAME - 2)}b`)?.supports_vision).toBe(true)
    const huge = 'a'.repeat(100_000)
    expect(typical(3, () => findModelInfo(map, huge))).toBeLessThan(50)
    expect(findModelInfo(map, `${'a'.repeat(MAX_RULE_NAME)}b`)).toBeUndefined()
  })

  it('the worst accepted pattern costs little on the longest name tested', () => {
    const worst = compileRulePattern('\\d+\\d+x') // one ambiguous repetition: O(n^3) unanchored
    expect(worst).toBeInstanceOf(RegExp)
    expect(typical(5, () => (worst as RegExp).test('1'.repeat(MAX_RULE_NAME)))).toBeLessThan(50)
  })

  it('every rule of the real maps (current and history) compiles, loads and keeps resolving', () => {
    let seen = 0
    for (const file of REAL_MAPS) {
      const parsed = JSON.parse(readText(file)) as { fallback_generalizations?: { rules: Array<{ pattern: string }> } }
      for (const rule of parsed.fallback_generalizations?.rules ?? []) {
        expect(compileRulePattern(rule.pattern), rule.pattern).toBeInstanceOf(RegExp)
        seen++
      }
    }
    expect(seen).toBeGreaterThan(20)
    const { map, report } = buildCostMapText(readText(historyFiles().at(-1) as string))
    expect(report.dropped.filter((d) => d.key.startsWith('fallback_generalizations'))).toEqual([])
    expect(findModelInfo(map, 'claude-opus-9-1')?.supports_adaptive_thinking).toBe(true)
    expect(findModelInfo(map, 'claude-opus-4-1')?.supports_adaptive_thinking).toBeFalsy()
  })
})

describe('fallback rule prices go through the entry schema', () => {
  it.each([
    ['a negative price', { input_cost_per_token: -1 }, /input_cost_per_token/],
    ['a price that is not a number', { output_cost_per_token: 'free' }, /output_cost_per_token/],
    ['a negative dynamic price', { input_cost_per_token_above_200k_tokens: -2e-6 }, /above_200k/],
    ['a bad limit', { max_tokens: -5 }, /max_tokens/],
    ['bad tiers', { tiered_pricing: 'x' }, /tiered_pricing/],
    ['a provider that is not a string', { litellm_provider: 7 }, /litellm_provider/],
  ])('a rule with %s is dropped and reported; its models are not priced from it', (_label, info, reason) => {
    const rule = { name: 'bad', pattern: '^newco-', model_info: { mode: 'chat', ...info } }
    const { map, report } = buildCostMapText(mapText(rules(rule)))
    expect(report.ok).toBe(true)
    expect(report.dropped).toEqual([
      { key: 'fallback_generalizations.rules[0]', reason: expect.stringMatching(reason) },
    ])
    // Before, the rule loaded and every call of a matched model threw on the bad price.
    expect(findModelInfo(map, 'newco-1', 'openai')).toBeUndefined()
  })

  it('a numeric-string price in a rule becomes a number, as in an entry', () => {
    const rule = {
      name: 'ok',
      pattern: '^newco-',
      model_info: { input_cost_per_token: '1e-6', output_cost_per_token: 0 },
    }
    const { map, report } = buildCostMapText(mapText(rules(rule)))
    expect(report.dropped).toEqual([])
    const r = completionCost(map, { model: 'newco-1', provider: 'openai', usage })
    expect(r.totalCost).toBeCloseTo(1000 * 1e-6, 15)
  })
})

/** `depth` arrays inside each other, built as text: JSON.parse copes, recursive code would not. */
const deepText = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`

describe('entries are bounded in depth and size', () => {
  const price = '"litellm_provider": "openai", "input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6'
  it.each([
    ['10,000 nested arrays', `{${price}, "extra": ${deepText(10_000)}}`, /nested deeper than/],
    ['10,000 nested objects', `{${price}, "extra": ${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`, /nested/],
    [`nesting just past ${MAX_DEPTH}`, `{${price}, "extra": ${deepText(MAX_DEPTH)}}`, /nested deeper than/],
    ['a huge string', `{${price}, "note": "${'x'.repeat(MAX_STRING + 1)}"}`, /string longer than/],
    ['a huge array', `{${price}, "list": [${Array(MAX_ARRAY + 1).fill(1)}]}`, /array longer than/],
    ['too many keys', `{${price}, ${Array.from({ length: MAX_KEYS }, (_, i) => `"k${i}": 1`)}}`, /more than/],
    // A numeric-string price sends the entry through zod: the same limits apply there.
    [
      'deep nesting (zod path)',
      `{${price}, "max_tokens": "10", "extra": ${deepText(10_000)}}`,
      /^extra: nested deeper than 8$/,
    ],
    [
      'a huge string (zod path)',
      `{${price}, "max_tokens": "10", "n": "${'x'.repeat(MAX_STRING + 1)}"}`,
      /^n: string longer than 4096$/,
    ],
  ])('an entry with %s is dropped with a reason, the rest priced', (_label, entry, reason) => {
    const text = `${mapText({}).slice(0, -1)}, "deep-model": ${entry}}`
    const { map, report } = buildCostMapText(text)
    expect(report.ok).toBe(true)
    expect(report.dropped).toEqual([{ key: 'deep-model', reason: expect.stringMatching(reason) }])
    expect(map['deep-model']).toBeUndefined()
    expect(completionCost(map, { model: 'model-7', usage }).totalCost).toBeCloseTo(2e-3, 15)
  })

  it(`an entry nested ${MAX_DEPTH - 1} deep is kept`, () => {
    const text = `${mapText({}).slice(0, -1)}, "ok-model": {${price}, "extra": ${deepText(MAX_DEPTH - 1)}}}`
    const { map, report } = buildCostMapText(text)
    expect(report.dropped).toEqual([])
    expect(map['ok-model']).toBeDefined()
  })

  it('no entry of the real maps (current + history) is dropped by the limits', () => {
    const limit = /nested deeper|longer than|more than \d+ keys/
    for (const file of REAL_MAPS) {
      const { report } = buildCostMapText(readFileSync(file, 'utf8'))
      expect(report.ok, file).toBe(true)
      expect(
        report.dropped.filter((d) => limit.test(d.reason)),
        file,
      ).toEqual([])
    }
  })

  it('a store reloads a map with a deeply nested entry twice, and /model/info answers 200', async () => {
    const { costs, set } = await armed()
    const deep = (n: number) => `${GOOD.slice(0, -1)}, "deep-model": {${price}, "extra": ${deepText(n)}}}`
    set({ body: deep(10_000), headers: { etag: '"deep1"' } })
    const first = await costs.reload()
    expect(first).toMatchObject({ status: 'success', error: null })
    // The second reload diffed the deep entry against the first and overflowed the stack.
    set({ body: deep(20_000), headers: { etag: '"deep2"' } })
    expect((await costs.reload()).status).not.toBe('failed')
    const handler = createCostMapHandler(costs, {
      masterKey: 'sk-master-key-1234',
      modelList: [{ model_name: 'deep', litellm_params: { model: 'deep-model' } }],
    })
    const res = await handler(new Request('http://x/model/info', { headers: admin }))
    expect(res?.status).toBe(200)
    expect(costs.snapshot.map['model-7']).toBeDefined()
    expect(costs.snapshot.map['deep-model']).toBeUndefined()
  })
})

describe('the resolution memos are bounded in bytes', () => {
  it('pricing 10,000 distinct 100k-character unknown names keeps nothing and little heap', () => {
    const { map } = buildCostMapText(mapText({}))
    const memo = contextOf(map).index.memo
    const tail = 'x'.repeat(100_000)
    gc()
    const before = process.memoryUsage().heapUsed
    for (let i = 0; i < 10_000; i++) {
      const model = `${i}-${tail}`
      expect(() => completionCost(map, { model, usage })).toThrow(/isn't mapped/)
    }
    // Before, each name was kept: about 1 GB for these 10,000 (the test ran out of heap or took minutes).
    expect(memo.size).toBe(0)
    expect(memo.chars).toBe(0)
    gc()
    expect(process.memoryUsage().heapUsed - before).toBeLessThan(8 * 1024 * 1024)
  }, 60_000) // about 5 s alone: each call still reads its 100 KB name a few times

  it(`names up to ${MAX_MEMO_KEY} characters are memoised, and the memo is cleared past ${MAX_MEMO_CHARS} characters`, () => {
    const { map } = buildCostMapText(mapText({}))
    const memo = contextOf(map).index.memo
    findModelInfo(map, `${'y'.repeat(MAX_MEMO_KEY - 1)}z`)
    expect(memo.size).toBe(1)
    let peak = 0
    for (let i = 0; i < 20_000; i++) {
      findModelInfo(map, `${i}${'y'.repeat(MAX_MEMO_KEY - 10)}`)
      peak = Math.max(peak, memo.chars)
    }
    expect(peak).toBeLessThanOrEqual(MAX_MEMO_CHARS + MAX_MEMO_KEY)
    expect(memo.chars).toBeLessThan(MAX_MEMO_CHARS)
  })
})

describe('no silent $0: an entry with no price is an error', () => {
  const unpriced = { litellm_provider: 'openai', mode: 'chat', max_tokens: 1000 }
  const free = { litellm_provider: 'openai', mode: 'chat', input_cost_per_token: 0, output_cost_per_token: 0 }
  const { map } = buildCostMapText(mapText({ 'no-price': unpriced, 'free-model': free }))

  it.each([
    ['completionCost, fast lane', () => completionCost(map, { model: 'no-price', usage })],
    ['completionCost, general path', () => completionCost(map, { model: 'no-price', usage, margin: 0.1 })],
    ['costPerToken', () => costPerToken(map, { model: 'no-price', usage })],
    ['an embedding', () => completionCost(map, { model: 'no-price', usage, callType: 'embedding' })],
    ['a hand-made map', () => completionCost({ 'no-price': unpriced }, { model: 'no-price', usage })],
  ])('%s throws MODEL_NOT_MAPPED naming the model and what is missing', (_label, call) => {
    let error: unknown
    try {
      call()
    } catch (e) {
      error = e
    }
    expect(isCostMapError(error) && error.code).toBe('MODEL_NOT_MAPPED')
    expect((error as Error).message).toMatch(/model=no-price.*no-price has no price.*customPricing/)
  })

  it('the same entry is priced with customPricing', () => {
    const customPricing = { input_cost_per_token: 1e-6, output_cost_per_token: 0 }
    expect(completionCost(map, { model: 'no-price', usage, customPricing }).totalCost).toBeCloseTo(1e-3, 15)
  })

  it.each([
    ['fast lane', {}],
    ['general path', { margin: 0 }],
  ])('explicit 0 prices still price at zero (%s)', (_label, extra) => {
    expect(completionCost(map, { model: 'free-model', usage, ...extra }).totalCost).toBe(0)
  })

  it('a real unpriced entry (github_copilot) is refused instead of costing $0', () => {
    const { map: real } = buildCostMapText(readText(MAIN_MAP))
    const key = Object.keys(real).find((k) => real[k]?.litellm_provider === 'github_copilot') as string
    expect(key).toBeDefined()
    expect(() => completionCost(real, { model: key, usage })).toThrow(/has no price/)
  })
})

describe('the fast paths apply the same limits and rule prices as zod', () => {
  // Values around each limit: nesting 0..12 deep, strings, arrays and objects just under and over.
  const nested = fc.integer({ min: 1, max: 12 }).map((depth) => JSON.parse(deepText(depth)) as unknown)
  const deepObject = fc.integer({ min: 0, max: 12 }).map((d) => JSON.parse(`${'{"a":'.repeat(d)}1${'}'.repeat(d)}`))
  const sized = fc.constantFrom(MAX_STRING, MAX_STRING + 1).map((n) => 'x'.repeat(n))
  const list = fc.constantFrom(MAX_ARRAY, MAX_ARRAY + 1).map((n) => Array(n).fill(1))
  const wide = fc
    .constantFrom(MAX_KEYS - 10, MAX_KEYS)
    .map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])))
  const bounded = fc.oneof(nested, deepObject, sized, list, wide, fc.constant([[1, 2], { a: [1] }]))
  const field = fc.constantFrom('extra', 'supported_endpoints', 'provider_specific_entry', 'aliases', 'tiered_pricing')
  const priceField = fc.constantFrom(
    'input_cost_per_token',
    'output_cost_per_token_above_200k_tokens',
    'max_tokens',
    'mode',
  )
  const price = fc.oneof(fc.constantFrom(0, 1e-6, -1, 1.5, '2e-6', 'x', null), fc.double())

  it('an entry with a bounded or unbounded field: the fast path accepts it exactly when zod does (2,000 cases)', () => {
    fc.assert(
      fc.property(field, bounded, (key, value) => {
        const input = JSON.parse(
          JSON.stringify({ litellm_provider: 'openai', input_cost_per_token: 1e-6, [key]: value }),
        )
        const zod = ModelEntrySchema.safeParse(structuredClone(input)).success
        // The fast path may leave a valid entry to zod, never accept an invalid one.
        if (isCleanEntry(input)) expect(zod).toBe(true)
        if (key === 'extra') expect(isCleanEntry(input)).toBe(zod)
      }),
      { numRuns: 2_000 },
    )
  })

  it('a rule with prices and bounded fields in model_info: whatever the fast path accepts, zod accepts unchanged (2,000 cases)', () => {
    fc.assert(
      fc.property(priceField, price, fc.option(bounded), (key, value, extra) => {
        const model_info = JSON.parse(JSON.stringify({ [key]: value, ...(extra === null ? {} : { extra }) }))
        const input = { name: 'r', pattern: '^a', model_info }
        const parsed = FallbackRuleSchema.safeParse(structuredClone(input))
        if (isCleanRule(input)) {
          expect(parsed.success).toBe(true)
          expect(parsed.data).toEqual(input)
        }
        // A negative or non-numeric price is refused by both.
        if (key !== 'mode' && (value === -1 || value === 'x'))
          expect([isCleanRule(input), parsed.success]).toEqual([false, false])
      }),
      { numRuns: 2_000 },
    )
  })
})
