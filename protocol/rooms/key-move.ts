/**
 * MOVE_KEY: a member whose account changed its key stays the same member of its rooms
 * (doc/accounts.md, "Rooms across a key change"; doc/rooms.md, "Key moves"). The op is
 * authored by the account's new key and carries the account's key statements from its first
 * key; they are the whole authority, resolved as a carried chain
 * (protocol/accounts/carried-chain.ts).
 *
 * Which commitment a recovery must answer is the room's to say, not the op's: the commitment
 * the member pinned when it created or joined the room (membership.ts) starts the chain when
 * the member's account is the chain's first key; otherwise a rotation from the first key
 * anchors it. So the check runs in two steps:
 * - at ingest (`checkKeyMove`, stateless): the statements open, start at one first key, and
 *   take the account to the author under some commitment (the anchor's, or the one a
 *   sequence-1 recovery answers), or the op is refused;
 * - in the replay (`resolveKeyMove`): under the commitment the room holds for that account,
 *   which keys the chain retired and how many recoveries it made; an op whose chain does not
 *   hold under it moves nobody.
 */
import { carriedFirstKey, resolveCarriedChain } from '../accounts/carried-chain.ts'
import type { KeyChain, KeyStatementInput } from '../accounts/key-chain.ts'
import { openKeyStatement, recoveryCommitment } from '../accounts/key-statements.ts'
import { bytesEqual, toHex } from '../bytes.ts'
import { ProtocolError } from '../errors.ts'
import { MAX_ROOM_KEY_MOVE_STATEMENTS } from '../limits.ts'
import type { RoomOp } from '../proto/room.ts'
import { InvalidKeyMoveError } from './errors.ts'
import type { KeyMoveInput } from './membership.ts'

type KeyMoveOp = Pick<RoomOp, 'rotations' | 'recoveries'>

/** What a MOVE_KEY's statements make of the account, under one starting commitment. */
export interface KeyMoveChain {
  /** The account's first key (hex), where the carried chain starts. */
  first: string
  /** The commitment the chain started from (hex; empty: none). */
  commitment: string
  /** The keys (hex) the chain retired, newest first. */
  retired: string[]
  /** How many recoveries the chain made: a chain with more supersedes one with fewer. */
  recoveries: number
}

/** How many key statements an op carries (only a MOVE_KEY carries any). */
export function keyMoveStatementCount(op: KeyMoveOp): number {
  return op.rotations.length + op.recoveries.length
}

/**
 * At ingest: throws InvalidKeyMoveError when a statement does not open, the chain has no
 * start, or no commitment it could start from takes the account to `author`.
 */
export function checkKeyMove(author: Uint8Array, op: KeyMoveOp): void {
  const count = keyMoveStatementCount(op)
  if (count === 0 || count > MAX_ROOM_KEY_MOVE_STATEMENTS) {
    throw new InvalidKeyMoveError(
      `a key move carries 1 to ${MAX_ROOM_KEY_MOVE_STATEMENTS} key statements, not ${count}`,
    )
  }
  const statements = statementsOf(op)
  let holds: boolean
  try {
    const candidates: (Uint8Array | undefined)[] = [undefined]
    for (const { kind, record } of statements) {
      const opened = openKeyStatement(kind, record)
      if (kind === 'recovery' && opened.sequence === 1) {
        candidates.push(recoveryCommitment(opened.authority))
      }
    }
    holds = candidates.some((pinned) => {
      const chain = carried(statements, pinned)
      return bytesEqual(chain.current, author) && chain.retired.length > 0
    })
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    throw new InvalidKeyMoveError(`the key statements of the move do not hold: ${err.message}`)
  }
  if (!holds) {
    throw new InvalidKeyMoveError("the key statements do not take the account to the move's author")
  }
}

/**
 * In the replay: the chain under `pinned` (the commitment the room pinned for the account's
 * first key) or, without one, under the commitment a rotation from the first key names.
 * Undefined when it does not take the account to `author`.
 */
export function resolveKeyMove(
  author: Uint8Array,
  op: KeyMoveOp,
  pinned?: Uint8Array,
): KeyMoveChain | undefined {
  const statements = statementsOf(op)
  let chain: KeyChain
  try {
    chain = carried(statements, pinned)
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    return undefined
  }
  if (!bytesEqual(chain.current, author) || chain.retired.length === 0) return undefined
  const firsts = statements
    .map(({ kind, record }) => openKeyStatement(kind, record))
    .filter((statement) => statement.sequence === 1)
  const anchor = firsts.find((statement) => statement.kind === 'rotation')
  return {
    first: toHex(firsts[0].oldKey),
    commitment: toHex(pinned ?? anchor?.nextRecovery ?? new Uint8Array(0)),
    retired: chain.retired.map(toHex).reverse(),
    recoveries: chain.applied.filter((statement) => statement.kind === 'recovery').length,
  }
}

/**
 * A checked MOVE_KEY's input to the replay: each commitment it is judged under is resolved
 * once (the replay runs again whenever an earlier op arrives).
 */
export function keyMoveInput(author: Uint8Array, op: KeyMoveOp): KeyMoveInput {
  const chains = new Map<string, KeyMoveChain | undefined>()
  return {
    first: toHex(carriedFirstKey(statementsOf(op))!),
    resolve(pinned) {
      const key = pinned == null ? '' : toHex(pinned)
      if (!chains.has(key)) chains.set(key, resolveKeyMove(author, op, pinned))
      return chains.get(key)
    },
  }
}

function carried(statements: KeyStatementInput[], pinned: Uint8Array | undefined): KeyChain {
  return resolveCarriedChain(statements, pinned, { pinned: pinned != null })
}

function statementsOf(op: KeyMoveOp): KeyStatementInput[] {
  return [
    ...op.rotations.map((record) => ({ kind: 'rotation' as const, record })),
    ...op.recoveries.map((record) => ({ kind: 'recovery' as const, record })),
  ]
}
