/**
 * The duplicate-key scan: its first step (keys counted in the text against keys in the parsed tree) must
 * never hide a duplicate, whatever the spacing around colons and whatever the strings hold.
 */
import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { buildCostMap } from '../../src/map/integrity'
import { validateModelCostMap } from '../../src/map/validate'

const FIELDS = ['input_cost_per_token', 'output_cost_per_token', 'max_tokens', 'mode', 'note']
// Strings that hold quotes, colons and backslashes: where a text scan that miscounts keys would go wrong.
const TRICKY = ['plain', 'a " : b', 'x":y', ' :', '\\', '\\": z', 'k":', '{"a": 1}', '" :']

describe('the duplicate-key scan', () => {
  const colon = fc.constantFrom(':', ' : ', ':\n', '\t:  ', '\n  :')
  const entry = fc.record({
    fields: fc.subarray(FIELDS, { minLength: 1 }),
    note: fc.constantFrom(...TRICKY),
    twice: fc.option(fc.nat(4), { nil: undefined }),
    colon,
  })
  const value = (field: string, note: string) =>
    field === 'mode' ? '"chat"' : field === 'note' ? JSON.stringify(note) : field === 'max_tokens' ? '4096' : '1e-6'

  it('reports exactly the fields written twice (property, any spacing, any string content)', () => {
    fc.assert(
      fc.property(fc.array(entry, { minLength: 1, maxLength: 6 }), colon, (entries, topColon) => {
        const expected: string[] = []
        const body = entries.map((e, i) => {
          const fields = ['litellm_provider', ...e.fields]
          const parts = fields.map((f) => `"${f}"${e.colon}${f === 'litellm_provider' ? '"openai"' : value(f, e.note)}`)
          if (e.twice !== undefined) {
            const f = fields[e.twice % fields.length] as string
            parts.push(`"${f}"${e.colon}${f === 'litellm_provider' ? '"openai"' : value(f, e.note)}`)
            expected.push(`m${i}.${f}`)
          }
          return `"m${i}"${topColon}{${parts.join(', ')}}`
        })
        const report = validateModelCostMap(`{${body.join(',\n')}}`, { minModelCount: 1, referenceCounts: [] })
        expect(report.ok).toBe(true)
        expect(report.duplicate_keys).toEqual([])
        expect([...report.duplicate_fields].sort()).toEqual(expected.sort())
      }),
      { numRuns: 400 },
    )
  })

  it('reports a model key written twice, with either spacing', () => {
    for (const sep of [':', ' : ']) {
      const text = `{"a"${sep}{"litellm_provider": "openai"}, "b": {"litellm_provider": "x", "note": "\\"a\\"${sep}"}, "a"${sep}{"litellm_provider": "openai"}}`
      const report = validateModelCostMap(text, { minModelCount: 1, referenceCounts: [] })
      expect(report.duplicate_keys).toEqual(['a'])
      expect(report.duplicate_fields).toEqual([])
    }
  })

  it('a caller object that does not match the text (here: with a cycle) ends, and names nothing false', () => {
    const e: Record<string, unknown> = { litellm_provider: 'openai', input_cost_per_token: 1e-6 }
    e.self = { back: e }
    const text = '{"a": {"litellm_provider": "openai", "input_cost_per_token": 1e-6}}'
    const { report } = buildCostMap({ a: e }, { text, minModelCount: 1 })
    expect(report.duplicate_keys).toEqual([])
    expect(report.duplicate_fields).toEqual([])
  })
})
