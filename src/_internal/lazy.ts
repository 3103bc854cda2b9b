/**
 * Modules a cold start does not need, loaded synchronously on first use. Importing zod takes about 50 ms,
 * ofetch 30 ms and node:crypto 3 ms, against a 25 ms start on the bundled backup that validates, fetches and
 * hashes nothing.
 * @module
 */
import type * as Crypto from 'node:crypto'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import type * as Ofetch from 'ofetch'
import type * as Prom from 'prom-client'
import type * as Zod from 'zod'

const requireHere = createRequire(import.meta.url)
// Looked up once: the key check runs on every admin request.
let crypto: typeof Crypto | undefined

/**
 * A package's ESM copy in the ESM build, its CommonJS copy in the CommonJS build. `import.meta.resolve`
 * exists only in the ESM build (the CommonJS one has no `import.meta` but the shimmed `url`); there, the ESM
 * entry is loaded with require(esm) (Node >= 20.19, 22.12), which returns the very module instance a static
 * `import` in the application gets (one zod: the same classes, `instanceof` holds across), yet synchronously:
 * validation is synchronous, and a first fetch under a fake clock must not wait on file I/O (a dynamic
 * `import()` would). Older Node falls back to the CommonJS copy.
 */
function load<T>(name: string): T {
  const resolve = (import.meta as { resolve?: (specifier: string) => string }).resolve
  if (typeof resolve === 'function' && process.features.require_module) {
    return requireHere(fileURLToPath(resolve(name))) as T
  }
  return requireHere(name) as T
}

let zodModule: typeof Zod | undefined
let ofetchModule: typeof Ofetch | undefined
let promModule: typeof Prom | undefined

/**
 * @internal zod, for the schemas (src/map/schema.ts builds them on first use).
 * @example `const z = zod(); z.string().parse('a')`
 */
export const zod = (): typeof Zod => (zodModule ??= load<typeof Zod>('zod'))

/**
 * @internal ofetch, for the transport: loaded by the first remote fetch, not by `import 'costmap'`.
 * @example `const $fetch = ofetch().createFetch({ fetch })`
 */
export const ofetch = (): typeof Ofetch => (ofetchModule ??= load<typeof Ofetch>('ofetch'))

/**
 * @internal A Node built-in a cold start does not need (node:zlib for the history, node:crypto), loaded
 * synchronously on first use; Node caches it after that.
 * @example `builtin<typeof import('node:zlib')>('node:zlib').gzipSync(bytes)`
 */
export const builtin = <T>(name: `node:${string}`): T => requireHere(name) as T

/**
 * @internal node:crypto, for the admin routes' key check and LiteLLM's deployment ids.
 * @example `nodeCrypto().createHash('sha256')`
 */
export const nodeCrypto = (): typeof Crypto => (crypto ??= builtin<typeof Crypto>('node:crypto'))

/**
 * @internal prom-client (an optional peer), for the handler's `metrics` option only: the core never needs it.
 * @throws Error `MODULE_NOT_FOUND` when it is not installed
 * @example `const { Registry } = promClient()`
 */
export const promClient = (): typeof Prom => (promModule ??= load<typeof Prom>('prom-client'))
