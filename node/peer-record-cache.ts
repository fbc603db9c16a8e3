/**
 * libp2p's datastore with the peer store's records held in memory. libp2p merges the
 * protocol into the remote peer's record on every stream opened or accepted: a datastore
 * `get` and a `put` each time, and the put differs from what is stored only in the record's
 * `updated` time. On LevelDB (sealed on a node) that was the largest idle cost of a node.
 *
 * Guarantees: a read returns the latest record written, from memory when held. A record
 * whose content changed is written through at once. A record that differs from the one
 * last written only in its `updated` time is kept in memory and written no more often than
 * every PEER_RECORD_REWRITE_MS, so what a restart reads is at most that much older than
 * the record in use: well inside the peer store's own ages (an address is kept an hour
 * from when it was observed, a peer six hours from its update), and the addresses' own
 * `observed` times are content, written at once. At most PEER_RECORD_CACHE_ENTRIES
 * records are held (least recently used dropped first). Everything else (DHT records,
 * queries, batches) goes to the inner datastore as is; a batch forgets the records it
 * touches.
 */
import type { AbortOptions } from '@libp2p/interface'
import type { Batch, Datastore, Key, KeyQuery, Pair, Query } from 'interface-datastore'
import { equals } from 'uint8arrays/equals'
import { PEER_RECORD_CACHE_ENTRIES, PEER_RECORD_REWRITE_MS } from '../protocol/limits.ts'
import { KeyByKeyDatastore } from './key-by-key-datastore.ts'

/** The peer store's namespace (@libp2p/peer-store). */
const PEERS_PREFIX = '/peers/'

interface Held {
  /** The latest record, as libp2p wrote it. */
  value: Uint8Array
  /** The record without its `updated` field, and that field, as last written to disk. */
  writtenBody: Uint8Array
  writtenAt: number
}

export interface PeerRecordCacheInit {
  entries?: number
  rewriteMs?: number
}

export class PeerRecordCache extends KeyByKeyDatastore implements Datastore {
  readonly #inner: Datastore
  readonly #held = new Map<string, Held>()
  readonly #entries: number
  readonly #rewriteMs: number

  constructor(inner: Datastore, init: PeerRecordCacheInit = {}) {
    super()
    this.#inner = inner
    this.#entries = init.entries ?? PEER_RECORD_CACHE_ENTRIES
    this.#rewriteMs = init.rewriteMs ?? PEER_RECORD_REWRITE_MS
  }

  async put(key: Key, value: Uint8Array, options?: AbortOptions): Promise<Key> {
    const name = key.toString()
    if (!name.startsWith(PEERS_PREFIX)) return this.#inner.put(key, value, options)
    const record = splitUpdated(value)
    const held = this.#held.get(name)
    if (
      held != null &&
      record != null &&
      equals(record.body, held.writtenBody) &&
      record.updated - held.writtenAt < this.#rewriteMs
    ) {
      held.value = value
      this.#touch(name, held)
      return key
    }
    await this.#inner.put(key, value, options)
    if (record == null) {
      this.#held.delete(name)
    } else {
      this.#touch(name, { value, writtenBody: record.body, writtenAt: record.updated })
    }
    return key
  }

  async get(key: Key, options?: AbortOptions): Promise<Uint8Array> {
    const name = key.toString()
    const held = this.#held.get(name)
    if (held != null) {
      this.#touch(name, held)
      return held.value
    }
    const value = await this.#inner.get(key, options)
    if (name.startsWith(PEERS_PREFIX)) {
      const record = splitUpdated(value)
      if (record != null) {
        this.#touch(name, { value, writtenBody: record.body, writtenAt: record.updated })
      }
    }
    return value
  }

  async has(key: Key, options?: AbortOptions): Promise<boolean> {
    return this.#held.has(key.toString()) || this.#inner.has(key, options)
  }

  async delete(key: Key, options?: AbortOptions): Promise<void> {
    this.#held.delete(key.toString())
    await this.#inner.delete(key, options)
  }

  batch(): Batch {
    const inner = this.#inner.batch()
    return {
      put: (key, value) => {
        this.#held.delete(key.toString())
        inner.put(key, value)
      },
      delete: (key) => {
        this.#held.delete(key.toString())
        inner.delete(key)
      },
      commit: (options) => inner.commit(options),
    }
  }

  /** Answered by the inner store: a held record's disk copy differs only in `updated`. */
  async *query(query: Query, options?: AbortOptions): AsyncGenerator<Pair> {
    yield* this.#inner.query(query, options)
  }

  async *queryKeys(query: KeyQuery, options?: AbortOptions): AsyncGenerator<Key> {
    yield* this.#inner.queryKeys(query, options)
  }

  /** Marks `name` as the most recently used, dropping the least recently used past the bound. */
  #touch(name: string, held: Held): void {
    this.#held.delete(name)
    this.#held.set(name, held)
    if (this.#held.size > this.#entries) {
      const oldest = this.#held.keys().next().value
      if (oldest != null) this.#held.delete(oldest)
    }
  }
}

/** Field 8 of the peer store's `Peer` message, a varint: the time of the last update. */
const UPDATED_FIELD = 8
const VARINT = 0
const FIXED64 = 1
const LENGTH_DELIMITED = 2
const FIXED32 = 5

/**
 * The record's top-level fields without `updated`, and `updated` (0 if absent); undefined
 * for bytes that do not parse as protobuf, which are then always written through.
 */
export function splitUpdated(bytes: Uint8Array): { body: Uint8Array; updated: number } | undefined {
  const kept: Uint8Array[] = []
  let updated = 0
  let offset = 0
  while (offset < bytes.length) {
    const start = offset
    const tag = readVarint(bytes, offset)
    if (tag == null) return undefined
    offset = tag.end
    const wireType = tag.value % 8
    let end: number
    let value: number | undefined
    if (wireType === VARINT) {
      const varint = readVarint(bytes, offset)
      if (varint == null) return undefined
      end = varint.end
      value = varint.value
    } else if (wireType === FIXED64) {
      end = offset + 8
    } else if (wireType === FIXED32) {
      end = offset + 4
    } else if (wireType === LENGTH_DELIMITED) {
      const length = readVarint(bytes, offset)
      if (length == null) return undefined
      end = length.end + length.value
    } else {
      return undefined
    }
    if (end > bytes.length) return undefined
    if (Math.floor(tag.value / 8) === UPDATED_FIELD && value != null) {
      updated = value
    } else {
      kept.push(bytes.subarray(start, end))
    }
    offset = end
  }
  const body = new Uint8Array(kept.reduce((sum, part) => sum + part.length, 0))
  let at = 0
  for (const part of kept) {
    body.set(part, at)
    at += part.length
  }
  return { body, updated }
}

/** An unsigned varint of at most 7 bytes (below 2^49: a time in ms, a length). */
function readVarint(bytes: Uint8Array, offset: number): { value: number; end: number } | undefined {
  let value = 0
  let scale = 1
  for (let i = offset; i < bytes.length && i < offset + 7; i++) {
    const byte = bytes[i] as number
    value += (byte & 0x7f) * scale
    if (byte < 0x80) return { value, end: i + 1 }
    scale *= 128
  }
  return undefined
}
