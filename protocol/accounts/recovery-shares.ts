/**
 * Recovery through friends (doc/accounts.md, "The backup phrase becomes the recovery
 * authority"): an account's master secret M is split t-of-n with Shamir's scheme (done by
 * the node with an audited library), and each chosen friend keeps one share. This file is
 * the wire part, pure: the RecoveryShare record each friend message carries, checked
 * strictly on the way in, and the short code two people compare out of band before a friend
 * releases a share to a machine that asks for it.
 *
 * A share alone reveals nothing of M; t of them rebuild it. The requester checks the rebuilt
 * secret against the commitment a releasing friend reports before it signs anything.
 */
import { createHash } from 'node:crypto'
import { decodeMessage, encodeMessage } from '../codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH } from '../crypto/index.ts'
import { MalformedMessageError } from '../errors.ts'
import { MAX_RECOVERY_FRIENDS, MAX_RECOVERY_SHARE_SIZE } from '../limits.ts'
import { RecoveryShare } from '../proto/social.ts'
import { COMMITMENT_LENGTH } from './device-records.ts'
import { MASTER_SECRET_LENGTH } from './master-secret.ts'

/** A Shamir share of a 32-byte secret: 32 bytes and its x coordinate. */
export const RECOVERY_SHARE_LENGTH = MASTER_SECRET_LENGTH + 1

export type RecoveryShareKind = 'share' | 'request' | 'release'

export interface RecoveryShareFields {
  account: Uint8Array
  /** share, release: shares needed; request: 0. */
  threshold: number
  /** share, release: the share; request: empty. */
  share: Uint8Array
  /** release only (else 0 / empty). */
  epochSequence: number
  recoveries: number
  commitment: Uint8Array
}

const EMPTY = new Uint8Array(0)

export function encodeRecoveryShare(
  kind: RecoveryShareKind,
  fields: Partial<RecoveryShareFields> & { account: Uint8Array },
): Uint8Array {
  const value: RecoveryShareFields = {
    threshold: 0,
    share: EMPTY,
    epochSequence: 0,
    recoveries: 0,
    commitment: EMPTY,
    ...fields,
  }
  check(kind, value)
  return encodeMessage(RecoveryShare, value as RecoveryShare, {
    maxSize: MAX_RECOVERY_SHARE_SIZE,
    what: 'recovery share',
  })
}

/** Throws Oversized/MalformedMessageError for anything a well-behaved sender never writes. */
export function decodeRecoveryShare(
  kind: RecoveryShareKind,
  bytes: Uint8Array,
): RecoveryShareFields {
  const value = decodeMessage(RecoveryShare, bytes, {
    maxSize: MAX_RECOVERY_SHARE_SIZE,
    what: 'recovery share',
  })
  check(kind, value)
  return value
}

/**
 * Six digits both sides show for one request: the machine that asks, and the friend asked.
 * The owner reads them to the friend out of band (a call, in person): a stranger asking in
 * the owner's name cannot make the friend's screen show the digits the owner sees.
 */
export function recoveryRequestCode(requestId: Uint8Array, requester: Uint8Array): string {
  const digest = createHash('sha256')
    .update('tokenim recovery request')
    .update(requestId)
    .update(requester)
    .digest()
  return String(digest.readUInt32BE(0) % 1_000_000).padStart(6, '0')
}

function check(kind: RecoveryShareKind, value: RecoveryShareFields): void {
  if (value.account.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedMessageError('a recovery share names a 32-byte account key')
  }
  if (kind === 'request') {
    if (value.share.length !== 0 || value.threshold !== 0 || value.commitment.length !== 0) {
      throw new MalformedMessageError('a recovery request carries no share')
    }
    return
  }
  if (value.share.length !== RECOVERY_SHARE_LENGTH) {
    throw new MalformedMessageError(`a recovery share is ${RECOVERY_SHARE_LENGTH} bytes`)
  }
  if (value.threshold < 2 || value.threshold > MAX_RECOVERY_FRIENDS) {
    throw new MalformedMessageError(`a recovery threshold is 2..${MAX_RECOVERY_FRIENDS}`)
  }
  const released = kind === 'release'
  if (released !== (value.commitment.length === COMMITMENT_LENGTH)) {
    throw new MalformedMessageError('a released share, and only it, carries the commitment')
  }
  if (!released && (value.epochSequence !== 0 || value.recoveries !== 0)) {
    throw new MalformedMessageError('only a released share describes the chain')
  }
}
