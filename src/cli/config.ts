/**
 * LiteLLM's proxy `config.yaml` as far as costmap uses it: `model_list` and `general_settings.master_key`
 * (`os.environ/NAME` references allowed, as LiteLLM allows them).
 * @module
 */
import { readFile } from 'node:fs/promises'
import { parse } from 'yaml'
import { CostMapError, errorText } from '../errors'
import { deploymentSchemas } from '../http'
import { formatIssues, lazySchemas } from '../map'
import type { Deployment } from '../store'

/**
 * @internal What `costmap serve --config` takes from a config file.
 * @example
 * ```ts
 * const { modelList, masterKey } = await readProxyConfig('config.yaml', process.env)
 * ```
 */
export interface ProxyConfig {
  modelList: Deployment[]
  /** `general_settings.master_key` with an `os.environ/NAME` reference resolved; undefined when absent. */
  masterKey: string | undefined
  /** The variable `master_key` refers to, when it is a reference (to say which one is missing). */
  masterKeyEnv: string | undefined
}

const configSchema = lazySchemas((z) =>
  z.looseObject({
    model_list: z.array(z.unknown()).nullish(),
    general_settings: z.looseObject({ master_key: z.union([z.string(), z.number()]).nullish() }).nullish(),
  }),
)

const ENV_REFERENCE = /^\s*os\.environ\/(.+?)\s*$/

/**
 * @internal Parses the YAML text of a proxy config. Other LiteLLM sections are ignored.
 * @throws {CostMapError} `INVALID_ARGUMENT` naming the file and the first problem
 * @example
 * ```ts
 * parseProxyConfig('model_list:\n  - model_name: gpt-4\n    litellm_params: { model: gpt-4 }', 'config.yaml', {})
 * ```
 */
export function parseProxyConfig(text: string, name: string, env: Record<string, string | undefined>): ProxyConfig {
  let raw: unknown
  try {
    raw = parse(text) ?? {}
  } catch (error) {
    throw invalid(name, `not valid YAML: ${errorText(error).split('\n')[0]}`, error)
  }
  const parsed = configSchema().safeParse(raw)
  if (!parsed.success) throw invalid(name, formatIssues(parsed.error.issues))
  const modelList = (parsed.data.model_list ?? []).map((entry, i) => {
    const deployment = deploymentSchemas().DeploymentSchema.safeParse(entry)
    if (!deployment.success) {
      const issues = deployment.error.issues.map((issue) => ({ ...issue, path: ['model_list', i, ...issue.path] }))
      throw invalid(name, formatIssues(issues))
    }
    return deployment.data as Deployment
  })
  const key = parsed.data.general_settings?.master_key
  const reference = typeof key === 'string' ? ENV_REFERENCE.exec(key)?.[1] : undefined
  const masterKey = reference === undefined ? (key == null ? undefined : String(key)) : env[reference]
  return { modelList, masterKey: masterKey || undefined, masterKeyEnv: reference }
}

/**
 * @internal Reads and parses a proxy config file.
 * @throws {CostMapError} `INVALID_ARGUMENT` for a file that cannot be read or parsed
 * @example
 * ```ts
 * const config = await readProxyConfig('config.yaml', process.env)
 * ```
 */
export async function readProxyConfig(path: string, env: Record<string, string | undefined>): Promise<ProxyConfig> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (error) {
    throw invalid(path, `cannot read it (${(error as NodeJS.ErrnoException).code ?? errorText(error)})`, error)
  }
  return parseProxyConfig(text, path, env)
}

function invalid(name: string, problem: string, cause?: unknown): CostMapError {
  return new CostMapError('INVALID_ARGUMENT', `${name}: ${problem}`, { cause })
}
