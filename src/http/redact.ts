/**
 * What `/model/info` may show of a deployment: LiteLLM's secret removal and masking, plus no
 * `os.environ/…` reference ever leaves the server.
 * @module
 */

/** Removed outright from `litellm_params` (LiteLLM's `remove_sensitive_info_from_deployment`). */
const REMOVED = new Set([
  'api_key',
  'client_secret',
  'vertex_credentials',
  'aws_access_key_id',
  'aws_secret_access_key',
])

/** A key with one of these `_`/`-` segments holds a secret (LiteLLM's `SensitiveDataMasker`). */
const SENSITIVE = new Set([
  'password',
  'secret',
  'key',
  'token',
  'auth',
  'authorization',
  'credential',
  'access',
  'private',
  'certificate',
  'fingerprint',
  'tenancy',
])

const ENV_REFERENCE = /^\s*os\.environ\//

/**
 * `litellm_params` as LiteLLM shows them: `api_key`, `client_secret`, `vertex_credentials`,
 * `aws_access_key_id` and `aws_secret_access_key` removed; other values whose key has a secret-like segment
 * masked to the first 4 and last 4 characters (`*cost*` keys and `litellm_credential_name` exempt), in
 * nested objects too. Unlike LiteLLM, `os.environ/…` references are removed wherever they are.
 *
 * @example
 * ```ts
 * redactParams({ model: 'azure/x', api_key: 'sk-1', aws_session_token: 'abcd1234wxyz' })
 * // { model: 'azure/x', aws_session_token: 'abcd****wxyz' }
 * ```
 */
export function redactParams(params: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(params)) {
    if (REMOVED.has(key)) continue
    const clean = redactValue(key, value)
    if (clean !== undefined) out[key] = clean
  }
  return out
}

/**
 * A copy without `os.environ/…` references (for `model_info`, which LiteLLM does not mask).
 *
 * @example
 * ```ts
 * dropEnvReferences({ base_model: 'azure/gpt-4', note: 'os.environ/X' }) // { base_model: 'azure/gpt-4' }
 * ```
 */
export function dropEnvReferences(value: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, item] of Object.entries(value)) {
    const clean = withoutEnv(item)
    if (clean !== undefined) out[key] = clean
  }
  return out
}

/**
 * True for a key LiteLLM's masker treats as secret.
 *
 * @example
 * ```ts
 * isSensitiveKey('aws_session_token') // true
 * isSensitiveKey('input_cost_per_token') // false
 * ```
 */
export function isSensitiveKey(key: string): boolean {
  if (key === 'litellm_credential_name') return false
  const segments = key.toLowerCase().split(/[_-]/)
  if (segments.includes('cost')) return false
  return segments.some((s) => SENSITIVE.has(s))
}

/**
 * First 4 and last 4 characters, `*` between; shorter than 8 characters stays as it is (LiteLLM's rule).
 *
 * @example
 * ```ts
 * maskValue('sk-abcdefgh1234') // 'sk-a*******1234'
 * ```
 */
export function maskValue(value: string): string {
  if (value.length < 8) return value
  return value.slice(0, 4) + '*'.repeat(value.length - 8) + value.slice(-4)
}

function redactValue(key: string, value: unknown): unknown {
  if (typeof value === 'string') {
    if (ENV_REFERENCE.test(value)) return undefined
    return isSensitiveKey(key) ? maskValue(value) : value
  }
  if (Array.isArray(value)) return value.map((item) => redactValue(key, item)).filter((item) => item !== undefined)
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {}
    for (const [k, v] of Object.entries(value)) {
      const clean = redactValue(k, v)
      if (clean !== undefined) out[k] = clean
    }
    return out
  }
  return value
}

function withoutEnv(value: unknown): unknown {
  if (typeof value === 'string') return ENV_REFERENCE.test(value) ? undefined : value
  if (Array.isArray(value)) return value.map(withoutEnv).filter((item) => item !== undefined)
  if (typeof value === 'object' && value !== null) return dropEnvReferences(value as Record<string, unknown>)
  return value
}
