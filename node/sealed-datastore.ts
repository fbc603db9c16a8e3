/**
 * libp2p's datastore on a node, sealed like the app's records: its peer store keeps the
 * addresses, protocols and keys of every peer met (who we talk to), and its DHT records
 * what others stored with us. Every value is AES-256-GCM under a key derived from the
 * unlocked identity, with the datastore key as associated data (at-rest-sealer.ts), and the
 * peer id that names a peer store entry (`/peers/<peer id>`) is hidden (key-names.ts), so a
 * copied data dir shows how many peers were met, not which.
 *
 * Everything else of a key stays as libp2p wrote it (DHT keys are unlinkable to people by
 * design, doc/mailbox.md): libp2p queries them by prefix. Queries are answered from the
 * inner store's prefix range; their filters, orders, offset and limit are applied here, to
 * the opened entries.
 */
import type { AbortOptions } from '@libp2p/interface'
import type { LevelDatastore } from 'datastore-level'
import {
  type Batch,
  type Datastore,
  Key,
  type KeyQuery,
  type Pair,
  type Query,
} from 'interface-datastore'
import { AtRestSealer } from './at-rest-sealer.ts'
import { SealedRecordError } from './errors.ts'
import type { Identity } from './identity/index.ts'
import { KeyByKeyDatastore } from './key-by-key-datastore.ts'
import type { HiddenKeyNames } from './key-names.ts'
import { type RawSublevel, STORAGE_KEY_LABEL } from './record-level.ts'

/** The peer store's namespace (@libp2p/peer-store); the segment after it is a peer id. */
const PEERS_PREFIX = '/peers/'
/** Entries re-written per batch when a plain datastore is sealed. */
const BATCH = 500

export class SealedDatastore extends KeyByKeyDatastore implements Datastore {
  readonly #inner: LevelDatastore
  readonly #sealer: AtRestSealer
  readonly #names: HiddenKeyNames

  constructor(
    inner: LevelDatastore,
    identity: Pick<Identity, 'privateKey' | 'atRestSeed'>,
    names: HiddenKeyNames,
  ) {
    super()
    this.#inner = inner
    this.#sealer = new AtRestSealer(identity, `${STORAGE_KEY_LABEL}libp2p`)
    this.#names = names
  }

  /**
   * Seals what a node wrote before its datastore was sealed: every entry of `raw` (the
   * datastore's LevelDB sublevel) that does not open is re-written sealed, at its hidden key.
   * Idempotent; returns the number re-written.
   */
  async sealLegacyEntries(raw: RawSublevel): Promise<number> {
    let sealed = 0
    let ops: Array<{ type: 'put'; key: string; value: Uint8Array } | { type: 'del'; key: string }> =
      []
    for await (const [stored, value] of raw.iterator()) {
      const logical = this.#reveal(stored)
      if (this.#opens(logical, value)) continue
      const target = this.#hide(logical)
      if (target !== stored) ops.push({ type: 'del', key: stored })
      ops.push({ type: 'put', key: target, value: this.#sealer.seal(logical, value) })
      sealed++
      if (ops.length >= BATCH) {
        await raw.batch(ops, { sync: true } as object)
        ops = []
      }
    }
    if (ops.length > 0) await raw.batch(ops, { sync: true } as object)
    return sealed
  }

  async put(key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    await this.#inner.put(this.#stored(key), this.#seal(key, value), options)
    return key
  }

  async get(key: Key, options?: AbortOptions): Promise<Uint8Array> {
    return this.#open(key.toString(), await this.#inner.get(this.#stored(key), options))
  }

  has(key: Key, options?: AbortOptions): Promise<boolean> {
    return this.#inner.has(this.#stored(key), options)
  }

  async delete(key: Key, options?: AbortOptions): Promise<void> {
    await this.#inner.delete(this.#stored(key), options)
  }

  batch(): Batch {
    const inner = this.#inner.batch()
    return {
      put: (key, value) => inner.put(this.#stored(key), this.#seal(key, value)),
      delete: (key) => inner.delete(this.#stored(key)),
      commit: (options) => inner.commit(options),
    }
  }

  async *query(query: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    const entries = this.#inner.query({ prefix: this.#prefix(query.prefix) }, options)
    const opened = (async function* (self: SealedDatastore) {
      for await (const { key, value } of entries) {
        const logical = self.#reveal(key.toString())
        yield { key: new Key(logical), value: self.#open(logical, value) }
      }
    })(this)
    yield* refine(opened, query, (pair) => pair.key.toString())
  }

  async *queryKeys(query: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    const keys = this.#inner.queryKeys({ prefix: this.#prefix(query.prefix) }, options)
    const revealed = (async function* (self: SealedDatastore) {
      for await (const key of keys) yield new Key(self.#reveal(key.toString()))
    })(this)
    yield* refine(revealed, query, (key) => key.toString())
  }

  #stored(key: Key): Key {
    const text = key.toString()
    const hidden = this.#hide(text)
    return hidden === text ? key : new Key(hidden)
  }

  /** A prefix that ends inside a peer id cannot be hidden: such a query reads all peers. */
  #prefix(prefix: string | undefined): string | undefined {
    if (prefix == null || !prefix.startsWith(PEERS_PREFIX)) return prefix
    const rest = prefix.slice(PEERS_PREFIX.length)
    return rest.includes('/') ? this.#hide(prefix) : PEERS_PREFIX
  }

  #hide(key: string): string {
    return this.#mapPeer(key, (peer) => this.#names.hideSegment(peer))
  }

  #reveal(key: string): string {
    return this.#mapPeer(key, (peer) => this.#names.revealSegment(peer))
  }

  /** `key` with the peer id of a peer store key (`/peers/<id>[/…]`) mapped. */
  #mapPeer(key: string, map: (peer: string) => string): string {
    if (!key.startsWith(PEERS_PREFIX)) return key
    const rest = key.slice(PEERS_PREFIX.length)
    const end = rest.indexOf('/')
    const peer = end < 0 ? rest : rest.slice(0, end)
    return PEERS_PREFIX + map(peer) + (end < 0 ? '' : rest.slice(end))
  }

  #seal(key: Key, value: Uint8Array): Uint8Array {
    return this.#sealer.seal(key.toString(), value)
  }

  #open(key: string, value: Uint8Array): Uint8Array {
    try {
      return this.#sealer.open(key, value)
    } catch {
      throw new SealedRecordError(
        `libp2p's record "${key}" does not open: it was altered, moved, or sealed by another identity`,
      )
    }
  }

  #opens(key: string, value: Uint8Array): boolean {
    try {
      this.#sealer.open(key, value)
      return true
    } catch {
      return false
    }
  }
}

/** A query's prefix (for a peer-id prefix too wide), filters, orders, offset and limit. */
async function* refine<T>(
  source: AsyncIterable<T>,
  query: {
    prefix?: string
    filters?: Array<(item: T) => boolean>
    orders?: Array<(a: T, b: T) => -1 | 0 | 1>
    offset?: number
    limit?: number
  },
  keyOf: (item: T) => string,
): AsyncGenerator<T> {
  const passes = (item: T) =>
    (query.prefix == null || keyOf(item).startsWith(query.prefix)) &&
    (query.filters ?? []).every((filter) => filter(item))
  let items: AsyncIterable<T> | T[] = source
  if (query.orders != null && query.orders.length > 0) {
    const all: T[] = []
    for await (const item of source) if (passes(item)) all.push(item)
    for (const order of [...query.orders].reverse()) all.sort(order)
    items = all
  }
  let skipped = 0
  let yielded = 0
  for await (const item of items) {
    if (!Array.isArray(items) && !passes(item)) continue
    if (skipped < (query.offset ?? 0)) {
      skipped++
      continue
    }
    if (query.limit != null && yielded >= query.limit) return
    yield item
    yielded++
  }
}
