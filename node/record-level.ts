/**
 * The one door between a component and its LevelDB sublevel: every value written passes a
 * codec on the way in and out, so a store never seals or opens anything itself.
 *
 * On a node the codec seals (SealedRecords): each value is AES-256-GCM under a fresh random
 * nonce with `<sublevel>\0<key>` as associated data, under a key derived from the unlocked
 * identity and the sublevel's name, so a record moved to another key or sublevel, altered,
 * or read with another identity's key is refused with SealedRecordError, never returned.
 * Names of peers, conversations and rooms in keys are hidden on the way in and read back on
 * the way out (key-names.ts); the rest of a key stays in the clear (ranges and order need
 * it), and the associated data is the key as the store wrote it. A store whose keys would
 * carry another secret (a search token, a file's hash) puts `blind(secret)` in them.
 *
 * Where nothing needs sealing (a relay's public records, unit tests of a store's logic) the
 * codec is the identity (plainRecords) and the wrapper costs one function call.
 */
import type { AbstractSublevel } from 'abstract-level'
import type { Level } from 'level'
import { AtRestSealer } from './at-rest-sealer.ts'
import { SealedRecordError } from './errors.ts'
import type { Identity } from './identity/index.ts'
import { type KeyNames, plainKeyNames } from './key-names.ts'
import type { RecordGroups } from './record-groups.ts'

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
/**
 * Records remembered opened per sublevel, least recently used forgotten first: opening a
 * conversation, listing conversations and searching read the same records again and again,
 * and opening one (an AES-GCM set-up) costs more than the rest of reading it. A record is
 * taken from memory only when its sealed bytes are exactly those opened before
 * under the same key, so nothing altered on disk is ever returned.
 */
const OPENED_CACHE_BYTES = 1024 * 1024
const OPENED_CACHE_MAX_RECORD = 16 * 1024
/** What is left once the cache is full and the least recently used are forgotten. */
const OPENED_CACHE_KEPT_BYTES = (OPENED_CACHE_BYTES * 3) / 4
const EMPTY = new Uint8Array(0)

export class SealedRecords implements RecordCodec {
  readonly #sublevel: string
  readonly #sealer: AtRestSealer
  readonly #blinded = new Map<string, string>()
  readonly #opened = new Map<string, { sealed: Buffer; opened: Uint8Array }>()
  #openedBytes = 0
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
    // Not remembered here: a write is read back by its writer rarely (the lanes keep what
    // they wrote), and the copies cost a third as much again as the seal (profiled).
    return this.#sealer.seal(`${this.#sublevel}\0${key}`, value)
  }

  decode(key: string, value: Uint8Array): Uint8Array {
    if (this.#keepEmpty && value.length === 0) return EMPTY
    const known = this.#recall(key, value)
    if (known != null) return known
    let opened: Uint8Array
    try {
      opened = this.#sealer.open(`${this.#sublevel}\0${key}`, value)
    } catch {
      throw new SealedRecordError(
        `the record "${key}" of ${this.#sublevel} does not open: it was altered, moved, or sealed by another identity`,
      )
    }
    this.#remember(key, value, opened.slice())
    return opened
  }

  /** A copy of what `sealed` opened to before, if these very bytes were opened under `key`. */
  #recall(key: string, sealed: Uint8Array): Uint8Array | undefined {
    const entry = this.#opened.get(key)
    if (entry == null || !entry.sealed.equals(sealed)) return undefined
    this.#opened.delete(key)
    this.#opened.set(key, entry)
    return entry.opened.slice()
  }

  /** One entry per key: a later seal under the same key replaces what an earlier one opened. */
  #remember(key: string, sealed: Uint8Array, opened: Uint8Array): void {
    const bytes = sealed.length + opened.length
    if (bytes > OPENED_CACHE_MAX_RECORD) return
    const previous = this.#opened.get(key)
    if (previous != null) this.#openedBytes -= previous.sealed.length + previous.opened.length
    this.#opened.delete(key)
    this.#opened.set(key, { sealed: Buffer.from(sealed), opened })
    this.#openedBytes += bytes
    if (this.#openedBytes > OPENED_CACHE_BYTES) this.#forgetOldest()
  }

  /**
   * Forgets the least recently used quarter in one pass. A pass starts at the map's oldest
   * slot and steps over every slot freed since the map last compacted its table: forgetting
   * one entry per pass made each miss step over thousands of them (a fifth of indexing).
   */
  #forgetOldest(): void {
    for (const [oldest, entry] of this.#opened) {
      if (this.#openedBytes <= OPENED_CACHE_KEPT_BYTES) break
      this.#opened.delete(oldest)
      this.#openedBytes -= entry.sealed.length + entry.opened.length
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

/**
 * `fresh`: the writer knows nothing is stored under the key yet, so a sublevel that seals
 * records in groups (record-groups.ts) need not read which group held it.
 */
export type RecordOp =
  | { type: 'put'; key: string; value: Uint8Array; fresh?: boolean }
  | { type: 'del'; key: string }

/** An op on another sublevel of the same database, committed in the same batch. */
export type RecordBatchOp = RecordOp & { sublevel?: RecordLevel }

/** An entry an iterator leaves out: its key was deleted while the iterator ran. */
const GONE = Symbol('gone')

export class RecordLevel {
  readonly raw: RawSublevel
  readonly codec: RecordCodec
  /** How names of peers, conversations and rooms in keys are stored (key-names.ts). */
  readonly names: KeyNames
  /** Where records written together are sealed together, on a sublevel that does so. */
  readonly groups: RecordGroups | undefined

  constructor(
    raw: RawSublevel,
    codec: RecordCodec = plainRecords,
    names: KeyNames = plainKeyNames,
    groups?: RecordGroups,
  ) {
    this.raw = raw
    this.codec = codec
    this.names = names
    this.groups = groups
    groups?.attach(this)
  }

  blind(name: string): string {
    return this.codec.blind(name)
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    const value = await this.raw.get(this.names.hide(key))
    return value == null ? undefined : this.#open(key, value)
  }

  async getMany(keys: string[]): Promise<Array<Uint8Array | undefined>> {
    const values = await this.raw.getMany(keys.map((key) => this.names.hide(key)))
    if (this.groups == null) {
      return values.map((value, i) =>
        value == null ? undefined : this.codec.decode(keys[i], value),
      )
    }
    const opened = values.map((value, i) =>
      value == null ? undefined : this.#open(keys[i], value),
    )
    // Only records sealed in groups are read asynchronously.
    return opened.some((value) => value instanceof Promise)
      ? Promise.all(opened)
      : (opened as Array<Uint8Array | undefined>)
  }

  put(key: string, value: Uint8Array, options: WriteOptions = {}): Promise<void> {
    if (this.groups != null) return this.groups.write([{ type: 'put', key, value }], options)
    return this.raw.put(this.names.hide(key), this.codec.encode(key, value), options as object)
  }

  del(key: string, options: WriteOptions = {}): Promise<void> {
    if (this.groups != null) return this.groups.write([{ type: 'del', key }], options)
    return this.raw.del(this.names.hide(key), options as object)
  }

  batch(ops: RecordBatchOp[], options: WriteOptions = {}): Promise<void> {
    if (this.groups != null) return this.groups.write(ops, options)
    // abstract-level's types want an op's `sublevel` below this one; any of the same root works.
    return this.raw.batch(ops.map((op) => storedOp(this, op)) as never, options as object)
  }

  /** Entries in key order, each key read back and each value opened. */
  iterator(options: RangeOptions = {}) {
    return this.#entries(options, (key, value) => {
      const opened = this.#open(key, value)
      if (!(opened instanceof Promise)) return [key, opened] as [string, Uint8Array]
      return opened.then((value) => (value == null ? GONE : ([key, value] as [string, Uint8Array])))
    })
  }

  /** Keys only, read back: nothing to open. */
  keys(options: RangeOptions = {}) {
    const names = this.names
    return new RecordIterator(this.raw.keys(this.#range(options)), names, (key) =>
      names.reveal(key),
    )
  }

  /**
   * Keys as stored (names hidden), in the order LevelDB keeps them: for a merge of several
   * ranges that compares keys. `revealKey` reads one back.
   */
  storedKeys(options: RangeOptions = {}) {
    return new RecordIterator(this.raw.keys(this.#range(options)), this.names, (key) => key)
  }

  revealKey(stored: string): string {
    return this.names.reveal(stored)
  }

  values(options: RangeOptions = {}) {
    return this.#entries(options, (key, value) => {
      const opened = this.#open(key, value)
      if (!(opened instanceof Promise)) return opened
      return opened.then((value) => value ?? GONE)
    })
  }

  clear(options: RangeOptions = {}): Promise<void> {
    if (this.groups != null) return this.groups.clear(this.#range(options))
    return this.raw.clear(this.#range(options))
  }

  /** A stored value opened: a record sealed alone, or its entry in a group. */
  #open(key: string, stored: Uint8Array): Uint8Array | Promise<Uint8Array | undefined> {
    const groups = this.groups
    if (groups == null) return this.codec.decode(key, stored)
    if (!groups.isPointer(stored)) return this.codec.decode(key, stored)
    return this.#openGrouped(key, stored)
  }

  async #openGrouped(key: string, pointer: Uint8Array): Promise<Uint8Array | undefined> {
    const value = await this.groups!.read(key, pointer)
    if (value != null) return value
    // Its entry went stale after the pointer was read: the key was overwritten or deleted.
    const now = await this.raw.get(this.names.hide(key))
    if (now == null) return undefined
    if (Buffer.from(now).equals(pointer)) {
      throw new SealedRecordError(
        `the record "${key}" points at a group entry that is gone: the database was altered`,
      )
    }
    return this.#open(key, now)
  }

  #entries<T>(
    options: RangeOptions,
    map: (key: string, value: Uint8Array) => T | typeof GONE | Promise<T | typeof GONE>,
  ) {
    const names = this.names
    const inner: RawIterator<[string, Uint8Array]> = this.raw.iterator(this.#range(options))
    return new RecordIterator<T, [string, Uint8Array]>(inner, names, ([key, value]) =>
      map(names.reveal(key), value),
    )
  }

  #range(options: RangeOptions): RangeOptions {
    const out: RangeOptions = { ...options }
    for (const bound of ['gt', 'gte', 'lt', 'lte'] as const) {
      const value = options[bound]
      if (value !== undefined) out[bound] = this.names.hide(value)
    }
    return out
  }
}

/**
 * An op as LevelDB takes it: its key's names hidden (`key`, when the caller hid them
 * already), its value sealed by its own sublevel.
 */
export function storedOp(
  self: RecordLevel,
  op: RecordBatchOp,
  key = (op.sublevel ?? self).names.hide(op.key),
): unknown {
  const level = op.sublevel ?? self
  const stored: { type: string; key: string; value?: Uint8Array; sublevel?: RawSublevel } =
    op.type === 'del'
      ? { type: 'del', key }
      : { type: 'put', key, value: level.codec.encode(op.key, op.value) }
  if (op.sublevel != null) stored.sublevel = op.sublevel.raw
  return stored
}

interface RawIterator<E> extends AsyncIterable<E> {
  next(): Promise<E | undefined>
  seek(target: string): void
  close(): Promise<void>
}

/**
 * A LevelDB iterator whose entries pass the codec; closes the inner one however it ends.
 * An entry whose record was deleted while it ran (found by its group) is left out.
 */
export class RecordIterator<T, E = unknown> {
  readonly #inner: RawIterator<E>
  readonly #names: KeyNames
  readonly #map: (entry: E) => T | typeof GONE | Promise<T | typeof GONE>

  constructor(
    inner: RawIterator<E>,
    names: KeyNames,
    map: (entry: E) => T | typeof GONE | Promise<T | typeof GONE>,
  ) {
    this.#inner = inner
    this.#names = names
    this.#map = map
  }

  async next(): Promise<T | undefined> {
    for (;;) {
      const entry = await this.#inner.next()
      if (entry === undefined) return undefined
      const mapped = this.#map(entry)
      const value = mapped instanceof Promise ? await mapped : mapped
      if (value !== GONE) return value
    }
  }

  seek(target: string): void {
    this.#inner.seek(this.#names.hide(target))
  }

  close(): Promise<void> {
    return this.#inner.close()
  }

  async all(): Promise<T[]> {
    const out: T[] = []
    for await (const entry of this) out.push(entry)
    return out
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const entry of this.#inner) {
      const mapped = this.#map(entry)
      const value = mapped instanceof Promise ? await mapped : mapped
      if (value !== GONE) yield value
    }
  }
}
