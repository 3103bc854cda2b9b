// Issue 15 (leaks): a handler subscribes its deployments registry (two listeners) and the status page's
// last-change tracker (one) to the store; dispose() gives the subscriptions back, so a long-lived store does
// not collect three listeners per handler (or router, or app).
import { describe, expect, it } from 'vitest'
import { costMapRoutes as expressRoutes } from '../../src/adapters/express'
import { costMapRoutes as honoRoutes } from '../../src/adapters/hono'
import { createCostMapHandler } from '../../src/http/handler'
import { ModelCostMap } from '../../src/store/store'

/** The store with its listener count in view (the emitter is protected). */
class Probe extends ModelCostMap {
  listeners(): number {
    let n = 0
    for (const list of this.emitter.all.values()) n += list.length
    return n
  }
}

const options = { masterKey: 'sk-test', modelList: [{ model_name: 'gpt-4o', litellm_params: { model: 'gpt-4o' } }] }
const owners: Array<[string, (costs: ModelCostMap) => { dispose(): void }]> = [
  ['createCostMapHandler', (costs) => createCostMapHandler(costs, options)],
  ['the Express router', (costs) => expressRoutes(costs, options)],
  ['the Hono app', (costs) => honoRoutes(costs, options)],
]

describe.each(owners)('%s', (_name, create) => {
  it('creating and disposing 100 on one store leaves its listener count as before', () => {
    const costs = new Probe({ autoLoad: false })
    costs.on('reload', () => undefined)
    const before = costs.listeners()
    const held = Array.from({ length: 100 }, () => create(costs))
    expect(costs.listeners()).toBe(before + 300)
    for (const h of held) h.dispose()
    expect(costs.listeners()).toBe(before)
    // A second dispose is harmless and removes nobody else's listener.
    held[0]?.dispose()
    expect(costs.listeners()).toBe(before)
    costs.dispose()
  })
})

describe('a disposed handler', () => {
  it('releases only its own listeners: a handler still live keeps serving', async () => {
    const costs = new Probe({ autoLoad: false })
    const kept = createCostMapHandler(costs, options)
    const gone = createCostMapHandler(costs, options)
    gone.dispose()
    expect(costs.listeners()).toBe(3)
    const request = new Request('http://localhost/v1/models', { headers: { authorization: 'Bearer sk-test' } })
    const body = (await (await kept(request))?.json()) as { data: Array<{ id: string }> }
    expect(body.data.map((m) => m.id)).toEqual(['gpt-4o'])
    kept.dispose()
    expect(costs.listeners()).toBe(0)
    costs.dispose()
  })
})
