/**
 * How much each writer has stored on this DHT server, and whether one more record fits.
 *
 * A writer is counted twice, under its peer id and under its address, and a record is taken
 * only when both accounts have room: one person can mint many peer ids, but few addresses.
 * Each account is four leaky buckets, records and bytes over the hour and over the longest
 * life of a record ("in all"): a record adds to each, and each drains evenly over its
 * window, so a writer who used a quota up gets it back at the quota's own rate.
 *
 * Memory stays bounded: at most `maxTrackedWriters` accounts, kept in least-recently-used
 * order; the one unused longest is forgotten first (its writer starts afresh, which costs
 * that writer the same as arriving from a new address).
 *
 * The ledger remembers which accounts changed or were forgotten since `takeChanges()` last
 * asked, so that a relay can keep them on disk (ledger-persistence.ts) and a restart does
 * not hand every writer a fresh quota.
 */
import {
  DEFAULT_DHT_BYTES_PER_PEER,
  DEFAULT_DHT_BYTES_PER_PEER_PER_HOUR,
  DEFAULT_DHT_QUOTA_IP_MULTIPLIER,
  DEFAULT_DHT_RECORDS_PER_PEER,
  DEFAULT_DHT_RECORDS_PER_PEER_PER_HOUR,
  MAX_TRACKED_DHT_WRITERS,
} from '../../protocol/limits.ts'
import { MAILBOX_TOMBSTONE_MAX_TTL_MS } from '../../protocol/mailbox.ts'

export type Clock = () => number

const HOUR_MS = 3_600_000

/** What one peer id may store; an address may store `perIpMultiplier` times as much. */
export interface DhtQuotaLimits {
  /** @default 1000 */
  recordsPerPeerPerHour: number
  /** @default 8 MiB */
  bytesPerPeerPerHour: number
  /** Records in all: refills evenly over `totalWindowMs`. @default 10000 */
  recordsPerPeer: number
  /** Bytes in all: refills evenly over `totalWindowMs`. @default 64 MiB */
  bytesPerPeer: number
  /** @default 4 */
  perIpMultiplier: number
  /** @default 50000 */
  maxTrackedWriters: number
  /** The window of the quotas in all: the longest a record lives. @default 30 days 20 min */
  totalWindowMs: number
}

export const DEFAULT_DHT_QUOTA_LIMITS: DhtQuotaLimits = {
  recordsPerPeerPerHour: DEFAULT_DHT_RECORDS_PER_PEER_PER_HOUR,
  bytesPerPeerPerHour: DEFAULT_DHT_BYTES_PER_PEER_PER_HOUR,
  recordsPerPeer: DEFAULT_DHT_RECORDS_PER_PEER,
  bytesPerPeer: DEFAULT_DHT_BYTES_PER_PEER,
  perIpMultiplier: DEFAULT_DHT_QUOTA_IP_MULTIPLIER,
  maxTrackedWriters: MAX_TRACKED_DHT_WRITERS,
  totalWindowMs: MAILBOX_TOMBSTONE_MAX_TTL_MS,
}

/** Who sent a put: the remote peer id and its address (an IP, or a /64 for IPv6). */
export interface DhtWriter {
  peer: string
  address: string
}

/** Which quota a refused record would have overrun, as the metric's `reason` label. */
export type DhtQuotaReason = `${'peer' | 'address'}_${'hourly' | 'total'}_${'records' | 'bytes'}`

export interface DhtQuotaRefusal {
  reason: DhtQuotaReason
  /** The account that is full: `peer <id>` or `address <ip>`. */
  account: string
  /** True for the account's first refusal in an hour: log this one, count them all. */
  firstInHour: boolean
}

type Level = 'hourRecords' | 'hourBytes' | 'totalRecords' | 'totalBytes'

/** One account as kept on disk: the levels as of `updatedAt`, drained as time passes. */
export interface Account {
  hourRecords: number
  hourBytes: number
  totalRecords: number
  totalBytes: number
  updatedAt: number
  /** When a refusal of this account was last reported, or -Infinity. */
  reportedAt: number
}

interface Bucket {
  level: Level
  reason: 'hourly_records' | 'hourly_bytes' | 'total_records' | 'total_bytes'
  capacity: number
  windowMs: number
}

export class DhtWriteLedger {
  readonly #limits: DhtQuotaLimits
  readonly #clock: Clock
  readonly #accounts = new Map<string, Account>()
  readonly #peerBuckets: Bucket[]
  readonly #addressBuckets: Bucket[]
  readonly #changed = new Set<string>()
  readonly #forgotten = new Set<string>()

  constructor(limits: Partial<DhtQuotaLimits> = {}, clock: Clock = Date.now) {
    this.#limits = { ...DEFAULT_DHT_QUOTA_LIMITS, ...limits }
    this.#clock = clock
    this.#peerBuckets = buckets(this.#limits, 1)
    this.#addressBuckets = buckets(this.#limits, this.#limits.perIpMultiplier)
  }

  /** Accounts held now (at most `maxTrackedWriters`). */
  get size(): number {
    return this.#accounts.size
  }

  /** Accounts charged and accounts forgotten since the last call. */
  takeChanges(): { changed: Array<[string, Account]>; forgotten: string[] } {
    const changed: Array<[string, Account]> = []
    for (const key of this.#changed) {
      const account = this.#accounts.get(key)
      if (account != null) changed.push([key, { ...account }])
    }
    const forgotten = [...this.#forgotten]
    this.#changed.clear()
    this.#forgotten.clear()
    return { changed, forgotten }
  }

  /** Marks again what a failed write of `takeChanges()` did not keep. */
  keepChanges(changed: string[], forgotten: string[]): void {
    for (const key of changed) if (this.#accounts.has(key)) this.#changed.add(key)
    for (const key of forgotten) if (!this.#accounts.has(key)) this.#forgotten.add(key)
  }

  /**
   * Takes back accounts kept on disk, least recently used first (as `updatedAt` says), within
   * `maxTrackedWriters`: they drain from their own `updatedAt` on, as if never forgotten.
   */
  restore(accounts: Array<[string, Account]>): void {
    const oldestFirst = [...accounts].sort((a, b) => a[1].updatedAt - b[1].updatedAt)
    for (const [key, account] of oldestFirst) {
      this.#accounts.delete(key)
      this.#evictFor(1)
      this.#accounts.set(key, { ...account })
    }
  }

  /**
   * Charges one record of `bytes` to `writer` when both its accounts have room; otherwise
   * charges nothing and says which quota is full.
   */
  charge(writer: DhtWriter, bytes: number): DhtQuotaRefusal | undefined {
    const now = this.#clock()
    const peerKey = `peer ${writer.peer}`
    const addressKey = `address ${writer.address}`
    const peer = this.#account(peerKey, this.#peerBuckets, now)
    const address = this.#account(addressKey, this.#addressBuckets, now)
    const full =
      overrun(peer, this.#peerBuckets, bytes, 'peer', peerKey, now) ??
      overrun(address, this.#addressBuckets, bytes, 'address', addressKey, now)
    if (full != null) return full
    this.#changed.add(peerKey).add(addressKey)
    for (const account of [peer, address]) {
      account.hourRecords += 1
      account.totalRecords += 1
      account.hourBytes += bytes
      account.totalBytes += bytes
    }
    return undefined
  }

  /** The account under `key`, drained to `now` and moved to the most recently used end. */
  #account(key: string, accountBuckets: Bucket[], now: number): Account {
    let account = this.#accounts.get(key)
    if (account == null) {
      this.#evictFor(1)
      account = {
        hourRecords: 0,
        hourBytes: 0,
        totalRecords: 0,
        totalBytes: 0,
        updatedAt: now,
        reportedAt: Number.NEGATIVE_INFINITY,
      }
    } else {
      this.#accounts.delete(key)
      const elapsed = Math.max(0, now - account.updatedAt)
      for (const bucket of accountBuckets) {
        const drained = (elapsed * bucket.capacity) / bucket.windowMs
        account[bucket.level] = Math.max(0, account[bucket.level] - drained)
      }
      account.updatedAt = now
    }
    this.#accounts.set(key, account)
    return account
  }

  /** Forgets the least recently used accounts until `room` more fit. */
  #evictFor(room: number): void {
    while (this.#accounts.size + room > this.#limits.maxTrackedWriters) {
      const oldest = this.#accounts.keys().next().value as string
      this.#accounts.delete(oldest)
      this.#changed.delete(oldest)
      this.#forgotten.add(oldest)
    }
  }
}

function buckets(limits: DhtQuotaLimits, multiplier: number): Bucket[] {
  const total = limits.totalWindowMs
  return [
    {
      level: 'hourRecords',
      reason: 'hourly_records',
      capacity: limits.recordsPerPeerPerHour,
      windowMs: HOUR_MS,
    },
    {
      level: 'hourBytes',
      reason: 'hourly_bytes',
      capacity: limits.bytesPerPeerPerHour,
      windowMs: HOUR_MS,
    },
    {
      level: 'totalRecords',
      reason: 'total_records',
      capacity: limits.recordsPerPeer,
      windowMs: total,
    },
    { level: 'totalBytes', reason: 'total_bytes', capacity: limits.bytesPerPeer, windowMs: total },
  ].map((bucket) => ({ ...bucket, capacity: bucket.capacity * multiplier }) as Bucket)
}

function overrun(
  account: Account,
  accountBuckets: Bucket[],
  bytes: number,
  kind: 'peer' | 'address',
  key: string,
  now: number,
): DhtQuotaRefusal | undefined {
  for (const bucket of accountBuckets) {
    const adding = bucket.level.endsWith('Bytes') ? bytes : 1
    if (account[bucket.level] + adding <= bucket.capacity) continue
    const firstInHour = now - account.reportedAt >= HOUR_MS
    if (firstInHour) account.reportedAt = now
    return { reason: `${kind}_${bucket.reason}`, account: key, firstInHour }
  }
  return undefined
}
