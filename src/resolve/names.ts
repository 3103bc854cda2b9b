/**
 * Model-name normalisation used by resolution: LiteLLM's stripping rules (Bedrock routing prefixes,
 * ARNs, cross-region and AWS-region prefixes, throughput suffixes; Vertex/Gemini/Databricks `-NNN`
 * versions; OpenAI `ft:` names) and its provider-match rule.
 * @module
 */

/** Bedrock routing prefixes LiteLLM accepts in front of a model id. */
const BEDROCK_ROUTES = ['bedrock/', 'converse/', 'invoke/', 'openai/', 'nova/', 'nova-2/']
/** Cross-region inference profile prefixes (`us.anthropic.claude-…`). */
const CROSS_REGION = new Set(['global', 'us', 'eu', 'apac', 'jp', 'au', 'us-gov', 'ca', 'sa', 'in', 'apne', 'mx'])
const AWS_REGION = /^[a-z]{2}(?:-gov)?-[a-z]+-\d$/
const THROUGHPUT = /:\d+k$/
/** Vertex stable versions are three digits (`-001`); a date suffix (`-20250514`) is not a version. */
const VERTEX_VERSION = /-\d{3}$/

/**
 * @internal A Bedrock id without routing prefixes, ARN and AWS-region path segment, but with its
 * cross-region profile kept (`us.anthropic.claude-…` has its own, regional, prices).
 * @example
 * ```ts
 * bedrockProfile('arn:aws:bedrock:us-east-1:1:inference-profile/us.anthropic.claude-3-haiku-20240307-v1:0')
 * // 'us.anthropic.claude-3-haiku-20240307-v1:0'
 * ```
 */
export function bedrockProfile(model: string): string {
  let m = model
  for (let changed = true; changed; ) {
    changed = false
    for (const route of BEDROCK_ROUTES) {
      if (m.toLowerCase().startsWith(route)) {
        m = m.slice(route.length)
        changed = true
      }
    }
  }
  if (m.toLowerCase().startsWith('arn:')) m = m.slice(m.lastIndexOf('/') + 1)
  const slash = m.indexOf('/')
  if (slash > 0 && AWS_REGION.test(m.slice(0, slash))) m = m.slice(slash + 1)
  return m.replace(THROUGHPUT, '')
}

/**
 * @internal Bedrock base model (LiteLLM's `get_base_model`): {@link bedrockProfile} minus the
 * cross-region prefix.
 * @example
 * ```ts
 * bedrockBaseModel('bedrock/us.anthropic.claude-3-5-sonnet-20240620-v1:0') // 'anthropic.claude-3-5-sonnet-20240620-v1:0'
 * ```
 */
export function bedrockBaseModel(model: string): string {
  const m = bedrockProfile(model)
  const dot = m.indexOf('.')
  return dot > 0 && CROSS_REGION.has(m.slice(0, dot).toLowerCase()) ? m.slice(dot + 1) : m
}

/**
 * @internal `ft:<base>:<org>:<suffix>:<id>` and OpenAI's real `ft:<base>:<org>::<id>` → `ft:<base>`.
 * LiteLLM's rule needs three non-empty segments, so the real format (empty suffix) was never mapped.
 * @example
 * ```ts
 * stripFineTune('ft:gpt-4o-mini-2024-07-18:acme::AbC123') // 'ft:gpt-4o-mini-2024-07-18'
 * ```
 */
export function stripFineTune(model: string): string {
  const at = model.indexOf('ft:')
  if (at < 0) return model
  const end = model.indexOf(':', at + 3)
  return end < 0 ? model : model.slice(0, end)
}

/**
 * @internal LiteLLM's `_strip_model_name`, per provider.
 * @example
 * ```ts
 * stripModelName('gemini-1.5-pro-002', 'vertex_ai') // 'gemini-1.5-pro'
 * ```
 */
export function stripModelName(model: string, provider: string | undefined): string {
  if (provider === 'bedrock' || provider === 'bedrock_converse') return bedrockBaseModel(model)
  if (provider === 'vertex_ai' || provider === 'gemini' || provider === 'databricks') {
    return model.replace(VERTEX_VERSION, '')
  }
  if (model.includes('ft:')) return stripFineTune(model)
  return model
}

/**
 * @internal LiteLLM's `_check_provider_match`: may an entry of `entryProvider` answer a request for
 * `requested`? Compared case-insensitively (`Anthropic/…` failed in LiteLLM while `GEMINI/…` worked).
 * @example
 * ```ts
 * providerMatches('bedrock_converse', 'bedrock') // true
 * ```
 */
export function providerMatches(entryProvider: unknown, requested: string | undefined): boolean {
  if (requested === undefined || typeof entryProvider !== 'string') return true
  const e = entryProvider.toLowerCase()
  if (e === requested) return true
  if (requested === 'vertex_ai') return e.startsWith('vertex_ai')
  if (requested === 'fireworks_ai') return e.startsWith('fireworks_ai')
  if (requested.startsWith('bedrock')) return e.startsWith('bedrock')
  if (requested === 'litellm_proxy' || requested === 'github') return true
  if (requested === 'azure_ai') return e === 'azure' || e === 'openai'
  return false
}

/**
 * Provider names LiteLLM routes by that may not appear as a `litellm_provider` value in a given map.
 * @internal
 * @example
 * ```ts
 * EXTRA_PROVIDERS.includes('vertex_ai') // true
 * ```
 */
export const EXTRA_PROVIDERS: readonly string[] = [
  'openai',
  'azure',
  'azure_ai',
  'anthropic',
  'bedrock',
  'bedrock_converse',
  'vertex_ai',
  'vertex_ai_beta',
  'gemini',
  'databricks',
  'litellm_proxy',
  'github',
  'text-completion-openai',
  'custom_openai',
  'hosted_vllm',
  'ollama',
  'ollama_chat',
  'openrouter',
]

/** @internal The candidate names LiteLLM tries, in its order, with the label each hit reports. */
export interface Candidates {
  names: string[]
  labels: string[]
  provider: string | undefined
}

/**
 * @internal LiteLLM's `_get_potential_model_names`: combined → model → (split) → combined_stripped → stripped.
 * @example
 * ```ts
 * candidateNames('gpt-4o', 'azure').names // ['azure/gpt-4o', 'gpt-4o']
 * ```
 */
export function candidateNames(model: string, provider: string | undefined): Candidates {
  let split = model
  let combined = model
  if (provider !== undefined) {
    if (model.toLowerCase().startsWith(`${provider}/`)) split = model.slice(provider.length + 1)
    else combined = `${provider}/${model}`
  }
  const stripped = stripModelName(split, provider)
  const combinedStripped = provider === undefined ? stripped : `${provider}/${stripped}`
  const names: string[] = []
  const labels: string[] = []
  const add = (name: string, label: string): void => {
    if (name !== '' && !names.includes(name)) {
      names.push(name)
      labels.push(label)
    }
  }
  add(combined, combined === model ? 'exact' : 'provider_prefix')
  add(model, 'exact')
  // LiteLLM tries `split` last, so `bedrock/us.anthropic.claude-…` got the stripped global entry and
  // lost the regional price; the unstripped name is more specific, so it goes before the stripped ones.
  add(split, 'split')
  if (provider === 'bedrock' || provider === 'bedrock_converse') add(bedrockProfile(split), 'stripped')
  add(combinedStripped, 'stripped')
  add(stripped, 'stripped')
  return { names, labels, provider }
}

/**
 * LiteLLM's `azure_llms` and `azure_embedding_models` (v1.82.1): names Azure returns, or deployments are
 * called, that are not keys of the map. Matched exactly, whatever the provider, as LiteLLM does.
 */
const AZURE_ALIASES: ReadonlyMap<string, string> = new Map([
  ['gpt-35-turbo', 'azure/gpt-35-turbo'],
  ['gpt-35-turbo-16k', 'azure/gpt-35-turbo-16k'],
  ['gpt-35-turbo-instruct', 'azure/gpt-35-turbo-instruct'],
  ['azure/gpt-41', 'gpt-4.1'],
  ['azure/gpt-41-mini', 'gpt-4.1-mini'],
  ['azure/gpt-41-nano', 'gpt-4.1-nano'],
  ['ada', 'azure/ada'],
])

/**
 * @internal The map name of an Azure alias (LiteLLM's table), else `model` unchanged.
 * @example
 * ```ts
 * azureAlias('gpt-35-turbo') // 'azure/gpt-35-turbo'
 * ```
 */
export function azureAlias(model: string): string {
  return AZURE_ALIASES.get(model) ?? model
}

/** Vertex partner families whose map keys carry a `@latest` version (LiteLLM's vertex_mistral / ai21 sets). */
const VERTEX_LATEST = new Set(['vertex_ai-mistral_models', 'vertex_ai-ai21_models'])

/**
 * @internal LiteLLM's Vertex partner names: `llama-3.1-…-maas` is `meta/llama-3.1-…-maas` when that is a
 * Llama entry, `mistral-large` is `mistral-large@latest` when that is a Mistral or AI21 entry. A
 * `vertex_ai/` prefix is kept. `providerOf` gives a key's `litellm_provider` (undefined: no such key).
 * @example
 * ```ts
 * vertexPartnerName('mistral-large', (key) => map[key]?.litellm_provider) // 'mistral-large@latest'
 * ```
 */
export function vertexPartnerName(model: string, providerOf: (key: string) => unknown): string {
  const prefix = model.startsWith('vertex_ai/') ? 'vertex_ai/' : ''
  const base = model.slice(prefix.length)
  if (base === '' || base.includes('@')) return model
  if (providerOf(`vertex_ai/meta/${base}`) === 'vertex_ai-llama_models') return `${prefix}meta/${base}`
  const latest = providerOf(`vertex_ai/${base}@latest`)
  return typeof latest === 'string' && VERTEX_LATEST.has(latest) ? `${prefix}${base}@latest` : model
}
