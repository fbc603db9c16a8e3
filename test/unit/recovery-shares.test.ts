/**
 * The recovery share record (protocol/accounts/recovery-shares.ts): each kind round-trips,
 * what a well-behaved sender never writes is refused, and the out-of-band code binds the
 * request to the key that asks. Shamir itself is the audited library's: 2 of 3 shares
 * rebuild a master secret, 1 does not.
 */
import { combine, split } from 'shamir-secret-sharing'
import { describe, expect, it } from 'vitest'
import {
  decodeRecoveryShare,
  encodeRecoveryShare,
  generateMasterSecret,
  RECOVERY_SHARE_LENGTH,
  recoveryRequestCode,
} from '../../protocol/accounts/index.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'

const account = randomBytes(32)

describe('recovery shares', () => {
  it('split a master secret 2 of 3: any two rebuild it, the shares have the fixed length', async () => {
    const master = generateMasterSecret()
    const shares = await split(master, 3, 2)
    expect(shares.every((share) => share.length === RECOVERY_SHARE_LENGTH)).toBe(true)
    expect(await combine([shares[0], shares[2]])).toEqual(master)
    expect(await combine([shares[1], shares[0]])).toEqual(master)
  })

  it('round-trip as share, request and release', () => {
    const share = randomBytes(RECOVERY_SHARE_LENGTH)
    const given = decodeRecoveryShare(
      'share',
      encodeRecoveryShare('share', { account, threshold: 2, share }),
    )
    expect(given).toMatchObject({ threshold: 2, share, account })
    const asked = decodeRecoveryShare('request', encodeRecoveryShare('request', { account }))
    expect(asked.share).toHaveLength(0)
    const released = decodeRecoveryShare(
      'release',
      encodeRecoveryShare('release', {
        account,
        threshold: 3,
        share,
        epochSequence: 4,
        recoveries: 1,
        commitment: randomBytes(32),
      }),
    )
    expect(released).toMatchObject({ threshold: 3, epochSequence: 4, recoveries: 1 })
  })

  it('refuse what a well-behaved sender never writes', () => {
    const share = randomBytes(RECOVERY_SHARE_LENGTH)
    const bad: Array<[string, () => unknown]> = [
      ['short account', () => encodeRecoveryShare('request', { account: randomBytes(31) })],
      ['a request with a share', () => encodeRecoveryShare('request', { account, share })],
      ['threshold 1', () => encodeRecoveryShare('share', { account, threshold: 1, share })],
      ['threshold 17', () => encodeRecoveryShare('share', { account, threshold: 17, share })],
      [
        'short share',
        () => encodeRecoveryShare('share', { account, threshold: 2, share: share.subarray(1) }),
      ],
      [
        'a release without commitment',
        () => encodeRecoveryShare('release', { account, threshold: 2, share }),
      ],
      [
        'a share with a chain',
        () => encodeRecoveryShare('share', { account, threshold: 2, share, recoveries: 1 }),
      ],
      ['garbage', () => decodeRecoveryShare('share', Uint8Array.from([0xff, 0xff]))],
      ['oversized', () => decodeRecoveryShare('share', new Uint8Array(257))],
    ]
    for (const [what, run] of bad) {
      expect(run, what).toThrow(
        expect.objectContaining({ name: expect.stringMatching(/Malformed|Oversized/) }),
      )
    }
  })

  it('show a six-digit code bound to the request and to the key that asks', () => {
    const requestId = randomBytes(16)
    const requester = randomBytes(32)
    const code = recoveryRequestCode(requestId, requester)
    expect(code).toMatch(/^\d{6}$/)
    expect(recoveryRequestCode(requestId, requester)).toBe(code)
    const others = new Set(
      Array.from({ length: 8 }, () => recoveryRequestCode(requestId, randomBytes(32))),
    )
    expect(others.has(code) && others.size === 1).toBe(false)
  })
})
