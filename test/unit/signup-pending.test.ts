import { describe, expect, it } from 'vitest'
import { SIGNUP_VERIFICATION_TTL_MS } from '../../protocol/limits.ts'
import {
  type PendingVerification,
  PendingVerifications,
} from '../../relay/directory/signup/pending-verifications.ts'

let now = 1_000_000
const clock = () => now

function verification(key: string, peer: string, state?: string): PendingVerification {
  return {
    id: new Uint8Array(16),
    key,
    peer,
    owner: peer,
    method: state == null ? 'email' : 'oidc',
    expiresMs: now + SIGNUP_VERIFICATION_TTL_MS,
    sentTo: '',
    wrongCodes: 0,
    oidc:
      state == null
        ? undefined
        : { state, nonce: 'n', codeVerifier: 'v', authorizationUrl: 'https://idp/auth' },
  }
}

describe('pending sign-up verifications', () => {
  it('keeps one per peer, refuses past the bound with a retry time, and frees expired ones', () => {
    const pending = new PendingVerifications(2, clock)
    pending.add(verification('a1', 'alice'))
    pending.add(verification('a2', 'alice'))
    expect(pending.get('a1')).toBeUndefined()
    expect(pending.get('a2')?.peer).toBe('alice')
    now += 60_000
    pending.add(verification('b1', 'bob', 'state-b'))
    expect(pending.withState('state-b')?.key).toBe('b1')
    let refused: unknown
    try {
      pending.add(verification('c1', 'carol'))
    } catch (err) {
      refused = err
    }
    expect(refused).toMatchObject({ name: 'RateLimitedError' })
    expect((refused as { retryAfterMs: number }).retryAfterMs).toBe(
      SIGNUP_VERIFICATION_TTL_MS - 60_000,
    )
    expect(pending.size).toBe(2)

    now += SIGNUP_VERIFICATION_TTL_MS - 60_000
    pending.add(verification('c1', 'carol'))
    expect(pending.get('a2')).toBeUndefined()
    expect(pending.size).toBe(2)
    now += 60_000
    expect(pending.withState('state-b')).toBeUndefined()
  })
})
