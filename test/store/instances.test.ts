// Reliability E8: many stores in one process. In a file of its own, because the warning is once per process.
import { afterEach, describe, expect, it } from 'vitest'
import { ModelCostMap } from '../../src/store/store'

const stores: ModelCostMap[] = []
afterEach(() => {
  for (const s of stores.splice(0)) s.dispose()
})

describe('many ModelCostMap instances', () => {
  it('warns once, through the logger and process.emitWarning, when more than ten are live', async () => {
    const logged: string[] = []
    const emitted: Array<{ name: string; code?: string }> = []
    const onWarning = (w: Error & { code?: string }) => emitted.push({ name: w.name, code: w.code })
    process.on('warning', onWarning)
    try {
      const logger = { warn: (m: string) => logged.push(m) }
      // Disposed stores do not count.
      for (let i = 0; i < 5; i++) new ModelCostMap({ autoLoad: false }).dispose()
      for (let i = 0; i < 10; i++) stores.push(new ModelCostMap({ autoLoad: false, logger }))
      await new Promise((resolve) => setImmediate(resolve))
      expect(logged).toEqual([])
      for (let i = 0; i < 3; i++) stores.push(new ModelCostMap({ autoLoad: false, logger }))
      await new Promise((resolve) => setImmediate(resolve)) // process warnings are emitted on the next tick
      expect(logged).toHaveLength(1)
      expect(logged[0]).toMatch(
        /^\[costmap\] 11 ModelCostMap instances are live in this process: create one and share it/,
      )
      expect(emitted).toEqual([{ name: 'Warning', code: 'COSTMAP_MANY_INSTANCES' }])
    } finally {
      process.off('warning', onWarning)
    }
  })
})
