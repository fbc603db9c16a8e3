/**
 * Key rotation statements in the DHT (doc/accounts.md, "The statement in the DHT"): each is
 * stored under a key derived from the key it retires, so whoever knows only an old key of an
 * account (a friend who was away, someone adding the account by an old key) finds where the
 * account went, and follows the chain key by key.
 *
 * Validation: the value opens as a rotation (signed by its old and its new key), and the DHT
 * key is the digest of its old key. Two statements from one old key (a fork: the key was
 * copied) compete by the key-chain resolver's own rule, the smaller id wins, so the DHT holds
 * the statement every resolver would apply; a holder replaces its copy only with that one.
 *
 * Recovery statements have a namespace of their own, keyed by the epoch's first key (the old
 * key a recovery names) and the commitment it answers, SHA-256 of its signing recovery key:
 * a holder checks that binding from the statement alone, so a recovery signed by any other
 * recovery key lands under another DHT key, which nobody who knows the real commitment looks
 * up. A thief's rotation from the same old key lives in the rotations' namespace and cannot
 * displace it; the reader resolves both, and the recovery wins there. Only the holder of the
 * recovery key can fill that DHT key, so two values under it are the owner's own retries:
 * the smaller id wins, as in the resolver.
 */
import { concatBytes } from '../bytes.ts'
import { mayReplaceStored, parseDhtKey, selectBest, sha256Hex } from '../dht-records.ts'
import { RecordKeyMismatchError } from '../errors.ts'
import {
  KEY_RECOVERIES_DHT_NAMESPACE,
  KEY_RECOVERY_DOMAIN,
  KEY_ROTATION_DOMAIN,
  KEY_ROTATIONS_DHT_NAMESPACE,
} from '../ids.ts'
import { type OpenedKeyStatement, openKeyStatement, recoveryCommitment } from './key-statements.ts'

const encoder = new TextEncoder()

/** `/tokenim-key-rotations/<hex sha256(KEY_ROTATION_DOMAIN || oldKey)>`, as bytes. */
export function keyRotationDhtKey(oldKey: Uint8Array): Uint8Array {
  return encoder.encode(`/${KEY_ROTATIONS_DHT_NAMESPACE}/${rotationDigest(oldKey)}`)
}

/**
 * Every check a host applies to a rotation found in or put to the DHT: the statement opens,
 * and the key is the digest of its old key. Throws RecordKeyMismatchError or what
 * openKeyStatement throws.
 */
export function validateKeyRotationRecord(key: Uint8Array, value: Uint8Array): OpenedKeyStatement {
  const { digest } = parseDhtKey(key, [KEY_ROTATIONS_DHT_NAMESPACE])
  const statement = openKeyStatement('rotation', value)
  if (rotationDigest(statement.oldKey) !== digest) {
    throw new RecordKeyMismatchError('key rotation is not stored under its old key hash')
  }
  return statement
}

/** The statement with the smallest id wins, as in the key-chain resolver. */
export function selectKeyRotationRecord(key: Uint8Array, values: Uint8Array[]): number {
  return selectSmallestId(values, (value) => validateKeyRotationRecord(key, value))
}

/**
 * Whether a holder that stores `stored` under `key` may replace it with `incoming` (already
 * validated): the same bytes refresh it, a stored value that does not validate gives way,
 * and otherwise only the fork's winner (the smaller id) replaces it.
 */
export function keyRotationRecordMayReplace(
  key: Uint8Array,
  stored: Uint8Array,
  incoming: Uint8Array,
): boolean {
  return smallerIdReplaces(stored, incoming, (bytes) => validateKeyRotationRecord(key, bytes))
}

/** `/tokenim-key-recoveries/<hex sha256(KEY_RECOVERY_DOMAIN || oldKey || commitment)>`, as bytes. */
export function keyRecoveryDhtKey(oldKey: Uint8Array, commitment: Uint8Array): Uint8Array {
  return encoder.encode(`/${KEY_RECOVERIES_DHT_NAMESPACE}/${recoveryDigest(oldKey, commitment)}`)
}

/**
 * Every check a host applies to a recovery found in or put to the DHT: the statement opens,
 * and the key is the digest of its old key and of the commitment its recovery key answers.
 * Throws RecordKeyMismatchError or what openKeyStatement throws.
 */
export function validateKeyRecoveryRecord(key: Uint8Array, value: Uint8Array): OpenedKeyStatement {
  const { digest } = parseDhtKey(key, [KEY_RECOVERIES_DHT_NAMESPACE])
  const statement = openKeyStatement('recovery', value)
  const answered = recoveryCommitment(statement.authority)
  if (recoveryDigest(statement.oldKey, answered) !== digest) {
    throw new RecordKeyMismatchError('key recovery is not stored under its old key and commitment')
  }
  return statement
}

/** The recovery with the smallest id wins, as in the key-chain resolver. */
export function selectKeyRecoveryRecord(key: Uint8Array, values: Uint8Array[]): number {
  return selectSmallestId(values, (value) => validateKeyRecoveryRecord(key, value))
}

/** As keyRotationRecordMayReplace, for recoveries. */
export function keyRecoveryRecordMayReplace(
  key: Uint8Array,
  stored: Uint8Array,
  incoming: Uint8Array,
): boolean {
  return smallerIdReplaces(stored, incoming, (bytes) => validateKeyRecoveryRecord(key, bytes))
}

type OpenRecord = (value: Uint8Array) => OpenedKeyStatement

function selectSmallestId(values: Uint8Array[], open: OpenRecord): number {
  return selectBest(values, (value) => idRank(open(value).id))
}

/** The same bytes refresh, a stored value that no longer opens gives way, else the smaller id. */
function smallerIdReplaces(stored: Uint8Array, incoming: Uint8Array, open: OpenRecord): boolean {
  return mayReplaceStored(
    stored,
    incoming,
    (bytes) => open(bytes).id,
    (incomingId, storedId) => incomingId < storedId,
  )
}

function rotationDigest(oldKey: Uint8Array): string {
  return sha256Hex(concatBytes(encoder.encode(KEY_ROTATION_DOMAIN), oldKey))
}

function recoveryDigest(oldKey: Uint8Array, commitment: Uint8Array): string {
  return sha256Hex(concatBytes(encoder.encode(KEY_RECOVERY_DOMAIN), oldKey, commitment))
}

/** A hex id as numbers of 48 bits each, so selectBest orders ids as strings compare. */
function idRank(id: string): number[] {
  const rank: number[] = []
  for (let at = 0; at < id.length; at += 12) rank.push(Number.parseInt(id.slice(at, at + 12), 16))
  return rank
}
