/**
 * Rooms on disk, in the node's `rooms` sublevel. Keys: `<room>!meta`, `<room>!chain` (our
 * sending chain), `<room>!reservation` (seqs reserved, clean stop), `<room>!e!<event id>` (signed events), `<room>!t!<event id>` (decrypted
 * text), `<room>!x!<event id>` (what a message answers or acts on, when it does), `<room>!rk!<author>!<key id>` (sender keys received), `<room>!out!<member>!<key id>`
 * (sealed bundles not yet acknowledged). Room, author and key ids are hex, so `!` never
 * appears inside a part.
 */
import type { SerializedReceivedKey, SerializedSenderKey } from '../../protocol/rooms/index.ts'
import type { AppLevel } from '../storage.ts'
import type { RoomExtras } from './room-runtime.ts'

export interface RoomMeta {
  roomId: string
  /** We hold (or are joining) a membership; false once we left or were removed. */
  joined: boolean
  /** The invite secret, base64, for owners and admins of invite-only rooms. */
  inviteSeed?: string
  /** Messages with a lamport up to this one are read. */
  readLamport: number
}

/** Written only in order with our own events (never from a stale copy of the meta). */
export interface Reservation {
  /** Our events may have used seqs up to this one (see RoomService's reservations). */
  seqReservedUntil: number
  /** False while the node runs; true once it stopped cleanly with every write done. */
  cleanStop: boolean
}

/** Our sending chain as written: its state at `index`, and how far it may have been used. */
export interface StoredChain extends SerializedSenderKey {
  reservedUntil?: number
}

export interface StoredRoom {
  meta: RoomMeta
  chain?: StoredChain
  reservation?: Reservation
  events: Uint8Array[]
  texts: Map<string, string>
  extras: Map<string, RoomExtras>
  receivedKeys: Array<{ author: string; key: SerializedReceivedKey }>
  outgoing: Array<{ member: string; keyId: string; bytes: Uint8Array }>
}

export type RoomWrite =
  | { type: 'put'; key: string; value: Uint8Array }
  | { type: 'del'; key: string }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class RoomStore {
  private readonly db: AppLevel

  constructor(db: AppLevel) {
    this.db = db
  }

  async roomIds(): Promise<string[]> {
    const ids: string[] = []
    for await (const key of this.db.keys()) if (key.endsWith('!meta')) ids.push(key.slice(0, -5))
    return ids
  }

  async load(roomId: string): Promise<StoredRoom | undefined> {
    const room: StoredRoom = {
      meta: undefined as unknown as RoomMeta,
      events: [],
      texts: new Map(),
      extras: new Map(),
      receivedKeys: [],
      outgoing: [],
    }
    let found = false
    for await (const [key, value] of this.db.iterator({ gt: `${roomId}!`, lt: `${roomId}"` })) {
      const parts = key.slice(roomId.length + 1).split('!')
      switch (parts[0]) {
        case 'meta':
          room.meta = json(value)
          found = true
          break
        case 'chain':
          room.chain = json(value)
          break
        case 'reservation':
          room.reservation = json(value)
          break
        case 'e':
          room.events.push(value)
          break
        case 't':
          room.texts.set(parts[1], decoder.decode(value))
          break
        case 'x':
          room.extras.set(parts[1], json(value))
          break
        case 'rk':
          room.receivedKeys.push({ author: parts[1], key: json(value) })
          break
        case 'out':
          room.outgoing.push({ member: parts[1], keyId: parts[2], bytes: value })
          break
      }
    }
    return found ? room : undefined
  }

  async write(operations: RoomWrite[]): Promise<void> {
    if (operations.length > 0) await this.db.batch(operations)
  }

  static meta(meta: RoomMeta): RoomWrite {
    return { type: 'put', key: `${meta.roomId}!meta`, value: toJson(meta) }
  }

  /** Our sending chain; without one, the write removes it (our key moved: key-moves). */
  static chain(roomId: string, chain?: StoredChain): RoomWrite {
    const key = `${roomId}!chain`
    return chain == null ? { type: 'del', key } : { type: 'put', key, value: toJson(chain) }
  }

  static reservation(roomId: string, reservation: Reservation): RoomWrite {
    return { type: 'put', key: `${roomId}!reservation`, value: toJson(reservation) }
  }

  static event(roomId: string, id: string, bytes: Uint8Array): RoomWrite {
    return { type: 'put', key: `${roomId}!e!${id}`, value: bytes }
  }

  static text(roomId: string, id: string, text: string): RoomWrite {
    return { type: 'put', key: `${roomId}!t!${id}`, value: encoder.encode(text) }
  }

  /** A message's extras; without any, the write removes them (a recall). */
  static extras(roomId: string, id: string, extras?: RoomExtras): RoomWrite {
    const key = `${roomId}!x!${id}`
    return extras == null ? { type: 'del', key } : { type: 'put', key, value: toJson(extras) }
  }

  static receivedKey(roomId: string, author: string, key: SerializedReceivedKey): RoomWrite {
    return { type: 'put', key: `${roomId}!rk!${author}!${key.keyId}`, value: toJson(key) }
  }

  static outgoing(roomId: string, member: string, keyId: string, bytes?: Uint8Array): RoomWrite {
    const key = `${roomId}!out!${member}!${keyId}`
    return bytes == null ? { type: 'del', key } : { type: 'put', key, value: bytes }
  }
}

function toJson(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

function json<T>(value: Uint8Array): T {
  return JSON.parse(decoder.decode(value)) as T
}
