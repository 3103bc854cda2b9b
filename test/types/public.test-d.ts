// Issue 15: the public types as a TypeScript user meets them. Checked by `npx vitest run` (typecheck
// mode) and `npm run typecheck`; the packed tarball gets the same checks in test/package.test.ts.
import { describe, expectTypeOf, it } from 'vitest'
import type * as root from '../../src'
import type { CostMapHandler, ModelCostMap, ModelCostMapEvents, ModelInfo, ModelInfoField } from '../../src'
import type { CostMapRouter } from '../../src/adapters/express'
import type { CostMapApp } from '../../src/adapters/hono'
import type { PriceChange } from '../../src/map/diff'
import type * as redis from '../../src/redis-entry'
import type { ScheduleStatus } from '../../src/store/scheduler'
import type { Deployment, ReloadResult } from '../../src/store/types'

/** The named (not index-signature) keys of T. */
type KnownKeys<T> = keyof { [K in keyof T as string extends K ? never : K]: T[K] }
declare const costs: ModelCostMap

describe('ModelInfo', () => {
  it('types LiteLLM fields precisely, not as unknown', () => {
    const info = costs.getModelInfo('gpt-4o')
    expectTypeOf(info.max_input_tokens).toEqualTypeOf<number | null>()
    expectTypeOf(info.input_cost_per_token).toEqualTypeOf<number | null>()
    expectTypeOf(info.mode).toEqualTypeOf<string | null>()
    expectTypeOf(info.litellm_provider).toEqualTypeOf<string | null>()
    expectTypeOf(info.supports_vision).toEqualTypeOf<boolean | null>()
    expectTypeOf(info.key).toEqualTypeOf<string>()
    expectTypeOf(info.supported_openai_params).toEqualTypeOf<readonly string[] | null>()
    expectTypeOf(info.max_input_tokens).not.toBeAny()
    // @ts-expect-error a number | null is not a string
    const wrong: string = info.max_input_tokens
    void wrong
  })

  it('names every field of MODEL_INFO_FIELDS, and keeps the other fields reachable', () => {
    expectTypeOf<KnownKeys<ModelInfo>>().toEqualTypeOf<ModelInfoField | 'matched_by'>()
    expectTypeOf<ModelInfoField>().toEqualTypeOf<(typeof root.MODEL_INFO_FIELDS)[number]>()
    expectTypeOf(costs.getModelInfo('gpt-4o').deprecation_date).toEqualTypeOf<unknown>()
  })
})

describe('events', () => {
  it('is a closed map: a misspelt event name does not compile', () => {
    expectTypeOf<keyof ModelCostMapEvents>().toEqualTypeOf<
      'change' | 'reload' | 'reload_failed' | 'schedule' | 'deployment' | 'sync'
    >()
    // @ts-expect-error 'chnage' is not an event
    costs.on('chnage', () => undefined)
  })

  it('gives each listener its precise payload', () => {
    costs.on('change', (r) => {
      expectTypeOf(r).toEqualTypeOf<ReloadResult & { previous_sha256: string; price_changes: PriceChange[] }>()
    })
    costs.on('reload', (r) => expectTypeOf(r).toEqualTypeOf<ReloadResult>())
    costs.on('reload_failed', (r) => expectTypeOf(r).toEqualTypeOf<{ error: string; keptVersion: number }>())
    costs.on('schedule', (s) => expectTypeOf(s).toEqualTypeOf<ScheduleStatus>())
    costs.on('deployment', (d) => expectTypeOf(d.deployment).toEqualTypeOf<Deployment | null>())
    expectTypeOf(costs.on('reload', () => undefined)).toEqualTypeOf<() => void>()
  })
})

describe('public surface', () => {
  it('keeps the store internals and the fleet types out of the root', () => {
    // @ts-expect-error internal: not exported from the root
    expectTypeOf<root.CoordinatorHost>()
    // @ts-expect-error internal: not exported from the root
    expectTypeOf<root.FetchedMap>()
    // @ts-expect-error internal: not exported from the root
    expectTypeOf<root.BuiltMap>()
    // @ts-expect-error the fleet types live in costmap/redis
    expectTypeOf<root.FleetRecord>()
    // @ts-expect-error the fleet types live in costmap/redis
    expectTypeOf<root.Coordinator>()
    expectTypeOf<redis.FleetRecord['sha256']>().toEqualTypeOf<string>()
    expectTypeOf<redis.ReloadMode>().toEqualTypeOf<'manual' | 'scheduled' | 'start'>()
    expectTypeOf<redis.Coordinator>().toEqualTypeOf<NonNullable<root.ModelCostMapOptions['coordinator']>>()
  })

  it('gives the handler, the Express router and the Hono app a dispose()', () => {
    expectTypeOf<CostMapHandler['dispose']>().toEqualTypeOf<() => void>()
    expectTypeOf<CostMapRouter['dispose']>().toEqualTypeOf<() => void>()
    expectTypeOf<CostMapApp['dispose']>().toEqualTypeOf<() => void>()
  })
})
