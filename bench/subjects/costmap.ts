/**
 * costmap as a user runs it: the built package (dist/). Default: `new ModelCostMap()` on the bundled map
 * (what every process serves until its first remote load). Variant `file`: `getModelCostMap(<the same
 * file the floor reads>)` and the pure functions.
 */
import { type CostArgs, completionCost, getModelCostMap, getModelInfo, ModelCostMap } from '../.out/dist/index.js'
import { type Call, MAP_FILE, nativeUsage } from './mix.js'
import type { Subject } from './subject.js'

const prepare = (call: Call): CostArgs => ({ model: call.model, usage: nativeUsage(call) })

export async function load(variant?: string): Promise<Subject<CostArgs>> {
  if (variant === 'file') {
    const loaded = await getModelCostMap(MAP_FILE, { local: false })
    if (loaded.source !== 'remote') throw new Error(`costmap did not load ${MAP_FILE}: ${loaded.fallback_reason}`)
    const { map } = loaded
    return { prepare, price: (a) => completionCost(map, a).totalCost, lookup: (model) => getModelInfo(map, model) }
  }
  const costs = new ModelCostMap({ autoLoad: false })
  return { prepare, price: (a) => costs.completionCost(a).totalCost, lookup: (model) => costs.getModelInfo(model) }
}
