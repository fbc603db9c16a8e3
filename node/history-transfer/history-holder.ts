/**
 * The holding side of a history transfer (doc/accounts.md, "History on a new device"):
 * HISTORY_PROTOCOL's handler, which hands this device's 1:1 history, page by page, to another
 * current device of the account that asks for it.
 *
 * Guarantees, and how:
 * - only an own, listed, non-revoked device gets anything: the key noise authenticated on
 *   the connection must be another current device of this account's list and not revoked,
 *   and this device must not be revoked itself; anyone else gets a REFUSED frame, nothing more;
 * - end-to-end encrypted: the stream runs inside the noise session of the two device keys
 *   (a relay's circuit carries only its ciphertext), and nothing is sent before the key check;
 * - bounded: one transfer per asking device at a time, HISTORY_TRANSFER_ASKS_PER_MINUTE starts
 *   a minute, pages of at most MAX_HISTORY_TRANSFER_ITEMS records and one frame, at most
 *   HISTORY_TRANSFER_WINDOW pages ahead of the asker's NEXT, HISTORY_TRANSFER_BYTES_PER_SECOND,
 *   and MAX_HISTORY_TRANSFER_BYTES per request (the asker asks again for the rest); every
 *   read waits at most HISTORY_TRANSFER_IDLE_MS.
 */
import type { Connection, Libp2p, Logger, Stream } from '@libp2p/interface'
import { FramedStream, streamCounts } from '../../network/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import {
  decodeHistoryAsk,
  encodeHistoryFrame,
  type HistoryAskValue,
  type HistoryItem,
  historyItemSize,
} from '../../protocol/history-transfer.ts'
import { HISTORY_PROTOCOL } from '../../protocol/ids.ts'
import {
  HISTORY_STREAM_LIMITS,
  HISTORY_TRANSFER_ASKS_PER_MINUTE,
  HISTORY_TRANSFER_BYTES_PER_SECOND,
  HISTORY_TRANSFER_IDLE_MS,
  HISTORY_TRANSFER_WINDOW,
  MAX_HISTORY_TRANSFER_BYTES,
  MAX_HISTORY_TRANSFER_ITEMS,
  MAX_STREAM_FRAME_SIZE,
} from '../../protocol/limits.ts'
import type { AccountDevicesPort } from '../messaging/index.ts'
import {
  HistoryTransferBusyError,
  type HistoryTransferError,
  HistoryTransferProtocolError,
  HistoryTransferRateLimitedError,
  HistoryTransferRevokedError,
} from './errors.ts'
import { estimateHistoryItems, type HistoryWalkInit, historyItems } from './history-items.ts'

/** Room left in a frame for the page's own fields around its records. */
const PAGE_OVERHEAD = 64

export interface HistoryHolderComponents {
  host: Pick<Libp2p, 'handle' | 'unhandle' | 'logger'>
  pipeline: HistoryWalkInit['pipeline']
  devices: Pick<AccountDevicesPort, 'isOwnDevice' | 'isRevoked' | 'thisDeviceRevoked'>
  /** Conversations the user does not see: not handed over. */
  hides(peer: Uint8Array): boolean
  myKey: Uint8Array
}

export interface HistoryHolderInit {
  /** @default HISTORY_TRANSFER_BYTES_PER_SECOND */
  bytesPerSecond?: number
  /** @default Date.now */
  clock?: () => number
}

export class HistoryHolder {
  readonly #components: HistoryHolderComponents
  readonly #init: HistoryHolderInit
  readonly #log: Logger
  /** Asking devices with a transfer under way. */
  readonly #active = new Set<string>()
  /** Start times of each asking device's transfers in the last minute. */
  readonly #starts = new Map<string, number[]>()
  readonly #aborts = new AbortController()

  constructor(components: HistoryHolderComponents, init: HistoryHolderInit = {}) {
    this.#components = components
    this.#init = init
    this.#log = components.host.logger.forComponent('tokenim:history')
  }

  async start(): Promise<void> {
    // A device behind NAT may be reached through a relay's circuit only; its data limit cuts
    // a long transfer, which the asker resumes.
    await this.#components.host.handle(
      HISTORY_PROTOCOL,
      (stream, connection) => void this.#serve(stream, connection),
      { ...streamCounts(HISTORY_STREAM_LIMITS), runOnLimitedConnection: true },
    )
  }

  async stop(): Promise<void> {
    this.#aborts.abort()
    await this.#components.host.unhandle(HISTORY_PROTOCOL)
  }

  async #serve(stream: Stream, connection: Connection): Promise<void> {
    const framed = new FramedStream(stream, { limits: HISTORY_STREAM_LIMITS })
    const key = connection.remotePeer.publicKey
    const asker = key?.type === 'Ed25519' ? key.raw : undefined
    const askerHex = asker == null ? connection.remotePeer.toString() : toHex(asker)
    const refusal = this.#refusal(asker, askerHex)
    if (refusal != null) {
      this.#log('refused a history transfer to %p: %s', connection.remotePeer, refusal.message)
      await this.#refuse(framed, refusal)
      return
    }
    this.#active.add(askerHex)
    try {
      const ask = await this.#read(framed)
      if (ask.kind !== 'start')
        throw new HistoryTransferProtocolError('a transfer begins with START')
      const sent = await this.#send(framed, ask)
      this.#log('handed %d records to %p', sent, connection.remotePeer)
    } catch (err) {
      this.#log.error(
        'history transfer to %p stopped: %s',
        connection.remotePeer,
        (err as Error).message,
      )
      if (err instanceof HistoryTransferProtocolError) await this.#refuse(framed, err)
      else stream.abort(err as Error)
    } finally {
      this.#active.delete(askerHex)
    }
  }

  /** Why `asker` gets nothing, or undefined when it may ask now (the start is counted). */
  #refusal(asker: Uint8Array | undefined, askerHex: string): HistoryTransferError | undefined {
    const { devices } = this.#components
    if (
      asker == null ||
      devices.thisDeviceRevoked() ||
      !devices.isOwnDevice(asker) ||
      devices.isRevoked(asker)
    ) {
      return new HistoryTransferRevokedError(
        'only a current device of this account gets its history',
      )
    }
    if (this.#active.has(askerHex)) {
      return new HistoryTransferBusyError('a history transfer to that device runs already')
    }
    const now = (this.#init.clock ?? Date.now)()
    const recent = (this.#starts.get(askerHex) ?? []).filter((at) => now - at < 60_000)
    if (recent.length >= HISTORY_TRANSFER_ASKS_PER_MINUTE) {
      return new HistoryTransferRateLimitedError(
        `at most ${HISTORY_TRANSFER_ASKS_PER_MINUTE} history transfers a minute`,
      )
    }
    this.#starts.set(askerHex, [...recent, now])
    return undefined
  }

  /** Sends the pages the ask names; returns how many records went. */
  async #send(
    framed: FramedStream,
    ask: Extract<HistoryAskValue, { kind: 'start' }>,
  ): Promise<number> {
    const { pipeline, hides, myKey } = this.#components
    const walk: HistoryWalkInit = { pipeline, hides, myKey, sinceMs: ask.sinceMs, after: ask.after }
    let remaining = await estimateHistoryItems(walk)
    const rate = this.#init.bytesPerSecond ?? HISTORY_TRANSFER_BYTES_PER_SECOND
    const began = performance.now()
    let bytes = 0
    let sent = 0
    let unacked = 0
    let page: HistoryItem[] = []
    let pageBytes = PAGE_OVERHEAD
    const flush = async () => {
      for (; unacked >= HISTORY_TRANSFER_WINDOW; unacked--) await this.#next(framed)
      remaining = Math.max(0, remaining - page.length)
      const frame = encodeHistoryFrame({ kind: 'page', items: page, remaining })
      await framed.write(frame, { signal: this.#aborts.signal })
      unacked++
      sent += page.length
      bytes += frame.byteLength
      page = []
      pageBytes = PAGE_OVERHEAD
      // Paced: never ahead of the rate since the transfer began.
      const ahead = (bytes / rate) * 1000 - (performance.now() - began)
      if (ahead > 0) await pause(ahead, framed.stream)
    }
    // Past MAX_HISTORY_TRANSFER_BYTES the stream ends without DONE: the asker asks again.
    let cut = false
    for await (const item of historyItems(walk)) {
      const size = historyItemSize(item)
      const full =
        page.length >= MAX_HISTORY_TRANSFER_ITEMS || pageBytes + size > MAX_STREAM_FRAME_SIZE
      if (page.length > 0 && full) {
        await flush()
        if (bytes >= MAX_HISTORY_TRANSFER_BYTES) {
          cut = true
          break
        }
      }
      page.push(item)
      pageBytes += size
    }
    if (!cut && page.length > 0) await flush()
    for (; unacked > 0; unacked--) await this.#next(framed)
    if (!cut) await framed.write(encodeHistoryFrame({ kind: 'done' }))
    await framed.stream.close({ signal: AbortSignal.timeout(HISTORY_TRANSFER_IDLE_MS) })
    return sent
  }

  async #next(framed: FramedStream): Promise<void> {
    const ask = await this.#read(framed)
    if (ask.kind !== 'next') throw new HistoryTransferProtocolError('only NEXT follows START')
  }

  async #read(framed: FramedStream): Promise<HistoryAskValue> {
    const signal = AbortSignal.any([
      this.#aborts.signal,
      AbortSignal.timeout(HISTORY_TRANSFER_IDLE_MS),
    ])
    const bytes = await framed.read({ signal })
    try {
      return decodeHistoryAsk(bytes)
    } catch (err) {
      throw new HistoryTransferProtocolError(`a bad history request: ${(err as Error).message}`)
    }
  }

  async #refuse(framed: FramedStream, error: HistoryTransferError): Promise<void> {
    try {
      await framed.write(encodeHistoryFrame({ kind: 'refused', error: error.name }))
      await framed.stream.close({ signal: AbortSignal.timeout(2_000) })
    } catch {
      framed.stream.abort(error)
    }
  }
}

/** Waits `ms`, or less when the stream closes (the asker went: its slot frees at once). */
function pause(ms: number, stream: Stream): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      stream.removeEventListener('close', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    stream.addEventListener('close', done)
  })
}
