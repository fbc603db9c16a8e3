/**
 * The running node's part of a key rotation (doc/accounts.md, "Key rotation on the node"):
 * the statement goes to every friend while the node still runs under the old key, which
 * their sessions know, and the node waits until each copy was acknowledged by the friend's
 * node or deposited in the mailbox (where the friend, who knows the old key, collects it).
 * Meanwhile the names the account holds on relays are moved to the new key (the statements
 * are their authority; a relay not reached is asked again by the node under the new key),
 * and the statement is put in the DHT under the old key, for anyone who looks that key up.
 * Then messaging stops and forgets the sessions of the old key, and the node must stop and
 * start again under the new key: nothing is sent under the old key any more.
 */
import type { KadDHT } from '@libp2p/kad-dht'
import { openKeyStatement } from '../protocol/accounts/index.ts'
import type { NodeDirectory } from './directory/index.ts'
import type { Friends } from './friends/index.ts'
import { publishKeyRotation } from './friends/rotation-dht.ts'
import { peerIdOf } from './identity/index.ts'
import type { DirectMessages } from './messaging/index.ts'

export interface RotationAnnouncement {
  /** Friends (hex keys) whose node has the statement or whose mailbox holds it. */
  handedOver: string[]
  /** Friends it could not reach in time: they learn of it when they look the account up. */
  waiting: string[]
  /** Relays (peer ids) where a name moved to the new key. */
  namesMoved: string[]
  /**
   * After a rotation, DHT peers that confirmed holding the statement under the old key. A
   * recovery's statement is put by the node under the new key as soon as its routing table
   * holds a peer (statement-republish.ts), not while the answer waits.
   */
  dhtHolders?: number
}

export interface AnnounceOptions {
  /** The account's rotations from its first key; @default the new statement alone */
  rotations?: Uint8Array[]
  /** @default ROTATION_HANDOVER_TIMEOUT_MS */
  timeoutMs?: number
}

/** How long to wait for every friend's copy to be delivered or deposited. */
export const ROTATION_HANDOVER_TIMEOUT_MS = 30_000
const HANDOVER_POLL_MS = 50

export async function announceKeyRotation(
  parts: {
    friends: Friends
    messages: DirectMessages
    directory?: Pick<NodeDirectory, 'moveNames'>
    host?: { services: { dht: KadDHT } }
  },
  statement: Uint8Array,
  options: AnnounceOptions = {},
): Promise<RotationAnnouncement> {
  const moving = parts.directory?.moveNames(options.rotations ?? [statement])
  const publishing =
    parts.host == null
      ? undefined
      : publishKeyRotation(parts.host.services.dht, openKeyStatement('rotation', statement))
  const handed = await handOver(parts, statement, 'rotation', options.timeoutMs)
  const moved = (await moving)?.moved ?? []
  const published = (await publishing)?.confirmed ?? 0
  await parts.messages.retireOwnKey()
  return {
    ...handed,
    namesMoved: moved.map((record) => relayIdOf(record.relayPublicKey)),
    dhtHolders: published,
  }
}

/**
 * A recovery goes the other way round: friends may hold the old key as retired already (a
 * thief rotated it away), so the node first restarts under the new key, then sends the
 * recovery statement from it and waits the same way. `parts` are the node's, under the new
 * key. The node under the new key also puts the statement in the DHT under the epoch's first
 * key and the commitment it answers (statement-republish.ts, rotation-dht.ts) once its
 * routing table holds a peer: a node that has just started may have none yet, and the
 * answer must not wait a DHT query's timeout for it. Friends who were away find it there at
 * their start. The account's names move to the new key as after a rotation (`recoveries`:
 * the account's recoveries from its first key, default the new statement alone).
 */
export async function announceKeyRecovery(
  parts: {
    friends: Friends
    messages: DirectMessages
    directory?: Pick<NodeDirectory, 'moveNames'>
  },
  statement: Uint8Array,
  options: Pick<AnnounceOptions, 'timeoutMs' | 'rotations'> & { recoveries?: Uint8Array[] } = {},
): Promise<RotationAnnouncement> {
  const moving = parts.directory?.moveNames(
    options.rotations ?? [],
    options.recoveries ?? [statement],
  )
  const handed = await handOver(parts, statement, 'recovery', options.timeoutMs)
  const moved = (await moving)?.moved ?? []
  return { ...handed, namesMoved: moved.map((record) => relayIdOf(record.relayPublicKey)) }
}

/** Sends `statement` to every friend and waits until each copy was delivered or deposited. */
async function handOver(
  parts: { friends: Friends; messages: DirectMessages },
  statement: Uint8Array,
  kind: 'rotation' | 'recovery',
  timeoutMs = ROTATION_HANDOVER_TIMEOUT_MS,
): Promise<Pick<RotationAnnouncement, 'handedOver' | 'waiting'>> {
  const sent = await parts.friends.announceKeyRotation(statement, kind)
  const deadline = Date.now() + timeoutMs
  const pending = () =>
    sent.filter(({ peer, id }) => !parts.messages.handedOver(Buffer.from(peer, 'hex'), id))
  while (pending().length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, HANDOVER_POLL_MS))
  }
  const waiting = new Set(pending().map(({ peer }) => peer))
  return {
    handedOver: sent.map(({ peer }) => peer).filter((peer) => !waiting.has(peer)),
    waiting: [...waiting],
  }
}

function relayIdOf(relayPublicKey: Uint8Array): string {
  return peerIdOf({ publicKey: relayPublicKey }).toString()
}
