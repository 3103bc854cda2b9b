/**
 * `costmap/backup`: the bundled LiteLLM map as a module (no `fs`, so it works in bundlers and edge runtimes).
 *
 * @example
 * ```ts
 * import { backupText, backupManifest } from 'costmap/backup'
 * const raw = JSON.parse(backupText())
 * ```
 * @module
 */

// Every subpath re-exports the core: that keeps the shared code in one chunk, so `import 'costmap'` loads two
// files instead of nine (a third of its cold start), and one import line serves both.
export * from './index'
export { type BackupManifest, backupManifest, backupText, loadBackup } from './map'
