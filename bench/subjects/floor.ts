/** The floor: readFileSync + JSON.parse + a plain `Map` of the entries, priced by the user-land formula in mix.ts. */
import { readFileSync } from 'node:fs'
import { type AnthropicUsage, floorCost, floorMap, MAP_FILE, nativeUsage, type OpenAIUsage } from './mix.js'
import type { Subject } from './subject.js'

interface Args {
  model: string
  usage: AnthropicUsage | OpenAIUsage
}

export async function load(): Promise<Subject<Args>> {
  const map = floorMap(JSON.parse(readFileSync(MAP_FILE, 'utf8')) as Record<string, unknown>)
  return {
    prepare: (call) => ({ model: call.model, usage: nativeUsage(call) }),
    price: (a) => floorCost(map, a.model, a.usage),
    lookup: (model) => map.get(model),
  }
}
