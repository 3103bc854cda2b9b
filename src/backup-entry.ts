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
export { type BackupManifest, backupManifest, backupText, loadBackup } from './backup'
