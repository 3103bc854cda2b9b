// GET /model/cost_map/source in a fleet: each instance reports its coordinator's view, served over HTTP
// from a real redis-server fleet.
import { createServer } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { ModelCostMap } from '../../src/store/store'
import { allOn, sha256, useFleetHarness, V1, V2, waitFor } from '../redis/fixtures'
import { admin, KEY, listenOn } from './fixtures'

const h = useFleetHarness()
const closers: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const close of closers.splice(0)) await close()
})

async function serve(costs: ModelCostMap): Promise<string> {
  const { url, close } = await listenOn(
    createServer(toNodeListener(createCostMapHandler(costs, { masterKey: KEY, env: {} }))),
  )
  closers.push(close)
  return url
}

const source = async (url: string) =>
  (await (await fetch(`${url}/model/cost_map/source`, { headers: admin })).json()) as Record<string, unknown>

describe('GET /model/cost_map/source in a fleet', () => {
  it('returns each instance’s coordination status, and a reload on one shows on the other', async () => {
    const f = await h.started(2)
    await waitFor('every instance on v1', allOn(f, sha256(V1)))
    const urls = await Promise.all(f.members.map(serve))
    for (const [i, url] of urls.entries()) {
      const body = await source(url)
      expect(body).toMatchObject({ source: 'remote', sha256: sha256(V1) })
      expect(body.coordination).toEqual({
        kind: 'redis',
        instance_id: `instance-${i + 1}`,
        connected: true,
        applied_version: expect.any(Number),
        reload_revision: 0,
        last_error: null,
      })
      expect((body.coordination as { applied_version: number }).applied_version).toBeGreaterThan(0)
      // The route says what the store says.
      expect(body.coordination).toEqual(f.members[i]?.source().coordination)
    }
    h.upstream.body = V2
    const reload = await fetch(`${urls[0]}/reload/model_cost_map`, { method: 'POST', headers: admin })
    expect(reload.status).toBe(200)
    await waitFor('instance 2 on v2', allOn(f, sha256(V2)))
    await waitFor('instance 2 sees the reload revision', async () => {
      const coordination = (await source(urls[1] as string)).coordination as { reload_revision: number }
      return coordination.reload_revision === 1
    })
  })

  it('has no coordination field without a coordinator', async () => {
    const costs = new ModelCostMap({ autoLoad: false })
    closers.push(async () => costs.dispose())
    const body = await source(await serve(costs))
    expect(body.source).toBe('local')
    expect(body).not.toHaveProperty('coordination')
  })
})
