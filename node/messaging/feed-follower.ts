/**
 * Keeps one consumer of the history feed caught up: on start, whenever messaging appends,
 * and when the consumer asks (`catchUp`). Pages are taken in feed order, one at a time; each
 * page's derived writes and the reader's watermark are committed together (FeedReader), so
 * a crash or a stop between two pages leaves the consumer exactly where it stood.
 *
 * What the consumer's `take` does with a page must be idempotent only where it writes
 * outside the batch it returns (a file, a record of its own written at once): a crash after
 * such a write and before the watermark's brings the page again.
 */
import type { Logger } from '@libp2p/interface'
import type { RecordBatchOp } from '../record-level.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import { MessagingStoppedError } from './errors.ts'
import type { FeedReader, HistoryChange, HistoryFeed } from './history-feed.ts'

export interface FeedFollowerInit {
  feed: HistoryFeed
  /** The reader's name: its watermark is kept under it. */
  name: string
  /** Takes a page of entries, in order; returns writes (each naming its sublevel) to commit with the watermark. */
  take(entries: HistoryChange[]): Promise<RecordBatchOp[] | undefined>
  /** Runs each page (take and commit) inside the consumer's one-at-a-time section. */
  exclusive?: <T>(task: () => Promise<T>) => Promise<T>
  /** Entries per page. @default 500 */
  pageSize?: number
  log: Logger
}

export class FeedFollower {
  readonly #init: FeedFollowerInit
  readonly #reader: FeedReader
  readonly #lifecycle = new ServiceLifecycle(
    () => new MessagingStoppedError('the history feed reader is stopped'),
  )
  readonly #onAppended = () => this.#background()
  #run: Promise<void> | undefined
  #again = false

  constructor(init: FeedFollowerInit) {
    this.#init = init
    this.#reader = init.feed.reader(init.name)
  }

  /** Catches up in the background, then follows what is appended. */
  start(): void {
    if (!this.#lifecycle.start()) return
    this.#init.feed.addEventListener('feed:appended', this.#onAppended)
    this.#background()
  }

  /** Resolves once the page under way is committed; nothing more is taken. */
  async stop(): Promise<void> {
    this.#init.feed.removeEventListener('feed:appended', this.#onAppended)
    await this.#lifecycle.stop()
    await this.#run?.catch(() => undefined)
  }

  /** Resolves once every entry committed before the call is taken in. */
  async catchUp(): Promise<void> {
    if (this.#run != null) {
      this.#again = true
      // The run under way may have read the feed before this call's entries.
      while (this.#run != null) await this.#run
      return
    }
    this.#run = (async () => {
      do {
        this.#again = false
        await this.#drain()
      } while (this.#again && this.#lifecycle.running)
    })().finally(() => {
      this.#run = undefined
    })
    await this.#run
  }

  #background(): void {
    void this.catchUp().catch((err: Error) =>
      this.#init.log.error(
        'reading the history feed (%s) failed: %s',
        this.#init.name,
        err.message,
      ),
    )
  }

  async #drain(): Promise<void> {
    const { take, exclusive = (task) => task(), pageSize = 500 } = this.#init
    const reader = this.#reader
    for (;;) {
      if (!this.#lifecycle.running) return
      const done = await this.#lifecycle.track(() =>
        exclusive(async () => {
          const { entries, last } = await reader.read(pageSize)
          if (last === reader.watermark) return true
          await reader.commit(last, (await take(entries)) ?? [])
          return false
        }),
      )
      if (done) return
    }
  }
}
