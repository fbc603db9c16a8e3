/** Decoder fuzz table rows for history on a new device (HISTORY_PROTOCOL's two frames). */
import {
  decodeHistoryAsk,
  decodeHistoryFrame,
  encodeHistoryAsk,
  encodeHistoryFrame,
  type HistoryItem,
} from '../../protocol/history-transfer.ts'
import { MAX_STREAM_FRAME_SIZE } from '../../protocol/limits.ts'
import type { DecoderEntry } from './decoder-entry.ts'

/** A record of each kind a page carries: a styled text from the peer, and ours with a file. */
export function historyItems(): HistoryItem[] {
  const bytes = (length: number, fill: number) =>
    new Uint8Array(length).fill(fill) as HistoryItem['id']
  const base = {
    peer: bytes(32, 1),
    seq: 1,
    text: 'hello',
    sentAtMs: 1_700_000_000_000,
    storedAtMs: 1_700_000_000_100,
    replyTo: bytes(0, 0),
    editedAtMs: 0,
    recalled: false,
    forwarded: false,
    reactionOut: '',
    reactionIn: '👍',
  }
  return [
    {
      ...base,
      index: 100_000_000_002,
      id: bytes(16, 2),
      outgoing: false,
      sentFrom: bytes(0, 0),
      unread: true,
      style: { bold: true, italic: false, size: 14, color: 0xff0000 },
    },
    {
      ...base,
      index: 100_000_000_001,
      id: bytes(16, 3),
      outgoing: true,
      sentFrom: bytes(32, 4),
      unread: false,
      replyTo: bytes(16, 2),
      attachment: {
        fileId: bytes(16, 5),
        name: 'photo.jpg',
        mime: 'image/jpeg',
        size: 1234,
        sha256: bytes(32, 6),
        width: 640,
        height: 480,
      },
    },
  ]
}

export function history(): DecoderEntry[] {
  return [
    {
      name: 'history request',
      maxSize: 128,
      decode: decodeHistoryAsk,
      valid: [
        encodeHistoryAsk({ kind: 'start', sinceMs: 0 }),
        encodeHistoryAsk({
          kind: 'start',
          sinceMs: 1_700_000_000_000,
          after: { peer: new Uint8Array(32).fill(7), index: 100_000_000_005 },
        }),
        encodeHistoryAsk({ kind: 'next' }),
      ],
    },
    {
      name: 'history frame',
      maxSize: MAX_STREAM_FRAME_SIZE,
      decode: decodeHistoryFrame,
      valid: [
        encodeHistoryFrame({ kind: 'page', items: historyItems(), remaining: 3 }),
        encodeHistoryFrame({ kind: 'done' }),
        encodeHistoryFrame({ kind: 'refused', error: 'HistoryTransferRevokedError' }),
      ],
    },
  ]
}
