/**
 * How rooms reach the disk (RoomStore) and come back from it.
 *
 * Guarantees, and how they are kept:
 * - A room's writes land in the order they were asked for: each room chains them on one
 *   promise (`persist`). A failed write is logged and does not stop the writes after it.
 * - Our own chain and events have a queue of their own (`persistOwn`) whose promise rejects
 *   when the write fails, so the caller never publishes what is not on disk, and a send
 *   never waits behind what others sent us.
 * - Received chains that advanced are written in one batch every sync interval and at stop
 *   (`saveChains`): after a crash the older position on disk still derives every key not
 *   used yet, so nothing readable is lost, only the writes saved.
 * - On restore our chain skips every position it had reserved, and a room whose last stop
 *   was not clean is marked `recovering`, so no message key and no seq is used twice.
 */
import type { Logger } from '@libp2p/interface'
import { toHex } from '../../protocol/bytes.ts'
import {
  deserializeSenderKey,
  ReceivedSenderKey,
  RoomLog,
  SenderKeyChain,
  type SignedRoomEvent,
} from '../../protocol/rooms/index.ts'
import type { RoomRegistry } from './room-registry.ts'
import type { RoomRuntime } from './room-runtime.ts'
import { RoomStore, type RoomWrite, type StoredRoom } from './room-store.ts'

export class RoomPersistence {
  private readonly store: Pick<RoomStore, 'write'>
  private readonly log: Logger

  constructor(store: Pick<RoomStore, 'write'>, log: Logger) {
    this.store = store
    this.log = log
  }

  /** Queues `writes` behind the room's earlier ones; resolves once they landed or failed. */
  persist(room: RoomRuntime, writes: RoomWrite[]): Promise<void> {
    if (writes.length === 0) return room.writes
    room.writes = room.writes
      .then(() => this.store.write(writes))
      .catch((err: Error) =>
        this.log.error('room %s: write failed: %s', room.log.roomIdHex, err.message),
      )
    return room.writes
  }

  /** Rejects when the write fails, so that nothing unwritten is published. */
  persistOwn(room: RoomRuntime, writes: RoomWrite[]): Promise<void> {
    const write = room.ownWrites.then(() => this.store.write(writes))
    room.ownWrites = write.catch((err: Error) =>
      this.log.error('room %s: write failed: %s', room.log.roomIdHex, err.message),
    )
    return write
  }

  /** Writes at once, behind no queue: for what must be on disk before we answer a peer. */
  writeNow(writes: RoomWrite[]): Promise<void> {
    return this.store.write(writes)
  }

  /** Writes the received chains that advanced since last time. */
  saveChains(room: RoomRuntime): void {
    const writes: RoomWrite[] = []
    for (const slot of room.dirtyKeys) {
      const [author, keyIdHex] = slot.split(':')
      const key = room.received.get(author)?.get(keyIdHex)
      if (key != null) writes.push(RoomStore.receivedKey(room.log.roomIdHex, author, key.toJSON()))
    }
    room.dirtyKeys.clear()
    void this.persist(room, writes)
  }

  /** Resolves once every write asked for so far, of both queues, has landed or failed. */
  async settled(room: RoomRuntime): Promise<void> {
    await Promise.all([room.writes, room.ownWrites])
  }
}

/**
 * Rebuilds a room from disk into `rooms`: its log, our chain (past its reservation), the
 * chains and texts received, the bundles not yet acknowledged. Messages are not decrypted
 * here (the intake does that); undefined when the room's CREATE event is missing.
 */
export function restoreRoom(
  stored: StoredRoom,
  events: SignedRoomEvent[],
  rooms: RoomRegistry,
  selfHex: string,
  log: Logger,
): RoomRuntime | undefined {
  const genesis = events.find((event) => event.idHex === stored.meta.roomId)
  if (genesis == null) {
    log('room %s has no CREATE event on disk; skipped', stored.meta.roomId)
    return undefined
  }
  const room = rooms.add(new RoomLog(genesis), stored.meta)
  if (stored.chain != null) {
    room.chain = new SenderKeyChain(deserializeSenderKey(stored.chain))
    // Positions up to the reservation may have been used before a crash: skip them.
    room.chain.skipTo(stored.chain.reservedUntil ?? 0)
  }
  for (const [id, text] of stored.texts) room.texts.set(id, text)
  for (const [id, extras] of stored.extras) room.extras.set(id, extras)
  for (const { author, key } of stored.receivedKeys) {
    const keys = room.received.get(author) ?? new Map<string, ReceivedSenderKey>()
    const restored = ReceivedSenderKey.fromJSON(key)
    keys.set(toHex(restored.keyId), restored)
    room.received.set(author, keys)
  }
  for (const { member, keyId, bytes } of stored.outgoing) {
    const pending = room.outgoing.get(member) ?? new Map<string, Uint8Array>()
    pending.set(keyId, bytes)
    room.outgoing.set(member, pending)
  }
  for (const event of events) room.log.ingest(event)
  if (stored.reservation != null) room.reservation = stored.reservation
  room.recovering =
    !room.reservation.cleanStop && room.reservation.seqReservedUntil > room.log.lastSeqOf(selfHex)
  return room
}
