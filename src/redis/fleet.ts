/**
 * The Redis fleet: reading the shared state (map, schedule, deployments) and applying it to this instance.
 * The leader's side (lease, fetch, publish) is in `redis/leader.ts`.
 * @module
 */
import type { Redis } from 'ioredis'
import { errorText } from '../errors'
import type {
  CoordinationStatus,
  Coordinator,
  CoordinatorHost,
  FleetRecord,
  ReloadMode,
  ReloadResult,
  ScheduleStatus,
  SharedHistoryEntry,
  SyncRecord,
} from '../store'
import { FleetHistory } from './history'
import { Leader } from './leader'
import { type FleetKeys, type FleetSettings, type FleetState, FORMAT, fleetKeys, parseRecord } from './protocol'
import { FleetSchedule } from './schedule'

/** Records kept in the fleet's sync log (as many as one instance keeps). */
const SYNCS_KEPT = 100

/** @internal See {@link createRedisCoordinator}. */
export class RedisFleet implements Coordinator, FleetState {
  readonly keys: FleetKeys
  host: CoordinatorHost | undefined
  appliedVersion = 0
  revision = 0
  lastError: string | null = null
  private epoch: string | null = null
  private synced = false
  /** sha256s this instance refused, and why (reported until the fleet publishes another map). */
  private readonly rejected = new Map<string, string>()
  /** The last map applied from the fleet and the sha256 it replaced (a waiting reload reports it). */
  lastAdoption: { before: string; result: ReloadResult } | null = null
  private readonly adopting = new Map<string, Promise<ReloadResult | null>>()
  private deployments = new Map<string, string>()
  private deploymentWrites = 0
  private syncing: Promise<void> | null = null
  private again = false
  private poller: ReturnType<typeof setInterval> | undefined
  private closed = false
  readonly leader: Leader
  readonly plan: FleetSchedule
  private readonly mapHistory = new FleetHistory(this)

  constructor(
    readonly redis: Redis,
    private readonly subscriber: Redis,
    readonly settings: FleetSettings,
  ) {
    this.keys = fleetKeys(settings.prefix)
    this.leader = new Leader(this)
    this.plan = new FleetSchedule(this)
    // ioredis prints unhandled 'error' events; connection trouble is reported through status() instead.
    redis.on('error', (e: unknown) => this.noteError(e))
    subscriber.on('error', (e: unknown) => this.noteError(e))
  }

  async start(host: CoordinatorHost, options: { scheduleHours?: number }): Promise<void> {
    this.host = host
    this.plan.seedHours = options.scheduleHours
    this.redis.on('ready', () => void this.requestSync())
    this.subscriber.on('ready', () => {
      this.subscriber.subscribe(this.keys.events).catch((e: unknown) => this.noteError(e))
      void this.requestSync()
    })
    this.subscriber.on('message', () => void this.requestSync())
    this.poller = setInterval(() => void this.requestSync(), this.settings.reconcileMs)
    this.poller.unref?.()
    this.redis.connect().catch((e: unknown) => this.noteError(e))
    this.subscriber.connect().catch((e: unknown) => this.noteError(e))
    if (await this.ready()) await this.requestSync()
    else host.warn(`Redis is unreachable (${this.lastError ?? 'no answer'}); serving the local map until it is back`)
  }

  reload(mode: ReloadMode): Promise<ReloadResult> {
    return this.leader.run(mode)
  }

  schedule(hours: number | null): ScheduleStatus {
    return this.plan.set(hours)
  }

  scheduleStatus(): ScheduleStatus {
    return this.plan.status()
  }

  status(): CoordinationStatus {
    return {
      kind: 'redis',
      instance_id: this.settings.instanceId,
      connected: this.connected(),
      applied_version: this.appliedVersion,
      reload_revision: this.revision,
      last_error: this.lastError,
    }
  }

  async shareDeployment(id: string, value: unknown): Promise<void> {
    this.deploymentWrites++
    if (value === null) {
      this.deployments.delete(id)
      await this.redis.hdel(this.keys.deployments, id)
    } else {
      const json = JSON.stringify(value)
      this.deployments.set(id, json)
      await this.redis.hset(this.keys.deployments, id, json)
    }
    await this.redis.publish(this.keys.events, 'deployments')
  }

  sharedDeployments(): Record<string, unknown> {
    const out: Record<string, unknown> = {}
    for (const [id, json] of this.deployments) out[id] = JSON.parse(json)
    return out
  }

  recordSync(record: SyncRecord): void {
    if (!this.connected()) return
    const json = JSON.stringify({ ...record, instance_id: this.settings.instanceId })
    this.redis
      .multi()
      .lpush(this.keys.syncs, json)
      .ltrim(this.keys.syncs, 0, SYNCS_KEPT - 1)
      .exec()
      .catch((e: unknown) => this.noteError(e))
  }

  async fleetSyncs(): Promise<Array<SyncRecord & { instance_id: string }>> {
    const raw = await this.redis.lrange(this.keys.syncs, 0, SYNCS_KEPT - 1)
    // Whoever can write Redis could put anything there: only well-formed records are returned.
    return raw.flatMap((text) => {
      try {
        const r = JSON.parse(text) as SyncRecord & { instance_id: string }
        const ok = ['success', 'unchanged', 'failed'].includes(r?.status) && typeof r.timestamp === 'string'
        return ok && typeof r.instance_id === 'string' ? [r] : []
      } catch {
        return []
      }
    })
  }

  async shareHistory(items: readonly SharedHistoryEntry[]): Promise<void> {
    await this.mapHistory.share(items, this.host?.history?.maxAgeDays)
  }

  async recordHistory(
    map: { sha256: string; text: string; url: string | null; model_count: number },
    at: string,
  ): Promise<void> {
    const history = this.host?.history
    if (!history) return
    await this.mapHistory
      .recordPublished(history, map, at)
      .catch((e: unknown) => this.mapHistory.warn(`could not record map ${map.sha256} in the fleet's history`, e))
  }

  async close(): Promise<void> {
    this.closed = true
    clearInterval(this.poller)
    this.plan.stop()
    this.subscriber.disconnect()
    this.redis.disconnect()
  }

  connected(): boolean {
    return this.redis.status === 'ready'
  }

  noteError(error: unknown): void {
    this.lastError = errorText(error)
  }

  /** Re-reads the fleet's state; a request during a read runs one more read after it (a hint may be newer). */
  requestSync(): Promise<void> {
    if (this.closed || !this.host) return Promise.resolve()
    if (this.syncing) {
      this.again = true
      return this.syncing
    }
    this.syncing = this.sync()
      .catch((e: unknown) => this.noteError(e))
      .finally(() => {
        this.syncing = null
        if (this.again) {
          this.again = false
          void this.requestSync()
        }
      })
    return this.syncing
  }

  /** Reads map, schedule and deployments, and applies what changed. */
  async sync(): Promise<void> {
    const host = this.host
    if (!host || this.closed) return
    const writes = this.deploymentWrites
    const [epoch, current, schedule, deployments, revision, historyRev] = await this.read()
    if (this.epoch !== null && epoch !== this.epoch) return this.reseed()
    if (epoch === null) await this.redis.set(this.keys.epoch, crypto.randomUUID(), 'NX')
    this.epoch = epoch ?? (await this.redis.get(this.keys.epoch))
    this.revision = Number(revision ?? 0)
    await this.plan.apply(schedule)
    // A share made while this read was in flight is newer than what it returned: read again instead.
    if (writes === this.deploymentWrites) this.applyDeployments(deployments)
    else this.again = true
    const record = parseRecord(current)
    this.lastError = null
    if (record && record.sha256 !== host.activeSha()) await this.adopt(record)
    else if (record) this.appliedVersion = record.version
    const first = !this.synced
    this.synced = true
    if (!record && host.activeText()) await this.leader.seed()
    else if (first && (!record || Date.now() - Date.parse(current.checked_at ?? '') > this.settings.freshForMs)) {
      await host.reload('start')
    }
    if (host.history) await this.mapHistory.pull(host.history, historyRev)
  }

  /** Applies the fleet's map after verifying it (once per sha256 at a time); a bad blob is refused and never retried. */
  adopt(record: FleetRecord & { format?: number }): Promise<ReloadResult | null> {
    let pending = this.adopting.get(record.sha256)
    if (!pending) {
      pending = this.adoptOnce(record).finally(() => this.adopting.delete(record.sha256))
      this.adopting.set(record.sha256, pending)
    }
    return pending
  }

  private async adoptOnce(record: FleetRecord & { format?: number }): Promise<ReloadResult | null> {
    const host = this.host
    if (!host) return null
    const refused = this.rejected.get(record.sha256)
    if (refused !== undefined) {
      this.lastError = refused
      return null
    }
    if ((record.format ?? FORMAT) > FORMAT) {
      this.lastError = `the fleet's map has format ${record.format}, newer than this costmap reads (${FORMAT})`
      this.rejected.set(record.sha256, this.lastError)
      host.warn(this.lastError)
      return null
    }
    const before = host.activeSha()
    const text = await this.redis.get(this.keys.blob(record.sha256))
    const result =
      text === null
        ? host.fail(`the fleet's map ${record.sha256} is missing from Redis`)
        : await host.adopt(text, record)
    if (result.status === 'failed') {
      this.lastError = result.error ?? 'refused'
      this.rejected.set(record.sha256, this.lastError)
    } else {
      this.appliedVersion = record.version
      this.lastAdoption = { before, result }
    }
    return result
  }

  /** Redis lost its data (restart without persistence): put back what this instance knows. */
  private async reseed(): Promise<void> {
    this.epoch = null
    this.appliedVersion = 0
    const pipeline = this.redis.multi()
    for (const [id, json] of this.deployments) pipeline.hset(this.keys.deployments, id, json)
    await pipeline.exec()
    // The fleet's history went with the data: every instance puts back what it holds (each entry once).
    this.mapHistory.reset()
    const history = this.host?.history
    if (history) await this.mapHistory.share(history.shared())
    await this.plan.reseed()
    await this.sync()
  }

  private async read() {
    const replies = await this.redis
      .multi()
      .get(this.keys.epoch)
      .hgetall(this.keys.current)
      .hgetall(this.keys.schedule)
      .hgetall(this.keys.deployments)
      .get(this.keys.revision)
      .get(this.keys.historyRev)
      .exec()
    const values = (replies ?? []).map(([error, value]) => {
      if (error) throw error
      return value
    })
    return values as [
      string | null,
      Record<string, string>,
      Record<string, string>,
      Record<string, string>,
      string | null,
      string | null,
    ]
  }

  private applyDeployments(remote: Record<string, string>): void {
    const host = this.host
    if (!host) return
    for (const [id, json] of Object.entries(remote)) {
      if (this.deployments.get(id) === json) continue
      try {
        host.deploymentChanged(id, JSON.parse(json))
        this.deployments.set(id, json)
      } catch (e) {
        host.warn(`ignoring the shared deployment ${id}: ${errorText(e)}`)
      }
    }
    for (const id of [...this.deployments.keys()]) {
      if (Object.hasOwn(remote, id)) continue
      this.deployments.delete(id)
      host.deploymentChanged(id, null)
    }
  }

  /** Waits for the first connection, at most one command timeout. */
  private ready(): Promise<boolean> {
    if (this.connected()) return Promise.resolve(true)
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer)
        this.redis.off('ready', onReady)
        resolve(ok)
      }
      const onReady = () => done(true)
      const timer = setTimeout(() => done(false), this.settings.commandTimeoutMs)
      this.redis.on('ready', onReady)
    })
  }
}
