/**
 * Our names follow our key rotation or recovery (doc/accounts.md, "Key rotation on the
 * node"): every relay where an earlier key of the account holds a name is asked to move it
 * to the current key, with the account's key statements as the authority
 * (relay/directory/name-moves.ts).
 *
 * How it is kept: the statements are written (synced) to the directory's sublevel before
 * any relay is asked, and removed only once every name moved; a relay that is down, or a
 * crash in between, leaves them there, and the node under the new key retries at its start
 * (`NodeDirectory.start`). Asking twice is harmless: a relay that already moved the name
 * answers that no earlier key holds one.
 */
import type { Logger } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import {
  openKeyStatement,
  recoveryCommitment,
  resolveCarriedChain,
} from '../../protocol/accounts/index.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import type { NameRecordFields } from '../../protocol/directory.ts'
import { DirectoryRequestError } from '../../protocol/directory-errors.ts'
import type { AppLevel } from '../storage.ts'
import type { DirectoryClient, RelayTarget, VerifiedName } from './directory-client.ts'

/**
 * The account's statements while some name has not moved yet: JSON, hex records
 * (`{ rotations, recoveries }`; an array of rotations from before recoveries moved names).
 */
const PENDING_MOVE_KEY = 'move!pending'

export interface NameMoverPorts {
  client: DirectoryClient
  store: AppLevel
  log: Logger
  /** This node's registrations, as last issued. */
  ownNames(): Promise<Array<{ relay: string; record: NameRecordFields }>>
  /** Keeps a relay's new record of our name. */
  save(relay: RelayTarget, record: VerifiedName): Promise<void>
}

export interface MovedNames {
  /** The new records, one per relay that moved a name. */
  moved: VerifiedName[]
  /** Relays (peer ids) that did not answer or refused; retried at the next start. */
  failed: string[]
}

/** The account's key statements from its first key, as a name move carries them. */
export interface KeyStatements {
  rotations: Uint8Array[]
  recoveries: Uint8Array[]
}

/**
 * Asks every relay where an earlier key of the account holds one of our names to move it to
 * the account's current key, carrying `statements`.
 */
export async function moveOwnNames(
  ports: NameMoverPorts,
  statements: KeyStatements,
): Promise<MovedNames> {
  const { current } = chainOf(statements)
  const text = JSON.stringify({
    rotations: statements.rotations.map(toHex),
    recoveries: statements.recoveries.map(toHex),
  })
  await ports.store.put(PENDING_MOVE_KEY, new TextEncoder().encode(text), { sync: true } as object)
  const result: MovedNames = { moved: [], failed: [] }
  for (const { relay, record } of await ports.ownNames()) {
    // Every name this node registered was under one of the account's keys.
    if (bytesEqual(current, record.publicKey)) continue
    const target = { peerId: peerIdFromString(relay) }
    try {
      const moved = await ports.client.moveName(target, statements.rotations, current, {
        recoveries: statements.recoveries,
      })
      await ports.save(target, moved)
      result.moved.push(moved)
    } catch (err) {
      ports.log('moving "%s" on %s to the new key failed - %e', record.name, relay, err)
      result.failed.push(relay)
    }
  }
  if (result.failed.length === 0) await ports.store.del(PENDING_MOVE_KEY)
  return result
}

/** Finishes a move that a stop or an unreachable relay left undone; logs, never throws. */
export async function resumeNameMoves(ports: NameMoverPorts): Promise<void> {
  const pending = await ports.store.get(PENDING_MOVE_KEY)
  if (pending == null) return
  try {
    const parsed = JSON.parse(new TextDecoder().decode(pending)) as
      | string[]
      | { rotations: string[]; recoveries: string[] }
    const hex = Array.isArray(parsed) ? { rotations: parsed, recoveries: [] } : parsed
    const { failed } = await moveOwnNames(ports, {
      rotations: hex.rotations.map((record) => fromHex(record)),
      recoveries: hex.recoveries.map((record) => fromHex(record)),
    })
    if (failed.length > 0) ports.log('names on %s still wait to move to the new key', failed)
  } catch (err) {
    ports.log.error('could not resume moving names to the new key - %e', err)
  }
}

/**
 * The key that holds the account now. Our own chain: a recovery's commitment is the one its
 * recovery key answers (we made it), so the chain starts there when no rotation names one.
 */
function chainOf(statements: KeyStatements): { current: Uint8Array } {
  const all = [
    ...statements.rotations.map((record) => ({ kind: 'rotation' as const, record })),
    ...statements.recoveries.map((record) => ({ kind: 'recovery' as const, record })),
  ]
  const first = statements.recoveries
    .map((record) => openKeyStatement('recovery', record))
    .find((statement) => statement.sequence === 1)
  try {
    const chain = resolveCarriedChain(
      all,
      first == null ? undefined : recoveryCommitment(first.authority),
    )
    return { current: chain.current }
  } catch (err) {
    throw new DirectoryRequestError(
      `moving names needs the account's key statements from its first key: ${(err as Error).message}`,
    )
  }
}
