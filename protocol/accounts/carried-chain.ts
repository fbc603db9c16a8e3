/**
 * A key chain carried by a request (a room's MOVE_KEY, a relay's name move): the account's
 * rotation and recovery statements from its first key are the request's whole authority,
 * checked by the key-chain resolver exactly as friends check them.
 *
 * The reader keeps no chain of its own for the account, so the start comes from the
 * statements: the old key of the sequence-1 statements, with the commitment a sequence-1
 * rotation names (signed by that first key). Without such a rotation the reader may name the
 * commitment it found elsewhere (a relay: the first key's device list); else the chain has
 * none, and a recovery moves nothing: its recovery key is new to the reader, who could not
 * tell the owner's from anyone's.
 *
 * A reader that pinned the account's commitment when it first met the account (a room at the
 * member's JOIN, a relay at the name's claim) passes it as `pinned`: then it alone starts the
 * chain, and a sequence-1 rotation naming another one (signed by a stolen first key) has no
 * place in it, so a thief cannot bring a recovery key of its own.
 */
import { bytesEqual } from '../bytes.ts'
import { InvalidKeyStatementError } from './errors.ts'
import { type KeyChain, type KeyStatementInput, resolveKeyChain } from './key-chain.ts'
import { openKeyStatement } from './key-statements.ts'

/**
 * The chain `statements` make from their first key; `commitment` (of that first key, from
 * elsewhere) counts only when no sequence-1 rotation names one, unless it is `pinned`. Throws what openKeyStatement
 * throws for a statement that does not open (a request carries only its own, valid chain),
 * and InvalidKeyStatementError when no statement (or more than one first key) starts it.
 */
export function resolveCarriedChain(
  statements: KeyStatementInput[],
  commitment: Uint8Array = new Uint8Array(0),
  options: { pinned?: boolean } = {},
): KeyChain {
  const opened = statements.map(({ kind, record }) => openKeyStatement(kind, record))
  const firsts = opened.filter((statement) => statement.sequence === 1)
  if (firsts.length === 0 || firsts.some((s) => !bytesEqual(s.oldKey, firsts[0].oldKey))) {
    throw new InvalidKeyStatementError('the statements do not start at one first key (sequence 1)')
  }
  const anchor = firsts.find((statement) => statement.kind === 'rotation')
  return resolveKeyChain(
    {
      account: firsts[0].oldKey,
      commitment: options.pinned === true ? commitment : (anchor?.nextRecovery ?? commitment),
    },
    statements,
  )
}

/** The old key of the carried statements' sequence 1 (the account's first key), if any opens. */
export function carriedFirstKey(statements: KeyStatementInput[]): Uint8Array | undefined {
  for (const { kind, record } of statements) {
    try {
      const opened = openKeyStatement(kind, record)
      if (opened.sequence === 1) return opened.oldKey
    } catch {
      // resolveCarriedChain says why.
    }
  }
  return undefined
}
