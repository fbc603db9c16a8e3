/**
 * Device lists in the node's LevelDB, in the component's own sublevel (`devices`), whose
 * values the storage seals (node/storage.ts):
 *
 *   own            this account's signed device list
 *   friend/<hex>   the newest valid list of each friend (its account key in hex)
 *   sent/<hex>     the version of our list that messaging holds for that friend
 *   linked-state   on a linked device: the account's state its link handed over (LinkState)
 *
 * Every write is synced, and the store keeps what it holds in memory, so readers (friend
 * views) need no I/O. Values are the signed records as they travel: a list read back is
 * opened and checked again, so a damaged record is dropped (and logged), never trusted.
 */
import type { AppLevel } from '../storage.ts'

const OWN = 'own'
const FRIEND = 'friend/'
const SENT = 'sent/'
const LINKED_STATE = 'linked-state'
/** classic-level honours `sync` (through sublevels too); abstract-level's types omit it. */
const SYNC = { sync: true } as const
const encoder = new TextEncoder()
const decoder = new TextDecoder()

export interface StoredDeviceLists {
  own?: Uint8Array
  linkedState?: Uint8Array
  friends: Map<string, Uint8Array>
  sent: Map<string, number>
}

export class DeviceListStore {
  readonly #db: AppLevel

  constructor(db: AppLevel) {
    this.#db = db
  }

  async load(): Promise<StoredDeviceLists> {
    const stored: StoredDeviceLists = { friends: new Map(), sent: new Map() }
    for await (const [key, value] of this.#db.iterator()) {
      if (key === OWN) stored.own = value
      else if (key === LINKED_STATE) stored.linkedState = value
      else if (key.startsWith(FRIEND)) stored.friends.set(key.slice(FRIEND.length), value)
      else if (key.startsWith(SENT)) {
        stored.sent.set(key.slice(SENT.length), Number(decoder.decode(value)))
      }
    }
    return stored
  }

  putOwn(record: Uint8Array): Promise<void> {
    return this.#db.put(OWN, record, SYNC)
  }

  /** What a linked device keeps of its link: the account's list naming it, and the state. */
  putLinked(list: Uint8Array, state: Uint8Array): Promise<void> {
    return this.#db.batch(
      [
        { type: 'put', key: OWN, value: list },
        { type: 'put', key: LINKED_STATE, value: state },
      ],
      SYNC,
    )
  }

  putFriend(peerHex: string, record: Uint8Array): Promise<void> {
    return this.#db.put(FRIEND + peerHex, record, SYNC)
  }

  putSent(peerHex: string, version: number): Promise<void> {
    return this.#db.put(SENT + peerHex, encoder.encode(String(version)), SYNC)
  }

  /** A friendship ended: its list and what we sent it go. */
  forget(peerHex: string): Promise<void> {
    return this.#db.batch(
      [
        { type: 'del', key: FRIEND + peerHex },
        { type: 'del', key: SENT + peerHex },
      ],
      SYNC,
    )
  }
}
