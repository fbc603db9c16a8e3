/** What the room service holds in memory for one room. */
import type { ReceivedSenderKey, RoomLog, SenderKeyChain } from '../../protocol/rooms/index.ts'
import type { Reservation, RoomMeta } from './room-store.ts'

export interface RoomRuntime {
  log: RoomLog
  meta: RoomMeta
  topic: string
  chain?: SenderKeyChain
  /** Our chain is on disk as used up to here: a send below it needs no write first. */
  chainReservedUntil: number
  reservation: Reservation
  /**
   * After an unclean stop: our seqs up to reservation.seqReservedUntil may be taken. Cleared
   * only once the seq floor is set, after the syncs of `recovery`.
   */
  recovering: boolean
  /** The seq recovery under way, which every event of ours waits for. */
  recovery?: Promise<void>
  /** author hex -> key id hex -> chain. */
  received: Map<string, Map<string, ReceivedSenderKey>>
  texts: Map<string, string>
  /** Received chains that advanced since they were last written: `${author}:${keyId}`. */
  dirtyKeys: Set<string>
  /** Message ids waiting for a sender key: `${author}:${keyId}` -> ids. */
  locked: Map<string, Set<string>>
  shown: Set<string>
  /** member hex -> key id hex -> sealed bundle, until the member acknowledges it. */
  outgoing: Map<string, Map<string, Uint8Array>>
  subscribed: boolean
  /** `${peer}` -> when we last synced with it. */
  lastSync: Map<string, number>
  syncing: Set<string>
  /** Persistence, in order, off the hot path. */
  writes: Promise<void>
  /**
   * Writes of our own chain and events, in their own queue: a send waits for its own write
   * (the chain is on disk before its ciphertext leaves), never behind what others sent us.
   */
  ownWrites: Promise<void>
}
