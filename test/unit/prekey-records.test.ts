import { describe, expect, it } from 'vitest'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { MAX_CLOCK_SKEW_MS } from '../../protocol/dht-records.ts'
import {
  createPrekeyRecord,
  PREKEY_BUNDLE_MAX_TTL_MS,
  prekeyRecordMayReplace,
  prekeysDhtKey,
  selectPrekeyRecord,
  validatePrekeyRecord,
} from '../../protocol/prekey-records.ts'
import { generateOneTimePrekeys, generateSignedPrekey } from '../../protocol/session/index.ts'

const NOW = 1_800_000_000_000
const WEEK_MS = 7 * 24 * 60 * 60_000
const bob = generateEd25519KeyPair()
const carol = generateEd25519KeyPair()

describe('prekey records', () => {
  const signedPrekey = generateSignedPrekey(bob, 1)
  const oneTimePrekeys = generateOneTimePrekeys(3, 10)
  const oneTime = oneTimePrekeys.map(({ id, keyPair }) => ({ id, publicKey: keyPair.publicKey }))
  const init = (publishedMs: number) => ({
    signedPrekey: {
      id: 1,
      publicKey: signedPrekey.keyPair.publicKey,
      signature: signedPrekey.signature,
    },
    oneTimePrekeys: oneTime,
    publishedMs,
    expiresMs: publishedMs + WEEK_MS,
  })
  const publish = (publishedMs: number, signer = bob) =>
    createPrekeyRecord(signer, init(publishedMs))
  const key = prekeysDhtKey(bob.publicKey)

  it('validates a bundle under its owner key, and refuses it elsewhere or forged', () => {
    const opened = validatePrekeyRecord(key, publish(NOW), NOW)
    expect(opened.identityKey).toEqual(bob.publicKey)
    expect(opened.published.oneTimePrekeys.map((p) => p.id)).toEqual([10, 11, 12])
    expect(() => validatePrekeyRecord(prekeysDhtKey(carol.publicKey), publish(NOW), NOW)).toThrow(
      expect.objectContaining({ name: 'RecordKeyMismatchError' }),
    )
    // Carol signs a bundle with bob's signed prekey: the key does not match, and under her own key the prekey signature fails.
    expect(() => validatePrekeyRecord(key, publish(NOW, carol), NOW)).toThrow(
      expect.objectContaining({ name: 'RecordKeyMismatchError' }),
    )
    expect(() =>
      validatePrekeyRecord(prekeysDhtKey(carol.publicKey), publish(NOW, carol), NOW),
    ).toThrow(expect.objectContaining({ name: 'InvalidSignatureError' }))
  })

  it('refuses a bundle expired, dated ahead of the clock rule, or living too long', () => {
    const at = (publishedMs: number, expiresMs: number) =>
      createPrekeyRecord(bob, { ...init(publishedMs), expiresMs })
    const refusals: Array<[Uint8Array, string]> = [
      [at(NOW - 2000, NOW - 1000), 'ExpiredRecordError'],
      [at(NOW + MAX_CLOCK_SKEW_MS + 1000, NOW + 2 * MAX_CLOCK_SKEW_MS), 'RecordTimestampError'],
      [at(NOW, NOW + PREKEY_BUNDLE_MAX_TTL_MS + 1), 'RecordTimestampError'],
    ]
    for (const [record, name] of refusals) {
      expect(() => validatePrekeyRecord(key, record, NOW)).toThrow(
        expect.objectContaining({ name }),
      )
    }
    // Within the skew and the life allowed, the same rule accepts it.
    expect(() =>
      validatePrekeyRecord(key, at(NOW + 1000, NOW + PREKEY_BUNDLE_MAX_TTL_MS), NOW),
    ).not.toThrow()
  })

  it('refuses one-time prekeys that repeat an id', () => {
    const repeated = createPrekeyRecord(bob, {
      ...init(NOW),
      oneTimePrekeys: [oneTime[0], { ...oneTime[1], id: oneTime[0].id }],
    })
    expect(() => validatePrekeyRecord(key, repeated, NOW)).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })

  it('prefers the newest bundle and refuses a rollback at a holder', () => {
    const older = publish(NOW - 1000)
    const newer = publish(NOW)
    expect(selectPrekeyRecord(key, [older, newer], NOW)).toBe(1)
    expect(prekeyRecordMayReplace(key, older, newer, NOW)).toBe(true)
    expect(prekeyRecordMayReplace(key, newer, older, NOW)).toBe(false)
  })
})
