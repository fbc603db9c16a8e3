/**
 * Attachments: images and files sent to a peer over an end-to-end encrypted DM.
 *
 * Sending: the file is copied into the content-addressed store (hashed on the way), its
 * type detected from its bytes. A small file (up to `inlineMaxSize`) travels whole inside
 * the DM, so it also waits in the offline mailbox. A larger one gets a random file id and
 * AES-256-GCM key; the offer (id, key, hash, size, name, type) is kept on disk and then sent
 * in the DM, and we serve its chunks on FILE_PROTOCOL to that peer only.
 *
 * Receiving: offers come from the conversation history (`receiveHistory`, every record once,
 * after a crash again). The receiver asks the sender for the chunks it lacks, checks and
 * decrypts each, writes it at its place in a partial file, and persists the bitmap of the
 * chunks it holds after syncing them, so a transfer resumes after a broken connection or a
 * restart with the missing chunks only. When the last one is in, the whole file's SHA-256 is
 * checked; only then is it moved into the store and shown as received. Transfers wait while
 * the sender is away and resume when it connects (and every `retryIntervalMs`).
 */

import { basename } from 'node:path'
import type { Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'
import { Uint8ArrayList } from 'uint8arraylist'
import {
  ChunkBitmap,
  chunkCount,
  chunkLength,
  chunkOffset,
  decodeFileRequest,
  decodeReceivedFileFrame,
  encodeFileFrame,
  encodeFileRequest,
  FILE_ID_LENGTH,
  FILE_KEY_LENGTH,
  type FileRange,
  type FileRequest,
  FileStatusCode,
  openReceivedChunk,
  type ReceivedChunk,
  rangeIndexes,
  rangesWithin,
  requestWindows,
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
import { FILE_PROTOCOL } from '../../protocol/ids.ts'
import {
  ATTACHMENT_CHUNK_SIZE,
  DEFAULT_MAX_ATTACHMENT_SIZE,
  FILE_STREAM_LIMITS,
  MAX_ATTACHMENT_CHUNKS,
  MAX_INLINE_ATTACHMENT_SIZE,
} from '../../protocol/limits.ts'
import type {
  AttachmentState,
  SendFileResponse,
  SendMessageResponse,
  TransferView,
} from '../../protocol/local-api.ts'
import type { AttachmentContent } from '../../protocol/rich-content.ts'
import { AtRestSealer } from '../at-rest-sealer.ts'
import type { HistoryEntry } from '../conversations/index.ts'
import { type Identity, peerIdOf } from '../identity/index.ts'
import { FramedStream, isStreamEnd, streamCounts } from '../network/index.ts'
import { openPeerStream, type PeerStreamHost } from '../network/peer-streams.ts'
import type { AppLevel } from '../storage.ts'
import { ChunkSink } from './chunk-sink.ts'
import { AttachmentsStoppedError, FileIntegrityError, SenderUnreachableError } from './errors.ts'
import { DETECTION_HEAD_SIZE, detectFileKind } from './file-kind.ts'
import { FILE_STORE_KEY_LABEL, FileStore, type StoredFile } from './file-store.ts'
import type { SealedFileReader } from './sealed-file.ts'
import { Thumbnailer, type ThumbnailerInit } from './thumbnailer.ts'
import { type TransferRecord, TransferStore, transferView } from './transfer-store.ts'

/** A file of the store (or a thumbnail) to serve: what it is, and its bytes as they open. */
export interface StoredFileView {
  read(): AsyncIterable<Uint8Array>
  mime: string
  name: string
  size: number
}

export type TransferEvent = 'transfer:progress' | 'transfer:complete' | 'transfer:failed'

export interface AttachmentsComponents {
  host: PeerStreamHost &
    Pick<Libp2p, 'handle' | 'unhandle' | 'addEventListener' | 'removeEventListener' | 'logger'>
  /** The sublevel attachments own (`storage.sublevel('attachments')`). */
  db: AppLevel
  /** The content-addressed store: `<dataDir>/files`. */
  filesDir: string
  /** The unlocked identity: the store's files are sealed under keys derived from it. */
  identity: Pick<Identity, 'privateKey'>
  /** 1:1 messaging: carries the file or its offer, end-to-end encrypted. */
  messages: {
    send(
      to: string,
      text: string,
      extras: { attachment: AttachmentContent },
    ): Promise<SendMessageResponse>
    resolvePeer(to: string): Promise<Uint8Array>
  }
  emit(type: TransferEvent, data: TransferView): void
}

export interface AttachmentsInit {
  /** Largest file sent or accepted, in bytes. @default DEFAULT_MAX_ATTACHMENT_SIZE (100 MiB) */
  maxFileSize?: number
  /** Files up to this size go whole inside the DM. @default MAX_INLINE_ATTACHMENT_SIZE (48 KiB) */
  inlineMaxSize?: number
  /** How often waiting transfers are tried again. @default 30000 */
  retryIntervalMs?: number
  /** Chunks received between two syncs of the partial file and its bitmap (4 MiB). @default 64 */
  flushEveryChunks?: number
  /** Least time between two progress events of one transfer. @default 250 */
  progressIntervalMs?: number
  /** A transfer stream that stays silent this long is closed. @default 30000 */
  idleTimeoutMs?: number
  /** @default 10000 */
  dialTimeoutMs?: number
  /** Thumbnails of received images: limits, or `false` for none. @default {} */
  thumbnails?: ThumbnailerInit | false
}

export const DEFAULT_RETRY_INTERVAL_MS = 30_000
/** Chunks per request on FILE_PROTOCOL (1 MiB); two requests are kept outstanding. */
export const REQUEST_WINDOW_CHUNKS = 16
export const DEFAULT_FLUSH_EVERY_CHUNKS = 64

/** A file being served on one stream. */
interface ServedOffer {
  record: TransferRecord
  count: number
  key: AeadKey
  fileId: Uint8Array
  handle?: SealedFileReader
}

/** What an incoming transfer holds in memory while it is not complete. */
interface Incoming {
  record: TransferRecord
  bitmap: ChunkBitmap
  running?: Promise<void>
  abort?: AbortController
  /** The peer connected (or a retry came due) while a run was under way. */
  again?: boolean
  /** Why the last run stopped (TransferView.waiting), until the next one reaches the sender. */
  waiting?: string
}

export class Attachments {
  readonly #components: AttachmentsComponents
  readonly #files: FileStore
  readonly #store: TransferStore
  readonly #log
  readonly #maxFileSize: number
  readonly #inlineMaxSize: number
  readonly #init: AttachmentsInit
  readonly #incoming = new Map<string, Incoming>()
  /** Chunks served per file since start (resends included). */
  readonly #served = new Map<string, number>()
  readonly #lastProgress = new Map<string, number>()
  readonly #serving = new Set<Stream>()
  readonly #thumbnailer: Thumbnailer | undefined
  /** Received images whose thumbnail is being made; their completion is announced after. */
  readonly #thumbnailing = new Set<Promise<void>>()
  #timer: NodeJS.Timeout | undefined
  #running = false
  #stopping: Promise<void> | undefined
  readonly #onConnect = (event: CustomEvent<PeerId>) => {
    const key = event.detail.publicKey
    if (key?.type === 'Ed25519') this.#resume(toHex(key.raw))
  }

  constructor(components: AttachmentsComponents, init: AttachmentsInit = {}) {
    this.#components = components
    this.#init = init
    this.#files = new FileStore(
      components.filesDir,
      new AtRestSealer(components.identity, FILE_STORE_KEY_LABEL),
    )
    this.#store = new TransferStore(components.db)
    this.#log = components.host.logger.forComponent('tokenim:attachments')
    this.#thumbnailer = init.thumbnails === false ? undefined : new Thumbnailer(init.thumbnails)
    this.#maxFileSize = init.maxFileSize ?? DEFAULT_MAX_ATTACHMENT_SIZE
    this.#inlineMaxSize = Math.min(
      init.inlineMaxSize ?? MAX_INLINE_ATTACHMENT_SIZE,
      MAX_INLINE_ATTACHMENT_SIZE,
    )
    if (Math.ceil(this.#maxFileSize / ATTACHMENT_CHUNK_SIZE) > MAX_ATTACHMENT_CHUNKS) {
      throw new RangeError(`maxFileSize is at most ${MAX_ATTACHMENT_CHUNKS} chunks`)
    }
  }

  get files(): FileStore {
    return this.#files
  }

  async start(): Promise<void> {
    this.#running = true
    this.#stopping = undefined
    await this.#files.start()
    for (const record of await this.#store.all()) {
      if (record.direction !== 'in' || record.inline) continue
      if (record.state === 'pending' || record.state === 'transferring') {
        this.#incoming.set(record.fileId, { record, bitmap: bitmapOf(record) })
      }
    }
    await this.#components.host.handle(
      FILE_PROTOCOL,
      (stream, connection) => {
        void this.#serve(stream, connection)
      },
      // Through a relay's circuit too: the relay's data and duration limits end a circuit,
      // and the transfer resumes on the next one (doc/attachments.md).
      { ...streamCounts(FILE_STREAM_LIMITS), runOnLimitedConnection: true },
    )
    this.#components.host.addEventListener('peer:connect', this.#onConnect)
    this.#timer = setInterval(
      () => this.#resume(),
      this.#init.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS,
    )
    this.#timer.unref()
    this.#resume()
  }

  /** Stops serving and fetching; what was received so far is on disk for the next start. */
  stop(): Promise<void> {
    this.#stopping ??= this.#stop()
    return this.#stopping
  }

  async #stop(): Promise<void> {
    this.#running = false
    // Aborted first, synchronously: no chunk is taken in once stop() is called.
    const running: Array<Promise<void>> = []
    for (const incoming of this.#incoming.values()) {
      incoming.abort?.abort(new AttachmentsStoppedError('stopping'))
      if (incoming.running != null) running.push(incoming.running)
    }
    for (const stream of this.#serving) stream.abort(new AttachmentsStoppedError('stopping'))
    clearInterval(this.#timer)
    this.#components.host.removeEventListener('peer:connect', this.#onConnect)
    await this.#components.host.unhandle(FILE_PROTOCOL)
    await this.#thumbnailer?.stop()
    await Promise.all([...running, ...this.#thumbnailing])
  }

  // ------------------------------------------------------------------ sending

  /** Sends a file of the node's own disk to `to`, with an optional caption. */
  async sendFile(to: string, path: string, text = ''): Promise<SendFileResponse> {
    this.#checkRunning()
    await this.#components.messages.resolvePeer(to)
    const stored = await this.#files.importPath(path, this.#maxFileSize)
    return this.#offer(to, stored, basename(path), text)
  }

  /** Sends bytes streamed to the node (the web client's upload), at most `maxFileSize`. */
  async sendUpload(
    to: string,
    name: string,
    body: AsyncIterable<Uint8Array>,
    text = '',
  ): Promise<SendFileResponse> {
    this.#checkRunning()
    await this.#components.messages.resolvePeer(to)
    const stored = await this.#files.importStream(body, this.#maxFileSize)
    return this.#offer(to, stored, basename(name), text)
  }

  async #offer(
    to: string,
    stored: StoredFile,
    name: string,
    text: string,
  ): Promise<SendFileResponse> {
    const peerKey = await this.#components.messages.resolvePeer(to)
    const inline = stored.size <= this.#inlineMaxSize
    const head = await this.#files.head(stored.sha256, Math.min(stored.size, DETECTION_HEAD_SIZE))
    const kind = await detectFileKind(head, stored.size <= DETECTION_HEAD_SIZE)
    const fileId = randomBytes(FILE_ID_LENGTH)
    const key = inline ? undefined : randomBytes(FILE_KEY_LENGTH)
    const attachment: AttachmentContent = {
      fileId,
      name: name.slice(0, 200),
      mime: kind.mime,
      size: stored.size,
      sha256: Buffer.from(stored.sha256, 'hex'),
    }
    if (kind.width != null && kind.height != null) {
      attachment.width = kind.width
      attachment.height = kind.height
    }
    if (key == null) attachment.inline = head
    else {
      attachment.key = key
      attachment.chunkSize = ATTACHMENT_CHUNK_SIZE
    }
    const record: TransferRecord = {
      fileId: toHex(fileId),
      peerHex: toHex(peerKey),
      peerId: peerIdOf({ publicKey: peerKey }).toString(),
      direction: 'out',
      name: attachment.name,
      mime: kind.mime,
      size: stored.size,
      sha256: stored.sha256,
      ...(kind.width != null ? { width: kind.width, height: kind.height } : {}),
      inline,
      chunkSize: inline ? stored.size : ATTACHMENT_CHUNK_SIZE,
      state: inline ? 'complete' : 'pending',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    }
    if (key != null) record.key = Buffer.from(key).toString('base64')
    await this.#store.putFileInfo(stored.sha256, fileInfoOf(record))
    // The offer is on disk before its DM can reach the peer, so its requests find it.
    await this.#store.put(record, { sync: true })
    const sent = await this.#components.messages.send(to, text, { attachment })
    return { messageId: sent.id, transfer: this.#view(record) }
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Takes the attachments of newly stored history records: an inline file goes into the
   * store at once; an offer becomes a transfer that fetches its chunks. Idempotent.
   */
  async receiveHistory(entries: HistoryEntry[]): Promise<void> {
    for (const { peerHex, record } of entries) {
      const attachment = record.attachment
      if (record.direction !== 'in' || attachment == null) continue
      if ((await this.#store.get(attachment.fileId)) != null) continue
      const transfer: TransferRecord = {
        fileId: attachment.fileId,
        peerHex,
        peerId: peerIdOf({ publicKey: Buffer.from(peerHex, 'hex') }).toString(),
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
        await this.#landInline(transfer, Buffer.from(attachment.inline, 'base64'))
        continue
      }
      transfer.key = attachment.key
      if (transfer.size > this.#maxFileSize) {
        transfer.state = 'failed'
        transfer.failure = `the file is ${transfer.size} bytes, over this node's limit of ${this.#maxFileSize} (maxFileSize)`
        await this.#store.put(transfer, { sync: true })
        this.#components.emit('transfer:failed', this.#view(transfer))
        continue
      }
      const bitmap = new ChunkBitmap(chunkCount(transfer.size, transfer.chunkSize))
      transfer.bitmap = Buffer.from(bitmap.bytes()).toString('base64')
      await this.#store.put(transfer, { sync: true })
      this.#incoming.set(transfer.fileId, { record: transfer, bitmap })
      this.#components.emit('transfer:progress', this.#view(transfer))
      this.#resume(peerHex)
    }
  }

  async #landInline(transfer: TransferRecord, bytes: Uint8Array): Promise<void> {
    try {
      await this.#files.importBytes(bytes, transfer.sha256)
      await this.#land(
        transfer,
        bytes.length <= DETECTION_HEAD_SIZE ? bytes : bytes.subarray(0, DETECTION_HEAD_SIZE),
      )
    } catch (err) {
      if (!(err instanceof FileIntegrityError)) throw err
      await this.#fail(transfer, err.message)
    }
  }

  /** The file is in the store under its hash: detect its type again, and show it. */
  async #land(transfer: TransferRecord, head: Uint8Array): Promise<void> {
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
    this.#incoming.delete(transfer.fileId)
    if (transfer.thumbnail == null && this.#thumbnailer?.accepts(kind.mime, transfer.size)) {
      // Made in a worker, in the background: the file is already complete on disk, and the
      // history catch-up that landed it goes on meanwhile.
      const made = this.#thumbnail(transfer).finally(() => this.#thumbnailing.delete(made))
      this.#thumbnailing.add(made)
      return
    }
    this.#components.emit('transfer:complete', this.#view(transfer))
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
    this.#components.emit('transfer:complete', this.#view(transfer))
  }

  /**
   * Forgets every transfer with `peerHex`, either way (its conversation was deleted): those
   * under way stop, their records go, and each file goes with its thumbnail unless a
   * transfer with someone else still names it. Resolves with how many transfers went.
   */
  async forgetPeer(peerHex: string): Promise<number> {
    const all = await this.#store.all()
    const gone = all.filter((record) => record.peerHex === peerHex)
    if (gone.length === 0) return 0
    const kept = new Set(all.filter((r) => r.peerHex !== peerHex).map((r) => r.sha256))
    for (const { fileId } of gone) {
      const incoming = this.#incoming.get(fileId)
      if (incoming == null) continue
      // Out of the map first: a run that ends now neither retries nor reports.
      this.#incoming.delete(fileId)
      incoming.abort?.abort(new Error('the conversation was deleted'))
      await incoming.running?.catch(() => undefined)
    }
    const files = [...new Set(gone.map((record) => record.sha256))].filter((sha) => !kept.has(sha))
    for (const { fileId } of gone) await this.#files.removePartial(fileId)
    for (const sha256 of files) await this.#files.remove(sha256)
    await this.#store.remove(
      gone.map((record) => record.fileId),
      files,
    )
    return gone.length
  }

  async #fail(transfer: TransferRecord, reason: string): Promise<void> {
    transfer.state = 'failed'
    transfer.failure = reason
    delete transfer.bitmap
    await this.#store.put(transfer, { sync: true })
    this.#incoming.delete(transfer.fileId)
    await this.#files.removePartial(transfer.fileId)
    this.#log.error('transfer %s from %s failed: %s', transfer.fileId, transfer.peerId, reason)
    this.#components.emit('transfer:failed', this.#view(transfer))
  }

  /** Starts fetching what waits (from one peer, or all). */
  #resume(peerHex?: string): void {
    if (!this.#running) return
    for (const incoming of this.#incoming.values()) {
      if (peerHex != null && incoming.record.peerHex !== peerHex) continue
      if (incoming.running != null) {
        incoming.again = true
        continue
      }
      this.#run(incoming)
    }
  }

  #run(incoming: Incoming): void {
    const abort = new AbortController()
    incoming.abort = abort
    incoming.again = false
    const heldBefore = incoming.bitmap.have
    incoming.running = this.#fetch(incoming, abort.signal)
      .catch((err: Error) => {
        this.#log('transfer %s paused: %s', incoming.record.fileId, err.message)
        if (this.#running && this.#incoming.has(incoming.record.fileId)) {
          incoming.waiting =
            err instanceof SenderUnreachableError
              ? err.message
              : `the transfer broke off (${err.message}); it goes on by itself when it can`
          const { record, bitmap } = incoming
          this.#progress(record, bitmap.have, bitmap.count, true)
        }
        // A run that failed while the sender came back (a dial to its old address, a stream
        // on the connection that just died) goes again at once, not at the next retry.
        // So does one that made progress before it broke off: a relay ends each circuit at
        // its data limit, and the next circuit carries the transfer on.
        const progressed = incoming.bitmap.have > heldBefore
        if (
          (incoming.again || progressed) &&
          this.#running &&
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

  async #fetch(incoming: Incoming, signal: AbortSignal): Promise<void> {
    const { record } = incoming
    if (await this.#files.has(record.sha256)) {
      // Completed before a crash cut the record's last write short.
      await this.#land(record, await this.#files.head(record.sha256, DETECTION_HEAD_SIZE))
      return
    }
    const stream = await this.#dialSender(record, signal)
    delete incoming.waiting
    const onAbort = () => stream.abort(signal.reason as Error)
    signal.addEventListener('abort', onAbort)
    const lp = new FramedStream(stream, { limits: FILE_STREAM_LIMITS })
    const partial = await this.#files.openPartial(record.fileId, record.chunkSize)
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
      flushEvery: this.#init.flushEveryChunks ?? DEFAULT_FLUSH_EVERY_CHUNKS,
      persist: async (bits) => {
        record.bitmap = Buffer.from(bits).toString('base64')
        await this.#store.put(record, { sync: true })
      },
    })
    const flush = () => sink.flush()
    // Shown as soon as the first chunks of this run are on disk, then at most every interval:
    // a fast transfer would otherwise show no step between nothing and complete.
    let moved = false
    const heldAtStart = bitmap.have
    // One idle timer for the stream, pushed back by every frame (a timeout signal per read
    // cost more than decoding the frame).
    const idleMs = this.#init.idleTimeoutMs ?? 30_000
    const idle = setTimeout(() => {
      stream.abort(new Error(`the sender sent nothing for ${idleMs} ms`))
    }, idleMs)
    try {
      record.state = 'transferring'
      this.#progress(record, bitmap.have, count, true)
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
              await this.#fail(record, `the sender refused the transfer: ${frame.status.reason}`)
              return
            }
            const chunk = frame.chunk
            await sink.take(
              chunk.index,
              this.#openChunk(chunk, wanted.next(), record, key, fileId, count),
              partial.position(chunk.index),
            )
            const firstMove: boolean = !moved && bitmap.have > heldAtStart
            moved ||= firstMove
            this.#progress(record, bitmap.have, count, firstMove)
          }
        }
        // The bitmap counts a chunk once it is written: wait for the writes before asking again.
        await flush()
      }
      await flush()
      await partial.handle.close().catch(() => undefined)
      try {
        await this.#files.completePartial(record.fileId, record.sha256, sink.digest())
      } catch (err) {
        if (!(err instanceof FileIntegrityError)) throw err
        await this.#fail(record, err.message)
        return
      }
      await this.#land(record, await this.#files.head(record.sha256, DETECTION_HEAD_SIZE))
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

  async #dialSender(record: TransferRecord, signal: AbortSignal): Promise<Stream> {
    const peerId = peerIdOf({ publicKey: Buffer.from(record.peerHex, 'hex') })
    try {
      return await openPeerStream(this.#components.host, peerId, FILE_PROTOCOL, {
        signal: AbortSignal.any([signal, AbortSignal.timeout(this.#init.dialTimeoutMs ?? 10_000)]),
      })
    } catch (err) {
      if (signal.aborted) throw err
      throw new SenderUnreachableError(
        'the sender cannot be reached now, neither directly nor through a relay: the file comes when both of you are online',
      )
    }
  }

  /** Checks that the chunk is the one asked for next, and decrypts it (in pieces). */
  #openChunk(
    chunk: ReceivedChunk,
    expected: IteratorResult<number>,
    record: TransferRecord,
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

  // ------------------------------------------------------------------ serving

  async #serve(stream: Stream, connection: Connection): Promise<void> {
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
          request = decodeFileRequest(
            await lp.read({ signal: AbortSignal.timeout(this.#init.idleTimeoutMs ?? 30_000) }),
          )
        } catch (err) {
          const error = err as Error
          if (isStreamEnd(error)) return
          if (!(error instanceof FramingError) && stream.status !== 'open') return
          this.#log.error('bad file request from %s: %s', connection.remotePeer, error.message)
          await this.#status(lp, FileStatusCode.BAD_REQUEST, 'malformed request').catch(
            () => undefined,
          )
          stream.abort(error)
          return
        }
        if (!(await this.#answer(lp, request, remoteHex, offers, readBuffers))) {
          await stream.close().catch(() => undefined)
          return
        }
      }
    } catch (err) {
      this.#log('file stream with %s ended: %s', connection.remotePeer, (err as Error).message)
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
    const fileId = toHex(request.fileId)
    let offer = offers.get(fileId)
    if (offer == null) {
      const record = await this.#store.get(fileId)
      if (record == null || record.direction !== 'out' || record.inline) {
        await this.#status(lp, FileStatusCode.UNKNOWN_FILE, 'no such file offered')
        return false
      }
      if (record.peerHex !== remoteHex) {
        this.#log.error('%s asked for file %s offered to someone else', remoteHex, fileId)
        await this.#status(lp, FileStatusCode.NOT_YOURS, 'offered to someone else')
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
    if (request.complete) {
      if (record.state !== 'complete') {
        record.state = 'complete'
        await this.#store.put(record, { sync: true })
        this.#components.emit('transfer:complete', this.#view(record, count))
      }
      return false
    }
    if (!rangesWithin(request.ranges, count)) {
      await this.#status(lp, FileStatusCode.BAD_REQUEST, 'ranges beyond the file')
      return false
    }
    if (offer.handle == null) {
      try {
        offer.handle = await this.#files.openStored(record.sha256)
      } catch (err) {
        await this.#status(lp, FileStatusCode.UNAVAILABLE, 'the file cannot be read')
        this.#log.error('cannot read offered file %s: %s', fileId, (err as Error).message)
        return false
      }
    }
    const handle = offer.handle
    if (record.state === 'pending') {
      record.state = 'transferring'
      await this.#store.put(record)
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
        const served = (this.#served.get(fileId) ?? 0) + 1
        this.#served.set(fileId, served)
        this.#progress(record, Math.min(served, count), count)
      }
    }
    await this.#status(lp, FileStatusCode.DONE, '')
    return true
  }

  #status(lp: FramedStream, code: FileStatusCode, reason: string): Promise<void> {
    return lp.write(encodeFileFrame({ status: { code, reason } }))
  }

  // ------------------------------------------------------------------ queries

  /** Chunks served for `fileId` since this node started, resends included (tests, stats). */
  servedChunks(fileId: string): number {
    return this.#served.get(fileId) ?? 0
  }

  async state(fileId: string): Promise<AttachmentState | undefined> {
    return this.#incoming.get(fileId)?.record.state ?? (await this.#store.get(fileId))?.state
  }

  async transfer(fileId: string): Promise<TransferView | undefined> {
    const incoming = this.#incoming.get(fileId)
    if (incoming != null) return this.#view(incoming.record)
    const record = await this.#store.get(fileId)
    return record == null ? undefined : this.#view(record)
  }

  /** Every transfer, newest first. */
  async transfers(): Promise<TransferView[]> {
    const records = await this.#store.all()
    return records
      .map((record) => this.#incoming.get(record.fileId)?.record ?? record)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((record) => this.#view(record))
  }

  /** The thumbnail of a received image, once made. */
  async thumbnail(sha256: string): Promise<StoredFileView | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256)) return undefined
    const thumbnail = (await this.#store.fileInfo(sha256))?.thumbnail
    if (thumbnail == null || !(await this.#files.hasThumbnail(sha256))) return undefined
    const read = () => this.#files.readThumbnail(sha256)
    return { read, mime: thumbnail.mime, name: sha256, size: thumbnail.size }
  }

  /** A complete file of the store, with what it is. */
  async file(sha256: string): Promise<StoredFileView | undefined> {
    if (!/^[0-9a-f]{64}$/.test(sha256) || !(await this.#files.has(sha256))) return undefined
    const info = await this.#store.fileInfo(sha256)
    if (info == null) return undefined
    const read = () => this.#files.readStream(sha256)
    return { read, mime: info.mime, name: info.name, size: info.size }
  }

  get maxFileSize(): number {
    return this.#maxFileSize
  }

  #view(record: TransferRecord, totalChunks?: number): TransferView {
    const total = totalChunks ?? (record.inline ? 1 : chunkCount(record.size, record.chunkSize))
    if (record.state === 'complete') return transferView(record, total, total)
    if (record.direction === 'in') {
      return this.#viewOf(record, this.#incoming.get(record.fileId)?.bitmap.have ?? 0, total)
    }
    return transferView(record, Math.min(this.servedChunks(record.fileId), total), total)
  }

  #viewOf(record: TransferRecord, chunks: number, total: number): TransferView {
    const view = transferView(record, chunks, total)
    const waiting = this.#incoming.get(record.fileId)?.waiting
    if (waiting != null) view.waiting = waiting
    return view
  }

  #progress(record: TransferRecord, chunks: number, total: number, force = false): void {
    const now = Date.now()
    const last = this.#lastProgress.get(record.fileId) ?? 0
    if (!force && chunks < total && now - last < (this.#init.progressIntervalMs ?? 250)) return
    this.#lastProgress.set(record.fileId, now)
    this.#components.emit('transfer:progress', this.#viewOf(record, chunks, total))
  }

  #checkRunning(): void {
    if (!this.#running)
      throw new AttachmentsStoppedError('attachments are stopped; start the node again')
  }
}

/** The ranges cut into runs of at most `max` chunks: a request never makes one huge read. */
function readRuns(ranges: FileRange[], max: number): FileRange[] {
  const runs: FileRange[] = []
  for (const { first, count } of ranges) {
    for (let start = first; start < first + count; start += max) {
      runs.push({ first: start, count: Math.min(max, first + count - start) })
    }
  }
  return runs
}

function bitmapOf(record: TransferRecord): ChunkBitmap {
  const count = chunkCount(record.size, record.chunkSize)
  return new ChunkBitmap(
    count,
    record.bitmap == null ? undefined : Buffer.from(record.bitmap, 'base64'),
  )
}

function fileInfoOf(record: TransferRecord) {
  return {
    mime: record.mime,
    name: record.name,
    size: record.size,
    ...(record.width != null ? { width: record.width, height: record.height } : {}),
    ...(record.thumbnail != null ? { thumbnail: record.thumbnail } : {}),
  }
}
