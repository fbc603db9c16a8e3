/**
 * Key rotations in the DHT (protocol/accounts/rotation-records.ts): a statement validates
 * only under its old key's digest; forged and misplaced ones are refused by name; among a
 * fork the smaller id wins both the selector and the holder's replace rule.
 */
import { describe, expect, it } from 'vitest'
import {
  keyRotationDhtKey,
  keyRotationRecordMayReplace,
  openKeyStatement,
  selectKeyRotationRecord,
  signKeyRotation,
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
