/**
 * The key-chain resolver: which key holds an account now, given its original key, the
 * recovery commitment it started with, and whatever rotation and recovery statements a node
 * has gathered (from the account, from the DHT, from anyone: forged, replayed, out of order).
 * Pure, and a function of the *set* of statements: every node that holds the same
 * statements reaches the same answer, whatever order they arrived in.
 *
 * The rules (doc/accounts.md, "Key state"):
 * - The chain starts at (original key, initial commitment, sequence 0).
 * - A rotation applies to the key that holds the account when it names that key as old, its
 *   sequence is the next one, it keeps the commitment unchanged, and its new key never held
 *   the account. The old key is retired.
 * - The keys between two commitments form an epoch. A recovery signed by the key R whose
 *   SHA-256 is the epoch's commitment, naming the epoch's first key as old and the sequence
 *   after that key's, supersedes every rotation of the epoch, whoever signed them: a thief
 *   who rotated first with a stolen key is undone and every key of the epoch is retired.
 *   Its new commitment must be one never used before, since R is now public.
 * - Where two statements compete for one place (a fork: two rotations from one key, or two
 *   recoveries with one R), the one with the smallest id (hex SHA-256 of its bytes) wins, so
 *   the choice is the same everywhere. A fork of rotations means the key was copied; only a
 *   recovery settles it for good.
 *
 * Each statement handed in ends in exactly one of: `applied` (the chain, in order),
 * `superseded` (rotations a recovery undid), `unused` (valid on its own but no place in the
 * chain: a replay, a wrong sequence, a changed commitment, a wrong recovery key, a fork's
 * loser) or `refused` (does not open: malformed or forged).
 */
import { bytesEqual, toHex } from '../bytes.ts'
import { checkLength, ED25519_PUBLIC_KEY_LENGTH } from '../crypto/index.ts'
import { InvalidKeyError, ProtocolError } from '../errors.ts'
import { MAX_KEY_STATEMENTS } from '../limits.ts'
import { COMMITMENT_LENGTH } from './device-records.ts'
import { TooManyKeyStatementsError } from './errors.ts'
import {
  type KeyStatementKind,
  type OpenedKeyStatement,
  openKeyStatement,
  recoveryCommitment,
} from './key-statements.ts'

export interface KeyChainStart {
  /** The account's original key. */
  account: Uint8Array
  /** SHA-256 of the first recovery key, or empty while the account has no commitment. */
  commitment: Uint8Array
}

export interface KeyStatementInput {
  kind: KeyStatementKind
  record: Uint8Array
}

export interface RefusedKeyStatement extends KeyStatementInput {
  error: ProtocolError
}

export interface KeyChain {
  /** The key that holds the account now. */
  current: Uint8Array
  /** The commitment in force now (empty: none). */
  commitment: Uint8Array
  sequence: number
  /** Every key that held the account before `current`, in the order they were retired. */
  retired: Uint8Array[]
  applied: OpenedKeyStatement[]
  superseded: OpenedKeyStatement[]
  unused: OpenedKeyStatement[]
  refused: RefusedKeyStatement[]
}

/**
 * Resolves the chain. Throws TooManyKeyStatementsError for more than MAX_KEY_STATEMENTS
 * statements and InvalidKeyError for a malformed start; bad statements are reported in
 * `refused`, never thrown.
 */
export function resolveKeyChain(start: KeyChainStart, statements: KeyStatementInput[]): KeyChain {
  if (statements.length > MAX_KEY_STATEMENTS) {
    throw new TooManyKeyStatementsError(
      `${statements.length} key statements for one account, over the limit of ${MAX_KEY_STATEMENTS}`,
    )
  }
  checkLength(start.account, ED25519_PUBLIC_KEY_LENGTH, 'account key')
  if (start.commitment.length !== 0 && start.commitment.length !== COMMITMENT_LENGTH) {
    throw new InvalidKeyError('a recovery commitment is a 32-byte SHA-256 digest, or empty')
  }
  const { valid, refused } = openAll(statements)
  const rotations = valid.filter((statement) => statement.kind === 'rotation')
  const recoveries = valid.filter((statement) => statement.kind === 'recovery')

  let current = start.account
  let commitment = start.commitment
  let sequence = 0
  const held = new Set([toHex(current)])
  const usedCommitments = new Set<string>()
  const placed = new Set<string>()
  const retired: Uint8Array[] = []
  const applied: OpenedKeyStatement[] = []
  const superseded: OpenedKeyStatement[] = []

  for (;;) {
    const epoch = { key: current, sequence, firstApplied: applied.length }
    for (;;) {
      const rotation = rotations.find(
        (r) =>
          !placed.has(r.id) &&
          bytesEqual(r.oldKey, current) &&
          r.sequence === sequence + 1 &&
          bytesEqual(r.nextRecovery, commitment) &&
          !held.has(toHex(r.newKey)),
      )
      if (rotation == null) break
      placed.add(rotation.id)
      applied.push(rotation)
      retired.push(current)
      current = rotation.newKey
      sequence = rotation.sequence
      held.add(toHex(current))
    }
    if (commitment.length === 0) break
    const inForce = commitment
    const recovery = recoveries.find(
      (r) =>
        !placed.has(r.id) &&
        bytesEqual(recoveryCommitment(r.authority), inForce) &&
        bytesEqual(r.oldKey, epoch.key) &&
        r.sequence === epoch.sequence + 1 &&
        !held.has(toHex(r.newKey)) &&
        !usedCommitments.has(toHex(r.nextRecovery)),
    )
    if (recovery == null) break
    superseded.push(...applied.splice(epoch.firstApplied))
    placed.add(recovery.id)
    applied.push(recovery)
    retired.push(current)
    usedCommitments.add(toHex(commitment))
    current = recovery.newKey
    sequence = recovery.sequence
    commitment = recovery.nextRecovery
    held.add(toHex(current))
  }

  const unused = valid.filter((statement) => !placed.has(statement.id))
  return { current, commitment, sequence, retired, applied, superseded, unused, refused }
}

/** Opens every statement once (duplicates by id dropped), sorted by id; the rest is refused. */
function openAll(statements: KeyStatementInput[]): {
  valid: OpenedKeyStatement[]
  refused: RefusedKeyStatement[]
} {
  const valid = new Map<string, OpenedKeyStatement>()
  const refused: RefusedKeyStatement[] = []
  for (const { kind, record } of statements) {
    try {
      const opened = openKeyStatement(kind, record)
      valid.set(opened.id, opened)
    } catch (err) {
      if (!(err instanceof ProtocolError)) throw err
      refused.push({ kind, record, error: err })
    }
  }
  refused.sort((a, b) => Buffer.compare(a.record, b.record) || a.kind.localeCompare(b.kind))
  return {
    valid: [...valid.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
    refused,
  }
}
