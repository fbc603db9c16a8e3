/**
 * Everything that touches one peer's sessions and conversation runs through that peer's
 * lane, one batch at a time: the jobs queued in the same turn of the event loop, or while a
 * batch commits, form the next batch, are
 * run in order against the in-memory state, and are committed with one synced write before
 * any of them acts (ack, event, transmission). A failed write drops the in-memory state, so
 * it is read back as last committed.
 *
 * A batch of jobs that only record what the peer already holds durably (its acks) and leave
 * the sessions alone is written without an fsync: the write reaches the OS, so a killed
 * process keeps it, and what a power cut could undo is redone by a retransmission the peer
 * answers as a duplicate. Any other job in the batch, or a moved session, makes it synced.
 */
import type { DmEnvelope } from '../../protocol/messaging.ts'
import type { BatchOp, DurableOp } from './durable-writer.ts'
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
  /** Run instead of `after` when the commit fails: releases what the batch reserved. */
  undo: Array<() => void>
  sessionsDirty: boolean
  conversationDirty: boolean
  /** History records changed in this batch, written at its end. */
  history: Map<number, HistoryRecord>
  /** Texts sent in this batch, encrypted together at its end. */
  freshTexts: OutboxItem[]
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
 * synced, where one batch of 3,000 spent 290 ms encrypting and 84 ms syncing 4.4 MB before
 * anything left. Throughput: 4,800-5,200 -> 4,700-5,800 msg/s before bundles; with bundles
 * the same within the noise.
 */
const MAX_BATCH_JOBS = 256

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
    this.peerHex = Buffer.from(peerKey).toString('hex')
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
    let state: LaneState
    try {
      state = this.#state ??= await this.#hooks.load()
    } catch (err) {
      for (const job of jobs) job.reject(err)
      return
    }
    const tx: LaneTransaction = {
      ops: [],
      after: [],
      undo: [],
      sessionsDirty: false,
      conversationDirty: false,
      history: new Map(),
      freshTexts: [],
      receivedIds: new Set(),
      acceptedBaseKeys: new Set(),
    }
    const results: Array<{ ok: true; value: unknown } | { ok: false; err: unknown }> = []
    for (const job of jobs) {
      try {
        results.push({ ok: true, value: await job.run(tx, state) })
      } catch (err) {
        results.push({ ok: false, err })
      }
    }
    try {
      // Finishing may still encrypt (and so move a session): it comes before the sync check.
      const finished = this.#hooks.finish(tx, state)
      // A ratchet state must be on disk before what it encrypted leaves: never unsynced.
      const sync = tx.sessionsDirty || jobs.some((job) => job.sync)
      await this.#hooks.commit([...tx.ops, ...finished], { sync })
    } catch (err) {
      // Memory may be ahead of the disk now: forget it, and fail every job of the batch.
      this.#state = undefined
      for (const release of tx.undo) release()
      for (const job of jobs) job.reject(err)
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
    jobs.forEach((job, i) => {
      const result = results[i]
      if (result.ok) job.resolve(result.value)
      else job.reject(result.err)
    })
  }
}
