// GET /model/cost_map/syncs?scope=fleet: the fleet's sync log in a real redis-server, served over HTTP.
import { createServer } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import type { ModelCostMap } from '../../src/store/store'
import { allOn, sha256, useFleetHarness, V1, V2, waitFor } from '../redis/fixtures'
import { admin, KEY, listenOn, viewer } from './fixtures'

const h = useFleetHarness()
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function serve(costs: ModelCostMap): Promise<string> {
  const { url, close } = await listenOn(
    createServer(
      toNodeListener(
        createCostMapHandler(costs, {
          masterKey: KEY,
          authorize: (r) => (r.headers.get('authorization') === viewer.authorization ? 'viewer' : null),
          env: {},
        }),
      ),
    ),
  )
  closers.push(close)
  return url
}

describe('the fleet sync log', () => {
  it("keeps every instance's attempts in Redis; an adopted map is a fleet sync on the instance that did not fetch", async () => {
    const f = await h.started(2)
    await waitFor('every instance on v1', allOn(f, sha256(V1)))
    const [first, second] = f.members as [ModelCostMap, ModelCostMap]
    const [url1, url2] = [await serve(first), await serve(second)]
    h.upstream.body = V2
    expect((await fetch(`${url1}/reload/model_cost_map`, { method: 'POST', headers: admin })).status).toBe(200)
    await waitFor('instance 2 on v2', allOn(f, sha256(V2)))
    await waitFor('the reload in the fleet log', async () => {
      const body = await (await fetch(`${url2}/model/cost_map/syncs?scope=fleet`, { headers: viewer })).json()
      return body.data.some((r: { trigger: string }) => r.trigger === 'manual')
    })
    const fleet = await (await fetch(`${url2}/model/cost_map/syncs?scope=fleet`, { headers: viewer })).json()
    expect(fleet.data[0]).toMatchObject({
      instance_id: 'instance-1',
      trigger: 'manual',
      status: 'success',
      sha256: sha256(V2),
    })
    expect(fleet.data.every((r: { trigger: string }) => r.trigger !== 'fleet')).toBe(true)
    expect(fleet.counts.failed).toBe(0)
    const own = await (await fetch(`${url2}/model/cost_map/syncs`, { headers: viewer })).json()
    expect(own.data[0]).toMatchObject({ trigger: 'fleet', status: 'success', sha256: sha256(V2) })
    expect(own.data[0].instance_id).toBeUndefined()

    expect((await fetch(`${url2}/model/cost_map/syncs?scope=everything`, { headers: viewer })).status).toBe(400)
    await h.redis.stop()
    const down = await fetch(`${url2}/model/cost_map/syncs?scope=fleet`, { headers: viewer })
    expect(down.status).toBe(503)
    expect((await down.json()).detail).toMatch(/could not read the fleet's sync log/)
    // The instance's own log still answers.
    expect((await fetch(`${url2}/model/cost_map/syncs`, { headers: viewer })).status).toBe(200)
    await h.redis.restart()
  })
})
