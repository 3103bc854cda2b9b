/**
 * The floor: readFileSync + JSON.parse + a plain `Map` of the entries, priced by the user-land formula in
 * mix.ts. Variant `naive`: the same `Map`, priced input/output only (issue 3's literal floor, `naiveCost`).
 */
import { readFileSync } from 'node:fs'
import { type AnthropicUsage, floorCost, floorMap, MAP_FILE, naiveCost, nativeUsage, type OpenAIUsage } from './mix.js'
import type { Subject } from './subject.js'

interface Args {
  model: string
  usage: AnthropicUsage | OpenAIUsage
}

export async function load(variant?: string): Promise<Subject<Args>> {
  const map = floorMap(JSON.parse(readFileSync(MAP_FILE, 'utf8')) as Record<string, unknown>)
  const cost = variant === 'naive' ? naiveCost : floorCost
  return {
    prepare: (call) => ({ model: call.model, usage: nativeUsage(call) }),
    price: (a) => cost(map, a.model, a.usage),
    lookup: (model) => map.get(model),
  }
}
