/**
 * Attachments: images and files sent to a peer over an end-to-end encrypted DM.
 *
 * Sending: the file is copied into the content-addressed store (hashed on the way), its
 * type detected from its bytes. A small file (up to `inlineMaxSize`) travels whole inside
 * the DM, so it also waits in the offline mailbox. A larger one gets a random file id and
 * AES-256-GCM key; the offer (id, key, hash, size, name, type) is kept on disk and then sent
 * in the DM, and we serve its chunks on FILE_PROTOCOL to that peer, and to the devices the
 * text's copies go to (the peer account's other devices and ours), no one else.
 *
 * Receiving: offers come from messaging's history feed, read as `attachments` with a
 * watermark of our own (`receiveHistory` takes each page; after a crash a page comes again,
 * and an offer already known is left). The receiver asks the sender for the chunks it
 * lacks, checks and decrypts each, writes it at its place in a partial file, and persists the bitmap of the
 * chunks it holds after syncing them, so a transfer resumes after a broken connection or a
 * restart with the missing chunks only. When the last one is in, the whole file's SHA-256 is
 * checked; only then is it moved into the store and shown as received. Transfers wait while
 * the sender is away and resume when it connects (and every `retryIntervalMs`).
 *
 * This file is the glue: it owns the lifecycle (protocol handler, retry timer, peer:connect)
 * and the queries, and builds the parts once:
 *   file-offers.ts        what a sent file's DM carries; the offer on disk first
 *   file-server.ts        serving our offers' chunks, to the peer each was offered to (and
 *                         the devices its text was copied to) only
 *   incoming-transfers.ts offers from history, one run at a time per transfer, retries
 *   file-fetch.ts         one run: windows of chunks, checked, decrypted, written in place
 *   file-landing.ts       complete after the hash check (and thumbnail), or failed
 *   transfer-book.ts      the live state of every transfer, its views and progress events
 *   file-store.ts, transfer-store.ts  the sealed files and the records, on disk
 */

import { basename } from 'node:path'
import type { Libp2p, Logger, PeerId } from '@libp2p/interface'
import { streamCounts } from '../../network/index.ts'
import type { PeerStreamHost } from '../../network/peer-streams.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
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
  RoomMessageView,
  SendFileResponse,
  SendMessageResponse,
  TransferView,
} from '../../protocol/local-api.ts'
import type { AttachmentContent } from '../../protocol/rich-content.ts'
import { AtRestSealer } from '../at-rest-sealer.ts'
import { RoomsUnavailableError } from '../conversations/errors.ts'
import type { Identity } from '../identity/index.ts'
import {
  type AccountDevicesPort,
  FeedFollower,
  type HistoryEntry,
  type HistoryFeed,
  type StoredAttachment,
} from '../messaging/index.ts'
import type { RoomService } from '../rooms/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { AttachmentsStoppedError } from './errors.ts'
import { DEFAULT_FLUSH_EVERY_CHUNKS, FileFetch } from './file-fetch.ts'
import { FileLanding } from './file-landing.ts'
import { FileOffers } from './file-offers.ts'
import { FileServer } from './file-server.ts'
import { FILE_STORE_KEY_LABEL, FileStore } from './file-store.ts'
import { IncomingTransfers } from './incoming-transfers.ts'
import { Thumbnailer, type ThumbnailerInit } from './thumbnailer.ts'
import { TransferBook } from './transfer-book.ts'
import { type TransferRecord, TransferStore } from './transfer-store.ts'

/** A file of the store (or a thumbnail) to serve: what it is, and its bytes as they open. */
export interface StoredFileView {
  read(): AsyncIterable<Uint8Array>
  mime: string
  name: string
  size: number
}

/** What attachments use of rooms (node/rooms/room-files.ts). */
export type RoomFilesPort = Pick<
  RoomService,
  'send' | 'members' | 'fileOffers' | 'readersOf' | 'addEventListener' | 'removeEventListener'
>

export type TransferEvent = 'transfer:progress' | 'transfer:complete' | 'transfer:failed'

export interface AttachmentsComponents {
  host: PeerStreamHost &
    Pick<Libp2p, 'handle' | 'unhandle' | 'addEventListener' | 'removeEventListener' | 'logger'>
  /** The sublevel attachments own (`storage.sublevel('attachments')`). */
  db: AppLevel
  /** The content-addressed store: `<dataDir>/files`. */
  filesDir: string
  /**
   * The unlocked identity: the store's files are sealed under keys derived from it; its key
   * names us as the sender of room files.
   */
  identity: Pick<Identity, 'privateKey' | 'atRestSeed' | 'publicKey'>
  /** Rooms, for files sent to a room and fetched from its members. @default none */
  rooms?: RoomFilesPort
  /**
   * Accounts' devices (node/devices): the devices our 1:1 texts are copied to fetch their
   * files from us too. @default none (the peer only)
   */
  devices?: Pick<AccountDevicesPort, 'otherDevicesOf' | 'ownOtherDevices'>
  /** 1:1 messaging: carries the file or its offer, end-to-end encrypted. */
  messages: {
    send(
      to: string,
      text: string,
      extras: { attachment: AttachmentContent },
    ): Promise<SendMessageResponse>
    resolvePeer(to: string): Promise<Uint8Array>
    /** Where incoming offers come from. */
    readonly historyFeed: HistoryFeed
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

export class Attachments {
  readonly #components: AttachmentsComponents
  readonly #files: FileStore
  readonly #store: TransferStore
  readonly #maxFileSize: number
  readonly #init: AttachmentsInit
  readonly #book: TransferBook
  readonly #thumbnailer: Thumbnailer | undefined
  readonly #landing: FileLanding
  readonly #offers: FileOffers
  readonly #server: FileServer
  readonly #incoming: IncomingTransfers
  #timer: NodeJS.Timeout | undefined
  readonly #lifecycle = new ServiceLifecycle(
    () => new AttachmentsStoppedError('attachments are stopped; start the node again'),
  )
  /** Reads messaging's history feed for incoming offers. */
  readonly #feed: FeedFollower
  readonly #onConnect = (event: CustomEvent<PeerId>) => {
    const key = event.detail.publicKey
    if (key?.type === 'Ed25519') this.#incoming.resume(toHex(key.raw))
  }
  /** A room message shown (not ours): its file becomes a transfer from the members. */
  readonly #onRoomMessage = (event: CustomEvent<RoomMessageView>) => {
    const { roomId, id, attachment, mine } = event.detail
    if (attachment == null || mine) return
    const offers = this.#components.rooms?.fileOffers({ roomId, messageId: id }) ?? []
    this.#roomIntake = this.#roomIntake
      .then(() => this.#incoming.receiveRoomFiles(offers))
      .catch((err: Error) => this.#log.error('room file of %s not taken: %e', id, err))
  }
  /** Room files are taken in order, one message after another. */
  #roomIntake: Promise<void> = Promise.resolve()
  readonly #log: Logger
  readonly #selfHex: string

  constructor(components: AttachmentsComponents, init: AttachmentsInit = {}) {
    this.#components = components
    this.#init = init
    this.#files = new FileStore(
      components.filesDir,
      new AtRestSealer(components.identity, FILE_STORE_KEY_LABEL),
    )
    this.#store = new TransferStore(components.db)
    const log = components.host.logger.forComponent('tokenim:attachments')
    this.#log = log
    this.#selfHex = toHex(components.identity.publicKey)
    this.#thumbnailer = init.thumbnails === false ? undefined : new Thumbnailer(init.thumbnails)
    this.#maxFileSize = init.maxFileSize ?? DEFAULT_MAX_ATTACHMENT_SIZE
    const inlineMaxSize = Math.min(
      init.inlineMaxSize ?? MAX_INLINE_ATTACHMENT_SIZE,
      MAX_INLINE_ATTACHMENT_SIZE,
    )
    if (Math.ceil(this.#maxFileSize / ATTACHMENT_CHUNK_SIZE) > MAX_ATTACHMENT_CHUNKS) {
      throw new RangeError(`maxFileSize is at most ${MAX_ATTACHMENT_CHUNKS} chunks`)
    }
    const idleTimeoutMs = init.idleTimeoutMs ?? 30_000
    const files = this.#files
    const store = this.#store
    const book = new TransferBook({
      emit: components.emit,
      progressIntervalMs: init.progressIntervalMs ?? 250,
    })
    this.#book = book
    this.#landing = new FileLanding({ files, store, book, thumbnailer: this.#thumbnailer, log })
    this.#offers = new FileOffers({
      files,
      store,
      book,
      messages: components.messages,
      inlineMaxSize,
      selfHex: this.#selfHex,
    })
    this.#server = new FileServer({
      files,
      store,
      book,
      idleTimeoutMs,
      log,
      readsRoom: (roomId, keyHex) => components.rooms?.readersOf(roomId).includes(keyHex) === true,
      copiedTo: (peerHex, keyHex) => copiedTo(components.devices, peerHex, keyHex),
    })
    this.#incoming = new IncomingTransfers({
      store,
      book,
      landing: this.#landing,
      fetch: new FileFetch({
        host: components.host,
        files,
        store,
        book,
        landing: this.#landing,
        flushEveryChunks: init.flushEveryChunks ?? DEFAULT_FLUSH_EVERY_CHUNKS,
        idleTimeoutMs,
        dialTimeoutMs: init.dialTimeoutMs ?? 10_000,
      }),
      maxFileSize: this.#maxFileSize,
      log,
      running: () => this.#lifecycle.running,
      roomSources: (record) => this.#roomSources(record),
    })
    this.#feed = new FeedFollower({
      feed: components.messages.historyFeed,
      name: 'attachments',
      take: async (entries) => {
        await this.receiveHistory(entries.flatMap((e) => (e.kind === 'added' ? [e] : [])))
        return undefined
      },
      log,
    })
  }

  get files(): FileStore {
    return this.#files
  }

  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    await this.#files.start()
    await this.#incoming.load()
    await this.#components.host.handle(
      FILE_PROTOCOL,
      (stream, connection) => {
        void this.#server.serve(stream, connection)
      },
      // Through a relay's circuit too: the relay's data and duration limits end a circuit,
      // and the transfer resumes on the next one (doc/attachments.md).
      { ...streamCounts(FILE_STREAM_LIMITS), runOnLimitedConnection: true },
    )
    this.#components.host.addEventListener('peer:connect', this.#onConnect)
    this.#timer = setInterval(
      () => this.#incoming.resume(),
      this.#init.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS,
    )
    this.#timer.unref()
    this.#incoming.resume()
    this.#feed.start()
    const rooms = this.#components.rooms
    if (rooms != null) {
      rooms.addEventListener('room:message', this.#onRoomMessage)
      // Room messages shown while we were stopped (or before a crash took them in).
      this.#roomIntake = this.#incoming.receiveRoomFiles(rooms.fileOffers())
      await this.#roomIntake
    }
  }

  /** Stops serving and fetching; what was received so far is on disk for the next start. */
  stop(): Promise<void> {
    return this.#lifecycle.stop(async () => {
      // Aborted first, synchronously: no chunk is taken in once stop() is called.
      const running = this.#incoming.abortAll(new AttachmentsStoppedError('stopping'))
      this.#server.abortAll(new AttachmentsStoppedError('stopping'))
      clearInterval(this.#timer)
      this.#components.host.removeEventListener('peer:connect', this.#onConnect)
      this.#components.rooms?.removeEventListener('room:message', this.#onRoomMessage)
      await this.#roomIntake.catch(() => undefined)
      // No new offer is taken; the page under way is finished, its watermark written.
      await this.#feed.stop()
      await this.#components.host.unhandle(FILE_PROTOCOL)
      await this.#thumbnailer?.stop()
      await Promise.all([...running, ...this.#landing.thumbnailing])
    })
  }

  // ------------------------------------------------------------------ sending

  /** Sends a file of the node's own disk to `to`, with an optional caption. */
  async sendFile(to: string, path: string, text = ''): Promise<SendFileResponse> {
    this.#checkRunning()
    await this.#components.messages.resolvePeer(to)
    const stored = await this.#files.importPath(path, this.#maxFileSize)
    return this.#offers.offer(to, stored, basename(path), text)
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
    return this.#offers.offer(to, stored, basename(name), text)
  }

  /**
   * Sends a file to a room's members (a path on the node's disk, or `body` streamed to the
   * node), with an optional caption and mentions. The room message carries the file's key;
   * we serve it to the members, and so does every member once it holds it.
   */
  async sendToRoom(
    roomId: string,
    source: { path: string } | { name: string; body: AsyncIterable<Uint8Array> },
    text = '',
    mentions?: string[],
  ): Promise<SendFileResponse> {
    this.#checkRunning()
    const rooms = this.#components.rooms
    if (rooms == null) throw new RoomsUnavailableError('this node runs without rooms')
    rooms.members(roomId) // RoomNotFoundError before the file is copied
    const stored =
      'path' in source
        ? await this.#files.importPath(source.path, this.#maxFileSize)
        : await this.#files.importStream(source.body, this.#maxFileSize)
    const name = basename('path' in source ? source.path : source.name)
    return this.#offers.offerToRoom(rooms, roomId, stored, name, text, mentions)
  }

  // ---------------------------------------------------------------- receiving

  /**
   * Takes the attachments of newly stored history records: an inline file goes into the
   * store at once; an offer becomes a transfer that fetches its chunks. Idempotent.
   */
  receiveHistory(entries: HistoryEntry[]): Promise<void> {
    return this.#incoming.receiveHistory(entries)
  }

  /**
   * Forgets transfers whose texts were deleted: those of `fileIds`, and with `peerHex` every
   * transfer with that peer, either way (its conversation was deleted). Those under way stop,
   * their records go, and each file goes with its thumbnail unless a transfer kept still
   * names it. Resolves with how many transfers went.
   */
  async forget(fileIds: string[], peerHex?: string): Promise<number> {
    const all = await this.#store.all()
    const named = new Set(fileIds)
    const goes = (record: TransferRecord) =>
      named.has(record.fileId) || (peerHex != null && record.peerHex === peerHex)
    const gone = all.filter(goes)
    if (gone.length === 0) return 0
    const kept = new Set(all.filter((r) => !goes(r)).map((r) => r.sha256))
    await this.#incoming.forget(gone.map((record) => record.fileId))
    const files = [...new Set(gone.map((record) => record.sha256))].filter((sha) => !kept.has(sha))
    for (const { fileId } of gone) await this.#files.removePartial(fileId)
    for (const sha256 of files) await this.#files.remove(sha256)
    await this.#store.remove(
      gone.map((record) => record.fileId),
      files,
    )
    return gone.length
  }

  // ------------------------------------------------------------------ queries

  /**
   * Our 1:1 text's attachment as it went to the peer (with its key, or its bytes), for the
   * copies of the text for other devices (node/messaging/device-fan-out.ts).
   */
  sentAttachment(stored: StoredAttachment): Promise<AttachmentContent | undefined> {
    return this.#offers.sentAttachment(stored)
  }

  /** Chunks served for `fileId` since this node started, resends included (tests, stats). */
  servedChunks(fileId: string): number {
    return this.#book.servedChunks(fileId)
  }

  async state(fileId: string): Promise<AttachmentState | undefined> {
    return this.#book.incoming.get(fileId)?.record.state ?? (await this.#store.get(fileId))?.state
  }

  async transfer(fileId: string): Promise<TransferView | undefined> {
    const incoming = this.#book.incoming.get(fileId)
    if (incoming != null) return this.#book.view(incoming.record)
    const record = await this.#store.get(fileId)
    return record == null ? undefined : this.#book.view(record)
  }

  /** Every transfer, newest first. */
  async transfers(): Promise<TransferView[]> {
    const records = await this.#store.all()
    return records
      .map((record) => this.#book.incoming.get(record.fileId)?.record ?? record)
      .sort((a, b) => b.createdAt - a.createdAt)
      .map((record) => this.#book.view(record))
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

  /**
   * Whom to ask for a room's file: members connected now first, the one who sent it before
   * the others; the sender last when it is not connected (a dial may find it). Members not
   * connected are not dialled one by one: a big room would take minutes of timeouts.
   */
  #roomSources(record: TransferRecord): string[] {
    const readers = new Set(this.#components.rooms?.readersOf(record.roomId!) ?? [])
    const connected = new Set<string>()
    for (const connection of this.#components.host.getConnections()) {
      const key = connection.remotePeer.publicKey
      if (connection.status === 'open' && key?.type === 'Ed25519') connected.add(toHex(key.raw))
    }
    const sources = [...connected].filter((key) => readers.has(key) && key !== record.peerHex)
    if (connected.has(record.peerHex)) return [record.peerHex, ...sources]
    return [...sources, record.peerHex]
  }

  #checkRunning(): void {
    if (!this.#lifecycle.running)
      throw new AttachmentsStoppedError('attachments are stopped; start the node again')
  }
}

/** Whether `keyHex` is another current device of the account of `peerHex`, or of ours. */
function copiedTo(
  devices: AttachmentsComponents['devices'],
  peerHex: string,
  keyHex: string,
): boolean {
  if (devices == null) return false
  const key = fromHex(keyHex)
  return [...devices.otherDevicesOf(fromHex(peerHex)), ...devices.ownOtherDevices()].some(
    (device) => bytesEqual(device.key, key),
  )
}
