/**
 * Our names follow our key rotation (doc/accounts.md, "Key rotation on the node"): every
 * relay where an earlier key of the account holds a name is asked to move it to the current
 * key, with the account's rotation statements as the authority (relay/directory/name-moves.ts).
 *
 * How it is kept: the statements are written (synced) to the directory's sublevel before
 * any relay is asked, and removed only once every name moved; a relay that is down, or a
 * crash in between, leaves them there, and the node under the new key retries at its start
 * (`NodeDirectory.start`). Asking twice is harmless: a relay that already moved the name
 * answers that no earlier key holds one.
 */
import type { Logger } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { openKeyStatement, resolveKeyChain } from '../../protocol/accounts/index.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import type { NameRecordFields } from '../../protocol/directory.ts'
import { DirectoryRequestError } from '../../protocol/directory-errors.ts'
import type { AppLevel } from '../storage.ts'
import type { DirectoryClient, RelayTarget, VerifiedName } from './directory-client.ts'

/** The account's rotations while some name has not moved yet: JSON, hex records. */
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

/**
 * Asks every relay where an earlier key of the account holds one of our names to move it to
 * the account's current key. `rotations` are the account's statements from its first key.
 */
export async function moveOwnNames(
  ports: NameMoverPorts,
  rotations: Uint8Array[],
): Promise<MovedNames> {
  const { current, retired } = chainOf(rotations)
  const text = JSON.stringify(rotations.map((rotation) => toHex(rotation)))
  await ports.store.put(PENDING_MOVE_KEY, new TextEncoder().encode(text), { sync: true } as object)
  const result: MovedNames = { moved: [], failed: [] }
  for (const { relay, record } of await ports.ownNames()) {
    if (!retired.some((key) => bytesEqual(key, record.publicKey))) continue
    const target = { peerId: peerIdFromString(relay) }
    try {
      const moved = await ports.client.moveName(target, rotations, current)
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
    const hex = JSON.parse(new TextDecoder().decode(pending)) as string[]
    const { failed } = await moveOwnNames(
      ports,
      hex.map((record) => fromHex(record)),
    )
    if (failed.length > 0) ports.log('names on %s still wait to move to the new key', failed)
  } catch (err) {
    ports.log.error('could not resume moving names to the new key - %e', err)
  }
}

/** The current key and the retired ones of the account whose rotations these are. */
function chainOf(rotations: Uint8Array[]): { current: Uint8Array; retired: Uint8Array[] } {
  const first = rotations
    .map((rotation) => openKeyStatement('rotation', rotation))
    .find((statement) => statement.sequence === 1)
  if (first == null) {
    throw new DirectoryRequestError("moving names needs the account's rotations from its first key")
  }
  const chain = resolveKeyChain(
    { account: first.oldKey, commitment: first.nextRecovery },
    rotations.map((record) => ({ kind: 'rotation' as const, record })),
  )
  return { current: chain.current, retired: chain.retired }
}
