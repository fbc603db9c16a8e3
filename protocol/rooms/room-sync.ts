/**
 * Frames of /tokenim/room-sync/1.0.0. The requester sends one RoomSyncRequest naming, per
 * author, the last seq it holds without a gap; the responder answers with the events beyond
 * (first in total order, so the requester can take them in causal order), at most the
 * requested limit, then a done frame with its own heads so the requester sees whether it
 * has something to offer back.
 */
import { toHex } from '../bytes.ts'
import { decodeMessage, encodeMessage } from '../codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SIGNATURE_LENGTH } from '../crypto/index.ts'
import { MalformedMessageError } from '../errors.ts'
import { MAX_ROOM_SYNC_EVENTS, MAX_ROOM_SYNC_HEADS, MAX_STREAM_FRAME_SIZE } from '../limits.ts'
import { type RoomHead, RoomSyncFrame, RoomSyncRequest, RoomSyncStatus } from '../proto/room.ts'
import { ROOM_ID_LENGTH } from './room-event.ts'
import type { RoomHeadValue } from './room-log.ts'

export type { RoomSyncFrame, RoomSyncRequest } from '../proto/room.ts'
export { RoomSyncStatus } from '../proto/room.ts'

const limits = { heads: MAX_ROOM_SYNC_HEADS }

export function encodeSyncRequest(request: Partial<RoomSyncRequest>): Uint8Array {
  return encodeMessage(RoomSyncRequest, request, {
    maxSize: MAX_STREAM_FRAME_SIZE,
    what: 'room sync request',
  })
}

export function decodeSyncRequest(bytes: Uint8Array): RoomSyncRequest {
  const request = decodeMessage(RoomSyncRequest, bytes, {
    maxSize: MAX_STREAM_FRAME_SIZE,
    what: 'room sync request',
    limits,
  })
  if (request.roomId.length !== ROOM_ID_LENGTH) {
    throw new MalformedMessageError('room sync request names no valid room id')
  }
  if (request.inviteProof.length !== 0 && request.inviteProof.length !== ED25519_SIGNATURE_LENGTH) {
    throw new MalformedMessageError('room sync request invite proof has the wrong length')
  }
  checkHeads(request.heads)
  request.limit = Math.min(request.limit, MAX_ROOM_SYNC_EVENTS)
  return request
}

export function encodeSyncFrame(frame: Partial<RoomSyncFrame>): Uint8Array {
  return encodeMessage(RoomSyncFrame, frame, {
    maxSize: MAX_STREAM_FRAME_SIZE,
    what: 'room sync frame',
  })
}

export function decodeSyncFrame(bytes: Uint8Array): RoomSyncFrame {
  const frame = decodeMessage(RoomSyncFrame, bytes, {
    maxSize: MAX_STREAM_FRAME_SIZE,
    what: 'room sync frame',
    limits,
  })
  if (!Object.values(RoomSyncStatus).includes(frame.status)) {
    throw new MalformedMessageError('room sync frame has an unknown status')
  }
  checkHeads(frame.heads)
  return frame
}

function checkHeads(heads: RoomHead[]): void {
  for (const head of heads) {
    if (head.author.length !== ED25519_PUBLIC_KEY_LENGTH) {
      throw new MalformedMessageError('room head author must be a 32-byte key')
    }
  }
}

export function headsToWire(heads: RoomHeadValue[]): RoomHead[] {
  return heads.map((head) => ({
    author: new Uint8Array(Buffer.from(head.authorHex, 'hex')) as RoomHead['author'],
    seq: head.seq,
  }))
}

export function headsFromWire(heads: RoomHead[]): Map<string, number> {
  const map = new Map<string, number>()
  for (const head of heads)
    map.set(toHex(head.author), Math.max(head.seq, map.get(toHex(head.author)) ?? 0))
  return map
}
