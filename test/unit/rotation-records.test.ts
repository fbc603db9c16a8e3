/**
 * Key statements in the DHT (protocol/accounts/rotation-records.ts): a rotation validates
 * only under its old key's digest, a recovery only under its old key and the commitment its
 * recovery key answers; forged and misplaced ones are refused by name; among a fork the
 * smaller id wins both the selector and the holder's replace rule.
 */
import { describe, expect, it } from 'vitest'
import {
  keyRecoveryDhtKey,
  keyRecoveryRecordMayReplace,
  keyRotationDhtKey,
  keyRotationRecordMayReplace,
  openKeyStatement,
  recoveryCommitment,
  selectKeyRecoveryRecord,
  selectKeyRotationRecord,
  signKeyRecovery,
  signKeyRotation,
  validateKeyRecoveryRecord,
  validateKeyRotationRecord,
} from '../../protocol/accounts/index.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'

const oldKey = generateEd25519KeyPair()
const fields = { sequence: 1, atMs: 1_800_000_000_000, nextRecovery: new Uint8Array(32).fill(7) }
const owner = signKeyRotation(oldKey, generateEd25519KeyPair(), fields)
const fork = signKeyRotation(oldKey, generateEd25519KeyPair(), fields)
const key = keyRotationDhtKey(oldKey.publicKey)
const [winner, loser] =
  openKeyStatement('rotation', owner).id < openKeyStatement('rotation', fork).id
    ? [owner, fork]
    : [fork, owner]

describe('key rotation DHT records', () => {
  it('validate under the old key only; forged ones are refused', () => {
    expect(validateKeyRotationRecord(key, owner).oldKey).toEqual(oldKey.publicKey)
    const elsewhere = keyRotationDhtKey(generateEd25519KeyPair().publicKey)
    expect(() => validateKeyRotationRecord(elsewhere, owner)).toThrow(
      expect.objectContaining({ name: 'RecordKeyMismatchError' }),
    )
    const forged = Uint8Array.from(owner)
    forged[forged.length - 1] ^= 1
    expect(() => validateKeyRotationRecord(key, forged)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
  })

  it('settle a fork on the smaller id, in the selector and on holders', () => {
    expect([loser, winner][selectKeyRotationRecord(key, [loser, winner])]).toBe(winner)
    expect([winner, loser][selectKeyRotationRecord(key, [winner, loser])]).toBe(winner)
    expect(keyRotationRecordMayReplace(key, loser, winner)).toBe(true)
    expect(keyRotationRecordMayReplace(key, winner, loser)).toBe(false)
    expect(keyRotationRecordMayReplace(key, winner, winner)).toBe(true)
  })
})

describe('key recovery DHT records', () => {
  const recoveryKey = generateEd25519KeyPair()
  const commitment = recoveryCommitment(recoveryKey.publicKey)
  const recover = (by = recoveryKey) =>
    signKeyRecovery(by, generateEd25519KeyPair(), {
      oldKey: oldKey.publicKey,
      sequence: 1,
      atMs: 1_800_000_000_000,
      nextRecovery: new Uint8Array(32).fill(9),
    })
  const recovery = recover()
  const recoveryKeyOf = keyRecoveryDhtKey(oldKey.publicKey, commitment)

  it('validate under the old key and the commitment the recovery key answers, only', () => {
    expect(validateKeyRecoveryRecord(recoveryKeyOf, recovery).oldKey).toEqual(oldKey.publicKey)
    // Anyone's recovery key signs a statement naming the same old key: it answers another
    // commitment, so it cannot be put where readers of the real one look.
    const impostor = recover(generateEd25519KeyPair())
    expect(() => validateKeyRecoveryRecord(recoveryKeyOf, impostor)).toThrow(
      expect.objectContaining({ name: 'RecordKeyMismatchError' }),
    )
    expect(() =>
      validateKeyRecoveryRecord(
        keyRecoveryDhtKey(generateEd25519KeyPair().publicKey, commitment),
        recovery,
      ),
    ).toThrow(expect.objectContaining({ name: 'RecordKeyMismatchError' }))
    // A rotation is no recovery, even under the recovery's key.
    expect(() => validateKeyRecoveryRecord(recoveryKeyOf, owner)).toThrow()
  })

  it('settle two recoveries by one recovery key on the smaller id', () => {
    const other = recover()
    const [first, second] =
      openKeyStatement('recovery', recovery).id < openKeyStatement('recovery', other).id
        ? [recovery, other]
        : [other, recovery]
    expect([second, first][selectKeyRecoveryRecord(recoveryKeyOf, [second, first])]).toBe(first)
    expect(keyRecoveryRecordMayReplace(recoveryKeyOf, second, first)).toBe(true)
    expect(keyRecoveryRecordMayReplace(recoveryKeyOf, first, second)).toBe(false)
  })
})
