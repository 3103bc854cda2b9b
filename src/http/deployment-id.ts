/**
 * Deployment ids as LiteLLM's Router makes them for config entries, so `x-litellm-model-id` values and
 * `/model/info?litellm_model_id=` keep working when a service moves from LiteLLM's proxy to costmap.
 * @module
 */
import { nodeCrypto } from '../_internal'

/**
 * The SHA-256 hex of the model name followed by each `litellm_params` key and value in insertion order,
 * with no separators: strings as they are, objects as Python's `json.dumps`, everything else as Python's
 * `str()`. Pass the params after `os.environ/…` references were resolved, as LiteLLM does.
 *
 * @example
 * ```ts
 * deploymentId('gpt-4', { model: 'gpt-4', api_key: 'sk-…' }) // '3f0c…' (64 hex digits)
 * ```
 */
export function deploymentId(modelName: string, litellmParams: Readonly<Record<string, unknown>>): string {
  let text = modelName
  for (const [key, value] of Object.entries(litellmParams)) {
    text += key
    if (typeof value === 'string') text += value
    else if (isPlainObject(value)) text += pyJson(value)
    else text += pyStr(value)
  }
  return nodeCrypto().createHash('sha256').update(text).digest('hex')
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Python's `str()` of a JSON value. */
function pyStr(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (typeof value === 'number') return pyNumber(value)
  if (Array.isArray(value)) return `[${value.map(pyRepr).join(', ')}]`
  return String(value)
}

/** Python's `repr()` inside a list or dict `str()`. */
function pyRepr(value: unknown): string {
  if (typeof value === 'string') {
    const quote = value.includes("'") && !value.includes('"') ? '"' : "'"
    const escaped = value.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')
    return quote + (quote === "'" ? escaped.replace(/'/g, "\\'") : escaped) + quote
  }
  if (isPlainObject(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${pyRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`
  }
  return pyStr(value)
}

/** Python's `json.dumps` with its defaults: `", "` and `": "` separators, non-ASCII escaped. */
function pyJson(value: unknown): string {
  if (value === null || value === undefined) return 'null'
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'number') return Number.isFinite(value) ? pyNumber(value) : value > 0 ? 'Infinity' : 'NaN'
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    )
  }
  if (Array.isArray(value)) return `[${value.map(pyJson).join(', ')}]`
  return `{${Object.entries(value as Record<string, unknown>)
    .map(([k, v]) => `${pyJson(k)}: ${pyJson(v)}`)
    .join(', ')}}`
}

/**
 * A number as Python prints it. JSON cannot tell `6` from `6.0`; whole numbers print as ints, the way a
 * YAML or JSON config usually writes them.
 */
function pyNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n)
  const abs = Math.abs(n)
  if (abs !== 0 && (abs < 1e-4 || abs >= 1e16)) {
    // Python: 1e-06, 1.5e+16 (two-digit exponent at least, explicit sign)
    const [mantissa, exponent = '0'] = n.toExponential().split('e')
    const sign = exponent.startsWith('-') ? '-' : '+'
    return `${mantissa}e${sign}${exponent.replace(/^[+-]/, '').padStart(2, '0')}`
  }
  return String(n)
}
