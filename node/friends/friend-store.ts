/**
 * What friends keep in LevelDB, in one sublevel, mirrored in memory (friend lists are small)
 * so reads never touch the disk and `isBlocked` can answer synchronously:
 *
 *   f/<peer>   FriendRecord     a friend
 *   i/<peer>   IncomingRecord   a request waiting for our answer (one per peer, the latest)
 *   o/<peer>   OutgoingRecord   our request waiting for the peer's answer
 *   b/<peer>   BlockedRecord    a blocked peer
 *   s/<id>     PendingSend      a friend message not yet handed to messaging
 *   r/<peer>   RetiredKey       a friend's key its account rotated away from: refused
 *   a/<peer>   AnsweredRequest  how far the last request with the peer got (friendship, or
 *                               ended): what comes late naming it is not taken (friend-sync.ts)
 *
 * <peer> is the peer's Ed25519 key in hex. Every change is one synced batch, applied to
 * memory only once it is on disk.
 */
import type { AppLevel } from '../storage.ts'
import type { FriendKeyChain } from './key-rotation.ts'

export interface FriendRecord {
  /** ms since the Unix epoch. */
  since: number
  /** The request the friendship started from, hex. */
  requestId: string
  /** Verified `name@<relay peer id>`, or null. */
  name: string | null
  /** The friend's key chain, once it rotated its key (key-rotation.ts). */
  keyChain?: FriendKeyChain
}

export interface RetiredKey {
  /** The account's first key we knew, hex. */
  account: string
  /** The key that held the account when this one was retired, hex. */
  current: string
  at: number
}

export interface IncomingRecord {
  requestId: string
  note: string
  /** Verified name, or null. */
  name: string | null
  /** The name the request claims, until the directory confirms it (then null). */
  claim: string | null
  /** When it arrived here. */
  at: number
}

export interface OutgoingRecord {
  requestId: string
  note: string
  name: string | null
  at: number
}

export interface BlockedRecord {
  since: number
  name: string | null
}

export interface PendingSend {
  /** The recipient's key, hex. */
  peer: string
  /** The encoded FriendMessage, base64. */
  payload: string
  /** A request or answer: it goes to every device of the peer's account (account-reach.ts). */
  account?: boolean
}

export interface AnsweredRequest {
  /** hex */
  requestId: string
  /** It ended (declined, withdrawn, the friendship ended); false: it became a friendship. */
  ended: boolean
  at: number
}

export interface FriendTables {
  friends: FriendRecord
  incoming: IncomingRecord
  outgoing: OutgoingRecord
  blocked: BlockedRecord
  sends: PendingSend
  retired: RetiredKey
  answered: AnsweredRequest
}

export type Table = keyof FriendTables

const PREFIX: Record<Table, string> = {
  friends: 'f/',
  incoming: 'i/',
  outgoing: 'o/',
  blocked: 'b/',
  sends: 's/',
  retired: 'r/',
  answered: 'a/',
}

export type Change = {
  [T in Table]:
    | { table: T; key: string; value: FriendTables[T] }
    | { table: T; key: string; value: null }
}[Table]

export class FriendStore {
  readonly #db: AppLevel
  readonly #tables: { [T in Table]: Map<string, FriendTables[T]> } = {
    friends: new Map(),
    incoming: new Map(),
    outgoing: new Map(),
    blocked: new Map(),
    sends: new Map(),
    retired: new Map(),
    answered: new Map(),
  }

  constructor(db: AppLevel) {
    this.#db = db
  }

  async load(): Promise<void> {
    for (const map of Object.values(this.#tables)) map.clear()
    for await (const [key, value] of this.#db.iterator()) {
      const table = (Object.keys(PREFIX) as Table[]).find((name) => key.startsWith(PREFIX[name]))
      if (table == null) continue
      const map = this.#tables[table] as Map<string, unknown>
      map.set(key.slice(PREFIX[table].length), JSON.parse(decoder.decode(value)))
    }
  }

  get<T extends Table>(table: T, key: string): FriendTables[T] | undefined {
    return this.#tables[table].get(key)
  }

  has(table: Table, key: string): boolean {
    return this.#tables[table].has(key)
  }

  entries<T extends Table>(table: T): Array<[string, FriendTables[T]]> {
    return [...this.#tables[table]]
  }

  /**
   * What every batch of a change made here carries besides the change itself (the syncs to
   * the account's other devices, friend-sync.ts); not called for an entry taken from one.
   */
  amend: (changes: Change[], byPeer: boolean) => Change[] = (changes) => changes

  /**
   * Writes the changes in one synced batch, then shows them in memory. `following`: the
   * change came from another device of the account, so nothing is added to it. `byPeer`: the
   * peer's message ended where we stood with it (a removal, a decline).
   */
  async write(
    changes: Change[],
    options: { following?: boolean; byPeer?: boolean } = {},
  ): Promise<void> {
    if (options.following !== true) changes = this.amend(changes, options.byPeer === true)
    if (changes.length === 0) return
    await this.#db.batch(
      changes.map((change) =>
        change.value == null
          ? { type: 'del' as const, key: PREFIX[change.table] + change.key }
          : {
              type: 'put' as const,
              key: PREFIX[change.table] + change.key,
              value: encoder.encode(JSON.stringify(change.value)),
            },
      ),
      SYNC,
    )
    for (const change of changes) {
      const map = this.#tables[change.table] as Map<string, unknown>
      if (change.value == null) map.delete(change.key)
      else map.set(change.key, change.value)
    }
  }
}

/** classic-level honours `sync` (through sublevels too); abstract-level's types omit it. */
const SYNC = { sync: true } as unknown as Record<string, never>
const encoder = new TextEncoder()
const decoder = new TextDecoder()
