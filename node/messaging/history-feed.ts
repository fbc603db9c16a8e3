/**
 * The history feed: an ordered, durable log of what changed in the 1:1 history, for the
 * parts of the node that derive something from it (the search index, attachments' incoming
 * files). They read it through a `FeedReader` each, never messaging's records themselves.
 *
 *   f/<seq>       FeedRecord: what one write changed in a peer's history, in order: records
 *                 added or changed (by index; a message action rewrote it), the history
 *                 cleared. One entry per write (at most FEED_ENTRY_CHANGES changes), not one
 *                 per change: each entry is a sealed record, and a burst writes many texts
 *                 at once. An entry of the older form names a single change and reads alike.
 *   fw/<reader>   the reader's watermark: the last seq it took in
 *   fv            set once the history kept before the feed existed was put in it
 *
 * Guarantees, and how:
 * - no change is lost or doubled relative to history: a lane batch appends its entries in
 *   the same LevelDB write as the records they name (message-pipeline.ts, `#finishBatch`),
 *   and a seq is taken only as that write is queued, so entries commit in seq order (the
 *   writer commits in queue order); a batch that fails leaves a gap, never an entry early;
 * - each reader takes each entry once, all its changes together (they share its seq): its
 *   watermark moves in the same write as what the reader derived (`FeedReader.commit`), and
 *   after a restart it reads on from there;
 * - bounded: entries every reader has passed are deleted (`#trim`). Every reader ever
 *   registered counts, by its stored watermark, so one not yet started after a restart
 *   keeps what it has not read. A change names a record; the reader gets the record as it
 *   is now (one cleared since is skipped: its `cleared` entry follows);
 * - read back once, not once per reader: the records a write just committed are kept in
 *   memory (`#recent`, at most RECENT_RECORDS), so the readers that follow the feed (search,
 *   attachments, the device parts) take a fresh page without reading and unsealing each
 *   record again. The copy is never ahead of the disk nor behind it: what a write changes or
 *   deletes leaves it before the write is queued (`forget`), and comes back only once the
 *   write is committed (`remember`); a miss reads the disk.
 */
import type { Logger } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import type { RecordBatchOp } from '../record-level.ts'
import type { AppLevel } from '../storage.ts'
import type { BatchOp } from './durable-writer.ts'
import type { HistoryRecord, MessageStore } from './message-store.ts'

/** What a lane batch changed, in order (collected in LaneTransaction.feed). */
export type FeedChange = { kind: 'added' | 'changed'; index: number } | { kind: 'cleared' }

/** A change as a reader gets it; `seq` is its entry's, shared with the entry's other changes. */
export type HistoryChange =
  | {
      seq: number
      /** 'changed': a record added before, rewritten (edited, recalled, reacted to). */
      kind: 'added' | 'changed'
      peerHex: string
      index: number
      record: HistoryRecord
    }
  | { seq: number; kind: 'cleared'; peerHex: string }

/** A record the feed names: who it belongs to, where it is, and what it says. */
export interface HistoryEntry {
  peerHex: string
  index: number
  record: HistoryRecord
}

type StoredChange = { kind: 'added' | 'changed'; index: number } | { kind: 'cleared' }

/** An entry: the changes of one write; or, as releases before wrote it, a single change. */
type FeedRecord =
  | { peer: string; changes: StoredChange[] }
  | { kind: 'added' | 'changed'; peer: string; index: number }
  | { kind: 'cleared'; peer: string }

interface HistoryFeedEvents {
  /** Entries up to this seq are committed. */
  'feed:appended': CustomEvent<number>
}

const SEQ_DIGITS = 16
const VERSION_KEY = 'fv'
/** Entries deleted per write when the feed is trimmed. */
const TRIM_BATCH = 1_000
/**
 * Changes one entry holds at most: a reader takes an entry whole, so this bounds how far a
 * page may run past the changes it asked for (a lane batch holds far fewer; the backfill of
 * a long history is cut into entries of this size).
 */
export const FEED_ENTRY_CHANGES = 100
/**
 * Records just written kept for the readers (about 0.5 KiB each): a few pages of any
 * reader's, so readers that keep up never read them back; one that lags reads the disk.
 */
const RECENT_RECORDS = 4_096

export class HistoryFeed extends TypedEventEmitter<HistoryFeedEvents> {
  readonly #db: AppLevel
  readonly #store: MessageStore
  readonly #log: Logger
  /** Every reader's watermark: those stored, and those registered in this run. */
  readonly #watermarks = new Map<string, number>()
  #nextSeq = 1
  /** Records as last committed, by `<peer hex>/<index>`, oldest first. */
  readonly #recent = new Map<string, HistoryRecord>()
  /** Entries up to here are deleted. */
  #trimmedUpTo = 0
  #trimming: Promise<void> | undefined

  constructor(db: AppLevel, store: MessageStore, log: Logger) {
    super()
    this.#db = db
    this.#store = store
    this.#log = log
  }

  /**
   * Reads where the feed stands; the first time, puts the history kept before the feed
   * existed in it (readers take again what they already derived: they must be idempotent).
   * Runs before any lane does.
   */
  async start(): Promise<void> {
    for await (const [key, value] of this.#db.iterator({ gt: 'fw/', lt: 'fw/~' })) {
      this.#watermarks.set(key.slice(3), Number(decoder.decode(value)))
    }
    const [last] = await this.#db.keys({ gt: 'f/', lt: 'f/~', reverse: true, limit: 1 }).all()
    const [first] = await this.#db.keys({ gt: 'f/', lt: 'f/~', limit: 1 }).all()
    const stored = last == null ? 0 : seqOf(last)
    this.#nextSeq = Math.max(stored, ...this.#watermarks.values()) + 1
    this.#trimmedUpTo = first == null ? this.#nextSeq - 1 : seqOf(first) - 1
    if ((await this.#db.get(VERSION_KEY)) == null) await this.#backfill()
  }

  /** Resolves once no trim runs. */
  async stop(): Promise<void> {
    await this.#trimming
  }

  /**
   * The writes that append `changes` of the peer's history, taking the next seqs: call it
   * only as the write they go in is queued (see the file header).
   */
  appendOps(peerHex: string, changes: FeedChange[]): BatchOp[] {
    const ops: BatchOp[] = []
    for (let at = 0; at < changes.length; at += FEED_ENTRY_CHANGES) {
      const stored = changes
        .slice(at, at + FEED_ENTRY_CHANGES)
        .map(
          (change): StoredChange =>
            change.kind === 'cleared'
              ? { kind: 'cleared' }
              : { kind: change.kind, index: change.index },
        )
      ops.push(putJson(entryKey(this.#nextSeq++), { peer: peerHex, changes: stored }))
    }
    return ops
  }

  /**
   * Before a write is queued: the records it writes or deletes (`indexes`; every record of
   * the peer when `indexes` is 'all') are read from the disk until it is committed.
   */
  forget(peerHex: string, indexes: Iterable<number> | 'all'): void {
    if (indexes !== 'all') {
      for (const index of indexes) this.#recent.delete(`${peerHex}/${index}`)
      return
    }
    const prefix = `${peerHex}/`
    for (const key of this.#recent.keys()) if (key.startsWith(prefix)) this.#recent.delete(key)
  }

  /** Once a write is committed: the records it wrote, as readers will read them. */
  remember(peerHex: string, records: Map<number, HistoryRecord>): void {
    // A copy: the lane changes a record's delivery state in place before writing it.
    for (const [index, record] of records) this.#recent.set(`${peerHex}/${index}`, { ...record })
    for (const key of this.#recent.keys()) {
      if (this.#recent.size <= RECENT_RECORDS) break
      this.#recent.delete(key)
    }
  }

  /** Tells readers that entries were committed (after the write). */
  appended(): void {
    this.safeDispatchEvent('feed:appended', { detail: this.#nextSeq - 1 })
  }

  /** The reader `name`, registered so that nothing it has not read is trimmed. */
  reader(name: string): FeedReader {
    if (!this.#watermarks.has(name)) this.#watermarks.set(name, this.#trimmedUpTo)
    return new FeedReader(this, name)
  }

  /** @internal FeedReader's: the reader's watermark. */
  watermarkOf(name: string): number {
    return this.#watermarks.get(name) ?? 0
  }

  /**
   * @internal FeedReader's: the changes of the entries after `after`, records as they are
   * now; whole entries, until `limit` changes are reached (so at most `limit` +
   * FEED_ENTRY_CHANGES - 1 of them).
   */
  async read(after: number, limit: number): Promise<{ entries: HistoryChange[]; last: number }> {
    const page: Array<{ seq: number; peer: string; change: StoredChange }> = []
    let last = after
    // Leaving the loop closes the iterator.
    for await (const [key, value] of this.#db.iterator({ gt: entryKey(after), lt: 'f/~' })) {
      last = seqOf(key)
      const entry = readJson<FeedRecord>(value)
      for (const change of changesOf(entry)) page.push({ seq: last, peer: entry.peer, change })
      if (page.length >= limit) break
    }
    const added = page.flatMap(({ peer, change }) =>
      change.kind === 'cleared' ? [] : [{ peer, index: change.index }],
    )
    const records = added.map(({ peer, index }): HistoryRecord | undefined => {
      const record = this.#recent.get(`${peer}/${index}`)
      return record == null ? undefined : { ...record }
    })
    const missing = added.filter((_, i) => records[i] == null)
    if (missing.length > 0) {
      const read = await this.#store.histories(missing)
      let next = 0
      for (const [i, record] of records.entries()) if (record == null) records[i] = read[next++]
    }
    let next = 0
    const entries: HistoryChange[] = []
    for (const { seq, peer, change } of page) {
      if (change.kind === 'cleared') {
        entries.push({ seq, kind: 'cleared', peerHex: peer })
        continue
      }
      const record = records[next++]
      if (record != null) {
        entries.push({ seq, kind: change.kind, peerHex: peer, index: change.index, record })
      }
    }
    return { entries, last }
  }

  /** @internal FeedReader's: commits `ops` with the reader's watermark at `upTo`. */
  async commit(name: string, upTo: number, ops: RecordBatchOp[]): Promise<void> {
    await this.#db.batch([
      ...ops,
      { type: 'put', key: `fw/${name}`, value: encoder.encode(String(upTo)) },
    ])
    this.#watermarks.set(name, upTo)
    this.#trimming ??= this.#trim().finally(() => {
      this.#trimming = undefined
    })
  }

  /** Deletes the entries every reader has passed. */
  async #trim(): Promise<void> {
    try {
      for (;;) {
        const upTo = Math.min(...this.#watermarks.values())
        if (upTo <= this.#trimmedUpTo) return
        const keys = await this.#db
          .keys({ gt: entryKey(this.#trimmedUpTo), lte: entryKey(upTo), limit: TRIM_BATCH })
          .all()
        await this.#db.batch(keys.map((key) => ({ type: 'del' as const, key })))
        this.#trimmedUpTo = keys.length === TRIM_BATCH ? seqOf(keys.at(-1)!) : upTo
      }
    } catch (err) {
      this.#log.error('trimming the history feed failed: %s', (err as Error).message)
    }
  }

  /** One entry per record kept, conversation by conversation, each with the version key last. */
  async #backfill(): Promise<void> {
    let count = 0
    for (const peerHex of (await this.#store.conversations()).keys()) {
      const indexes = await this.#store.historyIndexes(peerHex)
      await this.#db.batch(
        this.appendOps(
          peerHex,
          indexes.map((index) => ({ kind: 'added', index })),
        ),
      )
      count += indexes.length
    }
    await this.#db.put(VERSION_KEY, encoder.encode('1'))
    if (count > 0) this.#log('the history feed starts with the %d records kept before it', count)
  }
}

/** One consumer's view of the feed: where it stands, what follows, and moving on. */
export class FeedReader {
  readonly #feed: HistoryFeed
  readonly name: string

  constructor(feed: HistoryFeed, name: string) {
    this.#feed = feed
    this.name = name
  }

  /** The last seq taken in. */
  get watermark(): number {
    return this.#feed.watermarkOf(this.name)
  }

  /** Up to `limit` entries after the watermark; `last` is the seq to commit up to. */
  read(limit: number): Promise<{ entries: HistoryChange[]; last: number }> {
    return this.#feed.read(this.watermark, limit)
  }

  /**
   * Writes `ops` (each naming its sublevel) and moves the watermark to `upTo`, in one write:
   * what was derived from the entries and the mark that they were taken in go together.
   */
  commit(upTo: number, ops: RecordBatchOp[] = []): Promise<void> {
    return this.#feed.commit(this.name, upTo, ops)
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function entryKey(seq: number): string {
  return `f/${String(seq).padStart(SEQ_DIGITS, '0')}`
}

/** The changes an entry names, in order, whichever form it was written in. */
function changesOf(entry: FeedRecord): StoredChange[] {
  if ('changes' in entry) return entry.changes
  return [entry.kind === 'cleared' ? { kind: 'cleared' } : { kind: entry.kind, index: entry.index }]
}

function seqOf(key: string): number {
  return Number(key.slice(key.lastIndexOf('/') + 1))
}

function putJson(key: string, value: unknown): BatchOp {
  return { type: 'put', key, value: encoder.encode(JSON.stringify(value)) }
}

function readJson<T>(value: Uint8Array): T {
  return JSON.parse(decoder.decode(value)) as T
}
