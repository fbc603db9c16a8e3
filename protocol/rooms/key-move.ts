/**
 * MOVE_KEY: a member whose account changed its key stays the same member of its rooms
 * (doc/accounts.md, "Rooms across a key change"). The op is authored by the account's new
 * key and carries the account's key statements from its first key; they are the whole
 * authority, resolved as a carried chain (protocol/accounts/carried-chain.ts: a recovery
 * counts only when a rotation from the account's first key anchors its commitment). The
 * statements must take the account to the op's author, and every key they retire is one the
 * member may be moved from.
 */
import { resolveCarriedChain } from '../accounts/carried-chain.ts'
import type { KeyChain } from '../accounts/key-chain.ts'
import { bytesEqual, toHex } from '../bytes.ts'
import { ProtocolError } from '../errors.ts'
import { MAX_ROOM_KEY_MOVE_STATEMENTS } from '../limits.ts'
import type { RoomOp } from '../proto/room.ts'
import { InvalidKeyMoveError } from './errors.ts'

/** How many key statements an op carries (only a MOVE_KEY carries any). */
export function keyMoveStatementCount(op: Pick<RoomOp, 'rotations' | 'recoveries'>): number {
  return op.rotations.length + op.recoveries.length
}

/**
 * The keys (hex) a MOVE_KEY by `author` may move a member from, newest first. Throws
 * InvalidKeyMoveError when a statement does not open, the chain has no start, or it does not
 * end at `author`.
 */
export function keysRetiredByMove(
  author: Uint8Array,
  op: Pick<RoomOp, 'rotations' | 'recoveries'>,
): string[] {
  const count = keyMoveStatementCount(op)
  if (count === 0 || count > MAX_ROOM_KEY_MOVE_STATEMENTS) {
    throw new InvalidKeyMoveError(
      `a key move carries 1 to ${MAX_ROOM_KEY_MOVE_STATEMENTS} key statements, not ${count}`,
    )
  }
  let chain: KeyChain
  try {
    chain = resolveCarriedChain([
      ...op.rotations.map((record) => ({ kind: 'rotation' as const, record })),
      ...op.recoveries.map((record) => ({ kind: 'recovery' as const, record })),
    ])
  } catch (err) {
    if (!(err instanceof ProtocolError)) throw err
    throw new InvalidKeyMoveError(`the key statements of the move do not hold: ${err.message}`)
  }
  if (!bytesEqual(chain.current, author) || chain.retired.length === 0) {
    throw new InvalidKeyMoveError("the key statements do not take the account to the move's author")
  }
  return chain.retired.map(toHex).reverse()
}
