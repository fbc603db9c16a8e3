/**
 * History on a new device, on the wire (protocol/proto/history.proto, HISTORY_PROTOCOL): the
 * asking device's requests and the holding device's pages of 1:1 records. Pure code.
 *
 * Guarantees, and how: every decoder bounds its input (one stream frame, at most
 * MAX_HISTORY_TRANSFER_ITEMS records a page) and refuses what a well-behaved device never
 * writes (keys and ids of the wrong length, a text over MAX_DM_TEXT_SIZE, an attachment that
 * is not a plain reference, a reaction over MAX_REACTION_SIZE), so the asking device stores
 * only records that could have been made on a device of its own. Whether the other side is a
 * device of the account is the node's to check.
 */
import { FILE_HASH_LENGTH, FILE_ID_LENGTH } from './attachments.ts'
import { decodeMessage, encodeMessage } from './codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH } from './crypto/index.ts'
import { MalformedMessageError } from './errors.ts'
import {
  MAX_ATTACHMENT_NAME_SIZE,
  MAX_DM_TEXT_SIZE,
  MAX_HISTORY_TRANSFER_ITEMS,
  MAX_MIME_TYPE_LENGTH,
  MAX_REACTION_SIZE,
  MAX_STREAM_FRAME_SIZE,
} from './limits.ts'
import { MESSAGE_ID_LENGTH } from './messaging.ts'
import {
  HistoryAsk,
  HistoryAskKind,
  HistoryFrame,
  HistoryFrameKind,
  type HistoryItem,
} from './proto/history.ts'
import { checkStyle } from './rich-content.ts'

export { HistoryAskKind, HistoryFrameKind, type HistoryItem }

/** Largest request frame: a kind, a time, a key and an index. */
const MAX_HISTORY_ASK_SIZE = 128

export type HistoryAskValue =
  /** Start (or resume after `after`): records stored at or after `sinceMs` (0: all). */
  | { kind: 'start'; sinceMs: number; after?: { peer: Uint8Array; index: number } }
  /** The last page is stored. */
  | { kind: 'next' }

export type HistoryFrameValue =
  | { kind: 'page'; items: HistoryItem[]; remaining: number }
  | { kind: 'done' }
  | { kind: 'refused'; error: string }

export function encodeHistoryAsk(value: HistoryAskValue): Uint8Array {
  const empty = new Uint8Array(0) as HistoryAsk['afterPeer']
  const start = value.kind === 'start' ? value : undefined
  return encodeMessage(
    HistoryAsk,
    {
      kind: start == null ? HistoryAskKind.HISTORY_NEXT : HistoryAskKind.HISTORY_START,
      sinceMs: start?.sinceMs ?? 0,
      afterPeer: (start?.after?.peer ?? empty) as HistoryAsk['afterPeer'],
      afterIndex: start?.after?.index ?? 0,
    },
    { maxSize: MAX_HISTORY_ASK_SIZE, what: 'history request' },
  )
}

export function decodeHistoryAsk(bytes: Uint8Array): HistoryAskValue {
  const ask = decodeMessage(HistoryAsk, bytes, {
    maxSize: MAX_HISTORY_ASK_SIZE,
    what: 'history request',
  })
  if (ask.kind === HistoryAskKind.HISTORY_NEXT) {
    if (ask.sinceMs !== 0 || ask.afterPeer.length !== 0 || ask.afterIndex !== 0) {
      throw new MalformedMessageError('a NEXT history request carries nothing')
    }
    return { kind: 'next' }
  }
  if (ask.kind !== HistoryAskKind.HISTORY_START) {
    throw new MalformedMessageError('unknown history request kind')
  }
  if (ask.afterPeer.length === 0) {
    if (ask.afterIndex !== 0) throw new MalformedMessageError('a resume point names a peer')
    return { kind: 'start', sinceMs: ask.sinceMs }
  }
  checkLength(ask.afterPeer, ED25519_PUBLIC_KEY_LENGTH, 'a resume point peer')
  return {
    kind: 'start',
    sinceMs: ask.sinceMs,
    after: { peer: ask.afterPeer, index: ask.afterIndex },
  }
}

export function encodeHistoryFrame(value: HistoryFrameValue): Uint8Array {
  return encodeMessage(
    HistoryFrame,
    {
      kind:
        value.kind === 'page'
          ? HistoryFrameKind.HISTORY_PAGE
          : value.kind === 'done'
            ? HistoryFrameKind.HISTORY_DONE
            : HistoryFrameKind.HISTORY_REFUSED,
      items: value.kind === 'page' ? value.items : [],
      remaining: value.kind === 'page' ? value.remaining : 0,
      error: value.kind === 'refused' ? value.error : '',
    },
    { maxSize: MAX_STREAM_FRAME_SIZE, what: 'history frame' },
  )
}

/** Throws Oversized/MalformedMessageError for anything a well-behaved device never writes. */
export function decodeHistoryFrame(bytes: Uint8Array): HistoryFrameValue {
  const frame = decodeMessage(HistoryFrame, bytes, {
    maxSize: MAX_STREAM_FRAME_SIZE,
    what: 'history frame',
    limits: { items: MAX_HISTORY_TRANSFER_ITEMS },
  })
  if (frame.kind === HistoryFrameKind.HISTORY_REFUSED) {
    if (frame.items.length !== 0 || frame.error.length === 0 || frame.error.length > 64) {
      throw new MalformedMessageError('a refusal names its error and carries no records')
    }
    return { kind: 'refused', error: frame.error }
  }
  if (frame.error.length !== 0) throw new MalformedMessageError('only a refusal names an error')
  if (frame.kind === HistoryFrameKind.HISTORY_DONE) {
    if (frame.items.length !== 0 || frame.remaining !== 0) {
      throw new MalformedMessageError('a DONE history frame carries no records')
    }
    return { kind: 'done' }
  }
  if (frame.kind !== HistoryFrameKind.HISTORY_PAGE) {
    throw new MalformedMessageError('unknown history frame kind')
  }
  if (frame.items.length === 0) throw new MalformedMessageError('a history page is not empty')
  for (const item of frame.items) checkHistoryItem(item)
  return { kind: 'page', items: frame.items, remaining: frame.remaining }
}

/** The encoded size of one record in a page: what a holder counts to fill a frame. */
export function historyItemSize(item: HistoryItem): number {
  return HistoryFrame.encode({ kind: HistoryFrameKind.HISTORY_PAGE, items: [item] }).byteLength
}

/** Throws MalformedMessageError unless `item` could be a record of one of our devices. */
export function checkHistoryItem(item: HistoryItem): void {
  checkLength(item.peer, ED25519_PUBLIC_KEY_LENGTH, 'a history record peer')
  checkLength(item.id, MESSAGE_ID_LENGTH, 'a history record id')
  if (item.outgoing) checkLength(item.sentFrom, ED25519_PUBLIC_KEY_LENGTH, 'a sending device')
  else if (item.sentFrom.length !== 0) {
    throw new MalformedMessageError('only an outgoing record names its sending device')
  }
  if (item.outgoing && item.unread) throw new MalformedMessageError('our own text is never unread')
  if (item.replyTo.length !== 0) checkLength(item.replyTo, MESSAGE_ID_LENGTH, 'a reply target')
  if (utf8.encode(item.text).length > MAX_DM_TEXT_SIZE) {
    throw new MalformedMessageError(`a text is at most ${MAX_DM_TEXT_SIZE} bytes`)
  }
  for (const emoji of [item.reactionOut, item.reactionIn]) {
    if (utf8.encode(emoji).length > MAX_REACTION_SIZE) {
      throw new MalformedMessageError(`a reaction is at most ${MAX_REACTION_SIZE} bytes`)
    }
  }
  if (!Number.isSafeInteger(item.index) || item.index < 1) {
    throw new MalformedMessageError('a history record index is at least 1')
  }
  if (item.style != null) {
    checkStyle({
      ...(item.style.color != null ? { color: item.style.color } : {}),
      ...(item.style.size !== 0 ? { size: item.style.size } : {}),
    })
  }
  const attachment = item.attachment
  if (attachment != null) {
    checkLength(attachment.fileId, FILE_ID_LENGTH, 'an attachment file id')
    checkLength(attachment.sha256, FILE_HASH_LENGTH, 'an attachment hash')
    const nameSize = utf8.encode(attachment.name).length
    if (
      nameSize === 0 ||
      nameSize > MAX_ATTACHMENT_NAME_SIZE ||
      /[/\\\p{Cc}]/u.test(attachment.name)
    ) {
      throw new MalformedMessageError('a malformed attachment name')
    }
    if (attachment.mime.length > MAX_MIME_TYPE_LENGTH || !Number.isSafeInteger(attachment.size)) {
      throw new MalformedMessageError('a malformed attachment')
    }
  }
}

function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (bytes.length !== length) throw new MalformedMessageError(`${what} is ${length} bytes`)
}

const utf8 = new TextEncoder()
