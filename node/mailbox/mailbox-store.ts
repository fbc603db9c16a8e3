/**
 * What the offline mailbox keeps in LevelDB, one JSON value per key:
 *
 *   out/<slotId>       a deposit of ours, kept until collected, withdrawn or expired
 *   seq/<recipient>    the next pairwise slot number towards a recipient
 *   cursor/<sender>    the next slot number expected from a sender, and slots acknowledged past it
 *   seen/<slotId>      a slot collect() returned and that is not acknowledged yet
 *   tomb/<slotId>      a tombstone we still have to get into the DHT
 *
 * Envelopes in deposits are already end-to-end encrypted, and slot keys derive from the
 * identity, so nothing here is sealed; the database sits in the user's 0700 data dir.
 */
import type { AppLevel } from '../storage.ts'

export type SlotKind = 'pairwise' | 'inbox'

export interface OutgoingDeposit {
  /** Names the deposit in the API: the slot it was first put in. Never changes. */
  handle: string
  kind: SlotKind
  /** Hex of the recipient's identity key. */
  recipient: string
  /** Where the deposit lives now (an inbox deposit may move to another slot). */
  slotId: string
  sequence?: number
  inboxEpoch?: number
  inboxIndex?: number
  /** The signed record, base64. */
  record: string
  /** Inbox deposits: the sealed envelope, base64, so it can move to another slot. */
  payload?: string
  depositedMs: number
  /** After this the deposit is given up (`mailbox:expired`). */
  deadlineMs: number
  /** When the record in the DHT expires; an inbox deposit moves to a fresh slot then. */
  recordExpiresMs: number
  confirmed: number
  total: number
  lastPutMs: number
  stored: boolean
}

export interface SenderCursor {
  /** Every slot below this one is acknowledged, or lost for good. */
  next: number
  /** Slots above `next` already acknowledged. */
  acked: number[]
  /** Since when slot `next` has been missing while later ones were acknowledged. */
  gapSinceMs?: number
}

export interface CollectedSlot {
  kind: SlotKind
  /** Hex of the sender's identity key. */
  sender: string
  sequence?: number
  inboxEpoch?: number
  inboxIndex?: number
  /** recordDigest of the deposit returned, base64: the tombstone names it. */
  digest: string
}

export interface PendingTombstone {
  /** The signed tombstone, base64. */
  record: string
  expiresMs: number
}

type BatchOperation = { type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class MailboxStore {
  readonly #db: AppLevel

  constructor(db: AppLevel) {
    this.#db = db
  }

  getOutgoing(handle: string): Promise<OutgoingDeposit | undefined> {
    return this.#get(`out/${handle}`)
  }

  async putOutgoing(deposit: OutgoingDeposit): Promise<void> {
    await this.#db.put(`out/${deposit.handle}`, encode(deposit))
  }

  async deleteOutgoing(handle: string): Promise<void> {
    await this.#db.del(`out/${handle}`)
  }

  listOutgoing(): Promise<OutgoingDeposit[]> {
    return this.#list('out/')
  }

  getSequence(recipient: string): Promise<number | undefined> {
    return this.#get(`seq/${recipient}`)
  }

  /** Takes a slot number and records the deposit in it, atomically. */
  async reserveSequence(recipient: string, next: number, deposit: OutgoingDeposit): Promise<void> {
    await this.#db.batch([
      { type: 'put', key: `seq/${recipient}`, value: encode(next) },
      { type: 'put', key: `out/${deposit.handle}`, value: encode(deposit) },
    ])
  }

  getCursor(sender: string): Promise<SenderCursor | undefined> {
    return this.#get(`cursor/${sender}`)
  }

  async putCursor(sender: string, cursor: SenderCursor): Promise<void> {
    await this.#db.put(`cursor/${sender}`, encode(cursor))
  }

  async deleteCursor(sender: string): Promise<void> {
    await this.#db.del(`cursor/${sender}`)
  }

  getCollected(slotId: string): Promise<CollectedSlot | undefined> {
    return this.#get(`seen/${slotId}`)
  }

  async putCollected(entries: Array<[slotId: string, slot: CollectedSlot]>): Promise<void> {
    await this.#db.batch(
      entries.map(([slotId, slot]) => ({
        type: 'put' as const,
        key: `seen/${slotId}`,
        value: encode(slot),
      })),
    )
  }

  /**
   * Records an acknowledgement in one write: the slot leaves `seen`, its tombstone waits to
   * be sent, and (pairwise) the sender's cursor moves.
   */
  async acknowledge(
    slotId: string,
    tombstone: PendingTombstone | undefined,
    cursor?: { sender: string; value: SenderCursor },
  ): Promise<void> {
    const operations: BatchOperation[] = [{ type: 'del', key: `seen/${slotId}` }]
    if (tombstone != null) {
      operations.push({ type: 'put', key: `tomb/${slotId}`, value: encode(tombstone) })
    }
    if (cursor != null) {
      operations.push({ type: 'put', key: `cursor/${cursor.sender}`, value: encode(cursor.value) })
    }
    await this.#db.batch(operations)
  }

  async listPendingTombstones(): Promise<Array<[slotId: string, PendingTombstone]>> {
    const out: Array<[string, PendingTombstone]> = []
    for await (const [key, value] of this.#db.iterator(range('tomb/'))) {
      out.push([key.slice(5), decode(value)])
    }
    return out
  }

  async deletePendingTombstone(slotId: string): Promise<void> {
    await this.#db.del(`tomb/${slotId}`)
  }

  async #get<T>(key: string): Promise<T | undefined> {
    const value = await this.#db.get(key)
    return value == null ? undefined : decode(value)
  }

  async #list<T>(prefix: string): Promise<T[]> {
    const out: T[] = []
    for await (const value of this.#db.values(range(prefix))) out.push(decode(value))
    return out
  }
}

/** Keys that start with `prefix` (which ends in '/', and '0' follows '/' in ASCII). */
function range(prefix: string) {
  return { gt: prefix, lt: `${prefix.slice(0, -1)}0` }
}

function encode(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

function decode<T>(bytes: Uint8Array): T {
  return JSON.parse(decoder.decode(bytes)) as T
}
