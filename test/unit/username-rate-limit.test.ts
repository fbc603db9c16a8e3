import { describe, expect, it } from 'vitest'
import { FailureLockout, KeyedRateLimiter } from '../../relay/directory/rate-limiter.ts'

function fakeClock(start = 1_000_000) {
  let now = start
  return { now: () => now, advance: (ms: number) => (now += ms) }
}

describe('KeyedRateLimiter', () => {
  it('allows a burst of `capacity`, then refuses with the time until the next token', () => {
    const clock = fakeClock()
    const limiter = new KeyedRateLimiter({ capacity: 3, refillPerSecond: 2 }, clock.now)
    for (let i = 0; i < 3; i++) expect(limiter.take('peer-a').allowed).toBe(true)
    const refused = limiter.take('peer-a')
    expect(refused).toEqual({ allowed: false, retryAfterMs: 500 })
    // Another key has its own bucket.
    expect(limiter.take('peer-b').allowed).toBe(true)
  })

  it('refills at the configured rate and never above capacity', () => {
    const clock = fakeClock()
    const limiter = new KeyedRateLimiter({ capacity: 2, refillPerSecond: 1 }, clock.now)
    limiter.take('k')
    limiter.take('k')
    expect(limiter.take('k').allowed).toBe(false)
    clock.advance(999)
    expect(limiter.take('k').allowed).toBe(false)
    clock.advance(1)
    expect(limiter.take('k').allowed).toBe(true)
    clock.advance(60_000)
    expect(limiter.take('k').allowed).toBe(true)
    expect(limiter.take('k').allowed).toBe(true)
    expect(limiter.take('k').allowed).toBe(false)
  })

  it('stays bounded under a flood of distinct keys', () => {
    const clock = fakeClock()
    const limiter = new KeyedRateLimiter({ capacity: 1, refillPerSecond: 1 }, clock.now, 100)
    for (let i = 0; i < 1000; i++) limiter.take(`ip-${i}`)
    expect(limiter.size).toBeLessThanOrEqual(100)
  })
})

describe('FailureLockout', () => {
  it('locks a key out after maxFailures within the window, until the lockout expires', () => {
    const clock = fakeClock()
    const lockout = new FailureLockout(
      { maxFailures: 3, windowMs: 10_000, lockoutMs: 60_000 },
      clock.now,
    )
    expect(lockout.fail('peer')).toBe(0)
    expect(lockout.fail('peer')).toBe(0)
    expect(lockout.lockedFor('peer')).toBe(0)
    expect(lockout.fail('peer')).toBe(60_000)
    expect(lockout.lockedFor('peer')).toBe(60_000)
    expect(lockout.lockedFor('other')).toBe(0)
    clock.advance(59_999)
    expect(lockout.lockedFor('peer')).toBe(1)
    clock.advance(1)
    expect(lockout.lockedFor('peer')).toBe(0)
  })

  it('forgets failures older than the window', () => {
    const clock = fakeClock()
    const lockout = new FailureLockout(
      { maxFailures: 2, windowMs: 1_000, lockoutMs: 5_000 },
      clock.now,
    )
    lockout.fail('peer')
    clock.advance(1_000)
    expect(lockout.fail('peer')).toBe(0)
    expect(lockout.fail('peer')).toBe(5_000)
  })
})
