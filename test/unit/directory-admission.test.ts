import { Registry } from 'prom-client'
import { describe, expect, it } from 'vitest'
import {
  DirectoryRequestError,
  NameNotFoundError,
  NameTakenError,
  RateLimitedError,
} from '../../protocol/directory-errors.ts'
import { Admission } from '../../relay/directory/admission.ts'
import type { Caller } from '../../relay/directory/caller.ts'
import { DEFAULT_DIRECTORY_POLICY, resolveLimits } from '../../relay/directory/config.ts'
import { DirectoryMetrics } from '../../relay/directory/metrics.ts'
import { testLogger } from '../helpers/test-logger.ts'

function caller(peer: string, ip = '10.0.0.1'): Caller {
  return { peer, publicKey: new Uint8Array(32), owner: peer, ip }
}

function admission(
  rateLimits: Partial<(typeof DEFAULT_DIRECTORY_POLICY)['rateLimits']> = {},
  lockout = { failures: 3, window: 60_000, duration: 120_000 },
) {
  let now = 1_000_000
  const registry = new Registry()
  const metrics = new DirectoryMetrics(registry)
  const policy = {
    ...DEFAULT_DIRECTORY_POLICY,
    rateLimits: { ...DEFAULT_DIRECTORY_POLICY.rateLimits, ...rateLimits },
  }
  const subject = new Admission(resolveLimits(policy), lockout, {
    clock: () => now,
    metrics,
    log: testLogger,
  })
  return {
    subject,
    advance: (ms: number) => (now += ms),
    lockedOutCount: async () =>
      (await metrics.rejections.get()).values.find((v) => v.labels.reason === 'locked-out')
        ?.value ?? 0,
  }
}

function refusal(run: () => void): RateLimitedError {
  try {
    run()
  } catch (err) {
    expect(err).toBeInstanceOf(RateLimitedError)
    return err as RateLimitedError
  }
  throw new Error('expected a RateLimitedError')
}

describe('directory admission', () => {
  it('gives each kind of request its own per-peer bucket', () => {
    const { subject } = admission({ lookupsPerPeerPerMinute: 2, searchesPerPeerPerMinute: 1 })
    const alice = caller('alice')
    subject.admit(alice, 'lookup')
    subject.admit(alice, 'lookup')
    const refused = refusal(() => subject.admit(alice, 'lookup'))
    expect(refused.retryAfterMs).toBe(30_000)
    subject.admit(alice, 'search')
    // Another peer has buckets of its own.
    subject.admit(caller('bob'), 'lookup')
  })

  it('bounds one IP at `perIpMultiplier` times a peer, across peers behind it', () => {
    const { subject } = admission({ lookupsPerPeerPerMinute: 1, perIpMultiplier: 3 })
    for (const peer of ['a', 'b', 'c']) subject.admit(caller(peer, '192.0.2.7'), 'lookup')
    expect(refusal(() => subject.admit(caller('d', '192.0.2.7'), 'lookup')).name).toBe(
      'RateLimitedError',
    )
    subject.admit(caller('e', '192.0.2.8'), 'lookup')
  })

  it("locks out a guesser's claims after repeated failures, until the lockout ends", async () => {
    const { subject, advance, lockedOutCount } = admission({ registrationsPerPeerPerHour: 100 })
    const guesser = caller('guesser')
    for (let i = 0; i < 3; i++) subject.countFailure(guesser, new NameTakenError('taken'))
    const refused = refusal(() => subject.admit(guesser, 'register'))
    expect(refused.retryAfterMs).toBe(120_000)
    expect(await lockedOutCount()).toBe(1)
    // Lookups are not claims: the lockout does not stop them.
    subject.admit(guesser, 'lookup')
    advance(120_000)
    subject.admit(guesser, 'register')
  })

  it('does not count failures a guesser cannot cause (not found, bad request, rate limited)', () => {
    const { subject } = admission({ registrationsPerPeerPerHour: 100 })
    const peer = caller('peer')
    for (let i = 0; i < 10; i++) {
      subject.countFailure(peer, new NameNotFoundError('none'))
      subject.countFailure(peer, new DirectoryRequestError('bad'))
      subject.countFailure(peer, new RateLimitedError('slow down', 1))
      subject.countFailure(peer, new Error('not a directory error'))
    }
    subject.admit(peer, 'register')
  })

  it('counts the directory errors a check throws and passes them through unchanged', async () => {
    const { subject } = admission({ registrationsPerPeerPerHour: 100 })
    const peer = caller('peer')
    const taken = new NameTakenError('taken')
    expect(() =>
      subject.counted(peer, () => {
        throw taken
      }),
    ).toThrow(taken)
    await expect(
      subject.countedAsync(peer, async () => {
        throw taken
      }),
    ).rejects.toBe(taken)
    expect(subject.counted(peer, () => 7)).toBe(7)
    subject.countFailure(peer, taken)
    expect(refusal(() => subject.admit(peer, 'register')).message).toMatch(/locked out/)
  })
})
