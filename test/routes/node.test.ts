// The route suite against the bare handler on node:http.
import { createServer } from 'node:http'
import { describe } from 'vitest'
import { createCostMapHandler } from '../../src/http/handler'
import { toNodeListener } from '../../src/http/node'
import { listenOn } from './fixtures'
import { routeSuite } from './suite'

describe('bare handler on node:http', () => {
  routeSuite(async (costs, options) => {
    return listenOn(createServer(toNodeListener(createCostMapHandler(costs, options))))
  })
})
