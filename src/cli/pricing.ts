/**
 * `costmap cost`, `costmap info` and `costmap list`: pricing and model lookups on the bundled map (or `--map`).
 * @module
 */

import type { CostArgs, CostComponent, CostResult } from '../cost'
import { completionCost } from '../cost'
import { PRICE_KEY } from '../map'
import { getModelInfo } from '../resolve'
import { type Command, type Context, intOption, JSON_OPTION, type OptionSpec, stringOption, UsageError } from './args'
import { count, paint, perMillion, priceText, printJson, table, usd, usdColumn } from './format'
import { historyStore } from './history'
import { loadMap } from './maps'

const MAP_OPTION: OptionSpec = {
  type: 'string',
  arg: '<file|url>',
  description: 'read prices from this map instead of the bundled backup',
}
/** Service tiers the providers name (OpenAI, Anthropic, Gemini); only flex and priority change prices. */
const SERVICE_TIERS = ['auto', 'default', 'standard', 'flex', 'priority', 'scale']
const PROVIDER_OPTION: OptionSpec = { type: 'string', arg: '<p>', description: 'provider, e.g. openai, azure, bedrock' }

/** @internal `costmap cost <model>`. */
export const cost: Command = {
  name: 'cost',
  summary: 'Price one call in USD, as LiteLLM prices it, with the breakdown.',
  args: '<model>',
  positionals: [1, 1],
  options: {
    provider: PROVIDER_OPTION,
    'prompt-tokens': {
      type: 'string',
      arg: '<n>',
      description: 'input tokens, cached ones included (as OpenAI counts)',
    },
    'completion-tokens': { type: 'string', arg: '<n>', description: 'output tokens, reasoning ones included' },
    'cached-tokens': { type: 'string', arg: '<n>', description: 'input tokens read from the prompt cache' },
    'cache-write-tokens': {
      type: 'string',
      arg: '<n>',
      description: 'input tokens written to the prompt cache (5 minute writes, Anthropic and Bedrock)',
    },
    'cache-write-1h-tokens': { type: 'string', arg: '<n>', description: 'input tokens written to the 1 hour cache' },
    'reasoning-tokens': { type: 'string', arg: '<n>', description: 'output tokens spent on reasoning' },
    'service-tier': {
      type: 'string',
      arg: '<t>',
      description: `${SERVICE_TIERS.join(', ')} (flex and priority have their own prices where the model has them)`,
    },
    map: MAP_OPTION,
    at: { type: 'string', arg: '<time>', description: 'price on the map active then (needs --history-dir)' },
    'history-dir': { type: 'string', arg: '<dir>', description: 'the history directory --at reads' },
    json: JSON_OPTION,
  },
  notes: [
    '--prompt-tokens includes the cached and cache-write tokens, --completion-tokens the reasoning ones.',
    'Examples:',
    '  costmap cost gpt-4o --prompt-tokens 1200 --cached-tokens 1000 --completion-tokens 300',
    '  costmap cost claude-sonnet-4-5 --prompt-tokens 5000 --cache-write-tokens 4000 --completion-tokens 200',
  ].join('\n'),
  async run({ values, positionals, out }) {
    if (values['prompt-tokens'] === undefined && values['completion-tokens'] === undefined)
      throw new UsageError('give the tokens to price: --prompt-tokens <n> and/or --completion-tokens <n>')
    const prompt = intOption(values, 'prompt-tokens', 0)
    const completion = intOption(values, 'completion-tokens', 0)
    const cached = intOption(values, 'cached-tokens', 0)
    const write5m = intOption(values, 'cache-write-tokens', 0)
    const write1h = intOption(values, 'cache-write-1h-tokens', 0)
    const reasoning = intOption(values, 'reasoning-tokens', 0)
    if (cached + write5m + write1h > prompt) {
      throw new UsageError(
        '--cached-tokens, --cache-write-tokens and --cache-write-1h-tokens together cannot exceed --prompt-tokens (which includes them)',
      )
    }
    if (reasoning > completion)
      throw new UsageError('--reasoning-tokens cannot exceed --completion-tokens (which includes them)')
    const serviceTier = stringOption(values, 'service-tier')
    if (serviceTier !== undefined && !SERVICE_TIERS.includes(serviceTier.toLowerCase()))
      throw new UsageError(`--service-tier must be one of ${SERVICE_TIERS.join(', ')}, got '${serviceTier}'`)
    const writes = write5m + write1h
    // OpenAI's shape (prompt_tokens includes the cache tokens) with the cache-write count and its 5 m / 1 h split.
    const usage = {
      prompt_tokens: prompt,
      completion_tokens: completion,
      prompt_tokens_details: {
        cached_tokens: cached,
        ...(writes > 0
          ? {
              cache_creation_tokens: writes,
              cache_creation_token_details: { ephemeral_5m_input_tokens: write5m, ephemeral_1h_input_tokens: write1h },
            }
          : {}),
      },
      completion_tokens_details: { reasoning_tokens: reasoning },
    }
    const model = positionals[0] as string
    const provider = stringOption(values, 'provider')
    const args = {
      model,
      usage,
      ...(provider === undefined ? {} : { provider }),
      ...(serviceTier === undefined ? {} : { serviceTier }),
    }
    const result = await priceAt(values, args, async () =>
      completionCost((await loadMap(stringOption(values, 'map'), out)).built.map, args),
    )
    if (values.json) return printJson(out, { model, usage, ...result })
    out.print(`${paint(out.color, 'bold', model)}  priced as ${result.key} (${result.provider})\n`)
    const costs = usdColumn([...result.breakdown.map((c) => c.cost), result.totalCost])
    const rows = result.breakdown.map((c, i) => [c.component, count(c.units), rateText(c), costs[i] as string])
    rows.push(['total', '', '', paint(out.color, 'bold', costs.at(-1) as string)])
    out.print(table([['component', 'units', 'price', 'cost'], ...rows], { right: [1, 3], color: out.color }))
    return 0
  },
}

/** @internal `costmap info <model>`. */
export const info: Command = {
  name: 'info',
  summary: "A model's entry as LiteLLM's get_model_info returns it (prices per 1M tokens).",
  args: '<model>',
  positionals: [1, 1],
  options: { provider: PROVIDER_OPTION, map: MAP_OPTION, json: JSON_OPTION },
  async run({ values, positionals, out }) {
    const { built } = await loadMap(stringOption(values, 'map'), out)
    const modelInfo = getModelInfo(built.map, positionals[0] as string, stringOption(values, 'provider'))
    if (values.json) return printJson(out, modelInfo)
    const rows = Object.entries(modelInfo)
      .filter(([, value]) => value !== null && value !== undefined)
      .map(([field, value]) => [field, fieldText(field, value)])
    out.print(table([['field', 'value'], ...rows], { color: out.color }))
    return 0
  },
}

/** @internal `costmap list`. */
export const list: Command = {
  name: 'list',
  summary: 'The models of the map with their main prices, optionally one provider or mode.',
  args: '',
  positionals: [0, 0],
  options: {
    provider: { type: 'string', arg: '<p>', description: 'only this litellm_provider (any case)' },
    mode: { type: 'string', arg: '<m>', description: 'only this mode: chat, embedding, image_generation…' },
    map: MAP_OPTION,
    json: JSON_OPTION,
  },
  notes: 'JSON output is an array of the full entries, each with its `model` key first.',
  async run({ values, out }) {
    const { built } = await loadMap(stringOption(values, 'map'), out)
    const provider = stringOption(values, 'provider')?.toLowerCase()
    const mode = stringOption(values, 'mode')?.toLowerCase()
    const models = Object.keys(built.map)
      .sort()
      .map((model) => ({ model, ...built.map[model] }))
      .filter((e) => (!provider || e.litellm_provider?.toLowerCase() === provider) && (!mode || e.mode === mode))
    if (values.json) printJson(out, models)
    else {
      const rows = models.map((e) => [
        e.model,
        e.litellm_provider ?? '',
        e.mode ?? '',
        e.input_cost_per_token === undefined ? '-' : perMillion(e.input_cost_per_token),
        e.output_cost_per_token === undefined ? '-' : perMillion(e.output_cost_per_token),
        e.max_input_tokens === undefined ? '-' : count(e.max_input_tokens),
      ])
      const header = ['model', 'provider', 'mode', 'input $/1M', 'output $/1M', 'context']
      if (rows.length) out.print(table([header, ...rows], { right: [3, 4, 5], color: out.color }))
    }
    if (models.length === 0) {
      const known = (field: 'litellm_provider' | 'mode') =>
        [...new Set(Object.values(built.map).map((e) => e[field]?.toLowerCase() ?? ''))].filter(Boolean).sort()
      const providers = known('litellm_provider')
      const modes = known('mode')
      // Say which filter matched nothing, and list what it can be.
      const hint =
        provider && !providers.includes(provider)
          ? `; no provider '${provider}' in the map, known providers (${providers.length}): ${providers.join(', ')}`
          : mode && !modes.includes(mode)
            ? `; no mode '${mode}' in the map, known modes: ${modes.join(', ')}`
            : ''
      out.error(
        `costmap list: no model matches${provider ? ` --provider ${provider}` : ''}${mode ? ` --mode ${mode}` : ''}${hint}`,
      )
      return 1
    }
    return 0
  },
}

/** `--at`: priced on the history's map active then; otherwise `now()`. */
async function priceAt(values: Context['values'], args: CostArgs, now: () => Promise<CostResult>): Promise<CostResult> {
  const at = stringOption(values, 'at')
  if (at === undefined) {
    if (values['history-dir'] !== undefined) throw new UsageError('--history-dir is only read with --at')
    return now()
  }
  if (values.map !== undefined) throw new UsageError('--at prices on the history, not on --map')
  const costs = historyStore(values)
  try {
    return costs.completionCost({ ...args, at })
  } finally {
    costs.dispose()
  }
}

function rateText(c: CostComponent): string {
  if (c.unit === 'token') return `${perMillion(c.rate)} / 1M tokens`
  if (c.unit === 'usd') return ''
  return `${usd(c.rate)} / ${c.unit}`
}

function fieldText(field: string, value: unknown): string {
  if (typeof value === 'number') return PRICE_KEY.test(field) ? priceText(field, value) : count(value)
  return typeof value === 'string' ? value : JSON.stringify(value)
}
