/**
 * The asking side of a history transfer (doc/accounts.md, "History on a new device"): this
 * device asks another current device of its account for the 1:1 history (all, the last N
 * days, or none), stores each page as it comes, and tells API clients how far it got.
 *
 * Guarantees, and how:
 * - resumable: the cursor (the last record stored) is kept on disk past each page once it and
 *   every page before it are stored (pages are stored while the next ones come, at most
 *   PAGES_STORING at once, in order within each conversation's lane; transfer-record.ts); a
 *   transfer cut off goes on from there, after a backoff, at the next start of the node, or
 *   when the same choice is asked again;
 * - exactly once: a page stored whose cursor was not yet written comes again, and its
 *   records are found by id (node/messaging/imported-history.ts), as are records this device
 *   deleted since (their ids stay known);
 * - only from our own device: the stream is opened to the key of a current device of the
 *   account's list, which noise authenticates; pages are decoded strictly
 *   (protocol/history-transfer.ts) and records naming our own devices' conversations are
 *   dropped;
 * - bounded: at most PAGES_STORING pages held (and HISTORY_TRANSFER_WINDOW unread on the
 *   stream); at most MAX_ATTEMPTS failed attempts in a row (the holder busy with the stream
 *   this device left, rate-limited, away) before it pauses; only a refusal for not being a
 *   current device of the account ends it as failed; every read waits
 *   at most HISTORY_TRANSFER_IDLE_MS; the holder bounds the rest.
 */
import type { Libp2p, Logger } from '@libp2p/interface'
import { FramedStream } from '../../network/index.ts'
import { openPeerStream, type PeerStreamHost } from '../../network/peer-streams.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import {
  decodeHistoryFrame,
  encodeHistoryAsk,
  type HistoryFrameValue,
  type HistoryItem,
} from '../../protocol/history-transfer.ts'
import { HISTORY_PROTOCOL } from '../../protocol/ids.ts'
import { HISTORY_STREAM_LIMITS, HISTORY_TRANSFER_IDLE_MS } from '../../protocol/limits.ts'
import type { HistoryChoice, HistoryTransferStatus } from '../../protocol/local-api.ts'
import { peerIdOf } from '../identity/index.ts'
import type { ImportedRecord, MessagePipeline } from '../messaging/index.ts'
import type { AppLevel } from '../storage.ts'
import {
  HistoryDeviceNotFoundError,
  HistoryTransferProtocolError,
  HistoryTransferRevokedError,
  HistoryTransferStoppedError,
  refusalNamed,
} from './errors.ts'
import { importedRecordOf } from './history-items.ts'
import { type TransferRecord, TransferRecordStore, transferStatus } from './transfer-record.ts'

/** Failed attempts in a row (none storing a page) before the transfer pauses. */
const MAX_ATTEMPTS = 5
/** Pages read and being stored at once (each at most one frame). */
const PAGES_STORING = 4
const FIRST_BACKOFF_MS = 1_000
/** Progress events at most this often while pages come (state changes always). */
const PROGRESS_EVERY_MS = 250
const DAY_MS = 24 * 3600 * 1000

/** A device of our account the transfer may ask. */
export interface OwnDevice {
  key: Uint8Array
  name: string
}

export interface HistoryAskerComponents {
  host: PeerStreamHost & Pick<Libp2p, 'logger'>
  db: AppLevel
  pipeline: Pick<MessagePipeline, 'importHistory'>
  /** The account's other current devices. */
  ownDevices(): OwnDevice[]
  emit(status: HistoryTransferStatus): void
}

export interface HistoryAskerInit {
  /** @default FIRST_BACKOFF_MS */
  firstBackoffMs?: number
  /** @default Date.now */
  clock?: () => number
}

export class HistoryAsker {
  readonly #components: HistoryAskerComponents
  readonly #init: HistoryAskerInit
  readonly #store: TransferRecordStore
  readonly #log: Logger
  #record: TransferRecord | undefined
  #running: Promise<void> | undefined
  #abort = new AbortController()
  #stopped = true
  #lastProgress = 0

  constructor(components: HistoryAskerComponents, init: HistoryAskerInit = {}) {
    this.#components = components
    this.#init = init
    this.#store = new TransferRecordStore(components.db)
    this.#log = components.host.logger.forComponent('tokenim:history')
  }

  /** Loads the transfer; one left running or paused goes on. */
  async start(): Promise<void> {
    this.#stopped = false
    this.#record = await this.#store.load()
    if (this.#record.state === 'running' || this.#record.state === 'paused') this.#launch()
  }

  async stop(): Promise<void> {
    this.#stopped = true
    this.#abort.abort()
    await this.#running
  }

  status(): HistoryTransferStatus {
    if (this.#record == null) throw new HistoryTransferStoppedError()
    return transferStatus(this.#record)
  }

  /**
   * Asks `from` (name or peer id; by default the device asked last, which on a linked device
   * is the one that linked it, else another of the account's) for the history `choice` names. The same choice of the same device
   * goes on from where the last transfer stopped; 'none' stops any under way.
   */
  async request(choice: HistoryChoice, from?: string): Promise<HistoryTransferStatus> {
    if (this.#record == null || this.#stopped) throw new HistoryTransferStoppedError()
    await this.#halt()
    if (choice === 'none') {
      await this.#save({ state: 'none', choice, sinceMs: 0, taken: 0, total: 0 })
      return this.status()
    }
    const device = toHex(this.#device(from))
    const last = this.#record
    const resumes = last.from === device && last.choice === choice && last.state !== 'done'
    const now = (this.#init.clock ?? Date.now)()
    await this.#save(
      resumes
        ? { ...last, state: 'running', error: undefined }
        : {
            state: 'running',
            choice,
            from: device,
            sinceMs: choice === 'all' ? 0 : now - choice * DAY_MS,
            taken: 0,
            total: 0,
          },
    )
    this.#launch()
    return this.status()
  }

  /** Resolves once the transfer under way stopped (tests, and `request`). */
  async #halt(): Promise<void> {
    this.#abort.abort()
    await this.#running
    this.#abort = new AbortController()
  }

  #device(from: string | undefined): Uint8Array {
    const devices = this.#components.ownDevices()
    if (from == null) {
      // The device asked last (at link time, the one that linked this device), else any.
      const last = this.#record?.from
      const device = devices.find((device) => toHex(device.key) === last) ?? devices[0]
      if (device == null) throw new HistoryDeviceNotFoundError('this account has no other device')
      return device.key
    }
    const named = devices.filter(
      (device) => device.name === from || peerIdOf({ publicKey: device.key }).toString() === from,
    )
    if (named.length !== 1) {
      throw new HistoryDeviceNotFoundError(`no other device of this account is called ${from}`)
    }
    return named[0]!.key
  }

  #launch(): void {
    const signal = this.#abort.signal
    const run = this.#run(signal).catch((err: Error) =>
      this.#log.error('the history transfer stopped: %s', err.message),
    )
    this.#running = run
  }

  async #run(signal: AbortSignal): Promise<void> {
    let failures = 0
    let backoff = this.#init.firstBackoffMs ?? FIRST_BACKOFF_MS
    while (!signal.aborted) {
      const before = this.#record!.taken
      try {
        if (await this.#attempt(signal)) return
      } catch (err) {
        if (signal.aborted) return
        if (err instanceof HistoryTransferRevokedError) {
          // Not a device the other one answers: a retry changes nothing.
          await this.#finish('failed', err)
          return
        }
        if (this.#record!.taken > before) failures = 0
        failures++
        this.#log('history transfer attempt %d failed: %s', failures, (err as Error).message)
        if (failures >= MAX_ATTEMPTS) {
          await this.#finish('paused', err as Error)
          return
        }
      }
      await abortableDelay(backoff, signal)
      backoff = Math.min(backoff * 2, 30_000)
    }
  }

  /** One stream: true once the transfer is done; false when the holder asks to be asked again. */
  async #attempt(signal: AbortSignal): Promise<boolean> {
    const record = this.#record!
    const from = fromHex(record.from!)
    const stream = await openPeerStream(
      this.#components.host,
      peerIdOf({ publicKey: from }),
      HISTORY_PROTOCOL,
      { signal: AbortSignal.any([signal, AbortSignal.timeout(HISTORY_TRANSFER_IDLE_MS)]) },
    )
    const framed = new FramedStream(stream, { limits: HISTORY_STREAM_LIMITS })
    let cursor: Promise<unknown> = Promise.resolve()
    try {
      const after =
        record.after == null
          ? undefined
          : { peer: fromHex(record.after.peer), index: record.after.index }
      await framed.write(encodeHistoryAsk({ kind: 'start', sinceMs: record.sinceMs, after }), {
        signal,
      })
      // Pages are stored while the next ones come: a page's records are queued in their
      // conversations' lanes as it arrives (pages queued together share a synced write), and
      // the cursor moves past a page once it and every page before it are stored.
      const storing: Array<Promise<unknown>> = []
      for (;;) {
        const frame = await this.#read(framed, signal)
        if (frame === undefined) {
          await cursor
          return false
        }
        if (frame.kind === 'refused') throw refusalNamed(frame.error)
        if (frame.kind === 'done') {
          await cursor
          await this.#finish('done')
          return true
        }
        // Asked before the page is stored: the holder reads and sends the next one meanwhile
        // (the stream holds at most HISTORY_TRANSFER_WINDOW pages unread).
        await framed.write(encodeHistoryAsk({ kind: 'next' }), { signal })
        const { items, remaining } = frame
        cursor = Promise.all([cursor, this.#storePage(items)]).then(() =>
          this.#advance(items, remaining),
        )
        storing.push(cursor)
        if (storing.length >= PAGES_STORING) await storing.shift()
      }
    } finally {
      // Nothing of this stream is left storing once the attempt ends.
      await cursor.catch(() => undefined)
      if (signal.aborted) stream.abort(new HistoryTransferStoppedError())
      else await stream.close().catch(() => stream.abort(new Error('closed')))
    }
  }

  /** The next frame; undefined when the holder ended the stream between frames. */
  async #read(framed: FramedStream, signal: AbortSignal): Promise<HistoryFrameValue | undefined> {
    let bytes: Uint8Array
    try {
      bytes = await framed.read({
        signal: AbortSignal.any([signal, AbortSignal.timeout(HISTORY_TRANSFER_IDLE_MS)]),
      })
    } catch (err) {
      if ((err as Error).name === 'StreamEndedError') return undefined
      throw err
    }
    try {
      return decodeHistoryFrame(bytes)
    } catch (err) {
      throw new HistoryTransferProtocolError(`a bad history page: ${(err as Error).message}`)
    }
  }

  /** Queues one page in its conversations' lanes at once; resolves once all of it is stored. */
  #storePage(items: HistoryItem[]): Promise<unknown> {
    const own = this.#components.ownDevices()
    const groups: Array<{ peer: Uint8Array; records: ImportedRecord[] }> = []
    for (const item of items) {
      // A conversation with one of our own devices is never history to show.
      if (own.some((device) => bytesEqual(device.key, item.peer))) continue
      const group = groups.at(-1)
      if (group != null && bytesEqual(group.peer, item.peer))
        group.records.push(importedRecordOf(item))
      else groups.push({ peer: item.peer, records: [importedRecordOf(item)] })
    }
    return Promise.all(
      groups.map(({ peer, records }) => this.#components.pipeline.importHistory(peer, records)),
    )
  }

  /** The cursor past a page stored. */
  async #advance(items: HistoryItem[], remaining: number): Promise<void> {
    const last = items.at(-1)!
    const record = this.#record!
    const taken = record.taken + items.length
    await this.#save({
      ...record,
      after: { peer: toHex(last.peer), index: last.index },
      taken,
      total: taken + remaining,
    })
  }

  async #finish(state: 'done' | 'failed' | 'paused', error?: Error): Promise<void> {
    const record = { ...this.#record!, state }
    if (state === 'done') record.total = record.taken
    if (error != null) record.error = { name: error.name, message: error.message }
    await this.#save(record, true)
  }

  async #save(record: TransferRecord, always = false): Promise<void> {
    const changed = record.state !== this.#record?.state
    // A page's cursor need not reach the disk before the next page: lost in a crash, the
    // page comes again and adds nothing (found by id). A change of state is synced.
    await this.#store.save(record, { sync: changed || always })
    this.#record = record
    const now = Date.now()
    if (always || changed || now - this.#lastProgress >= PROGRESS_EVERY_MS) {
      this.#lastProgress = now
      this.#components.emit(transferStatus(record))
    }
  }
}

function abortableDelay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })
}
