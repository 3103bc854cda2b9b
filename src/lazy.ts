/**
 * Modules a cold start does not need, loaded synchronously on first use. Importing zod takes about 50 ms and
 * node:crypto 3 ms, against a 25 ms start on the bundled backup that validates and hashes nothing.
 * @module
 */
import type * as Crypto from 'node:crypto'
import { createRequire } from 'node:module'
import type * as Zod from 'zod'

const requireHere = createRequire(import.meta.url)
// Looked up once: the key check runs on every admin request.
let crypto: typeof Crypto | undefined

/**
 * @internal zod, for the schemas (src/schema.ts builds them on first use).
 * @example `const z = zod(); z.string().parse('a')`
 */
export const zod = (): typeof Zod => requireHere('zod') as typeof Zod

/**
 * @internal node:crypto, for the admin routes' key check and LiteLLM's deployment ids.
 * @example `nodeCrypto().createHash('sha256')`
 */
export const nodeCrypto = (): typeof Crypto => (crypto ??= requireHere('node:crypto') as typeof Crypto)
