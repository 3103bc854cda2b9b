/** Keys and auth options shared by the route suite. */
import { createHash } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { CostMapHandlerOptions } from '../../src/http/handler'
import { ModelCostMap } from '../../src/store/store'
import { historyFiles, readText } from '../support/data'

export const KEY = 'sk-master-key-1234'
export const VIEWER = 'sk-viewer-5678'
/** Admin by master key; viewer and a second admin through the authorize hook. */
export const AUTH: CostMapHandlerOptions = {
  masterKey: KEY,
  authorize: (req) => {
    const header = req.headers.get('authorization')
    if (header === `Bearer ${VIEWER}`) return 'viewer'
    if (req.headers.get('x-team') === 'ops') return 'admin'
    return null
  },
  env: {},
}
export const admin = { authorization: `Bearer ${KEY}` }
export const viewer = { authorization: `Bearer ${VIEWER}` }

export function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex')
}

/** Listens on 127.0.0.1 port 0; `close` also drops keep-alive connections, so a test never waits on them. */
export async function listenOn(server: Server): Promise<{ url: string; close: () => Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/**
 * A store whose history holds the first two real LiteLLM maps (2025-02-06 and 2025-03-02); `close` disposes
 * it and removes its directory.
 */
export async function storeWithTwoMaps(): Promise<{ costs: ModelCostMap; close: () => Promise<void> }> {
  const [first, second] = historyFiles() as [string, string]
  const dir = await mkdtemp(join(tmpdir(), 'costmap-two-maps-'))
  const costs = new ModelCostMap({ autoLoad: false, history: { dir } })
  await costs.importHistory([
    { at: '2025-02-06T10:56:03Z', text: readText(first) },
    { at: '2025-03-02T17:06:48Z', text: readText(second) },
  ])
  return {
    costs,
    close: async () => {
      costs.dispose()
      await costs.flushHistory()
      await rm(dir, { recursive: true, force: true })
    },
  }
}
