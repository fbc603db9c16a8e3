/**
 * Key rotation and recovery statements (doc/accounts.md, "Key state"): the two ways an
 * account moves to a new key. Each is a CosignedRecord (protocol/codec.ts) under its own
 * signing domain:
 *
 * - a rotation is signed first by the old key (it hands the account over) and second by the
 *   new key (its holder accepts, so nobody can rotate an account onto someone else's key);
 * - a recovery is signed first by the recovery key, which the statement thereby reveals and
 *   whose SHA-256 must be the chain's commitment, and second by the new key.
 *
 * Opening checks everything a statement says on its own: signatures, signers, key lengths,
 * a sequence from 1, a commitment that is a SHA-256 digest (empty for a rotation of an
 * account without one), and that a recovery commits to a new recovery key. Whether it fits
 * an account's chain is the key-chain resolver's decision (key-chain.ts).
 */
import { createHash } from 'node:crypto'
import { bytesEqual, toHex } from '../bytes.ts'
import { decodeMessage, encodeMessage, openCosignedRecord, signCosignedRecord } from '../codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH, type Ed25519KeyPair } from '../crypto/index.ts'
import { MalformedMessageError } from '../errors.ts'
import { KEY_RECOVERY_DOMAIN, KEY_ROTATION_DOMAIN } from '../ids.ts'
import { MAX_KEY_STATEMENT_SIZE } from '../limits.ts'
import { KeyRecovery, KeyRotation } from '../proto/account.ts'
import { COMMITMENT_LENGTH } from './device-records.ts'
import { InvalidKeyStatementError, WrongSignerError } from './errors.ts'

export type KeyStatementKind = 'rotation' | 'recovery'

export interface KeyStatementFields {
  /**
   * Rotation: the key handing over. Recovery: the key that held the account when the
   * commitment was set.
   */
  oldKey: Uint8Array
  newKey: Uint8Array
  /** The chain's sequence once this statement applies. */
  sequence: number
  atMs: number
  /** SHA-256 of the next recovery public key; empty only when rotating an account without one. */
  nextRecovery: Uint8Array
}

export interface OpenedKeyStatement extends KeyStatementFields {
  kind: KeyStatementKind
  /** The first signer: the old key of a rotation, the revealed recovery key of a recovery. */
  authority: Uint8Array
  /** The statement as it travels. */
  record: Uint8Array
  /** Hex SHA-256 of `record`: names the statement, and breaks ties the same way everywhere. */
  id: string
}

/** A rotation from `oldKey` to `newKey`, signed by both; InvalidKeyStatementError if bad. */
export function signKeyRotation(
  oldKey: Ed25519KeyPair,
  newKey: Ed25519KeyPair,
  fields: Pick<KeyStatementFields, 'sequence' | 'atMs' | 'nextRecovery'>,
): Uint8Array {
  const statement = { ...fields, oldKey: oldKey.publicKey, newKey: newKey.publicKey }
  checkFields('rotation', statement)
  const payload = encodeMessage(KeyRotation, statement as KeyRotation, {
    maxSize: MAX_KEY_STATEMENT_SIZE,
    what: 'key rotation',
  })
  return signCosignedRecord({ first: oldKey, second: newKey }, payload, KEY_ROTATION_DOMAIN, {
    maxSize: MAX_KEY_STATEMENT_SIZE,
  })
}

/**
 * A recovery to `newKey`, signed by the recovery key and by `newKey`. Throws
 * InvalidKeyStatementError for bad fields (a recovery must move the commitment).
 */
export function signKeyRecovery(
  recoveryKey: Ed25519KeyPair,
  newKey: Ed25519KeyPair,
  fields: Omit<KeyStatementFields, 'newKey'>,
): Uint8Array {
  const statement = { ...fields, newKey: newKey.publicKey }
  checkFields('recovery', statement, recoveryKey.publicKey)
  const payload = encodeMessage(KeyRecovery, statement as KeyRecovery, {
    maxSize: MAX_KEY_STATEMENT_SIZE,
    what: 'key recovery',
  })
  return signCosignedRecord({ first: recoveryKey, second: newKey }, payload, KEY_RECOVERY_DOMAIN, {
    maxSize: MAX_KEY_STATEMENT_SIZE,
  })
}

/**
 * Opens a rotation or a recovery statement. Throws OversizedMessageError,
 * MalformedMessageError, InvalidSignatureError, WrongSignerError (a rotation not signed by
 * its old and new keys, a recovery not signed by its new key) or InvalidKeyStatementError.
 */
export function openKeyStatement(kind: KeyStatementKind, record: Uint8Array): OpenedKeyStatement {
  const domain = kind === 'rotation' ? KEY_ROTATION_DOMAIN : KEY_RECOVERY_DOMAIN
  const opened = openCosignedRecord(record, domain, MAX_KEY_STATEMENT_SIZE)
  if (opened.version !== 1) {
    throw new MalformedMessageError(`key ${kind} version ${opened.version} is not supported`)
  }
  const what = `key ${kind}`
  const statement =
    kind === 'rotation'
      ? decodeMessage(KeyRotation, opened.payload, { maxSize: MAX_KEY_STATEMENT_SIZE, what })
      : decodeMessage(KeyRecovery, opened.payload, { maxSize: MAX_KEY_STATEMENT_SIZE, what })
  checkFields(kind, statement, opened.firstKey)
  if (kind === 'rotation' && !bytesEqual(opened.firstKey, statement.oldKey)) {
    throw new WrongSignerError('a key rotation must be signed first by its old key')
  }
  if (!bytesEqual(opened.secondKey, statement.newKey)) {
    throw new WrongSignerError(`a key ${kind} must be signed by its new key`)
  }
  const { oldKey, newKey, sequence, atMs, nextRecovery } = statement
  return {
    kind,
    oldKey,
    newKey,
    sequence,
    atMs,
    nextRecovery,
    authority: opened.firstKey,
    record,
    id: toHex(sha256(record)),
  }
}

/** SHA-256 of a recovery public key: the commitment an account makes to it in advance. */
export function recoveryCommitment(recoveryPublicKey: Uint8Array): Uint8Array {
  return sha256(recoveryPublicKey)
}

function checkFields(
  kind: KeyStatementKind,
  statement: KeyStatementFields,
  recoveryKey?: Uint8Array,
): void {
  for (const [what, key] of [
    ['old key', statement.oldKey],
    ['new key', statement.newKey],
  ] as const) {
    if (key.length !== ED25519_PUBLIC_KEY_LENGTH) {
      throw new InvalidKeyStatementError(`a key ${kind}'s ${what} must be a 32-byte Ed25519 key`)
    }
  }
  if (bytesEqual(statement.oldKey, statement.newKey)) {
    throw new InvalidKeyStatementError(`a key ${kind} must move to another key`)
  }
  if (!Number.isSafeInteger(statement.sequence) || statement.sequence < 1) {
    throw new InvalidKeyStatementError(`a key ${kind}'s sequence is a whole number from 1`)
  }
  if (!Number.isSafeInteger(statement.atMs) || statement.atMs < 0) {
    throw new InvalidKeyStatementError(`a key ${kind} needs the time it was made`)
  }
  const commitmentLength = statement.nextRecovery.length
  if (commitmentLength !== COMMITMENT_LENGTH && (kind === 'recovery' || commitmentLength !== 0)) {
    throw new InvalidKeyStatementError(
      `a key ${kind}'s next recovery commitment must be a 32-byte SHA-256 digest`,
    )
  }
  if (kind === 'recovery' && recoveryKey != null) {
    if (bytesEqual(recoveryKey, statement.oldKey)) {
      throw new InvalidKeyStatementError('a recovery key cannot be the account key it replaces')
    }
    if (bytesEqual(recoveryCommitment(recoveryKey), statement.nextRecovery)) {
      throw new InvalidKeyStatementError(
        'a key recovery reveals its recovery key, so it must commit to another one',
      )
    }
  }
}

function sha256(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}
