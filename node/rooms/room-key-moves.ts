/**
 * Rooms across a key change (doc/accounts.md, "Rooms across a key change"): when the
 * account's key is rotated or recovered, the member stays the same member of its rooms under
 * the new key, and the old key reads nothing written from then on.
 *
 * Guarantees, and how they are kept:
 * - The move reaches the room while the mesh is still there: before the node stops under the
 *   old key (`handOver`), it signs a MOVE_KEY with the new key for every room it is a member
 *   of, stores it and publishes it on the topic the old key is subscribed to. Members who
 *   are away fetch it from any member, like every event.
 * - A move that was not handed over (a crash between the rotation and the hand-over, or a
 *   recovery made away from the running node) is made at the next start under the new key
 *   (`atStart`): a room still naming one of the account's retired keys as a member gets the
 *   MOVE_KEY then, and members pull it back when we sync with them (an invite-only room
 *   answers us through our invite proof when we hold its secret, room-invites.ts).
 * - What a thief moved comes back: after a recovery, a room where the member record of our
 *   account (the first key the room pinned for it) is held by a key that is not ours and
 *   made fewer recoveries than our chain gets the MOVE_KEY too; the room's replay gives the
 *   membership back to our new key and bans the thief's (protocol/rooms/membership.ts). Its
 *   cut is 0: nothing the thief's key, or a device it enrolled, wrote there counts.
 * - The devices enrolled for the key moved from end with it: the MOVE_KEY carries each one's
 *   cut (the highest seq of its events we hold, `endingDeviceCuts`), so none of them can
 *   write "in the past" of the move afterwards (doc/rooms.md, "Where a device's events end");
 *   a device of the account goes on writing once the new key's device list enrols it.
 * - Nothing of the old key's sending side survives the move: the hand-over forgets our chain
 *   (the old key's holder knows it) and the bundles still waiting to go out (signed by the
 *   old key, which receivers would now refuse), so the first start under the new key makes a
 *   fresh chain and hands it to every member. Members, seeing the old key leave the member
 *   list, start fresh chains of their own for those who stay: the new key gets them, the old
 *   key does not.
 */
import type { Logger } from '@libp2p/interface'
import { toHex } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import { buildOp, RoomOpKind, type SignedRoomEvent } from '../../protocol/rooms/index.ts'
import type { OwnEvents } from './own-events.ts'
import { endingDeviceCuts } from './room-devices.ts'
import type { RoomGossip } from './room-gossip.ts'
import type { RoomKeys } from './room-keys.ts'
import type { RoomPersistence } from './room-persistence.ts'
import type { RoomRegistry } from './room-registry.ts'
import type { RoomRuntime } from './room-runtime.ts'
import { RoomStore } from './room-store.ts'
import type { RoomSync } from './room-sync.ts'

/** The account's key statements from its first key, and the keys they retired. */
export interface AccountKeyStatements {
  rotations: Uint8Array[]
  recoveries: Uint8Array[]
  retired: Uint8Array[]
  /** The account's first key, where the statements start. */
  account?: Uint8Array
  /** The recovery commitment in force (empty: none), carried by our CREATE and JOIN ops. */
  commitment?: Uint8Array
}

/** Where a move takes the member from in one room: the key, its cut, and its devices' cuts. */
interface MoveSource {
  key: string
  cutSeq: number
  deviceCuts: Array<{ device: Uint8Array; seq: number }>
}

export interface RoomKeyMovesComponents {
  selfHex: string
  rooms: RoomRegistry
  persistence: Pick<RoomPersistence, 'persistOwn'>
  gossip: Pick<RoomGossip, 'publish'>
  keys: Pick<RoomKeys, 'rekey' | 'drop'>
  own: Pick<OwnEvents, 'publishOp'>
  sync: Pick<RoomSync, 'connectedMembers' | 'syncWith'>
  log: Logger
}

export class RoomKeyMoves {
  private readonly components: RoomKeyMovesComponents

  constructor(components: RoomKeyMovesComponents) {
    this.components = components
  }

  /**
   * Before the node stops under the old key: every room we are a member of gets a MOVE_KEY
   * signed by `next`, stored and published. Resolves with the rooms handed over.
   */
  async handOver(next: Ed25519KeyPair, statements: AccountKeyStatements): Promise<string[]> {
    const { selfHex, rooms, persistence, gossip, keys } = this.components
    const moved: string[] = []
    for (const room of rooms.all()) {
      // A room we were moved out of (a thief's key holds our record) is not joined any more.
      const source = moveSource(room, room.meta.joined ? [selfHex] : [], statements)
      if (source == null) continue
      try {
        const event = buildOp(next, room.log, moveFields(statements, source))
        const result = room.log.ingest(event)
        if (result.status !== 'added' || !result.membershipChanged) {
          this.components.log('room %s: the key statements move nobody here', room.log.roomIdHex)
          continue
        }
        for (const member of [...room.outgoing.keys()]) keys.drop(room, member)
        room.chain = undefined
        room.meta.joined = true
        await persistence.persistOwn(room, [
          RoomStore.event(room.log.roomIdHex, event.idHex, event.bytes),
          RoomStore.chain(room.log.roomIdHex),
          RoomStore.meta(room.meta),
        ])
        await gossip.publish(room, event)
        moved.push(room.log.roomIdHex)
      } catch (err) {
        // Left to the node under the new key (atStart).
        this.components.log(
          'room %s: key hand-over failed: %s',
          room.log.roomIdHex,
          (err as Error).message,
        )
      }
    }
    return moved
  }

  /**
   * At start, once keys and sync run: a room we are a member of with no chain (handed over)
   * gets a fresh one; a room that still names one of our retired keys gets its MOVE_KEY now.
   */
  async atStart(statements: AccountKeyStatements | undefined): Promise<void> {
    const { selfHex, rooms, keys } = this.components
    for (const room of rooms.all()) {
      if (room.meta.joined && room.log.membership().members.has(selfHex)) {
        if (room.chain == null) keys.rekey(room)
        continue
      }
      if (statements == null) continue
      const ours = room.meta.joined ? statements.retired.map(toHex).reverse() : []
      const source = moveSource(room, ours, statements)
      if (source == null) continue
      await this.moveLate(room, statements, source).catch((err: Error) => {
        this.components.log('room %s: key move failed: %s', room.log.roomIdHex, err.message)
      })
    }
  }

  private async moveLate(
    room: RoomRuntime,
    statements: AccountKeyStatements,
    source: MoveSource,
  ): Promise<SignedRoomEvent> {
    const { own, sync, keys } = this.components
    // Our chain and the bundles waiting to go out are the old key's: becoming a member under
    // the new key starts a fresh chain (room-membership.ts).
    for (const member of [...room.outgoing.keys()]) keys.drop(room, member)
    room.chain = undefined
    const event = await own.publishOp(room, moveFields(statements, source))
    for (const peer of sync.connectedMembers(room)) void sync.syncWith(room, peer, { force: true })
    return event
  }
}

/**
 * The member our move takes over in `room`: the first of `ours` (our keys, the one to move
 * from first) that is a member, or else the member the room pinned as our account whose
 * record made fewer recoveries than our chain (a thief's key); undefined: nothing to move.
 */
function moveSource(
  room: RoomRuntime,
  ours: string[],
  statements: AccountKeyStatements,
): MoveSource | undefined {
  const members = room.log.membership().members
  const own = ours.find((key) => members.has(key))
  if (own != null) {
    return { key: own, cutSeq: room.log.lastSeqOf(own), deviceCuts: endingDeviceCuts(room, own) }
  }
  if (statements.account == null) return undefined
  const first = toHex(statements.account)
  for (const [key, record] of members) {
    const account = record.account
    if (account?.first === first && account.recoveries < statements.recoveries.length) {
      // Nor anything a device the thief's key enrolled wrote.
      const deviceCuts = endingDeviceCuts(room, key).map((cut) => ({ ...cut, seq: 0 }))
      return { key, cutSeq: 0, deviceCuts }
    }
  }
  return undefined
}

function moveFields(statements: AccountKeyStatements, { cutSeq, deviceCuts }: MoveSource) {
  return {
    kind: RoomOpKind.MOVE_KEY,
    rotations: statements.rotations,
    recoveries: statements.recoveries,
    cutSeq,
    deviceCuts,
  }
}
