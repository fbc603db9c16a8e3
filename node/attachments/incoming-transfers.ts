/**
 * The receiver's transfers: offers taken from the conversation history and from room
 * messages, and the runs that fetch them, retried until each file is complete or failed. A
 * room's file is asked of the members in turn (connected ones first); one that refuses or
 * cannot be reached passes the run on to the next, and one whose bytes miss the hash is not
 * asked again (bytes from the author that miss it fail the transfer: its message named it).
 *
 * How it is kept: each history record's attachment becomes a transfer once (a record of
 * its file id already on disk makes a second call a no-op, so history replayed after a
 * crash adds nothing); the transfer is written synced before its first run starts; at most
 * one run per transfer is under way, and a reason to run again that comes meanwhile (the
 * sender connected, a retry came due) is remembered and honoured when the run ends. A run
 * that failed goes again at once if it made progress or the sender came back during it (a
 * relay ends each circuit at its data limit, and the next circuit carries the transfer on);
 * otherwise it waits for the sender to connect or for the next retry, saying why in its
 * view. Stopping aborts every run before it returns, so no chunk is taken in after.
 */
import type { Logger } from '@libp2p/interface'
import { ChunkBitmap, chunkCount } from '../../protocol/attachments.ts'
import { peerIdOf } from '../identity/index.ts'
import type { HistoryEntry, StoredAttachment } from '../messaging/index.ts'
import type { RoomFileOffer } from '../rooms/index.ts'
import { FileIntegrityError, SenderUnreachableError } from './errors.ts'
import type { FileFetch } from './file-fetch.ts'
import type { FileLanding } from './file-landing.ts'
import type { Incoming, TransferBook } from './transfer-book.ts'
import type { TransferRecord, TransferStore } from './transfer-store.ts'

export interface IncomingTransfersInit {
  store: TransferStore
  book: TransferBook
  landing: FileLanding
  fetch: FileFetch
  maxFileSize: number
  log: Logger
  /** Whether Attachments is running: no run starts or restarts when it is not. */
  running(): boolean
  /** The members (device keys, hex) to ask for a room's file, in the order to ask them. */
  roomSources(record: TransferRecord): string[]
}

export class IncomingTransfers {
  readonly #init: IncomingTransfersInit
  readonly #incoming: Map<string, Incoming>

  constructor(init: IncomingTransfersInit) {
    this.#init = init
    this.#incoming = init.book.incoming
  }

  /** Takes up the transfers a previous run left pending or under way. */
  async load(): Promise<void> {
    for (const record of await this.#init.store.all()) {
      if (record.direction !== 'in' || record.inline) continue
      if (record.state === 'pending' || record.state === 'transferring') {
        this.#incoming.set(record.fileId, { record, bitmap: bitmapOf(record) })
      }
    }
  }

  /** See Attachments.receiveHistory. */
  async receiveHistory(entries: HistoryEntry[]): Promise<void> {
    for (const { peerHex, record } of entries) {
      if (record.direction !== 'in' || record.attachment == null) continue
      await this.#take(peerHex, record.attachment)
    }
  }

  /** Files of room messages (not ours): each becomes a transfer from the room's members, once. */
  async receiveRoomFiles(offers: RoomFileOffer[]): Promise<void> {
    for (const offer of offers) {
      if (!offer.mine) await this.#take(offer.authorHex, offer.attachment, offer.roomId)
    }
  }

  /** A received attachment becomes a transfer (or lands, if inline); known ones are left. */
  async #take(peerHex: string, attachment: StoredAttachment, roomId?: string): Promise<void> {
    const { store, book, landing, maxFileSize } = this.#init
    // A reference only (history another device handed over): no key to fetch it with.
    if (attachment.key == null && attachment.inline == null) return
    if ((await store.get(attachment.fileId)) != null) return
    const transfer: TransferRecord = {
      fileId: attachment.fileId,
      peerHex,
      peerId: peerIdOf({ publicKey: Buffer.from(peerHex, 'hex') }).toString(),
      ...(roomId != null ? { roomId } : {}),
      direction: 'in',
      name: attachment.name,
      mime: attachment.mime,
      size: attachment.size,
      sha256: attachment.sha256,
      ...(attachment.width != null ? { width: attachment.width, height: attachment.height } : {}),
      inline: attachment.inline != null,
      chunkSize: attachment.chunkSize ?? attachment.size,
      state: 'pending',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    }
    if (attachment.inline != null) {
      await landing.landInline(transfer, Buffer.from(attachment.inline, 'base64'))
      return
    }
    transfer.key = attachment.key
    if (transfer.size > maxFileSize) {
      transfer.state = 'failed'
      transfer.failure = `the file is ${transfer.size} bytes, over this node's limit of ${maxFileSize} (maxFileSize)`
      await store.put(transfer, { sync: true })
      book.emit('transfer:failed', book.view(transfer))
      return
    }
    const bitmap = new ChunkBitmap(chunkCount(transfer.size, transfer.chunkSize))
    transfer.bitmap = Buffer.from(bitmap.bytes()).toString('base64')
    await store.put(transfer, { sync: true })
    this.#incoming.set(transfer.fileId, { record: transfer, bitmap })
    book.emit('transfer:progress', book.view(transfer))
    this.resume(peerHex)
  }

  /**
   * Starts fetching what waits (all, or what `peerHex` may give: files it sent us, and room
   * files when it is one of the members we would ask).
   */
  resume(peerHex?: string): void {
    if (!this.#init.running()) return
    for (const incoming of this.#incoming.values()) {
      const { record } = incoming
      if (
        peerHex != null &&
        record.peerHex !== peerHex &&
        (record.roomId == null || !this.#init.roomSources(record).includes(peerHex))
      ) {
        continue
      }
      if (incoming.running != null) {
        incoming.again = true
        continue
      }
      this.#run(incoming)
    }
  }

  /** Aborts every run at once (no chunk is taken in after); returns the runs to wait for. */
  abortAll(reason: Error): Array<Promise<void>> {
    const running: Array<Promise<void>> = []
    for (const incoming of this.#incoming.values()) {
      incoming.abort?.abort(reason)
      if (incoming.running != null) running.push(incoming.running)
    }
    return running
  }

  /** Stops the runs of these transfers and forgets them; a run that ends now neither retries nor reports. */
  async forget(fileIds: string[]): Promise<void> {
    for (const fileId of fileIds) {
      const incoming = this.#incoming.get(fileId)
      if (incoming == null) continue
      // Out of the map first: a run that ends now neither retries nor reports.
      this.#incoming.delete(fileId)
      incoming.abort?.abort(new Error('the conversation was deleted'))
      await incoming.running?.catch(() => undefined)
    }
  }

  #run(incoming: Incoming): void {
    const { book, log, running } = this.#init
    const abort = new AbortController()
    incoming.abort = abort
    incoming.again = false
    const heldBefore = incoming.bitmap.have
    incoming.running = this.#fetch(incoming, abort.signal)
      .catch((err: Error) => {
        log('transfer %s paused: %s', incoming.record.fileId, err.message)
        if (running() && this.#incoming.has(incoming.record.fileId)) {
          incoming.waiting =
            err instanceof SenderUnreachableError
              ? err.message
              : `the transfer broke off (${err.message}); it goes on by itself when it can`
          const { record, bitmap } = incoming
          book.progress(record, bitmap.have, bitmap.count, true)
        }
        // A run that failed while the sender came back (a dial to its old address, a stream
        // on the connection that just died) goes again at once, not at the next retry.
        // So does one that made progress before it broke off: a relay ends each circuit at
        // its data limit, and the next circuit carries the transfer on.
        const progressed = incoming.bitmap.have > heldBefore
        if (
          (incoming.again || progressed) &&
          running() &&
          this.#incoming.has(incoming.record.fileId)
        ) {
          return true
        }
      })
      .then((again) => {
        incoming.running = undefined
        incoming.abort = undefined
        if (again === true) this.#run(incoming)
      })
  }

  /**
   * One run: from the sender; for a room's file, from each member we may ask in turn (those
   * connected first) until one has given the whole file.
   */
  async #fetch(incoming: Incoming, signal: AbortSignal): Promise<void> {
    const { record } = incoming
    if (record.roomId == null) return this.#init.fetch.run(incoming, signal)
    for (const source of this.#init.roomSources(record)) {
      if (incoming.badSources?.has(source)) continue
      try {
        return await this.#init.fetch.run(incoming, signal, source)
      } catch (err) {
        if (signal.aborted) throw err
        if (err instanceof FileIntegrityError) {
          this.#init.log.error(
            'room file %s: %s sent bytes that miss its hash',
            record.fileId,
            source,
          )
          incoming.badSources = (incoming.badSources ?? new Set()).add(source)
          continue
        }
        this.#init.log(
          'room file %s not from %s: %s',
          record.fileId,
          source,
          (err as Error).message,
        )
      }
    }
    throw new SenderUnreachableError(
      'no member who holds the file can be reached now: it comes when one of them is online',
    )
  }
}

function bitmapOf(record: TransferRecord): ChunkBitmap {
  const count = chunkCount(record.size, record.chunkSize)
  return new ChunkBitmap(
    count,
    record.bitmap == null ? undefined : Buffer.from(record.bitmap, 'base64'),
  )
}
