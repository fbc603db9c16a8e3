/**
 * The layout both the device list (node/devices) and profiles (node/profiles) keep in their
 * own sublevel, whose values the storage seals and whose peer names it hides (node/storage.ts):
 *
 *   own            this account's signed record
 *   friend/<hex>   the newest valid record of each friend (its account key in hex)
 *   sent/<hex>     the version of ours that messaging holds for that device
 *
 * plus any other keys a part adds (`extra`). Every write is synced. Values are the signed
 * records as they travel: a record read back is opened and checked again by its part, so a
 * damaged one is dropped (and logged), never trusted.
 */
import type { AppLevel } from './storage.ts'

const OWN = 'own'
const FRIEND = 'friend/'
const SENT = 'sent/'
/** classic-level honours `sync` (through sublevels too); abstract-level's types omit it. */
export const SYNC = { sync: true } as const
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface StoredFriendRecords {
  own?: Uint8Array
  friends: Map<string, Uint8Array>
  sent: Map<string, number>
  /** Any other key of the sublevel, as stored. */
  extra: Map<string, Uint8Array>
}

export class FriendRecordsStore {
  protected readonly db: AppLevel

  constructor(db: AppLevel) {
    this.db = db
  }

  async loadRecords(): Promise<StoredFriendRecords> {
    const stored: StoredFriendRecords = { friends: new Map(), sent: new Map(), extra: new Map() }
    for await (const [key, value] of this.db.iterator()) {
      if (key === OWN) stored.own = value
      else if (key.startsWith(FRIEND)) stored.friends.set(key.slice(FRIEND.length), value)
      else if (key.startsWith(SENT)) {
        stored.sent.set(key.slice(SENT.length), Number(decoder.decode(value)))
      } else stored.extra.set(key, value)
    }
    return stored
  }

  putOwn(record: Uint8Array): Promise<void> {
    return this.db.put(OWN, record, SYNC)
  }

  putFriend(peerHex: string, record: Uint8Array): Promise<void> {
    return this.db.put(FRIEND + peerHex, record, SYNC)
  }

  putSent(peerHex: string, version: number): Promise<void> {
    return this.db.put(SENT + peerHex, encoder.encode(String(version)), SYNC)
  }

  /** A friendship ended: its record and what we sent it go. */
  forget(peerHex: string): Promise<void> {
    return this.db.batch(
      [
        { type: 'del', key: FRIEND + peerHex },
        { type: 'del', key: SENT + peerHex },
      ],
      SYNC,
    )
  }
}
