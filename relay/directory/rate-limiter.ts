/**
 * Token buckets keyed by peer or IP, and a lockout for keys that keep failing. Both take an
 * injected clock so tests can move time without sleeping.
 */

export type Clock = () => number

export interface TokenBucketOptions {
  /** Most requests in a burst. */
  capacity: number
  /** Tokens added back per second. */
  refillPerSecond: number
}

export interface RateDecision {
  allowed: boolean
  /** When not allowed: how long until one token is back. */
  retryAfterMs: number
}

interface Bucket {
  tokens: number
  updatedAt: number
}

/**
 * One token bucket per key. The map is bounded: when it is full, buckets that have refilled
 * completely (idle keys) are dropped first, then the oldest, so a flood of fresh keys cannot
 * grow memory without bound.
 */
export class KeyedRateLimiter {
  private readonly buckets = new Map<string, Bucket>()
  private readonly options: TokenBucketOptions
  private readonly clock: Clock
  private readonly maxKeys: number

  constructor(options: TokenBucketOptions, clock: Clock = Date.now, maxKeys = 100_000) {
    if (options.capacity <= 0 || options.refillPerSecond <= 0) {
      throw new RangeError('a token bucket needs a positive capacity and refill rate')
    }
    this.options = options
    this.clock = clock
    this.maxKeys = maxKeys
  }

  /** Takes one token for `key` if there is one. */
  take(key: string): RateDecision {
    const now = this.clock()
    const bucket = this.refilled(key, now)
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1
      return { allowed: true, retryAfterMs: 0 }
    }
    const missing = 1 - bucket.tokens
    return {
      allowed: false,
      retryAfterMs: Math.ceil((missing / this.options.refillPerSecond) * 1000),
    }
  }

  get size(): number {
    return this.buckets.size
  }

  private refilled(key: string, now: number): Bucket {
    let bucket = this.buckets.get(key)
    if (bucket == null) {
      if (this.buckets.size >= this.maxKeys) this.evict(now)
      bucket = { tokens: this.options.capacity, updatedAt: now }
      this.buckets.set(key, bucket)
      return bucket
    }
    const elapsedSeconds = Math.max(0, now - bucket.updatedAt) / 1000
    bucket.tokens = Math.min(
      this.options.capacity,
      bucket.tokens + elapsedSeconds * this.options.refillPerSecond,
    )
    bucket.updatedAt = now
    // Re-insert so iteration order is least recently used first.
    this.buckets.delete(key)
    this.buckets.set(key, bucket)
    return bucket
  }

  private evict(now: number): void {
    const fullAfterMs = (this.options.capacity / this.options.refillPerSecond) * 1000
    for (const [key, bucket] of this.buckets) {
      if (now - bucket.updatedAt >= fullAfterMs) this.buckets.delete(key)
    }
    while (this.buckets.size >= this.maxKeys) {
      this.buckets.delete(this.buckets.keys().next().value as string)
    }
  }
}

export interface LockoutOptions {
  /** Failures within `windowMs` that trigger a lockout. */
  maxFailures: number
  windowMs: number
  /** How long a lockout lasts. */
  lockoutMs: number
}

interface FailureRecord {
  failures: number[]
  lockedUntil: number
}

/** Counts failures per key; `maxFailures` within `windowMs` lock the key out for `lockoutMs`. */
export class FailureLockout {
  private readonly records = new Map<string, FailureRecord>()
  private readonly options: LockoutOptions
  private readonly clock: Clock
  private readonly maxKeys: number

  constructor(options: LockoutOptions, clock: Clock = Date.now, maxKeys = 100_000) {
    this.options = options
    this.clock = clock
    this.maxKeys = maxKeys
  }

  /** Milliseconds left of the key's lockout, or 0 when it is not locked out. */
  lockedFor(key: string): number {
    const record = this.records.get(key)
    if (record == null) return 0
    const left = record.lockedUntil - this.clock()
    if (left > 0) return left
    if (record.lockedUntil !== 0) this.records.delete(key)
    return 0
  }

  /** Records a failure; returns the lockout it started, in ms, or 0. */
  fail(key: string): number {
    const now = this.clock()
    let record = this.records.get(key)
    if (record == null) {
      if (this.records.size >= this.maxKeys) {
        this.records.delete(this.records.keys().next().value as string)
      }
      record = { failures: [], lockedUntil: 0 }
      this.records.set(key, record)
    }
    record.failures = record.failures.filter((at) => now - at < this.options.windowMs)
    record.failures.push(now)
    if (record.failures.length >= this.options.maxFailures) {
      record.failures = []
      record.lockedUntil = now + this.options.lockoutMs
      return this.options.lockoutMs
    }
    return 0
  }
}
