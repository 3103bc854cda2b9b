// Load time of the real 1.4 MB map against the floor, bare JSON.parse of the same text, in the same run.
// Goal (issue 2): parse + validate + index at most 2x JSON.parse. The raw-text duplicate-key scan is a
// report on top (it runs on remote loads), measured separately.
import { readFileSync } from 'node:fs'
import { bench, describe } from 'vitest'
import { buildCostMap, parseCostMapText } from '../src/integrity'
import { contextOf } from '../src/resolve.index'
import { MAIN_MAP } from '../test/support/data'

const text = readFileSync(MAIN_MAP, 'utf8')
const options = { time: 3000, warmupTime: 500 }

describe('load the March 2026 map (1.4 MB, 2,668 models)', () => {
  bench(
    'floor: JSON.parse',
    () => {
      JSON.parse(text)
    },
    options,
  )
  bench(
    'costmap: parse + validate + lookup index',
    () => {
      contextOf(buildCostMap(parseCostMapText(text)).map)
    },
    options,
  )
  bench(
    'costmap: parse + validate + index + duplicate-key scan',
    () => {
      contextOf(buildCostMap(parseCostMapText(text), { text }).map)
    },
    options,
  )
})
