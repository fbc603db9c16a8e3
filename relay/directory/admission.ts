/**
 * Who may ask for what, and how often: per-peer and per-IP token buckets for each kind of
 * request, and a lockout for peers whose claims keep failing.
 *
 * How it is kept: every handler calls `admit` before it does any work, so a refused
 * request costs one map lookup; per-IP buckets are `ipMultiplier` times larger than
 * per-peer ones (NAT, shared hosts); only the failures a guesser produces (invalid,
 * reserved, taken, unauthorized, already registered) count towards the lockout, so a
 * peer cannot be locked out by lookups of names that do not exist. Both maps are bounded
 * (rate-limiter.ts).
 */
import type { Logger } from '@libp2p/interface'
import {
  type DirectoryError,
  type DirectoryErrorCode,
  RateLimitedError,
} from '../../protocol/directory-errors.ts'
import type { Caller } from './caller.ts'
import type { DirectoryPolicy, ResolvedLimits } from './config.ts'
import type { DirectoryMetrics } from './metrics.ts'
import { type Clock, FailureLockout, KeyedRateLimiter } from './rate-limiter.ts'

export type RequestKind = keyof Omit<ResolvedLimits, 'ipMultiplier'>

const LOCKOUT_COUNTED = new Set<DirectoryErrorCode>([
  'invalid',
  'reserved',
  'taken',
  'unauthorized',
  'already-registered',
])

export class Admission {
  private readonly peerBuckets: Record<RequestKind, KeyedRateLimiter>
  private readonly ipBuckets: Record<RequestKind, KeyedRateLimiter>
  private readonly lockout: FailureLockout
  private readonly metrics: DirectoryMetrics
  private readonly log: Logger

  constructor(
    limits: ResolvedLimits,
    lockout: DirectoryPolicy['lockout'],
    context: { clock: Clock; metrics: DirectoryMetrics; log: Logger },
  ) {
    const buckets = (multiplier: number) => ({
      register: bucket(limits.register, multiplier, context.clock),
      lookup: bucket(limits.lookup, multiplier, context.clock),
      search: bucket(limits.search, multiplier, context.clock),
      update: bucket(limits.update, multiplier, context.clock),
    })
    this.peerBuckets = buckets(1)
    this.ipBuckets = buckets(limits.ipMultiplier)
    this.lockout = new FailureLockout(
      {
        maxFailures: lockout?.failures ?? 10,
        windowMs: lockout?.window ?? 10 * 60_000,
        lockoutMs: lockout?.duration ?? 15 * 60_000,
      },
      context.clock,
    )
    this.metrics = context.metrics
    this.log = context.log
  }

  /** Applies the per-peer and per-IP buckets of `kind`, and the failure lockout for claims. */
  admit(caller: Caller, kind: RequestKind): void {
    if (kind === 'register') {
      const lockedFor = this.lockout.lockedFor(caller.peer)
      if (lockedFor > 0) {
        this.metrics.rejections.inc({ reason: 'locked-out' })
        throw new RateLimitedError(
          `too many failed claims from this peer: locked out for ${Math.ceil(lockedFor / 1000)} s`,
          lockedFor,
        )
      }
    }
    for (const [buckets, key] of [
      [this.peerBuckets, caller.peer],
      [this.ipBuckets, caller.ip],
    ] as const) {
      const decision = buckets[kind].take(key)
      if (!decision.allowed) {
        throw new RateLimitedError(
          `too many ${kind} requests; retry in ${Math.ceil(decision.retryAfterMs / 1000)} s`,
          decision.retryAfterMs,
        )
      }
    }
  }

  /** Runs `check`; a directory error it throws counts towards the caller's lockout. */
  counted<T>(caller: Caller, check: () => T): T {
    try {
      return check()
    } catch (err) {
      throw this.countFailure(caller, err as Error)
    }
  }

  async countedAsync<T>(caller: Caller, check: () => Promise<T>): Promise<T> {
    try {
      return await check()
    } catch (err) {
      throw this.countFailure(caller, err as Error)
    }
  }

  /** Counts `err` towards the caller's lockout when it is a guesser's failure; returns it. */
  countFailure<E extends Error>(caller: Caller, err: E): E {
    const code = (err as Partial<DirectoryError>).code
    if (code != null && LOCKOUT_COUNTED.has(code)) {
      const started = this.lockout.fail(caller.peer)
      if (started > 0)
        this.log('locked out %s for %d ms after repeated failures', caller.peer, started)
    }
    return err
  }
}

function bucket(
  options: { capacity: number; refillPerSecond: number },
  multiplier: number,
  clock: Clock,
): KeyedRateLimiter {
  return new KeyedRateLimiter(
    {
      capacity: options.capacity * multiplier,
      refillPerSecond: options.refillPerSecond * multiplier,
    },
    clock,
  )
}
