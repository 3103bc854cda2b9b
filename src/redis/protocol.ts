/**
 * What a fleet keeps in Redis and what its parts share: key names, the `current` record's format, the Lua
 * scripts, the coordinator's settings, and the state the leader and the schedule work on (the fleet holds it;
 * they see it through {@link FleetState}, so neither imports the fleet).
 * @module
 */
import type { Redis } from 'ioredis'
import type { CoordinatorHost, FleetRecord, ReloadResult } from '../store'

/** The newest blob format this version reads; a newer one is refused, never half-applied. */
export const FORMAT = 1

/** The coordinator's settings once defaults are applied. */
export interface FleetSettings {
  prefix: string
  instanceId: string
  leaseMs: number
  reconcileMs: number
  commandTimeoutMs: number
  freshForMs: number
}

/** @internal The fleet's shared state and services, as the leader and the schedule use them. */
export interface FleetState {
  readonly redis: Redis
  readonly keys: FleetKeys
  readonly settings: FleetSettings
  host: CoordinatorHost | undefined
  appliedVersion: number
  revision: number
  lastError: string | null
  /** The last map applied from the fleet and the sha256 it replaced (a waiting reload reports it). */
  lastAdoption: { before: string; result: ReloadResult } | null
  connected(): boolean
  noteError(error: unknown): void
  requestSync(): Promise<void>
  adopt(record: FleetRecord & { format?: number }): Promise<ReloadResult | null>
  /** Records a map this instance published in the fleet's history (best effort: warns, never throws). */
  recordHistory(
    map: { sha256: string; text: string; url: string | null; model_count: number },
    at: string,
  ): Promise<void>
}

/** @internal Redis key names of a fleet. */
export type FleetKeys = ReturnType<typeof fleetKeys>

/** @internal Redis keys of a fleet. */
export function fleetKeys(prefix: string) {
  return {
    current: `${prefix}current`,
    fence: `${prefix}fence`,
    lease: `${prefix}lease`,
    schedule: `${prefix}schedule`,
    revision: `${prefix}revision`,
    deployments: `${prefix}deployments`,
    epoch: `${prefix}epoch`,
    events: `${prefix}events`,
    /** The fleet's sync log: a list of JSON records, newest first, trimmed to the last 100. */
    syncs: `${prefix}syncs`,
    blob: (sha256: string) => `${prefix}blob:${sha256}`,
    /** The fleet's map history: a hash of `active_from|sha256` -> the entry's JSON. */
    history: `${prefix}history`,
    /** Incremented on every change of the history (an instance re-reads it when this moved). */
    historyRev: `${prefix}history:rev`,
    /** A history map's text, gzip, by sha256 (no expiry: pruned with the last entry that refers to it). */
    historyMap: (sha256: string) => `${prefix}history:map:${sha256}`,
  }
}

/**
 * @internal Publishes a new version only while the caller's lease still holds (the fence): KEYS lease,
 * current, events, blob-prefix; ARGV lease value, sha256, etag, url, fetched_at, model_count, producer.
 * The previous blob is kept for an hour so an instance reading it mid-swap still finds it.
 */
export const PUBLISH_SCRIPT = `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return -1 end
local old = redis.call('HGET', KEYS[2], 'sha256')
if old and old ~= ARGV[2] then redis.call('PEXPIRE', KEYS[4] .. old, 3600000) end
redis.call('PERSIST', KEYS[4] .. ARGV[2])
local v = redis.call('HINCRBY', KEYS[2], 'version', 1)
redis.call('HSET', KEYS[2], 'sha256', ARGV[2], 'etag', ARGV[3], 'url', ARGV[4], 'fetched_at', ARGV[5],
  'checked_at', ARGV[5], 'model_count', ARGV[6], 'producer', ARGV[7], 'format', '1')
redis.call('PUBLISH', KEYS[3], 'map:' .. v)
return v`

/** @internal Deletes the lease only if it is still the caller's. */
export const RELEASE_SCRIPT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`

/** `current` as stored (all strings), or null when Redis has none. */
export function parseRecord(raw: Record<string, string>): (FleetRecord & { format: number }) | null {
  if (!raw.sha256) return null
  return {
    version: Number(raw.version ?? 0),
    sha256: raw.sha256,
    etag: raw.etag || null,
    url: raw.url || null,
    fetched_at: raw.fetched_at ?? '',
    model_count: Number(raw.model_count ?? 0),
    format: Number(raw.format ?? FORMAT),
  }
}
