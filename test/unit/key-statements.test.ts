import { describe, expect, it } from 'vitest'
import {
  openKeyStatement,
  recoveryCommitment,
  signKeyRecovery,
  signKeyRotation,
} from '../../protocol/accounts/index.ts'
import { signCosignedRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { ProtocolError } from '../../protocol/errors.ts'
import { KEY_RECOVERY_DOMAIN, KEY_ROTATION_DOMAIN } from '../../protocol/ids.ts'
import { KeyRecovery, KeyRotation } from '../../protocol/proto/account.ts'
import { CosignedRecord } from '../../protocol/proto/signed-record.ts'

const NOW = 1_800_000_000_000
const oldKey = generateEd25519KeyPair()
const newKey = generateEd25519KeyPair()
const stranger = generateEd25519KeyPair()
const recoveryKey = generateEd25519KeyPair()
const commitment = recoveryCommitment(recoveryKey.publicKey)
const nextCommitment = recoveryCommitment(generateEd25519KeyPair().publicKey)

const rotationFields = { sequence: 3, atMs: NOW, nextRecovery: commitment }
const recoveryFields = {
  oldKey: oldKey.publicKey,
  sequence: 1,
  atMs: NOW,
  nextRecovery: nextCommitment,
}
const rotation = signKeyRotation(oldKey, newKey, rotationFields)
const recovery = signKeyRecovery(recoveryKey, newKey, recoveryFields)

function expectRefused(fn: () => unknown, name: string) {
  expect(fn).toThrow(expect.objectContaining({ name }))
}

describe('key rotation statements', () => {
  it('round-trip, naming the old key as authority', () => {
    const opened = openKeyStatement('rotation', rotation)
    expect(opened).toMatchObject({
      kind: 'rotation',
      oldKey: oldKey.publicKey,
      newKey: newKey.publicKey,
      authority: oldKey.publicKey,
      ...rotationFields,
      record: rotation,
    })
    expect(opened.id).toMatch(/^[0-9a-f]{64}$/)
  })

  it('are refused unless signed by exactly the old key and the new key', () => {
    const payload = KeyRotation.encode({
      oldKey: oldKey.publicKey,
      newKey: newKey.publicKey,
      ...rotationFields,
    } as KeyRotation)
    const bySigners = (first: typeof oldKey, second: typeof oldKey) =>
      signCosignedRecord({ first, second }, payload, KEY_ROTATION_DOMAIN)
    expectRefused(
      () => openKeyStatement('rotation', bySigners(stranger, newKey)),
      'WrongSignerError',
    )
    expectRefused(
      () => openKeyStatement('rotation', bySigners(oldKey, stranger)),
      'WrongSignerError',
    )
    // The right keys in the wrong roles.
    expectRefused(() => openKeyStatement('rotation', bySigners(newKey, oldKey)), 'WrongSignerError')
    expect(openKeyStatement('rotation', bySigners(oldKey, newKey)).newKey).toEqual(newKey.publicKey)
  })

  it('do not open as recoveries, nor recoveries as rotations (their own domains)', () => {
    expectRefused(() => openKeyStatement('recovery', rotation), 'InvalidSignatureError')
    expectRefused(() => openKeyStatement('rotation', recovery), 'InvalidSignatureError')
  })

  it('are refused with any one byte changed', () => {
    for (const [kind, record] of [
      ['rotation', rotation],
      ['recovery', recovery],
    ] as const) {
      for (let index = 0; index < record.length; index++) {
        const altered = Uint8Array.from(record)
        altered[index] ^= 1
        expect(() => openKeyStatement(kind, altered), `${kind} byte ${index}`).toThrow(
          ProtocolError,
        )
      }
    }
  })

  it('refuse sequence 0, a commitment that is not a digest, and a move to the same key', () => {
    expectRefused(
      () => signKeyRotation(oldKey, newKey, { ...rotationFields, sequence: 0 }),
      'InvalidKeyStatementError',
    )
    expectRefused(
      () =>
        signKeyRotation(oldKey, newKey, { ...rotationFields, nextRecovery: new Uint8Array(31) }),
      'InvalidKeyStatementError',
    )
    expect(() => signKeyRotation(oldKey, oldKey, rotationFields)).toThrow()
    // An account without a commitment rotates without one.
    const bare = signKeyRotation(oldKey, newKey, {
      ...rotationFields,
      nextRecovery: new Uint8Array(0),
    })
    expect(openKeyStatement('rotation', bare).nextRecovery).toHaveLength(0)
  })
})

describe('key recovery statements', () => {
  it('round-trip, naming the recovery key as authority', () => {
    expect(openKeyStatement('recovery', recovery)).toMatchObject({
      kind: 'recovery',
      newKey: newKey.publicKey,
      authority: recoveryKey.publicKey,
      ...recoveryFields,
    })
  })

  it('are refused unless the new key signs', () => {
    const payload = KeyRecovery.encode({
      ...recoveryFields,
      newKey: newKey.publicKey,
    } as KeyRecovery)
    const forged = signCosignedRecord(
      { first: recoveryKey, second: stranger },
      payload,
      KEY_RECOVERY_DOMAIN,
    )
    expectRefused(() => openKeyStatement('recovery', forged), 'WrongSignerError')
  })

  it('must commit to a new recovery key, and name one', () => {
    expectRefused(
      () => signKeyRecovery(recoveryKey, newKey, { ...recoveryFields, nextRecovery: commitment }),
      'InvalidKeyStatementError',
    )
    expectRefused(
      () =>
        signKeyRecovery(recoveryKey, newKey, {
          ...recoveryFields,
          nextRecovery: new Uint8Array(0),
        }),
      'InvalidKeyStatementError',
    )
    // The same refusal when a signer skips the check: opening checks again.
    const payload = KeyRecovery.encode({
      ...recoveryFields,
      newKey: newKey.publicKey,
      nextRecovery: commitment,
    } as KeyRecovery)
    const stale = signCosignedRecord(
      { first: recoveryKey, second: newKey },
      payload,
      KEY_RECOVERY_DOMAIN,
    )
    expectRefused(() => openKeyStatement('recovery', stale), 'InvalidKeyStatementError')
    expect(CosignedRecord.decode(stale).firstKey).toEqual(recoveryKey.publicKey)
  })
})
