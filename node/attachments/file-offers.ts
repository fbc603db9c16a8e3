/**
 * Offering a file to a peer: what goes into the DM that carries it.
 *
 * How it is kept: the file is already in the content-addressed store, hashed on the way in
 * (file-store.ts); its type is detected from its bytes, never from its name. A small file
 * (up to `inlineMaxSize`) travels whole inside the DM, so it also waits in the offline
 * mailbox. A larger one gets a random file id and AES-256-GCM key, and its offer record is
 * written synced before the DM can reach the peer, so the peer's first request finds it.
 * A file sent to a room is always an offer (rooms carry no file bytes in their log).
 * `sentAttachment` gives a 1:1 text's attachment again as it went (key, or bytes), for the
 * copies of the text for other devices of the accounts (node/messaging/device-fan-out.ts).
 */

import { FILE_ID_LENGTH, FILE_KEY_LENGTH } from '../../protocol/attachments.ts'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { ATTACHMENT_CHUNK_SIZE } from '../../protocol/limits.ts'
import type { SendFileResponse } from '../../protocol/local-api.ts'
import type { AttachmentContent } from '../../protocol/rich-content.ts'
import { peerIdOf } from '../identity/index.ts'
import type { StoredAttachment } from '../messaging/index.ts'
import type { AttachmentsComponents, RoomFilesPort } from './attachments.ts'
import { DETECTION_HEAD_SIZE, detectFileKind } from './file-kind.ts'
import type { FileStore, StoredFile } from './file-store.ts'
import type { TransferBook } from './transfer-book.ts'
import { fileInfoOf, type TransferRecord, type TransferStore } from './transfer-store.ts'

export interface FileOffersInit {
  files: FileStore
  store: TransferStore
  book: TransferBook
  messages: AttachmentsComponents['messages']
  /** Files up to this size go whole inside the DM. */
  inlineMaxSize: number
  /** This device's key, hex: the sender of what it sends to rooms. */
  selfHex: string
}

export class FileOffers {
  readonly #init: FileOffersInit

  constructor(init: FileOffersInit) {
    this.#init = init
  }

  /** Sends `stored` to `to`: inline, or as an offer whose chunks we then serve. */
  async offer(
    to: string,
    stored: StoredFile,
    name: string,
    text: string,
  ): Promise<SendFileResponse> {
    const { book, messages, inlineMaxSize } = this.#init
    const peerKey = await messages.resolvePeer(to)
    const peerHex = toHex(peerKey)
    const { attachment, record } = await this.#prepare(stored, name, stored.size <= inlineMaxSize, {
      peerHex,
      peerId: peerIdOf({ publicKey: peerKey }).toString(),
    })
    const sent = await messages.send(to, text, { attachment })
    return { messageId: sent.id, transfer: book.view(record) }
  }

  /**
   * Sends `stored` to a room's members: always an offer (the file is encrypted once, under a
   * fresh key the room message carries), which we and then every member who holds the file
   * serve to the room's readers. Our record is complete at once: we hold the file.
   */
  async offerToRoom(
    rooms: RoomFilesPort,
    roomId: string,
    stored: StoredFile,
    name: string,
    text: string,
    mentions?: string[],
  ): Promise<SendFileResponse> {
    const { book, selfHex } = this.#init
    const { attachment, record } = await this.#prepare(stored, name, false, {
      peerHex: selfHex,
      peerId: peerIdOf({ publicKey: Buffer.from(selfHex, 'hex') }).toString(),
      roomId,
    })
    const sent = await rooms.send(roomId, text, { attachment, mentions })
    return { messageId: sent.id, transfer: book.view(record) }
  }

  /**
   * The attachment our 1:1 text `stored` names, as it went to the peer: with the offer's key,
   * or the bytes of a file sent inline. Undefined unless it is our offer of that file.
   */
  async sentAttachment(stored: StoredAttachment): Promise<AttachmentContent | undefined> {
    const { files, store } = this.#init
    const record = await store.get(stored.fileId)
    if (record?.direction !== 'out' || record.roomId != null || record.sha256 !== stored.sha256) {
      return undefined
    }
    const attachment: AttachmentContent = {
      fileId: fromHex(record.fileId),
      name: record.name,
      mime: record.mime,
      size: record.size,
      sha256: fromHex(record.sha256),
    }
    if (record.width != null && record.height != null) {
      attachment.width = record.width
      attachment.height = record.height
    }
    if (record.inline) attachment.inline = await files.read(record.sha256)
    else {
      attachment.key = Buffer.from(record.key!, 'base64')
      attachment.chunkSize = record.chunkSize
    }
    return attachment
  }

  /** The attachment a message carries, and our record of it, on disk (synced) before it leaves. */
  async #prepare(
    stored: StoredFile,
    name: string,
    inline: boolean,
    to: Pick<TransferRecord, 'peerHex' | 'peerId' | 'roomId'>,
  ): Promise<{ attachment: AttachmentContent; record: TransferRecord }> {
    const { files, store } = this.#init
    const head = await files.head(stored.sha256, Math.min(stored.size, DETECTION_HEAD_SIZE))
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
      ...to,
      direction: 'out',
      name: attachment.name,
      mime: kind.mime,
      size: stored.size,
      sha256: stored.sha256,
      ...(kind.width != null ? { width: kind.width, height: kind.height } : {}),
      inline,
      chunkSize: inline ? stored.size : ATTACHMENT_CHUNK_SIZE,
      state: inline || to.roomId != null ? 'complete' : 'pending',
      createdAt: Date.now(),
      updatedAt: Date.now(),
    }
    if (key != null) record.key = Buffer.from(key).toString('base64')
    await store.putFileInfo(stored.sha256, fileInfoOf(record))
    // The offer is on disk before its message can reach anyone, so their requests find it.
    await store.put(record, { sync: true })
    return { attachment, record }
  }
}
