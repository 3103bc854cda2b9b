/**
 * Helpers every layer may use and none owns: modules loaded on first use (zod, ofetch, node:crypto, prom-client) and
 * the atomic file write. Other folders import this folder through this file only.
 * @module
 */
export { builtin, nodeCrypto, ofetch, promClient, zod } from './lazy'
export { scrubUrls } from './scrub'
export { writeFileAtomic } from './write-atomic'
