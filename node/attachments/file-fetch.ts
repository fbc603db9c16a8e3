/**
 * One run of an incoming transfer: a stream to the sender, the chunks this node lacks asked
 * for window by window, each checked, decrypted and written at its place.
 *
 * How it is kept: a chunk is taken only if it is the one asked for next, decrypts under the
 * offer's key (bound to the file id, its index and the chunk count) and has its exact
 * length; the bitmap counts a chunk once it is written, and is persisted synced after the
 * partial file (chunk-sink.ts), so a run that breaks off loses nothing written and the next
 * asks only for what is missing. Two windows are kept in flight, so the stream never idles
 * and little waits in its buffers; a stream silent for `idleTimeoutMs` is aborted, as is
 * the run when its signal fires. The whole file's SHA-256 is checked before it lands.
 */
import type { Stream } from '@libp2p/interface'
import { FramedStream } from '../../network/index.ts'
import { openPeerStream, type PeerStreamHost } from '../../network/peer-streams.ts'
import {
  ChunkBitmap,
  chunkLength,
  decodeReceivedFileFrame,
  encodeFileRequest,
  FileStatusCode,
  openReceivedChunk,
  type ReceivedChunk,
  rangeIndexes,
  requestWindows,
} from '../../protocol/attachments.ts'
import { type AeadKey, aeadKey } from '../../protocol/crypto/index.ts'
import { FILE_PROTOCOL } from '../../protocol/ids.ts'
import { FILE_STREAM_LIMITS } from '../../protocol/limits.ts'
import { peerIdOf } from '../identity/index.ts'
import { ChunkSink } from './chunk-sink.ts'
import { FileIntegrityError, FileSourceRefusedError, SenderUnreachableError } from './errors.ts'
import { DETECTION_HEAD_SIZE } from './file-kind.ts'
import type { FileLanding } from './file-landing.ts'
import type { FileStore } from './file-store.ts'
import type { Incoming, TransferBook } from './transfer-book.ts'
import type { TransferRecord, TransferStore } from './transfer-store.ts'

/** Chunks per request on FILE_PROTOCOL (1 MiB); two requests are kept outstanding. */
export const REQUEST_WINDOW_CHUNKS = 16
export const DEFAULT_FLUSH_EVERY_CHUNKS = 64

export interface FileFetchInit {
  host: PeerStreamHost
  files: FileStore
  store: TransferStore
  book: TransferBook
  landing: FileLanding
  /** Chunks received between two syncs of the partial file and its bitmap. */
  flushEveryChunks: number
  /** A transfer stream that stays silent this long is closed. */
  idleTimeoutMs: number
  dialTimeoutMs: number
}

export class FileFetch {
  readonly #init: FileFetchInit

  constructor(init: FileFetchInit) {
    this.#init = init
  }

  /**
   * Fetches what `incoming` lacks from its sender (or, for a room's file, from the member
   * `fromHex`), and lands the file when it is whole.
   */
  async run(
    incoming: Incoming,
    signal: AbortSignal,
    fromHex = incoming.record.peerHex,
  ): Promise<void> {
    const { files, store, book, landing } = this.#init
    const { record } = incoming
    if (await files.has(record.sha256)) {
      // Completed before a crash cut the record's last write short.
      await landing.land(record, await files.head(record.sha256, DETECTION_HEAD_SIZE))
      return
    }
    const stream = await this.#dialSender(fromHex, signal)
    delete incoming.waiting
    const onAbort = () => stream.abort(signal.reason as Error)
    signal.addEventListener('abort', onAbort)
    const lp = new FramedStream(stream, { limits: FILE_STREAM_LIMITS })
    const partial = await files.openPartial(record.fileId, record.chunkSize)
    // A partial file started afresh (lost, or written before sealing) holds no chunk.
    if (partial.fresh && incoming.bitmap.have > 0) {
      incoming.bitmap = new ChunkBitmap(incoming.bitmap.count)
    }
    const { bitmap } = incoming
    const fileId = Buffer.from(record.fileId, 'hex')
    const key = aeadKey(Buffer.from(record.key!, 'base64'))
    const count = bitmap.count
    const sink = new ChunkSink(partial.handle, bitmap, {
      seal: partial.seal,
      flushEvery: this.#init.flushEveryChunks,
      persist: async (bits) => {
        record.bitmap = Buffer.from(bits).toString('base64')
        await store.put(record, { sync: true })
      },
    })
    const flush = () => sink.flush()
    // Shown as soon as the first chunks of this run are on disk, then at most every interval:
    // a fast transfer would otherwise show no step between nothing and complete.
    let moved = false
    const heldAtStart = bitmap.have
    // One idle timer for the stream, pushed back by every frame (a timeout signal per read
    // cost more than decoding the frame).
    const idleMs = this.#init.idleTimeoutMs
    const idle = setTimeout(() => {
      stream.abort(new Error(`the sender sent nothing for ${idleMs} ms`))
    }, idleMs)
    try {
      record.state = 'transferring'
      book.progress(record, bitmap.have, count, true)
      while (!bitmap.complete) {
        // Two windows in flight: the next is asked for as soon as one is done, so the stream
        // never idles, and little waits in its buffers (a stream is reset past 4 MiB unread).
        const windows = requestWindows(bitmap, REQUEST_WINDOW_CHUNKS)
        let asked = 0
        const ask = async () => {
          if (asked === windows.length) return
          await lp.write(encodeFileRequest({ fileId, ranges: windows[asked++], complete: false }))
        }
        await ask()
        await ask()
        for (const window of windows) {
          const wanted = rangeIndexes(window)
          for (;;) {
            const frame = decodeReceivedFileFrame(await lp.readList())
            idle.refresh()
            if (frame.status != null) {
              if (frame.status.code === FileStatusCode.DONE) {
                await ask()
                break
              }
              if (frame.status.code === FileStatusCode.UNAVAILABLE) {
                throw new Error(`the sender cannot read the file now: ${frame.status.reason}`)
              }
              await flush()
              if (record.roomId != null) {
                // One member refused; another may hold the file.
                throw new FileSourceRefusedError(`a member refused: ${frame.status.reason}`)
              }
              await landing.fail(record, `the sender refused the transfer: ${frame.status.reason}`)
              return
            }
            const chunk = frame.chunk
            await sink.take(
              chunk.index,
              openChunk(chunk, wanted.next(), record, key, fileId, count),
              partial.position(chunk.index),
            )
            const firstMove: boolean = !moved && bitmap.have > heldAtStart
            moved ||= firstMove
            book.progress(record, bitmap.have, count, firstMove)
          }
        }
        // The bitmap counts a chunk once it is written: wait for the writes before asking again.
        await flush()
      }
      await flush()
      await partial.handle.close().catch(() => undefined)
      try {
        await files.completePartial(record.fileId, record.sha256, sink.digest())
      } catch (err) {
        if (!(err instanceof FileIntegrityError)) throw err
        if (record.roomId != null && fromHex !== record.peerHex) {
          // A member (not the author, whose signed message names the hash) sent other bytes:
          // start again from nothing, from someone else (IncomingTransfers skips it).
          incoming.bitmap = new ChunkBitmap(incoming.bitmap.count)
          record.bitmap = Buffer.from(incoming.bitmap.bytes()).toString('base64')
          await store.put(record, { sync: true })
          throw err
        }
        await landing.fail(record, err.message)
        return
      }
      await landing.land(record, await files.head(record.sha256, DETECTION_HEAD_SIZE))
      // Tell the sender, so it can show the file as delivered; nothing depends on it.
      await lp
        .write(encodeFileRequest({ fileId, ranges: [], complete: true }))
        .catch(() => undefined)
      await stream.close().catch(() => undefined)
    } catch (err) {
      await flush().catch(() => undefined)
      stream.abort(err as Error)
      throw err
    } finally {
      clearTimeout(idle)
      signal.removeEventListener('abort', onAbort)
      await partial.handle.close().catch(() => undefined)
    }
  }

  async #dialSender(fromHex: string, signal: AbortSignal): Promise<Stream> {
    const peerId = peerIdOf({ publicKey: Buffer.from(fromHex, 'hex') })
    try {
      return await openPeerStream(this.#init.host, peerId, FILE_PROTOCOL, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.#init.dialTimeoutMs)]),
      })
    } catch (err) {
      if (signal.aborted) throw err
      throw new SenderUnreachableError(
        'the sender cannot be reached now, neither directly nor through a relay: the file comes when both of you are online',
      )
    }
  }
}

/** Checks that the chunk is the one asked for next, and decrypts it (in pieces). */
export function openChunk(
  chunk: ReceivedChunk,
  expected: IteratorResult<number>,
  record: Pick<TransferRecord, 'size' | 'chunkSize'>,
  key: AeadKey,
  fileId: Uint8Array,
  count: number,
): Uint8Array[] {
  if (expected.done === true || chunk.index !== expected.value) {
    throw new Error(`the sender sent chunk ${chunk.index} out of order`)
  }
  // DecryptionError: altered, moved, or not sealed with the offer's key.
  const plaintext = openReceivedChunk(key, fileId, count, chunk)
  let length = 0
  for (const piece of plaintext) length += piece.length
  if (length !== chunkLength(chunk.index, record.size, record.chunkSize)) {
    throw new Error(`chunk ${chunk.index} has the wrong length`)
  }
  return plaintext
}
