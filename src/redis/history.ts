/**
 * The fleet's map history in Redis: each entry once (a hash keyed by `active_from|sha256`, written by a
 * script that adds the entry and its map together), the maps gzip by sha256, and a revision that tells
 * every instance to merge what it lacks into its own history directory. Pricing at a time stays local and
 * synchronous; Redis is where the history is recorded once and read by all.
 * @module
 */
import { errorText } from '../errors'
import type { HostHistory, SharedHistoryEntry } from '../store'
import type { FleetState } from './protocol'

/**
 * The largest gzip map the fleet's history takes (a real map is about 70 KB gzip, 1.5 MB unpacked): bounds
 * what one instance can make every other one download and hold.
 */
export const MAX_HISTORY_GZIP_BYTES = 8 * 1024 * 1024

const DAY_MS = 86_400_000

/**
 * @internal Adds one entry and its map, once: KEYS history, history:rev, events, the map's key; ARGV field,
 * entry JSON, gzip bytes. An entry already there changes nothing (1 = added, 0 = there already). The map is
 * written even when its key exists: the sharer's copy was checked, and it replaces a damaged one.
 */
export const RECORD_HISTORY_SCRIPT = `
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 0 end
redis.call('SET', KEYS[4], ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
redis.call('INCR', KEYS[2])
redis.call('PUBLISH', KEYS[3], 'history')
return 1`

/**
 * @internal Removes one entry and, when no other entry refers to it, its map (checked in the same script,
 * so an import adding the same map at that moment keeps it): KEYS history, history:rev, the map's key;
 * ARGV field, sha256.
 */
export const DROP_HISTORY_SCRIPT = `
redis.call('HDEL', KEYS[1], ARGV[1])
redis.call('INCR', KEYS[2])
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(field, -64) == ARGV[2] then return 0 end
end
redis.call('DEL', KEYS[3])
return 1`

/**
 * @internal The Redis side of the fleet's history, one per coordinator.
 * @example
 * ```ts
 * await new FleetHistory(fleet).pull(host.history, rev)
 * ```
 */
export class FleetHistory {
  /** The revision last merged here; undefined before the first read. */
  private seen: string | null | undefined

  constructor(private readonly fleet: FleetState) {}

  /** Records a map this instance published, at the time its publish carries. */
  async recordPublished(
    history: HostHistory,
    map: { sha256: string; text: string; url: string | null; model_count: number },
    at: string,
  ): Promise<void> {
    if (!history.records) return
    const entry = {
      sha256: map.sha256,
      active_from: at,
      active_until: null,
      source: 'remote' as const,
      url: map.url,
      model_count: map.model_count,
    }
    await this.share([{ entry, gzip: history.compress(map.text) }], history.maxAgeDays)
  }

  /** Adds entries and their maps, each once; then applies `maxAgeDays` to the fleet's history. */
  async share(items: readonly SharedHistoryEntry[], maxAgeDays?: number): Promise<void> {
    const { redis, keys } = this.fleet
    for (const { entry, gzip } of items) {
      if (gzip.byteLength > MAX_HISTORY_GZIP_BYTES) {
        this.fleet.host?.warn(
          `the history map ${entry.sha256} is over ${MAX_HISTORY_GZIP_BYTES} bytes gzip; not shared`,
        )
        continue
      }
      const json = JSON.stringify({ ...entry, active_until: null })
      const keyList = [keys.history, keys.historyRev, keys.events, keys.historyMap(entry.sha256)]
      const field = `${entry.active_from}|${entry.sha256}`
      await redis.eval(RECORD_HISTORY_SCRIPT, keyList.length, ...keyList, field, json, Buffer.from(gzip))
    }
    if (maxAgeDays !== undefined) await this.prune(maxAgeDays)
  }

  /**
   * Merges the fleet's history into this instance's when its revision moved: every entry, and the maps this
   * instance lacks (each bounded in size; the history checks their sha256). A Redis error leaves the
   * revision unseen, so the next sync tries again.
   */
  async pull(history: HostHistory, rev: string | null): Promise<void> {
    if (rev === this.seen) return
    const { redis, keys } = this.fleet
    const raw = await redis.hgetall(keys.history)
    const entries: unknown[] = []
    for (const [field, json] of Object.entries(raw)) {
      try {
        entries.push(JSON.parse(json))
      } catch {
        this.fleet.host?.warn(`ignoring the fleet's history entry ${field.slice(0, 100)}: not JSON`)
      }
    }
    const bodies = new Map<string, Uint8Array>()
    const wanted = new Set(
      entries.flatMap((e) => {
        const sha = (e as { sha256?: unknown })?.sha256
        return typeof sha === 'string' && /^[0-9a-f]{64}$/.test(sha) && !history.has(sha) ? [sha] : []
      }),
    )
    for (const sha of wanted) {
      const size = await redis.strlen(keys.historyMap(sha))
      if (size === 0) {
        this.fleet.host?.warn(`the fleet's history map ${sha} is missing from Redis`)
        continue
      }
      if (size > MAX_HISTORY_GZIP_BYTES) {
        this.fleet.host?.warn(`the fleet's history map ${sha} is ${size} bytes, over ${MAX_HISTORY_GZIP_BYTES}`)
        continue
      }
      const body = await redis.getBuffer(keys.historyMap(sha))
      if (body) bodies.set(sha, body)
    }
    await history.merge(entries, bodies)
    this.seen = rev
  }

  /** Redis lost its data: its revision starts again, so the next read must not be skipped as seen. */
  reset(): void {
    this.seen = undefined
  }

  /** Forgets entries that ended more than `maxAgeDays` ago, never the latest, and maps nothing refers to. */
  private async prune(maxAgeDays: number): Promise<void> {
    const { redis, keys } = this.fleet
    const starts = Object.keys(await redis.hgetall(keys.history))
      .map((field) => ({ field, sha256: field.slice(-64), ms: Date.parse(field.slice(0, -65)) }))
      .filter((e) => Number.isFinite(e.ms))
      .sort((a, b) => a.ms - b.ms)
    const cutoff = Date.now() - maxAgeDays * DAY_MS
    for (let i = 0; i < starts.length - 1; i++) {
      const { field, sha256 } = starts[i] as (typeof starts)[number]
      // An entry ends where the next one starts.
      if ((starts[i + 1]?.ms ?? Number.POSITIVE_INFINITY) >= cutoff) continue
      const keyList = [keys.history, keys.historyRev, keys.historyMap(sha256)]
      await redis.eval(DROP_HISTORY_SCRIPT, keyList.length, ...keyList, field, sha256)
    }
  }

  /** Reports a failure of the best-effort recording through the store's logger. */
  warn(what: string, error: unknown): void {
    this.fleet.noteError(error)
    this.fleet.host?.warn(`${what}: ${errorText(error)}`)
  }
}
