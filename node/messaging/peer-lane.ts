/**
 * Everything that touches one peer's sessions and conversation runs through that peer's
 * lane, one batch at a time: the jobs queued in the same turn of the event loop, or while a
 * batch commits, form the next batch, are run in order against the in-memory state, and are
 * committed with one synced write before any of them acts (ack, event, transmission).
 *
 * A batch commits whole or leaves no trace: memory is never ahead of the disk.
 * - A job that throws fails alone. It may have changed anything it reached (a session that
 *   decrypted, the conversation), so the batch is rolled back before anything is written,
 *   and the other jobs run again, in order, from the committed state; the thrower's promise
 *   rejects with its error. So a message whose decryption moved the ratchet is never acked
 *   as a duplicate of itself after its job failed: its copy decrypts again. Each throw runs
 *   the batch again, so a batch runs at most MAX_BATCH_JOBS + 1 times.
 * - A failed write fails every job of its batch, rolled back the same way.
 * Rolling back drops the lane state (it is read back as last committed), puts the outbox
 * back as it was (which items, in which order), restores every outbox item a job changed
 * (through `touch`), and runs the batch's `undo` for what it reserved outside the lane.
 *
 * A batch of jobs that only record what the peer already holds durably (its acks) and leave
 * the sessions alone is written without an fsync: the write reaches the OS, so a killed
 * process keeps it, and what a power cut could undo is redone by a retransmission the peer
 * answers as a duplicate. Any other job in the batch, or a moved session, makes it synced.
 */
import { toHex } from '../../protocol/bytes.ts'
import type { DmEnvelope } from '../../protocol/messaging.ts'
import type { BatchOp, DurableOp } from './durable-writer.ts'
import type { FeedChange } from './history-feed.ts'
import type { ConversationRecord, HeldRecord, HistoryRecord, OutboxEntry } from './message-store.ts'
import type { PeerSessions } from './peer-sessions.ts'

/** An outbox entry and what the node does with it right now. */
export interface OutboxItem {
  entry: OutboxEntry
  envelope: DmEnvelope | null
  /** Sent on a stream, waiting for the ack. */
  inFlight: boolean
  ackTimer?: NodeJS.Timeout
  depositing: boolean
}

/** The state a batch builds up, committed at its end. */
export interface LaneTransaction {
  ops: DurableOp[]
  /** Run after the commit, in order. */
  after: Array<() => void>
  /** Run instead of `after` when the batch is rolled back: releases what it reserved. */
  undo: Array<() => void>
  /** Outbox items changed in this batch, as they were before it (see `touch`). */
  touched: Map<OutboxItem, { entry: OutboxEntry; envelope: DmEnvelope | null }>
  sessionsDirty: boolean
  conversationDirty: boolean
  /** History records changed in this batch, written at its end. */
  history: Map<number, HistoryRecord>
  /** Records added and histories cleared in this batch, in order: the history feed's entries. */
  feed: FeedChange[]
  /** Seq and history index of each text sent in this batch: one receipt record at its end. */
  sentSeqs: Array<[seq: number, index: number]>
  /** Texts sent in this batch, encrypted together at its end. */
  freshTexts: OutboxItem[]
  /** History indexes of the texts shown or sent in this batch, by id (message actions). */
  indexes: Map<string, number>
  /** Ids of texts received in this batch, and session base keys accepted in it. */
  receivedIds: Set<string>
  acceptedBaseKeys: Set<string>
}

export interface LaneState {
  conversation: ConversationRecord
  /** True when `conversation` is not in the database yet. */
  conversationIsNew: boolean
  sessions: PeerSessions
  held: Map<number, HeldRecord>
  /** History records written lately, so acks and receipts rarely read the database. */
  recentHistory: Map<number, HistoryRecord>
  /**
   * The records of our texts still in the outbox, however many: each ack needs its record,
   * and a burst larger than `recentHistory` would read them back one at a time.
   */
  unackedHistory: Map<number, HistoryRecord>
}

/**
 * Jobs one batch takes at most, which bounds what one write holds. A burst of thousands of
 * sends then leaves in slices: the peer starts on the first while the next are encrypted and
 * synced, instead of waiting for the whole burst to be encrypted and synced in one batch
 * (figures in doc/messaging.md, "Where the figures stand").
 */
const MAX_BATCH_JOBS = 256

/** Call before changing an outbox item in a batch: a rollback puts it back as it was. */
export function touch(tx: LaneTransaction, item: OutboxItem): void {
  if (!tx.touched.has(item)) {
    tx.touched.set(item, { entry: { ...item.entry }, envelope: item.envelope })
  }
}

type Job = {
  run(tx: LaneTransaction, state: LaneState): Promise<unknown>
  sync: boolean
  resolve(value: unknown): void
  reject(err: unknown): void
}

export interface LaneHooks {
  load(): Promise<LaneState>
  /** Operations that persist what the batch changed in the lane state. */
  finish(tx: LaneTransaction, state: LaneState): BatchOp[]
  commit(ops: DurableOp[], options: { sync: boolean }): Promise<void>
  onAfterError(err: unknown): void
}

export class PeerLane {
  readonly peerKey: Uint8Array
  readonly peerHex: string
  readonly peerId: string
  readonly outbox = new Map<string, OutboxItem>()
  /** Bundle fetches for this peer that failed in a row (none published yet, or not found). */
  bundleFailures = 0
  /** The next bundle fetch, after a failure. */
  bundleRetryTimer: NodeJS.Timeout | undefined
  /** A bundle fetch for this peer is under way. */
  fetchingBundle = false
  /** Direct sends that found the peer unreachable (or unanswering) since its last ack. */
  directFailures = 0
  /** The next direct retry after such a failure. */
  directRetryTimer: NodeJS.Timeout | undefined
  readonly #hooks: LaneHooks
  #state: LaneState | undefined
  #queue: Job[] = []
  #draining: Promise<void> | undefined
  /** `performance.now()` when the last batch ended. */
  #lastBatchAt = performance.now()

  constructor(peerKey: Uint8Array, peerId: string, hooks: LaneHooks) {
    this.peerKey = peerKey
    this.peerHex = toHex(peerKey)
    this.peerId = peerId
    this.#hooks = hooks
  }

  /** The state as of the last batch (loaded on first use). */
  get state(): LaneState | undefined {
    return this.#state
  }

  /**
   * Queues `run`; resolves with its result once the batch it ran in is committed. `sync:
   * false` only for a job that records what the peer already stored (see above).
   */
  run<T>(
    run: (tx: LaneTransaction, state: LaneState) => Promise<T>,
    { sync = true }: { sync?: boolean } = {},
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ run, sync, resolve: resolve as (value: unknown) => void, reject })
      this.#draining ??= this.#drain()
    })
  }

  /** No batch for `ms`, none running, and nothing of ours waiting for the peer. */
  quietFor(ms: number): boolean {
    return (
      this.#draining == null &&
      this.outbox.size === 0 &&
      performance.now() - this.#lastBatchAt >= ms
    )
  }

  /** Resolves when no batch is running. */
  async idle(): Promise<void> {
    while (this.#draining != null) await this.#draining
  }

  async #drain(): Promise<void> {
    // The first batch after a pause waits for the turn to end: the frames of one network read
    // are parsed over several microtasks, and they should share one commit (and one fsync)
    // rather than the first going alone. Later batches gather while the previous one commits.
    await new Promise<void>((resolve) => setImmediate(resolve))
    while (this.#queue.length > 0) {
      const jobs = this.#queue.splice(0, MAX_BATCH_JOBS)
      await this.#runBatch(jobs)
      this.#lastBatchAt = performance.now()
    }
    // Cleared in the same tick as the last queue check, so no job is ever left waiting.
    this.#draining = undefined
  }

  async #runBatch(jobs: Job[]): Promise<void> {
    let pending = jobs
    for (;;) {
      let state: LaneState
      try {
        state = this.#state ??= await this.#hooks.load()
      } catch (err) {
        for (const job of pending) job.reject(err)
        return
      }
      const tx = newTransaction()
      // Items only (their ids never change): ~80 us for an outbox of 10,000, pairs take 15 times that.
      const outboxBefore = [...this.outbox.values()]
      const values: unknown[] = []
      let thrower: { index: number; err: unknown } | undefined
      for (const [index, job] of pending.entries()) {
        try {
          values.push(await job.run(tx, state))
        } catch (err) {
          thrower = { index, err }
          break
        }
      }
      if (thrower != null) {
        this.#rollBack(tx, outboxBefore)
        pending[thrower.index].reject(thrower.err)
        pending = pending.filter((_, i) => i !== thrower.index)
        if (pending.length === 0) return
        continue
      }
      try {
        // Finishing may still encrypt (and so move a session): it comes before the sync check.
        const finished = this.#hooks.finish(tx, state)
        // A ratchet state must be on disk before what it encrypted leaves: never unsynced.
        const sync = tx.sessionsDirty || pending.some((job) => job.sync)
        await this.#hooks.commit([...tx.ops, ...finished], { sync })
      } catch (err) {
        this.#rollBack(tx, outboxBefore)
        for (const job of pending) job.reject(err)
        return
      }
      if (tx.conversationDirty) state.conversationIsNew = false
      for (const action of tx.after) {
        try {
          action()
        } catch (err) {
          this.#hooks.onAfterError(err)
        }
      }
      for (const [i, job] of pending.entries()) job.resolve(values[i])
      return
    }
  }

  /** Memory back to the last commit (see the file header). */
  #rollBack(tx: LaneTransaction, outboxBefore: OutboxItem[]): void {
    this.#state = undefined
    this.outbox.clear()
    for (const item of outboxBefore) this.outbox.set(item.entry.id, item)
    for (const [item, before] of tx.touched) {
      item.entry = before.entry
      item.envelope = before.envelope
    }
    for (const release of tx.undo) release()
  }
}

function newTransaction(): LaneTransaction {
  return {
    ops: [],
    after: [],
    undo: [],
    touched: new Map(),
    sessionsDirty: false,
    conversationDirty: false,
    history: new Map(),
    feed: [],
    sentSeqs: [],
    freshTexts: [],
    indexes: new Map(),
    receivedIds: new Set(),
    acceptedBaseKeys: new Set(),
  }
}
