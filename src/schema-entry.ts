/**
 * `costmap/schema`: the zod schemas of LiteLLM's map, for code that validates entries itself. Importing it
 * loads zod; the core entry does not, so that a cold start on the bundled backup skips it.
 *
 * @example
 * ```ts
 * import { ModelEntrySchema } from 'costmap/schema'
 * ModelEntrySchema.parse({ litellm_provider: 'openai', input_cost_per_token: '2.5e-6' }).input_cost_per_token // 0.0000025
 * ```
 * @module
 */
import { mapSchemas } from './map'

const schemas = mapSchemas()

/**
 * A price in USD: a finite number >= 0, or a numeric string that becomes one.
 *
 * @example
 * ```ts
 * PriceSchema.parse('0.000003') // 0.000003
 * ```
 */
export const PriceSchema: ReturnType<typeof mapSchemas>['PriceSchema'] = schemas.PriceSchema

/**
 * One model entry of the map. Known fields are typed; every other field is kept as it came (forward
 * compatible), and any field whose name says `cost` must be a valid price.
 *
 * @example
 * ```ts
 * ModelEntrySchema.safeParse({ litellm_provider: 'openai', input_cost_per_token: -1 }).success // false
 * ```
 */
export const ModelEntrySchema: ReturnType<typeof mapSchemas>['ModelEntrySchema'] = schemas.ModelEntrySchema

/**
 * One `fallback_generalizations` rule (newer upstream maps): a case-insensitive regex over the model id
 * and the fields it contributes.
 *
 * @example
 * ```ts
 * FallbackRuleSchema.parse({ name: 'claude', pattern: '^claude-', model_info: { litellm_provider: 'anthropic' } })
 * ```
 */
export const FallbackRuleSchema: ReturnType<typeof mapSchemas>['FallbackRuleSchema'] = schemas.FallbackRuleSchema

// Every subpath re-exports the core: that keeps the shared code in one chunk, so `import 'costmap'` loads two
// files instead of nine (a third of its cold start), and one import line serves both.
export * from './index'
