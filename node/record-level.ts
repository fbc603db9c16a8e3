/**
 * The one door between a component and its LevelDB sublevel: every value written passes a
 * codec on the way in and out, so a store never seals or opens anything itself.
 *
 * On a node the codec seals (SealedRecords): each value is AES-256-GCM under a fresh random
 * nonce with `<sublevel>\0<key>` as associated data, under a key derived from the unlocked
 * identity and the sublevel's name, so a record moved to another key or sublevel, altered,
 * or read with another identity's key is refused with SealedRecordError, never returned.
 * Keys stay in the clear (ranges and order need them); a store whose keys would carry a
 * secret (a search token, a file's hash) puts `blind(secret)` in them instead.
 *
 * Where nothing needs sealing (a relay's public records, unit tests of a store's logic) the
 * codec is the identity (plainRecords) and the wrapper costs one function call.
 */
import type { AbstractIterator, AbstractSublevel } from 'abstract-level'
import type { Level } from 'level'
import { AtRestSealer } from './at-rest-sealer.ts'
import { SealedRecordError } from './errors.ts'
import type { Identity } from './identity/index.ts'

export type RawSublevel = AbstractSublevel<
  Level<string, Uint8Array>,
  string | Uint8Array | Buffer,
  string,
  Uint8Array
>

export interface RecordCodec {
  encode(key: string, value: Uint8Array): Uint8Array
  /** Throws SealedRecordError when the value does not open. */
  decode(key: string, value: Uint8Array): Uint8Array
  /** What a secret part of a key is stored as. */
  blind(name: string): string
}

export const plainRecords: RecordCodec = {
  encode: (_key, value) => value,
  decode: (_key, value) => value,
  blind: (name) => name,
}

/** The label the sublevel keys are derived under; changing it orphans every record. */
export const STORAGE_KEY_LABEL = 'tokenim/storage/v1/'

/** Blinded names remembered per sublevel: search tokens repeat, and each HMAC costs. */
const BLIND_CACHE_SIZE = 10_000
const EMPTY = new Uint8Array(0)

export class SealedRecords implements RecordCodec {
  readonly #sublevel: string
  readonly #sealer: AtRestSealer
  readonly #blinded = new Map<string, string>()
  readonly #keepEmpty: boolean

  /**
   * `keepEmpty`: an empty value is kept empty, unsealed. Only for a sublevel whose empty
   * values say nothing and whose others no store takes when emptied (the search index: a
   * posting's key is all it says; sealing each would cost more than the rest of indexing).
   */
  constructor(
    identity: Pick<Identity, 'privateKey' | 'atRestSeed'>,
    sublevel: string,
    { keepEmpty = false } = {},
  ) {
    this.#sublevel = sublevel
    this.#sealer = new AtRestSealer(identity, STORAGE_KEY_LABEL + sublevel)
    this.#keepEmpty = keepEmpty
  }

  encode(key: string, value: Uint8Array): Uint8Array {
    if (this.#keepEmpty && value.length === 0) return EMPTY
    return this.#sealer.seal(`${this.#sublevel}\0${key}`, value)
  }

  decode(key: string, value: Uint8Array): Uint8Array {
    if (this.#keepEmpty && value.length === 0) return EMPTY
    try {
      return this.#sealer.open(`${this.#sublevel}\0${key}`, value)
    } catch {
      throw new SealedRecordError(
        `the record "${key}" of ${this.#sublevel} does not open: it was altered, moved, or sealed by another identity`,
      )
    }
  }

  blind(name: string): string {
    let blinded = this.#blinded.get(name)
    if (blinded == null) {
      if (this.#blinded.size >= BLIND_CACHE_SIZE) this.#blinded.clear()
      blinded = this.#sealer.blind(name)
      this.#blinded.set(name, blinded)
    }
    return blinded
  }
}

export interface RangeOptions {
  gt?: string
  gte?: string
  lt?: string
  lte?: string
  reverse?: boolean
  limit?: number
}

/** classic-level honours `sync` (through sublevels too); abstract-level's types omit it. */
export interface WriteOptions {
  sync?: boolean
}

export type RecordOp =
  | { type: 'put'; key: string; value: Uint8Array }
  | { type: 'del'; key: string }

/** An op on another sublevel of the same database, committed in the same batch. */
export type RecordBatchOp = RecordOp & { sublevel?: RecordLevel }

export class RecordLevel {
  readonly raw: RawSublevel
  readonly codec: RecordCodec

  constructor(raw: RawSublevel, codec: RecordCodec = plainRecords) {
    this.raw = raw
    this.codec = codec
  }

  blind(name: string): string {
    return this.codec.blind(name)
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.raw.get(key)
    return value == null ? undefined : this.codec.decode(key, value)
  }

  async getMany(keys: string[]): Promise<Array<Uint8Array | undefined>> {
    const values = await this.raw.getMany(keys)
    return values.map((value, i) => (value == null ? undefined : this.codec.decode(keys[i], value)))
  }

  put(key: string, value: Uint8Array, options: WriteOptions = {}): Promise<void> {
    return this.raw.put(key, this.codec.encode(key, value), options as object)
  }

  del(key: string, options: WriteOptions = {}): Promise<void> {
    return this.raw.del(key, options as object)
  }

  batch(ops: RecordBatchOp[], options: WriteOptions = {}): Promise<void> {
    const raw = ops.map((op) => {
      const level = op.sublevel ?? this
      const sublevel = op.sublevel == null ? {} : { sublevel: op.sublevel.raw }
      return op.type === 'del'
        ? { type: 'del' as const, key: op.key, ...sublevel }
        : {
            type: 'put' as const,
            key: op.key,
            value: level.codec.encode(op.key, op.value),
            ...sublevel,
          }
    })
    // abstract-level's types want an op's `sublevel` below this one; any of the same root works.
    return this.raw.batch(raw as never, options as object)
  }

  /** Entries in key order, each value opened. */
  iterator(options: RangeOptions = {}): RecordIterator<[string, Uint8Array]> {
    return new RecordIterator(this.raw.iterator(options), (key, value) => [
      key,
      this.codec.decode(key, value),
    ])
  }

  /** Keys only: nothing to open, so LevelDB's own key iterator. */
  keys(options: RangeOptions = {}) {
    return this.raw.keys(options)
  }

  values(options: RangeOptions = {}): RecordIterator<Uint8Array> {
    return new RecordIterator(this.raw.iterator(options), (key, value) =>
      this.codec.decode(key, value),
    )
  }

  clear(options: RangeOptions = {}): Promise<void> {
    return this.raw.clear(options)
  }
}

type RawIterator = AbstractIterator<RawSublevel, string, Uint8Array>

/** A LevelDB iterator whose entries pass the codec; closes the inner one however it ends. */
export class RecordIterator<T> {
  readonly #inner: RawIterator
  readonly #map: (key: string, value: Uint8Array) => T

  constructor(inner: RawIterator, map: (key: string, value: Uint8Array) => T) {
    this.#inner = inner
    this.#map = map
  }

  async next(): Promise<T | undefined> {
    const entry = await this.#inner.next()
    return entry === undefined ? undefined : this.#map(entry[0], entry[1])
  }

  seek(target: string): void {
    this.#inner.seek(target)
  }

  close(): Promise<void> {
    return this.#inner.close()
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const [key, value] of this.#inner) yield this.#map(key, value)
  }
}
