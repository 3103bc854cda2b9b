/**
 * `costmap serve`: every cost-map and model route on node:http, like LiteLLM's proxy answers them, on
 * the bundled map at once and the remote one when it arrives. Stops cleanly on SIGINT or SIGTERM.
 * @module
 */
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { createCostMapHandler, refuseConnect, toNodeListener } from '../http'
import { ModelCostMap } from '../store'
import { type Command, intOption, stringOption, UsageError } from './args'
import { type ProxyConfig, readProxyConfig } from './config'
import { count } from './format'
import { mapLocation } from './maps'

/** Requests still running this long after a signal are cut off. */
const SHUTDOWN_GRACE_MS = 5000

/** @internal `costmap serve`. */
export const serve: Command = {
  name: 'serve',
  summary: "LiteLLM's cost-map and model routes (reload, schedule, source, model info, /model/new…) on node:http.",
  args: '',
  positionals: [0, 0],
  options: {
    port: { type: 'string', arg: '<n>', description: 'port (default 4000; 0 picks a free one)' },
    host: { type: 'string', arg: '<host>', description: "interface (default: all, like LiteLLM's 0.0.0.0)" },
    config: {
      type: 'string',
      arg: '<file>',
      description: 'LiteLLM config.yaml: model_list, general_settings.master_key',
    },
    'master-key': {
      type: 'string',
      arg: '<key>',
      description: 'admin key (default: env LITELLM_MASTER_KEY, then the config)',
    },
    url: {
      type: 'string',
      arg: '<url|file>',
      description: 'the map to sync from (default: env LITELLM_MODEL_COST_MAP_URL, else upstream)',
    },
    'notify-url': {
      type: 'string',
      arg: '<url>',
      description: 'POST an alert here on a map change, a failed sync, a held map (Slack/Teams webhook)',
    },
    metrics: { type: 'boolean', description: 'serve Prometheus metrics on GET /metrics (needs prom-client)' },
    'public-metrics': { type: 'boolean', description: 'serve /metrics without a key (implies --metrics)' },
  },
  notes: [
    'Serves the bundled map at once and fetches the remote one in the background; without network access',
    'it keeps the bundled map (LITELLM_LOCAL_MODEL_COST_MAP=True skips the fetch). Sync log lines go to stdout.',
    '',
    'Example:',
    '  costmap serve --config config.yaml --master-key sk-1234',
    '  curl -X POST "http://localhost:4000/reload/model_cost_map" -H "Authorization: Bearer sk-1234"',
    '  curl "http://localhost:4000/model/cost_map/syncs" -H "Authorization: Bearer sk-1234"',
    '  curl "http://localhost:4000/health/readiness"',
  ].join('\n'),
  async run({ values, out }) {
    const port = intOption(values, 'port', 4000, 0, 65535)
    const host = stringOption(values, 'host')
    const configPath = stringOption(values, 'config')
    const config = configPath === undefined ? undefined : await readProxyConfig(configPath, out.env)
    const masterKey = stringOption(values, 'master-key') || out.env.LITELLM_MASTER_KEY || config?.masterKey
    if (!masterKey) throw new UsageError(noKey(config))
    const url = stringOption(values, 'url') ?? out.env.LITELLM_MODEL_COST_MAP_URL
    const logger = {
      info: (line: unknown) => out.print(JSON.stringify(line)),
      warn: (message: string) => out.error(message),
    }
    const notifyUrl = stringOption(values, 'notify-url')
    if (notifyUrl !== undefined && !/^https?:\/\/[^/]/i.test(notifyUrl))
      throw new UsageError(`--notify-url must be an http(s) URL, got '${notifyUrl}'`)
    const metrics = values['public-metrics'] ? { public: true } : values.metrics === true
    // Bound first: a busy port is one line, before any fetch could report anything.
    const server = createServer()
    server.on('connect', refuseConnect)
    await listen(server, port, host)
    let costs: ModelCostMap
    try {
      costs = new ModelCostMap({
        ...(url ? { url: mapLocation(url) } : {}),
        ...(notifyUrl ? { notify: { url: notifyUrl } } : {}),
        logger,
      })
    } catch (error) {
      await close(server)
      throw error
    }
    try {
      const handler = createCostMapHandler(costs, {
        masterKey,
        modelList: config?.modelList ?? [],
        resolveEnv: (name) => out.env[name],
        logger,
        metrics,
      })
      server.on('request', toNodeListener(handler, { logger }))
    } catch (error) {
      costs.dispose()
      await close(server)
      throw error
    }
    const { port: bound } = server.address() as AddressInfo
    const source = costs.source()
    const models = `${count(source.model_count)} models, bundled backup`
    const remote = source.is_env_forced
      ? 'LITELLM_LOCAL_MODEL_COST_MAP is set: no remote fetch'
      : 'syncing in the background'
    out.print(`costmap serve: listening on ${publicUrl(host, bound)} (${models}; ${remote})`)
    // The key goes in the fragment, which the browser never sends: the line shows where, not the key.
    out.print(`costmap serve: status page ${publicUrl(host, bound)}/model/cost_map/ui#key=<your key>`)
    const signal = await new Promise<NodeJS.Signals>((resolve) =>
      process.once('SIGINT', resolve).once('SIGTERM', resolve),
    )
    // A second signal means "now".
    process.once('SIGINT', () => process.exit(1)).once('SIGTERM', () => process.exit(1))
    out.print(`costmap serve: ${signal}, shutting down`)
    costs.dispose()
    await close(server)
    return 0
  },
}

function noKey(config: ProxyConfig | undefined): string {
  if (config?.masterKeyEnv)
    return `no master key: the config's master_key refers to os.environ/${config.masterKeyEnv}, which is not set`
  return 'no master key: pass --master-key, set LITELLM_MASTER_KEY, or set general_settings.master_key in --config'
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const fail = (error: NodeJS.ErrnoException) => {
      if (error.code === 'EADDRINUSE') reject(new Error(`port ${port} is already in use (choose another with --port)`))
      else reject(new Error(`cannot listen on ${host ?? '*'}:${port}: ${error.code ?? error.message}`))
    }
    server.once('error', fail)
    server.listen(port, host, () => {
      server.off('error', fail)
      resolve()
    })
  })
}

/** Closes the listener and idle connections; requests still running after the grace period are cut off. */
function close(server: Server): Promise<void> {
  const force = setTimeout(() => server.closeAllConnections(), SHUTDOWN_GRACE_MS)
  force.unref()
  return new Promise((resolve) => {
    server.close(() => {
      clearTimeout(force)
      resolve()
    })
    server.closeIdleConnections()
  })
}

function publicUrl(host: string | undefined, port: number): string {
  if (!host || host === '0.0.0.0' || host === '::') return `http://localhost:${port}`
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`
}
