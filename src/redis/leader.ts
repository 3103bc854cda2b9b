/**
 * The leader's side of the Redis fleet: the lease (`SET NX PX` with a fencing token), the one upstream
 * fetch, and the publish that only succeeds while the lease still holds.
 * @module
 */

import { scrubUrls } from '../_internal'
import { errorText } from '../errors'
import type { FetchedMap, ReloadMode, ReloadResult } from '../store'
import { type FleetState, PUBLISH_SCRIPT, parseRecord, RELEASE_SCRIPT } from './protocol'
import type { FleetSchedule } from './schedule'

/** An unpublished blob expires unless the publish script keeps it. */
const ORPHAN_BLOB_MS = 3_600_000

/** @internal One per fleet instance. */
export class Leader {
  constructor(private readonly fleet: FleetState & { readonly plan: FleetSchedule }) {}

  /**
   * A reload through the fleet. Manual: fetch if this instance wins the lease, otherwise wait for the
   * holder and apply what it published. Scheduled: only when the fleet's schedule is due. Start: fetch
   * unless someone else already is.
   */
  async run(mode: ReloadMode): Promise<ReloadResult> {
    const { fleet } = this
    const host = this.host()
    if (!fleet.connected()) {
      return host.fail(`Redis is unreachable (${fleet.lastError ?? 'not connected'}); current pricing data was kept`)
    }
    const before = host.activeSha()
    try {
      if (mode === 'manual') fleet.revision = await fleet.redis.incr(fleet.keys.revision)
      // Read before the lease, so a reload that finishes while this one waits is told from one that never ran.
      const checked = await fleet.redis.hget(fleet.keys.current, 'checked_at')
      const lease = await this.acquire()
      if (!lease) return mode === 'scheduled' ? host.unchanged() : await this.follow(before, checked)
      return await this.lead(lease, mode)
    } catch (error) {
      fleet.noteError(error)
      return host.fail(`Redis failed during the reload (${errorText(error)}); current pricing data was kept`)
    }
  }

  /** Runs the reload under `lease` and releases it. */
  private async lead(lease: string, mode: ReloadMode): Promise<ReloadResult> {
    try {
      const interval = mode === 'scheduled' ? await this.fleet.plan.due() : null
      if (mode === 'scheduled' && interval === null) return this.host().unchanged()
      return await this.fetchAndPublish(lease, interval)
    } finally {
      await this.release(lease)
    }
  }

  /** Puts this instance's map into a Redis that lost it (restarted without persistence). */
  async seed(): Promise<void> {
    const { fleet } = this
    const active = this.host().activeText()
    if (!active) return
    const lease = await this.acquire()
    if (!lease) return
    try {
      if (parseRecord(await fleet.redis.hgetall(fleet.keys.current))) return
      const sha256 = this.host().activeSha()
      await this.publish(lease, { ...active, sha256 }, active.model_count, new Date().toISOString())
    } finally {
      await this.release(lease)
    }
  }

  /** `interval`: the schedule's, for a scheduled run (it moves `next_run`); null for the others. */
  private async fetchAndPublish(lease: string, interval: number | null): Promise<ReloadResult> {
    const { fleet } = this
    const host = this.host()
    const record = parseRecord(await fleet.redis.hgetall(fleet.keys.current))
    // Catch up first, so the conditional request and the diff are against the fleet's map.
    if (record && record.sha256 !== host.activeSha()) await fleet.adopt(record)
    const onFleetMap = record !== null && record.sha256 === host.activeSha()
    const fetched = await host.fetch(onFleetMap ? record.etag : null)
    let result: ReloadResult
    if ('built' in fetched) {
      const publishedAt = new Date().toISOString()
      const model_count = fetched.built.report.model_count
      const version = await this.publish(lease, fetched, model_count, publishedAt)
      if (version < 0)
        return host.fail('this instance lost the fleet lease while fetching (fenced out); nothing was published')
      fleet.appliedVersion = version
      // Recorded once for the fleet, by the instance that published it, at the time its record carries.
      await fleet.recordHistory({ ...fetched, model_count }, publishedAt)
      result = await host.apply(fetched)
    } else result = fetched
    await fleet.redis.hset(fleet.keys.current, {
      checked_at: new Date().toISOString(),
      last_status: result.status,
      last_error: result.error ?? '',
      last_by: fleet.settings.instanceId,
    })
    await fleet.plan.ran(result.status !== 'failed', interval)
    return result
  }

  /** Stores the blob, then publishes it if the lease still holds; the new version, or -1 when fenced out. */
  private async publish(
    lease: string,
    map: Pick<FetchedMap, 'sha256' | 'text' | 'etag' | 'url'>,
    modelCount: number,
    at: string,
  ): Promise<number> {
    const { redis, keys, settings } = this.fleet
    await redis.set(keys.blob(map.sha256), map.text, 'PX', ORPHAN_BLOB_MS)
    // The map's URL goes to Redis for display only (followers fetch nothing from it): without its token.
    const url = scrubUrls(map.url) ?? ''
    const args = [map.sha256, map.etag ?? '', url, at, modelCount, settings.instanceId]
    const keyList = [keys.lease, keys.current, keys.events, keys.blob('')]
    return Number(await redis.eval(PUBLISH_SCRIPT, keyList.length, ...keyList, lease, ...args))
  }

  /**
   * Another instance holds the lease: wait for it to finish (bounded), then apply what it published. When no
   * reload finished meanwhile (`checked_at` did not move: the holder died or hangs), take the lease and fetch
   * here; if that is not possible either, say so: this reload fetched nothing.
   */
  private async follow(before: string, checked: string | null): Promise<ReloadResult> {
    const { fleet } = this
    const host = this.host()
    const holder = await fleet.redis.get(fleet.keys.lease)
    const waitMs = fleet.settings.leaseMs + fleet.settings.commandTimeoutMs
    const deadline = Date.now() + waitMs
    while (Date.now() < deadline && (await fleet.redis.exists(fleet.keys.lease))) await sleep(50)
    const raw = await fleet.redis.hgetall(fleet.keys.current)
    const record = parseRecord(raw)
    if (record && record.sha256 !== host.activeSha()) await fleet.adopt(record)
    // Applied here or by the hint that arrived meanwhile: report the change this reload brought.
    const adopted = fleet.lastAdoption
    if (adopted && adopted.before === before && host.activeSha() !== before) return adopted.result
    if ((raw.checked_at ?? null) === checked) {
      const lease = await this.acquire()
      if (lease) return this.lead(lease, 'manual')
      const who = holder?.replace(/:\d+$/, '') ?? 'another instance'
      return host.fail(
        `the fleet's lease holder (${who}) did not finish a reload within ${waitMs} ms and the lease is still taken; nothing was fetched, current pricing data was kept`,
      )
    }
    if (raw.last_status === 'failed') return host.fail(`the reload on ${raw.last_by} failed: ${raw.last_error}`)
    return host.unchanged()
  }

  private async acquire(): Promise<string | null> {
    const { redis, keys, settings } = this.fleet
    const token = await redis.incr(keys.fence)
    const lease = `${settings.instanceId}:${token}`
    return (await redis.set(keys.lease, lease, 'PX', settings.leaseMs, 'NX')) === 'OK' ? lease : null
  }

  private async release(lease: string): Promise<void> {
    const { redis, keys } = this.fleet
    await redis.eval(RELEASE_SCRIPT, 1, keys.lease, lease).catch((e: unknown) => this.fleet.noteError(e))
  }

  private host() {
    const host = this.fleet.host
    if (!host) throw new Error('[costmap] the coordinator was not started')
    return host
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
