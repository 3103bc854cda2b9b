// The route suite against the bare handler on node:http.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { describe } from 'vitest'
import { createCostMapHandler } from '../../src/handler'
import { toNodeListener } from '../../src/serve'
import { routeSuite } from './suite'

describe('bare handler on node:http', () => {
  routeSuite(async (costs, options) => {
    const server = createServer(toNodeListener(createCostMapHandler(costs, options)))
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
  })
})
