/**
 * _internal: the entry other folders import from.
 * @module
 */
export { nodeCrypto, ofetch, zod } from './lazy'
export { writeFileAtomic } from './write-atomic'
