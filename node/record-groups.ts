/**
 * Records sealed together (record-level.ts). The puts of one write that share a parent key
 * (`h/<peer>/`, `i/<peer>/`) are sealed as one group record, and each key holds a pointer to
 * its place in it: one AES-GCM call serves a burst of texts where each record cost one, and
 * that call costs about as much as the rest of a small write (doc/security.md).
 *
 * - A group lives in a sibling sublevel (`<name>-groups`) under a random 8-byte id, sealed
 *   under a key of its own with the id as associated data. Each entry names its key, so a
 *   pointer moved to another key is refused, as a sealed record moved there is.
 * - A pointer is 9 bytes (the group's id, the entry's place); a sealed record is at least 28
 *   (nonce and tag), so the two never mix up, and records sealed alone read as they are.
 * - An entry whose key was later overwritten or deleted is stale. A write that overwrites or
 *   deletes every live entry of a group deletes the group in the same batch. Otherwise the
 *   group is swept: each entry whose key no longer points at it is blanked and the group
 *   sealed again under the same id, or deleted once none is left. A write that deletes sweeps
 *   before it returns, so deleted words leave the live records at once, as a record sealed
 *   alone leaves with its delete; stale entries of overwrites are swept within a second.
 * - Groups change only under one lock per sublevel, which every write to it takes.
 */

import { fillRandom } from '../protocol/crypto/index.ts'
import { AtRestSealer } from './at-rest-sealer.ts'
import { SealedRecordError } from './errors.ts'
import type { Identity } from './identity/index.ts'
import {
  type RawSublevel,
  type RecordBatchOp,
  type RecordLevel,
  STORAGE_KEY_LABEL,
  storedOp,
  type WriteOptions,
} from './record-level.ts'

const GROUP_ID_BYTES = 8
const POINTER_BYTES = GROUP_ID_BYTES + 1
/** Entries of one group: its place in a pointer is one byte. */
const MAX_ENTRIES = 64
/** A group opens whole to read one entry: small enough that this stays cheap. */
const MAX_GROUP_BYTES = 16 * 1024
/** A larger record is sealed alone: one seal is little beside its bytes. */
const MAX_GROUPED_VALUE = 4 * 1024
const FORMAT = 1
const SLASH = '/'.charCodeAt(0)
/** Opened groups remembered: a page of history reads a few groups many times. */
const OPENED_CACHE_BYTES = 2 * 1024 * 1024
/** The live keys of groups lately written or opened: what a write needs to drop a group. */
const LIVE_KEYS_REMEMBERED = 256
/** Keys whose group is known without a read: those of about as many groups. */
const LOCATED_KEYS_REMEMBERED = LIVE_KEYS_REMEMBERED * MAX_ENTRIES
const SWEEP_DELAY_MS = 1000
/** Groups swept at a time by a sweep of them all: writes wait at most for one step. */
const SWEEP_ALL_STEP = 64
/** Parents remembered with their names hidden: a node writes to a few hundred conversations. */
const HIDDEN_PARENTS_REMEMBERED = 1024

/** The entries' keys are `parent + rests[place]`: a rest holds no '/'. */
interface Group {
  parent: string
  rests: string[]
  /** null: a stale entry, blanked. */
  values: Array<Uint8Array | null>
  bytes: number
}

function keyAt(group: Group, place: number): string {
  return group.parent + group.rests[place]
}

function liveKeysOf(group: Group): string[] {
  const keys: string[] = []
  group.values.forEach((value, place) => {
    if (value != null) keys.push(keyAt(group, place))
  })
  return keys
}

/** An op on a key that may be grouped, as a write plans it. */
interface HeldOp {
  op: RecordBatchOp
  /** Nothing was stored under the key before this write. */
  fresh: boolean
  /** The key as stored, its names hidden. */
  storedKey: string
  /** Where its value went, when it went into a group. */
  pointer?: Uint8Array
}

/** A write's ops on keys under one parent (`h/<peer>/`), in the order first written. */
interface ParentOps {
  parent: string
  /** The parent as stored, its names hidden. */
  storedParent: string
  entries: HeldOp[]
}

interface Plan {
  raw: unknown[]
  /** New groups, by id, with their keys. */
  created: Map<string, string[]>
  /** Keys whose new value is in no group (sealed alone, or deleted). */
  ungrouped: string[]
  deleted: Set<string>
  sweepNow: Set<string>
  sweepLater: Set<string>
}

const fromUtf8 = new TextDecoder()

export class RecordGroups {
  readonly raw: RawSublevel
  readonly #sublevel: string
  readonly #sealer: AtRestSealer
  /** The first characters of the prefixes (each one character and '/'). */
  readonly #prefixes: Set<number>
  #members!: RecordLevel
  readonly #opened = new Map<string, Group>()
  #openedBytes = 0
  readonly #liveKeys = new Map<string, string[]>()
  /**
   * The group of each key that recent writes put in one: exact, since every later write to
   * a key changes or drops its entry here at commit. A key not here is looked up on disk.
   * It only names groups a write may leave stale: a group is dropped only when the write
   * overwrites every live key of it, and sweeps check each pointer on disk.
   */
  readonly #groupOf = new Map<string, string>()
  readonly #storedParents = new Map<string, string>()
  /** Groups being read: the entries of one page ask for the same group at once. */
  readonly #loading = new Map<string, Promise<Group | undefined>>()
  readonly #dirty = new Set<string>()
  #sweepTimer: NodeJS.Timeout | undefined
  #sweepAllTimer: NodeJS.Timeout | undefined
  #closed = false
  #lock: Promise<unknown> = Promise.resolve()

  constructor(
    raw: RawSublevel,
    identity: Pick<Identity, 'privateKey' | 'atRestSeed'>,
    sublevel: string,
    prefixes: string[],
  ) {
    this.raw = raw
    this.#sublevel = sublevel
    this.#sealer = new AtRestSealer(identity, `${STORAGE_KEY_LABEL}${sublevel}/groups`)
    if (prefixes.some((prefix) => prefix.length !== 2 || prefix[1] !== '/')) {
      throw new TypeError(`grouped key prefixes are a character and '/': ${prefixes.join(', ')}`)
    }
    this.#prefixes = new Set(prefixes.map((prefix) => prefix.charCodeAt(0)))
  }

  /** The level whose records point into these groups (set once, by RecordLevel). */
  attach(members: RecordLevel): void {
    this.#members = members
  }

  /** True for keys whose records may be sealed in groups. */
  holds(key: string): boolean {
    return key.charCodeAt(1) === SLASH && this.#prefixes.has(key.charCodeAt(0))
  }

  isPointer(stored: Uint8Array): boolean {
    return stored.length === POINTER_BYTES
  }

  /**
   * The record `pointer` (stored under `key`) names; undefined when its entry was blanked or
   * its group deleted since the pointer was read (the key was overwritten: read it again).
   */
  async read(key: string, pointer: Uint8Array): Promise<Uint8Array | undefined> {
    const id = groupIdOf(pointer)
    const place = pointer[GROUP_ID_BYTES]
    const group = await this.#load(id)
    if (group == null) return undefined
    if (place >= group.values.length || keyAt(group, place) !== key) {
      throw new SealedRecordError(
        `the record "${key}" of ${this.#sublevel} points at another record: it was altered or moved`,
      )
    }
    return group.values[place]?.slice() ?? undefined
  }

  /** Commits `ops` as one batch, grouping its puts and keeping the groups it leaves stale. */
  write(ops: RecordBatchOp[], options: WriteOptions): Promise<void> {
    return this.#exclusive(async () => {
      const plan = await this.#plan(ops)
      await this.#members.raw.batch(plan.raw as never, options as object)
      this.#committed(plan)
      if (plan.sweepNow.size === 0) return
      // The batch stands whatever the sweep meets: a failed one is tried again later.
      await this.#sweep(plan.sweepNow).catch(() => this.#sweepLater(plan.sweepNow))
    })
  }

  /** Deletes the records in a range, and sweeps the groups they were in. */
  clear(range: object): Promise<void> {
    return this.#exclusive(async () => {
      const touched = new Set<string>()
      for await (const value of this.#members.raw.values(range)) {
        if (this.isPointer(value)) touched.add(groupIdOf(value))
      }
      // The keys cleared are not worth finding one by one: the next writes read theirs.
      this.#groupOf.clear()
      await this.#members.raw.clear(range)
      await this.#sweep(touched)
    })
  }

  /** Sweeps every group left stale so far: before a compaction. */
  flush(): Promise<void> {
    clearTimeout(this.#sweepTimer)
    this.#sweepTimer = undefined
    return this.#exclusive(() => this.#sweep(new Set(this.#dirty)))
  }

  /** Before the database closes: what is left stale is swept, and nothing starts after. */
  close(): Promise<void> {
    this.#closed = true
    clearTimeout(this.#sweepAllTimer)
    return this.flush()
  }

  /** Sweeps every group once, `delayMs` from now, in the background (see sweepAll). */
  sweepAllAfter(delayMs: number): void {
    this.#sweepAllTimer = setTimeout(() => {
      this.sweepAll().catch(() => undefined)
    }, delayMs)
    this.#sweepAllTimer.unref()
  }

  /**
   * Sweeps every group, a few at a time: what a stop or crash left stale between a write and
   * its sweep (which lives in memory only) is taken out.
   */
  async sweepAll(): Promise<void> {
    let after: string | undefined
    while (!this.#closed) {
      const range = after == null ? { limit: SWEEP_ALL_STEP } : { gt: after, limit: SWEEP_ALL_STEP }
      const ids = await this.raw.keys(range).all()
      if (ids.length === 0) return
      await this.#exclusive(() => this.#sweep(new Set(ids)))
      after = ids[ids.length - 1]
    }
  }

  async #plan(ops: RecordBatchOp[]): Promise<Plan> {
    const plan: Plan = {
      raw: [],
      created: new Map(),
      ungrouped: [],
      deleted: new Set(),
      sweepNow: new Set(),
      sweepLater: new Set(),
    }
    const { held, parents } = this.#hold(ops, plan)
    if (held.size === 0) return plan
    const { replaced, unknown } = this.#locate(held)
    if (unknown.length > 0) await this.#readPointers(unknown, replaced)
    for (const under of parents.values()) this.#groupPuts(under, plan)
    this.#placeHeld(held, plan)
    for (const [id, keys] of replaced) {
      const live = await this.#liveKeysOf(id)
      if (live == null) continue
      if (live.every((key) => held.has(key))) {
        plan.raw.push({ type: 'del', key: id, sublevel: this.raw })
        plan.deleted.add(id)
      } else if (keys.some((key) => held.get(key)?.op.type === 'del')) {
        plan.sweepNow.add(id)
      } else {
        plan.sweepLater.add(id)
      }
    }
    return plan
  }

  /**
   * Ops on keys that may be grouped, the last on each key standing as in a LevelDB batch,
   * each under its parent; the others go into the plan as they are.
   */
  #hold(
    ops: RecordBatchOp[],
    plan: Plan,
  ): { held: Map<string, HeldOp>; parents: Map<string, ParentOps> } {
    const members = this.#members
    const held = new Map<string, HeldOp>()
    const parents = new Map<string, ParentOps>()
    // A batch's keys mostly alternate between two parents (a text's id entry, its record):
    // those two are matched without a slice or a lookup.
    let last: ParentOps | undefined
    let before: ParentOps | undefined
    for (const op of ops) {
      if ((op.sublevel != null && op.sublevel !== members) || !this.holds(op.key)) {
        plan.raw.push(storedOp(members, op))
        continue
      }
      const fresh = op.type === 'put' && op.fresh === true
      const earlier = held.get(op.key)
      if (earlier != null) {
        earlier.op = op
        earlier.fresh ||= fresh
        continue
      }
      let under: ParentOps
      if (last != null && isUnder(op.key, last.parent)) {
        under = last
      } else if (before != null && isUnder(op.key, before.parent)) {
        under = before
        before = last
        last = under
      } else {
        const parent = op.key.slice(0, op.key.lastIndexOf('/') + 1)
        under = parents.get(parent) ?? this.#parentOps(parent, parents)
        before = last
        last = under
      }
      // Names never span a '/': the parent's are hidden once, the rest's (if any) here.
      const storedKey = under.storedParent + members.names.hide(op.key.slice(under.parent.length))
      const entry: HeldOp = { op, fresh, storedKey }
      held.set(op.key, entry)
      under.entries.push(entry)
    }
    return { held, parents }
  }

  /** The held ops as LevelDB takes them: a pointer for each put sealed in a group. */
  #placeHeld(held: Map<string, HeldOp>, plan: Plan): void {
    const members = this.#members
    for (const { op, storedKey, pointer } of held.values()) {
      if (pointer != null) {
        plan.raw.push({ type: 'put', key: storedKey, value: pointer })
      } else {
        plan.raw.push(storedOp(members, op, storedKey))
        plan.ungrouped.push(op.key)
      }
    }
  }

  #parentOps(parent: string, parents: Map<string, ParentOps>): ParentOps {
    const under: ParentOps = { parent, storedParent: this.#storedParent(parent), entries: [] }
    parents.set(parent, under)
    return under
  }

  #storedParent(parent: string): string {
    let stored = this.#storedParents.get(parent)
    if (stored == null) {
      if (this.#storedParents.size >= HIDDEN_PARENTS_REMEMBERED) this.#storedParents.clear()
      stored = this.#members.names.hide(parent)
      this.#storedParents.set(parent, stored)
    }
    return stored
  }

  /**
   * The groups holding what `held` overwrites or deletes, each with those keys, as far as
   * memory knows: none for a fresh key, none for a key recently put in a group (a read of a
   * pointer costs about as much main-thread time as the rest of writing a record,
   * profiled). `unknown`: the ops whose pointers are to be read.
   */
  #locate(held: Map<string, HeldOp>): { replaced: Map<string, string[]>; unknown: HeldOp[] } {
    const replaced = new Map<string, string[]>()
    const unknown: HeldOp[] = []
    for (const entry of held.values()) {
      if (entry.fresh) continue
      const id = this.#groupOf.get(entry.op.key)
      if (id != null) addTo(replaced, id, entry.op.key)
      else unknown.push(entry)
    }
    return { replaced, unknown }
  }

  /** Adds to `replaced` the groups the stored pointers of `unknown` name: one read. */
  async #readPointers(unknown: HeldOp[], replaced: Map<string, string[]>): Promise<void> {
    const stored = await this.#members.raw.getMany(unknown.map((entry) => entry.storedKey))
    stored.forEach((value, i) => {
      if (value != null && this.isPointer(value)) {
        addTo(replaced, groupIdOf(value), unknown[i].op.key)
      }
    })
  }

  /** The keys whose entries in the group are live; undefined once it is gone. */
  async #liveKeysOf(id: string): Promise<string[] | undefined> {
    const known = this.#liveKeys.get(id)
    if (known != null) return known
    const group = await this.#load(id)
    return group == null ? undefined : this.#liveKeys.get(id)
  }

  /**
   * Seals the puts under one parent, two or more at a time, into new groups, and gives each
   * its pointer.
   */
  #groupPuts({ parent, entries }: ParentOps, plan: Plan): void {
    let chunk: HeldOp[] = []
    let bytes = 0
    for (const entry of entries) {
      const { op } = entry
      if (op.type !== 'put' || op.value.length > MAX_GROUPED_VALUE) continue
      if (
        chunk.length === MAX_ENTRIES ||
        (chunk.length > 0 && bytes + op.value.length > MAX_GROUP_BYTES)
      ) {
        this.#sealGroup(parent, chunk, bytes, plan)
        chunk = []
        bytes = 0
      }
      chunk.push(entry)
      bytes += op.value.length
    }
    this.#sealGroup(parent, chunk, bytes, plan)
  }

  /** Seals `chunk` (puts, two or more) as one new group; a lone put is left sealed alone. */
  #sealGroup(parent: string, chunk: HeldOp[], bytes: number, plan: Plan): void {
    if (chunk.length < 2) return
    const idBytes = fillRandom(new Uint8Array(GROUP_ID_BYTES))
    const id = toHexId(idBytes)
    const keys: string[] = []
    const rests: string[] = []
    const values: Uint8Array[] = []
    // One array for the group's pointers: LevelDB writes each by its offset and length.
    const all = new Uint8Array(POINTER_BYTES * chunk.length)
    chunk.forEach((entry, place) => {
      const op = entry.op as { key: string; value: Uint8Array }
      keys.push(op.key)
      rests.push(op.key.slice(parent.length))
      values.push(op.value)
      const pointer = all.subarray(place * POINTER_BYTES, (place + 1) * POINTER_BYTES)
      pointer.set(idBytes)
      pointer[GROUP_ID_BYTES] = place
      entry.pointer = pointer
    })
    const group: Group = { parent, rests, values, bytes }
    plan.raw.push({ type: 'put', key: id, value: this.#seal(id, group), sublevel: this.raw })
    plan.created.set(id, keys)
  }

  #committed(plan: Plan): void {
    for (const key of plan.ungrouped) this.#groupOf.delete(key)
    if (this.#groupOf.size > LOCATED_KEYS_REMEMBERED) this.#groupOf.clear()
    for (const [id, keys] of plan.created) {
      this.#rememberLive(id, keys)
      for (const key of keys) this.#groupOf.set(key, id)
    }
    for (const id of plan.deleted) {
      this.#forget(id)
      this.#dirty.delete(id)
    }
    this.#sweepLater(plan.sweepLater)
  }

  #sweepLater(ids: Set<string>): void {
    for (const id of ids) this.#dirty.add(id)
    if (this.#dirty.size > 0 && this.#sweepTimer == null) {
      this.#sweepTimer = setTimeout(() => {
        this.#sweepTimer = undefined
        // A sweep that fails (the database closed under it) leaves its groups for the next.
        this.#exclusive(() => this.#sweep(new Set(this.#dirty))).catch(() => undefined)
      }, SWEEP_DELAY_MS)
      this.#sweepTimer.unref()
    }
  }

  /** Blanks each entry whose key no longer points at it; deletes a group left with none. */
  async #sweep(ids: Set<string>): Promise<void> {
    const ops: unknown[] = []
    const rewritten = new Map<string, Group>()
    const deleted: string[] = []
    for (const id of ids) {
      this.#dirty.delete(id)
      const group = await this.#load(id)
      if (group == null) continue
      const places = group.values.flatMap((value, place) => (value == null ? [] : [place]))
      const storedParent = this.#storedParent(group.parent)
      const stored = await this.#members.raw.getMany(
        places.map((place) => storedParent + this.#members.names.hide(group.rests[place])),
      )
      const values = [...group.values]
      let bytes = group.bytes
      let blanked = 0
      places.forEach((place, i) => {
        const value = stored[i]
        if (value != null && pointsAt(value, id, place)) return
        bytes -= values[place]?.length ?? 0
        values[place] = null
        blanked++
      })
      if (blanked === places.length) {
        ops.push({ type: 'del', key: id })
        deleted.push(id)
      } else if (blanked > 0) {
        const swept: Group = { parent: group.parent, rests: group.rests, values, bytes }
        ops.push({ type: 'put', key: id, value: this.#seal(id, swept) })
        rewritten.set(id, swept)
      }
    }
    if (ops.length === 0) return
    await this.raw.batch(ops as never)
    for (const id of deleted) this.#forget(id)
    for (const [id, group] of rewritten) {
      this.#remember(id, group)
      this.#rememberLive(id, liveKeysOf(group))
    }
  }

  #load(id: string): Promise<Group | undefined> {
    const known = this.#opened.get(id)
    if (known != null) {
      this.#opened.delete(id)
      this.#opened.set(id, known)
      return Promise.resolve(known)
    }
    let loading = this.#loading.get(id)
    if (loading == null) {
      loading = this.#read(id).finally(() => this.#loading.delete(id))
      this.#loading.set(id, loading)
    }
    return loading
  }

  async #read(id: string): Promise<Group | undefined> {
    const sealed = await this.raw.get(id)
    if (sealed == null) return undefined
    let plaintext: Uint8Array
    try {
      plaintext = this.#sealer.open(id, sealed)
    } catch {
      throw new SealedRecordError(
        `the record group "${id}" of ${this.#sublevel} does not open: it was altered, moved, or sealed by another identity`,
      )
    }
    const group = decodeGroup(plaintext, this.#sublevel, id)
    this.#remember(id, group)
    this.#rememberLive(id, liveKeysOf(group))
    return group
  }

  #seal(id: string, group: Group): Uint8Array {
    return this.#sealer.seal(id, encodeGroup(group))
  }

  #rememberLive(id: string, keys: string[]): void {
    this.#liveKeys.set(id, keys)
    if (this.#liveKeys.size <= LIVE_KEYS_REMEMBERED) return
    let drop = LIVE_KEYS_REMEMBERED / 4
    for (const oldest of this.#liveKeys.keys()) {
      if (drop-- === 0) break
      this.#liveKeys.delete(oldest)
    }
  }

  #remember(id: string, group: Group): void {
    this.#forget(id)
    this.#opened.set(id, group)
    this.#openedBytes += group.bytes
    for (const [oldest, entry] of this.#opened) {
      if (this.#openedBytes <= OPENED_CACHE_BYTES) break
      this.#opened.delete(oldest)
      this.#openedBytes -= entry.bytes
    }
  }

  #forget(id: string): void {
    this.#liveKeys.delete(id)
    const known = this.#opened.get(id)
    if (known == null) return
    this.#opened.delete(id)
    this.#openedBytes -= known.bytes
  }

  #exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#lock.then(task, task)
    this.#lock = run.catch(() => undefined)
    return run
  }
}

function toHexId(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('hex')
}

function groupIdOf(pointer: Uint8Array): string {
  return toHexId(pointer.subarray(0, GROUP_ID_BYTES))
}

function addTo(byGroup: Map<string, string[]>, id: string, key: string): void {
  const inGroup = byGroup.get(id)
  if (inGroup == null) byGroup.set(id, [key])
  else inGroup.push(key)
}

/** True when `key` is `parent` and a rest holding no '/'. */
function isUnder(key: string, parent: string): boolean {
  return key.startsWith(parent) && key.indexOf('/', parent.length) === -1
}

function pointsAt(stored: Uint8Array, id: string, place: number): boolean {
  return (
    stored.length === POINTER_BYTES && stored[GROUP_ID_BYTES] === place && groupIdOf(stored) === id
  )
}

/**
 * `FORMAT`, the entries' count, the parent every key of the group starts with (2-byte length,
 * then UTF-8), the rests of the keys joined by '/' (4-byte length, then UTF-8), then per entry
 * `live` (0 or 1) and for a live entry its value (4-byte length, bytes). A blanked entry keeps
 * its key, so the places of the others do not move.
 */
function encodeGroup(group: Group): Uint8Array {
  const rests = group.rests.join('/')
  const parentBytes = Buffer.byteLength(group.parent)
  const restsBytes = Buffer.byteLength(rests)
  let length = 4 + parentBytes + 4 + restsBytes
  for (const value of group.values) length += value == null ? 1 : 5 + value.length
  const out = Buffer.allocUnsafeSlow(length)
  out[0] = FORMAT
  out[1] = group.values.length
  out.writeUInt16BE(parentBytes, 2)
  out.write(group.parent, 4, 'utf8')
  let at = 4 + parentBytes
  out.writeUInt32BE(restsBytes, at)
  out.write(rests, at + 4, 'utf8')
  at += 4 + restsBytes
  for (const value of group.values) {
    out[at] = value == null ? 0 : 1
    at += 1
    if (value == null) continue
    out.writeUInt32BE(value.length, at)
    out.set(value, at + 4)
    at += 4 + value.length
  }
  return out
}

function decodeGroup(bytes: Uint8Array, sublevel: string, id: string): Group {
  const broken = () =>
    new SealedRecordError(`the record group "${id}" of ${sublevel} is not in a known format`)
  if (bytes.length < 4 || bytes[0] !== FORMAT) throw broken()
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length)
  const count = bytes[1]
  let at = 4 + view.getUint16(2)
  if (at + 4 > bytes.length) throw broken()
  const parent = fromUtf8.decode(bytes.subarray(4, at))
  const restsEnd = at + 4 + view.getUint32(at)
  if (restsEnd > bytes.length) throw broken()
  const rests = fromUtf8.decode(bytes.subarray(at + 4, restsEnd)).split('/')
  if (rests.length !== count) throw broken()
  const group: Group = { parent, rests, values: [], bytes: 0 }
  at = restsEnd
  for (let place = 0; place < count; place++) {
    if (at + 1 > bytes.length) throw broken()
    const live = bytes[at]
    at += 1
    if (live === 0) {
      group.values.push(null)
      continue
    }
    if (at + 4 > bytes.length) throw broken()
    const valueLength = view.getUint32(at)
    at += 4
    if (at + valueLength > bytes.length) throw broken()
    group.values.push(bytes.subarray(at, at + valueLength))
    group.bytes += valueLength
    at += valueLength
  }
  if (at !== bytes.length) throw broken()
  return group
}
