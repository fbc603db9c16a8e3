/**
 * Group commit: every write is a LevelDB batch with `sync: true` (on disk before anything
 * acts on it), and writes that arrive while one is being synced share the next batch. One
 * fsync then serves many messages, which is what lets a busy conversation go faster than
 * one fsync per message. A write may waive its fsync (`sync: false`); a batch is synced when
 * any write in it asks for it, and since LevelDB's log is sequential, a synced batch also
 * makes every earlier unsynced one durable.
 */
import type { AppLevel } from '../storage.ts'

/** `fresh`: nothing is stored under the key yet (RecordOp in record-level.ts). */
export type BatchOp =
  | { type: 'put'; key: string; value: Uint8Array; fresh?: boolean }
  | { type: 'del'; key: string }

/**
 * A write to another sublevel of the same database (the prekeys'), committed atomically with
 * the rest of the batch.
 */
export type SublevelBatchOp = BatchOp & { sublevel: AppLevel }

export type DurableOp = BatchOp | SublevelBatchOp

const SYNC = { sync: true } as unknown as Record<string, never>
const NO_SYNC = { sync: false } as unknown as Record<string, never>

interface Pending {
  ops: DurableOp[]
  sync: boolean
  resolve: () => void
  reject: (err: unknown) => void
}

export class DurableWriter {
  readonly #db: AppLevel
  readonly #sync: boolean
  #queue: Pending[] = []
  #flushing = false

  /** `sync: false` only for simulations and benchmarks: a crash can then lose acked writes. */
  constructor(db: AppLevel, { sync = true }: { sync?: boolean } = {}) {
    this.#db = db
    this.#sync = sync
  }

  /**
   * Resolves once `ops` are applied atomically and, unless `sync` is false, synced to disk.
   * Unsynced, they are in the OS's hands: a killed process keeps them, a power cut may not.
   */
  write(ops: DurableOp[], { sync = true }: { sync?: boolean } = {}): Promise<void> {
    if (ops.length === 0) return Promise.resolve()
    const promise = new Promise<void>((resolve, reject) => {
      this.#queue.push({ ops, sync, resolve, reject })
    })
    if (!this.#flushing) void this.#flush()
    return promise
  }

  async #flush(): Promise<void> {
    this.#flushing = true
    while (this.#queue.length > 0) {
      const batch = this.#queue
      this.#queue = []
      try {
        // classic-level honours `sync` (through sublevels too); abstract-level's types omit it,
        // and they want an op's `sublevel` below this one where any of the same root works.
        await this.#db.batch(
          batch.flatMap((pending) => pending.ops) as BatchOp[],
          this.#sync && batch.some((pending) => pending.sync) ? SYNC : NO_SYNC,
        )
        for (const pending of batch) pending.resolve()
      } catch (err) {
        for (const pending of batch) pending.reject(err)
      }
    }
    this.#flushing = false
  }
}
