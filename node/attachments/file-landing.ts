/**
 * How a received file ends: complete, once it is in the store under its hash, or failed.
 *
 * How it is kept: `land` runs only after the store holds the file under its SHA-256 (the
 * whole file was checked, or the inline bytes were imported against the offered hash); it
 * detects the type again from the bytes received, never trusting the offer's, writes the
 * record synced and forgets the transfer's in-memory state; `transfer:complete` of an image
 * waits for its thumbnail (made in a worker, in the background; a corrupt image is still
 * delivered, without one). `fail` writes the reason synced and removes the partial file.
 */
import type { Logger } from '@libp2p/interface'
import { FileIntegrityError } from './errors.ts'
import { DETECTION_HEAD_SIZE, detectFileKind } from './file-kind.ts'
import type { FileStore } from './file-store.ts'
import type { Thumbnailer } from './thumbnailer.ts'
import type { TransferBook } from './transfer-book.ts'
import { fileInfoOf, type TransferRecord, type TransferStore } from './transfer-store.ts'

export interface FileLandingInit {
  files: FileStore
  store: TransferStore
  book: TransferBook
  thumbnailer: Thumbnailer | undefined
  log: Logger
}

export class FileLanding {
  readonly #files: FileStore
  readonly #store: TransferStore
  readonly #book: TransferBook
  readonly #thumbnailer: Thumbnailer | undefined
  readonly #log: Logger
  /** Received images whose thumbnail is being made; their completion is announced after. */
  readonly #thumbnailing = new Set<Promise<void>>()

  constructor(init: FileLandingInit) {
    this.#files = init.files
    this.#store = init.store
    this.#book = init.book
    this.#thumbnailer = init.thumbnailer
    this.#log = init.log
  }

  /** Thumbnails being made (stop() waits for them). */
  get thumbnailing(): Array<Promise<void>> {
    return [...this.#thumbnailing]
  }

  /** A file that came whole inside its DM: into the store against its hash, then landed. */
  async landInline(transfer: TransferRecord, bytes: Uint8Array): Promise<void> {
    try {
      await this.#files.importBytes(bytes, transfer.sha256)
      await this.land(
        transfer,
        bytes.length <= DETECTION_HEAD_SIZE ? bytes : bytes.subarray(0, DETECTION_HEAD_SIZE),
      )
    } catch (err) {
      if (!(err instanceof FileIntegrityError)) throw err
      await this.fail(transfer, err.message)
    }
  }

  /** The file is in the store under its hash: detect its type again, and show it. */
  async land(transfer: TransferRecord, head: Uint8Array): Promise<void> {
    const kind = await detectFileKind(head, transfer.size <= head.length)
    transfer.mime = kind.mime
    delete transfer.width
    delete transfer.height
    if (kind.width != null && kind.height != null) {
      transfer.width = kind.width
      transfer.height = kind.height
    }
    transfer.state = 'complete'
    delete transfer.bitmap
    const known = (await this.#store.fileInfo(transfer.sha256))?.thumbnail
    if (known != null && (await this.#files.hasThumbnail(transfer.sha256))) {
      transfer.thumbnail = known
    }
    await this.#store.putFileInfo(transfer.sha256, fileInfoOf(transfer))
    await this.#store.put(transfer, { sync: true })
    this.#book.incoming.delete(transfer.fileId)
    if (transfer.thumbnail == null && this.#thumbnailer?.accepts(kind.mime, transfer.size)) {
      // Made in a worker, in the background: the file is already complete on disk, and the
      // history catch-up that landed it goes on meanwhile.
      const made = this.#thumbnail(transfer).finally(() => this.#thumbnailing.delete(made))
      this.#thumbnailing.add(made)
      return
    }
    this.#book.emit('transfer:complete', this.#book.view(transfer))
  }

  async fail(transfer: TransferRecord, reason: string): Promise<void> {
    transfer.state = 'failed'
    transfer.failure = reason
    delete transfer.bitmap
    await this.#store.put(transfer, { sync: true })
    this.#book.incoming.delete(transfer.fileId)
    await this.#files.removePartial(transfer.fileId)
    this.#log.error('transfer %s from %s failed: %s', transfer.fileId, transfer.peerId, reason)
    this.#book.emit('transfer:failed', this.#book.view(transfer))
  }

  /** Makes and stores the thumbnail of a received image, then announces the file complete. */
  async #thumbnail(transfer: TransferRecord): Promise<void> {
    try {
      const thumbnail = await this.#thumbnailer!.make(
        await this.#files.read(transfer.sha256),
        transfer.mime,
        transfer.size,
      )
      await this.#files.putThumbnail(transfer.sha256, thumbnail.bytes)
      transfer.thumbnail = {
        mime: thumbnail.mime,
        width: thumbnail.width,
        height: thumbnail.height,
        size: thumbnail.bytes.length,
      }
      await this.#store.putFileInfo(transfer.sha256, fileInfoOf(transfer))
      await this.#store.put(transfer)
    } catch (err) {
      // A corrupt or oversized image is still delivered, without a thumbnail.
      this.#log('no thumbnail of %s: %s', transfer.sha256, (err as Error).message)
    }
    this.#book.emit('transfer:complete', this.#book.view(transfer))
  }
}
