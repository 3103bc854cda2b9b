// Issue 17: `usageFormat` is a closed union a TypeScript user cannot misspell; the reported cost is typed.
import { describe, expectTypeOf, it } from 'vitest'
import type { CostArgs, CostResult, ModelCostMap, UsageFormat } from '../../src'

declare const costs: ModelCostMap

describe('usageFormat and the reported cost', () => {
  it('usageFormat is the closed union of the shapes the library reads', () => {
    expectTypeOf<UsageFormat>().toEqualTypeOf<
      'openai' | 'anthropic' | 'gemini' | 'ai-sdk' | 'langchain' | 'bedrock' | 'cohere'
    >()
    expectTypeOf<CostArgs['usageFormat']>().toEqualTypeOf<UsageFormat | undefined>()
    expectTypeOf<CostArgs['preferReportedCost']>().toEqualTypeOf<boolean | undefined>()
  })

  it('refuses a format it does not know', () => {
    costs.completionCost({ model: 'gpt-4o', usage: {}, usageFormat: 'ai-sdk' })
    // @ts-expect-error not a usage format
    costs.completionCost({ model: 'gpt-4o', usage: {}, usageFormat: 'vercel' })
    // @ts-expect-error preferReportedCost is a boolean
    costs.completionCost({ model: 'gpt-4o', usage: {}, preferReportedCost: 'yes' })
  })

  it('CostResult says the reported cost and which price was billed', () => {
    expectTypeOf<CostResult['reportedCost']>().toEqualTypeOf<number | null>()
    expectTypeOf<CostResult['costSource']>().toEqualTypeOf<'map' | 'reported'>()
  })
})
