// Issue 15: the reload shortcut (`previous`, the active map a reload reuses unchanged entries from) and the
// store's `activeIsBackup` are the library's own: no public option type shows them, so no user sets them.
import { describe, expectTypeOf, it } from 'vitest'
import * as root from '../../src'
import type { ReloadLoadOptions } from '../../src/load/loader'
import type { BuildOptions, BuiltMap } from '../../src/map/report'

/** True when K is a key of T. */
type HasKey<T, K extends PropertyKey> = K extends keyof T ? true : false

describe('public option types', () => {
  it('IntegrityOptions, LoadOptions and ModelCostMapOptions have no previous and no activeIsBackup', () => {
    expectTypeOf<HasKey<root.IntegrityOptions, 'previous'>>().toEqualTypeOf<false>()
    expectTypeOf<HasKey<root.LoadOptions, 'previous'>>().toEqualTypeOf<false>()
    expectTypeOf<HasKey<root.LoadOptions, 'activeIsBackup'>>().toEqualTypeOf<false>()
    expectTypeOf<HasKey<root.ModelCostMapOptions, 'previous'>>().toEqualTypeOf<false>()
    expectTypeOf<HasKey<root.ModelCostMapOptions, 'activeIsBackup'>>().toEqualTypeOf<false>()
  })

  it('refuses them in an options literal of the public functions', () => {
    const active = {} as BuiltMap
    // @ts-expect-error previous is internal
    root.validateModelCostMap({}, { previous: active })
    // @ts-expect-error previous is internal
    root.getModelCostMap(undefined, { previous: active })
    // @ts-expect-error activeIsBackup is internal
    root.getModelCostMap(undefined, { activeIsBackup: true })
  })

  it('keeps them on the internal types the library passes', () => {
    expectTypeOf<BuildOptions['previous']>().toEqualTypeOf<BuiltMap | undefined>()
    expectTypeOf<ReloadLoadOptions['previous']>().toEqualTypeOf<BuiltMap | undefined>()
    expectTypeOf<ReloadLoadOptions['activeIsBackup']>().toEqualTypeOf<boolean | undefined>()
    expectTypeOf<BuildOptions>().toMatchTypeOf<root.IntegrityOptions>()
    expectTypeOf<ReloadLoadOptions>().toMatchTypeOf<root.LoadOptions>()
  })
})
