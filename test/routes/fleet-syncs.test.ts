// GET /model/cost_map/syncs?scope=fleet: the fleet's sync log in a real redis-server, served over HTTP.
import { createServer } from 'node:http'
import { afterEach, describe, expect, it } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { createRedisCoordinator } from '../../src/redis/coordinator'
import { ModelCostMap } from '../../src/store/store'
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
  it("keeps every instance's attempts in Redis, a follower's adoption of the leader's map (trigger 'fleet') too", async () => {
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
    expect(fleet.data.find((r: { trigger: string }) => r.trigger === 'manual')).toMatchObject({
      instance_id: 'instance-1',
      trigger: 'manual',
      status: 'success',
      sha256: sha256(V2),
    })
    // The follower's adoption is in the fleet's log too, readable from either instance.
    await waitFor('the adoption in the fleet log', async () => {
      const body = await (await fetch(`${url1}/model/cost_map/syncs?scope=fleet`, { headers: viewer })).json()
      return body.data.some((r: { instance_id: string; trigger: string; sha256: string }) => {
        return r.instance_id === 'instance-2' && r.trigger === 'fleet' && r.sha256 === sha256(V2)
      })
    })
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

  it("a failed fetch from a URL with a token: the fleet's log and source show it scrubbed on every instance", async () => {
    const upstream = await h.serve()
    const members = [1, 2].map(
      (i) =>
        new ModelCostMap({
          url: `${upstream.server.url}/m.json?token=abc_tok`,
          retry: { attempts: 1 },
          coordinator: createRedisCoordinator({
            url: h.redis.url,
            prefix: `scrub-${process.pid}:`,
            instanceId: `instance-${i}`,
            reconcileMs: 300,
            leaseMs: 5_000,
            commandTimeoutMs: 500,
          }),
        }),
    )
    closers.push(async () => {
      for (const m of members) m.dispose()
    })
    await Promise.all(members.map((m) => m.ready))
    const urls = [await serve(members[0] as ModelCostMap), await serve(members[1] as ModelCostMap)]
    upstream.next.push({ status: 500, body: 'down' })
    upstream.body = V2
    const failed = await fetch(`${urls[0]}/reload/model_cost_map`, { method: 'POST', headers: admin })
    expect(failed.status).toBe(502)
    await waitFor('the failure in the fleet log', async () => {
      const body = await (await fetch(`${urls[1]}/model/cost_map/syncs?scope=fleet`, { headers: viewer })).json()
      return body.data.some((r: { status: string }) => r.status === 'failed')
    })
    const texts = [await failed.text()]
    for (const url of urls) {
      for (const path of ['/model/cost_map/syncs?scope=fleet', '/model/cost_map/syncs', '/model/cost_map/source']) {
        texts.push(await (await fetch(`${url}${path}`, { headers: viewer })).text())
      }
    }
    const fleet = JSON.parse(texts[1] as string)
    const failure = fleet.data.find((r: { status: string }) => r.status === 'failed')
    expect(failure.error).toContain(`${upstream.server.url}/m.json`)
    expect(JSON.parse(texts[3] as string).url).toBe(`${upstream.server.url}/m.json`)
    for (const text of texts) expect(text).not.toContain('abc_tok')
    // What Redis itself holds was scrubbed before it left the process.
    const raw = await h.redis.client.lrange(`scrub-${process.pid}:syncs`, 0, -1)
    expect(raw.length).toBeGreaterThan(0)
    const current = await h.redis.client.hgetall(`scrub-${process.pid}:current`)
    expect(current.url).toBe(`${upstream.server.url}/m.json`)
    expect(raw.join('\n')).not.toContain('abc_tok')
  })
})
