/**
 * The sender's side of FILE_PROTOCOL: serving the chunks of our offers to the peer each was
 * offered to, and of room files we hold to the room's readers.
 *
 * How it is kept: a file is served only to the peer its offer names and to the devices the
 * copies of its text went to (the peer account's other current devices and ours: `copiedTo`),
 * or for a room's file to a key that reads the room now (NOT_YOURS otherwise, logged), and
 * only if it is an offer of ours or a room's file we received whole (UNKNOWN_FILE); a 1:1
 * offer's state and progress follow the peer's transfer alone; a peer asks at most
 * ROOM_FILE_WINDOWS_PER_MINUTE windows of room files a minute (UNAVAILABLE beyond), and only within its chunk count
 * (BAD_REQUEST); a malformed request is answered and the stream aborted; a stream silent
 * for `idleTimeoutMs` ends. Each chunk is sealed under the offer's key with a fresh nonce.
 * A request is read in runs of at most a window's chunks, the next run while this one is
 * sealed and sent, through two buffers per stream, so a transfer allocates no more than
 * two windows whatever the file's size. Stopping aborts every stream served.
 */
import type { Connection, Logger, Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import { FramedStream, isStreamEnd } from '../../network/index.ts'
import {
  chunkCount,
  chunkOffset,
  decodeFileRequest,
  encodeFileFrame,
  type FileRange,
  type FileRequest,
  FileStatusCode,
  rangesWithin,
  sealChunkFrame,
} from '../../protocol/attachments.ts'
import { toHex } from '../../protocol/bytes.ts'
import {
  AEAD_NONCE_LENGTH,
  type AeadKey,
  aeadKey,
  randomBytes,
} from '../../protocol/crypto/index.ts'
import { FramingError } from '../../protocol/errors.ts'
import { FILE_STREAM_LIMITS, ROOM_FILE_WINDOWS_PER_MINUTE } from '../../protocol/limits.ts'
import { REQUEST_WINDOW_CHUNKS } from './file-fetch.ts'
import type { FileStore } from './file-store.ts'
import type { SealedFileReader } from './sealed-file.ts'
import { ServeBudget } from './serve-budget.ts'
import type { TransferBook } from './transfer-book.ts'
import type { TransferRecord, TransferStore } from './transfer-store.ts'

/** A file being served on one stream. */
interface ServedOffer {
  record: TransferRecord
  count: number
  key: AeadKey
  fileId: Uint8Array
  handle?: SealedFileReader
}

export interface FileServerInit {
  files: FileStore
  store: TransferStore
  book: TransferBook
  /** A stream that carries no request this long is closed. */
  idleTimeoutMs: number
  log: Logger
  /** Whether `keyHex` reads the room now: who may fetch a room's files from us. */
  readsRoom(roomId: string, keyHex: string): boolean
  /**
   * Whether `keyHex` is a device our texts to `peerHex` are copied to: another current device
   * of the peer's account, or of ours. @default none
   */
  copiedTo?(peerHex: string, keyHex: string): boolean
}

export class FileServer {
  readonly #init: FileServerInit
  readonly #serving = new Set<Stream>()
  readonly #budget = new ServeBudget(ROOM_FILE_WINDOWS_PER_MINUTE)

  constructor(init: FileServerInit) {
    this.#init = init
  }

  /** Aborts every stream being served. */
  abortAll(reason: Error): void {
    for (const stream of this.#serving) stream.abort(reason)
  }

  async serve(stream: Stream, connection: Connection): Promise<void> {
    const { log, idleTimeoutMs } = this.#init
    const remote = connection.remotePeer.publicKey
    if (remote?.type !== 'Ed25519') {
      stream.abort(new Error('TokenIM identities are Ed25519 keys'))
      return
    }
    const remoteHex = toHex(remote.raw)
    const lp = new FramedStream(stream, { limits: FILE_STREAM_LIMITS })
    // Each file asked for on this stream is looked up and opened once, not once a window.
    const offers = new Map<string, ServedOffer>()
    const readBuffers: Buffer[] = []
    this.#serving.add(stream)
    try {
      for (;;) {
        let request: FileRequest
        try {
          request = decodeFileRequest(await lp.read({ signal: AbortSignal.timeout(idleTimeoutMs) }))
        } catch (err) {
          const error = err as Error
          if (isStreamEnd(error)) return
          if (!(error instanceof FramingError) && stream.status !== 'open') return
          log.error('bad file request from %s: %s', connection.remotePeer, error.message)
          await status(lp, FileStatusCode.BAD_REQUEST, 'malformed request').catch(() => undefined)
          stream.abort(error)
          return
        }
        if (!(await this.#answer(lp, request, remoteHex, offers, readBuffers))) {
          await stream.close().catch(() => undefined)
          return
        }
      }
    } catch (err) {
      log('file stream with %s ended: %s', connection.remotePeer, (err as Error).message)
      stream.abort(err as Error)
    } finally {
      this.#serving.delete(stream)
      for (const { handle } of offers.values()) await handle?.close().catch(() => undefined)
    }
  }

  /**
   * Serves one request; false when the stream should close. `readBuffers` are the stream's
   * two run buffers, kept from one request to the next.
   */
  async #answer(
    lp: FramedStream,
    request: FileRequest,
    remoteHex: string,
    offers: Map<string, ServedOffer>,
    readBuffers: Buffer[],
  ): Promise<boolean> {
    const { files, store, book, log } = this.#init
    const fileId = toHex(request.fileId)
    let offer = offers.get(fileId)
    if (offer == null) {
      const record = await store.get(fileId)
      if (record == null || record.inline || !holds(record)) {
        await status(lp, FileStatusCode.UNKNOWN_FILE, 'no such file offered')
        return false
      }
      if (
        record.roomId == null
          ? record.peerHex !== remoteHex &&
            this.#init.copiedTo?.(record.peerHex, remoteHex) !== true
          : !this.#init.readsRoom(record.roomId, remoteHex)
      ) {
        log.error('%s asked for file %s offered to someone else', remoteHex, fileId)
        await status(lp, FileStatusCode.NOT_YOURS, 'offered to someone else')
        return false
      }
      offer = {
        record,
        count: chunkCount(record.size, record.chunkSize),
        key: aeadKey(Buffer.from(record.key!, 'base64')),
        fileId: Buffer.from(fileId, 'hex'),
      }
      offers.set(fileId, offer)
    }
    const { record, count } = offer
    // A 1:1 offer's state and progress are the peer's transfer; the copies' devices fetch too.
    const tracked = record.roomId == null && record.peerHex === remoteHex
    if (record.roomId != null && !request.complete && !this.#budget.take(remoteHex)) {
      log('room file requests of %s over %d a minute', remoteHex, ROOM_FILE_WINDOWS_PER_MINUTE)
      await status(lp, FileStatusCode.UNAVAILABLE, 'busy: ask another member or later')
      return false
    }
    if (request.complete) {
      // A room's file is complete for us from the start: many members fetch it.
      if (record.state !== 'complete' && (tracked || record.roomId != null)) {
        record.state = 'complete'
        await store.put(record, { sync: true })
        book.emit('transfer:complete', book.view(record, count))
      }
      return false
    }
    if (!rangesWithin(request.ranges, count)) {
      await status(lp, FileStatusCode.BAD_REQUEST, 'ranges beyond the file')
      return false
    }
    if (offer.handle == null) {
      try {
        offer.handle = await files.openStored(record.sha256)
      } catch (err) {
        await status(lp, FileStatusCode.UNAVAILABLE, 'the file cannot be read')
        log.error('cannot read offered file %s: %s', fileId, (err as Error).message)
        return false
      }
    }
    const handle = offer.handle
    if (record.state === 'pending' && tracked) {
      record.state = 'transferring'
      await store.put(record)
    }
    // Read in runs of up to a window's chunks (one read each), the next run while this one
    // is sealed and sent. The two buffers are taken in turn: sealing copies a chunk out of its
    // run, so a buffer is free again once its run is sent, and a transfer allocates no more.
    const runs = readRuns(request.ranges, REQUEST_WINDOW_CHUNKS)
    const runBytes = REQUEST_WINDOW_CHUNKS * record.chunkSize
    const readRun = async (r: number): Promise<Buffer> => {
      const { first, count: chunks } = runs[r]
      const offset = chunkOffset(first, record.chunkSize)
      const length = Math.min(record.size, chunkOffset(first + chunks, record.chunkSize)) - offset
      if ((readBuffers[r % 2]?.length ?? 0) < runBytes) readBuffers[r % 2] = Buffer.alloc(runBytes)
      const buffer = readBuffers[r % 2].subarray(0, length)
      const { bytesRead } = await handle.read(buffer, 0, length, offset)
      if (bytesRead !== length) throw new Error(`offered file ${fileId} is shorter than announced`)
      return buffer
    }
    let next = runs.length > 0 ? readRun(0) : undefined
    for (let r = 0; r < runs.length; r++) {
      const run = await next!
      next = r + 1 < runs.length ? readRun(r + 1) : undefined
      for (let i = 0; i < runs[r].count; i++) {
        const index = runs[r].first + i
        const buffer = run.subarray(i * record.chunkSize, (i + 1) * record.chunkSize)
        const nonce = randomBytes(AEAD_NONCE_LENGTH)
        // Sent as the pieces it was sealed in: no copy of the chunk into a frame.
        const frame = sealChunkFrame(offer.key, offer.fileId, index, count, buffer, nonce)
        await lp.write(new Uint8ArrayList(...frame))
        const served = book.countServed(fileId)
        // A room's file is served to many: its progress means nothing to one transfer view.
        if (tracked) book.progress(record, Math.min(served, count), count)
      }
    }
    await status(lp, FileStatusCode.DONE, '')
    return true
  }
}

/** Whether we hold the whole file to serve: our offer, or a room's file we received. */
function holds(record: TransferRecord): boolean {
  if (record.direction === 'out') return true
  return record.roomId != null && record.state === 'complete'
}

function status(lp: FramedStream, code: FileStatusCode, reason: string): Promise<void> {
  return lp.write(encodeFileFrame({ status: { code, reason } }))
}

/** The ranges cut into runs of at most `max` chunks: a request never makes one huge read. */
export function readRuns(ranges: FileRange[], max: number): FileRange[] {
  const runs: FileRange[] = []
  for (const { first, count } of ranges) {
    for (let start = first; start < first + count; start += max) {
      runs.push({ first: start, count: Math.min(max, first + count - start) })
    }
  }
  return runs
}
