// The reload shortcut (`previous`) trusts the active map it is given: what a caller who could pass one
// would get. The public functions must ignore it.
import { expect } from 'vitest'
import { buildCostMap, buildCostMapText } from '../../src/map/integrity'
import type { BuiltMap } from '../../src/map/report'

/**
 * A forged active map for `text`, whose first entry (`bad`, which validation drops) it holds as valid: a
 * build that took the reload shortcut from it would keep `bad`.
 */
export function forgedPrevious(text: string): BuiltMap {
  const real = buildCostMapText(text, { previous: buildCostMap(undefined), minModelCount: 1 })
  expect(real.report.dropped.map((d) => d.key)).toEqual(['bad'])
  const forged = { ...real, map: { ...real.map, bad: { litellm_provider: 'openai' } } }
  expect(buildCostMapText(text, { previous: forged }).report.dropped).toEqual([]) // the forgery bites
  return forged
}
