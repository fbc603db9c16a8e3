/**
 * Decoder fuzz table rows for stream protocols: framing, DM frames and contents, the
 * ratchet header, rooms (events, the log, key bundles, sync, invites), attachments and
 * hole punching.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { Uint8ArrayList } from 'uint8arraylist'
import { punchTarget } from '../../network/tcp-punch.ts'
import {
  decodeFileFrame,
  decodeFileRequest,
  decodeReceivedFileFrame,
  encodeFileFrame,
  encodeFileRequest,
} from '../../protocol/attachments.ts'
import { decodeMessage, signRecord } from '../../protocol/codec.ts'
import { encodeFramePrefix, FrameScanner } from '../../protocol/framing.ts'
import { ROOM_EVENT_DOMAIN, ROOM_KEY_BUNDLE_DOMAIN } from '../../protocol/ids.ts'
import {
  MAX_ENVELOPE_SIZE,
  MAX_FILE_FRAME_SIZE,
  MAX_PUNCH_FRAME_SIZE,
  MAX_ROOM_KEY_FRAME_SIZE,
  MAX_ROOM_MESSAGE_SIZE,
  MAX_STREAM_FRAME_SIZE,
} from '../../protocol/limits.ts'
import {
  type DmEnvelope,
  type DmRefusalNotice,
  decodeDmFrame,
  decodeEnvelope,
  decodeInnerMessage,
  decodeMailboxItem,
  encodeDmFrame,
  encodeEnvelope,
  encodeInnerMessage,
  encodeRefusalNotice,
} from '../../protocol/messaging.ts'
import { DmAckStatus } from '../../protocol/proto/dm.ts'
import { RoomKeyFrame, RoomSyncStatus } from '../../protocol/proto/room.ts'
import { SignedRecord } from '../../protocol/proto/signed-record.ts'
import { decodePunchFrame, encodePunchFrame, PunchFrameKind } from '../../protocol/punch.ts'
import {
  buildMessage,
  createRoom,
  decodeInvite,
  decodeRoomContent,
  decodeSyncFrame,
  decodeSyncRequest,
  decryptMessage,
  encodeInvite,
  encodeRoomContent,
  encodeSyncFrame,
  encodeSyncRequest,
  openKeyBundle,
  openRoomEvent,
  openSealed,
  ReceivedSenderKey,
  RoomLog,
  SenderKeyChain,
  sealKeyBundle,
  sealToIdentity,
} from '../../protocol/rooms/index.ts'
import { decodeMessageHeader, encodeMessageHeader } from '../../protocol/session/index.ts'

import { alice, bob, bytes, type DecoderEntry, NOW, signed } from './decoder-entry.ts'

/** `bytes` in three pieces, as a stream may deliver them. */
function thirds(input: Uint8Array): Uint8Array[] {
  const [a, b] = [Math.floor(input.length / 3), Math.floor((2 * input.length) / 3)]
  return [input.subarray(0, a), input.subarray(a, b), input.subarray(b)]
}

export function messaging(): DecoderEntry[] {
  const messageId = bytes(16, 3)
  const envelope = {
    messageId,
    sender: bytes(32, 1),
    header: bytes(42, 2),
    ciphertext: bytes(40, 4),
  } as DmEnvelope
  const notice = {
    sessionKey: bytes(32, 7),
    messageIds: [messageId],
    reason: 'prekey 1 was used',
  } as DmRefusalNotice
  const base = { kind: 'text', messageId, seq: 2, sentAtMs: NOW, resolvedBelow: 1 } as const
  const text = encodeInnerMessage({
    ...base,
    text: 'hello',
    style: { bold: true, color: 0x00ff88, size: 14 },
  })
  const offer = encodeInnerMessage({
    ...base,
    text: 'look',
    attachment: {
      fileId: bytes(16, 5),
      name: 'photo.jpg',
      mime: 'image/jpeg',
      size: 5_000_000,
      sha256: bytes(32, 6),
      key: bytes(32, 7),
      chunkSize: 65_536,
      width: 4000,
      height: 3000,
    },
  })
  const receipt = encodeInnerMessage({
    kind: 'receipt',
    messageId,
    type: 'delivered',
    messageIds: [messageId],
  })
  const social = encodeInnerMessage({
    kind: 'social',
    messageId,
    sentAtMs: NOW,
    payload: bytes(20, 8),
  })
  const ack = encodeDmFrame({ ack: { messageId, status: DmAckStatus.DUPLICATE, reason: '' } })
  const header = encodeMessageHeader({
    ratchetKey: bytes(32, 1),
    previousChainLength: 3,
    messageNumber: 7,
    sessionStart: {
      identityKey: bytes(32, 2),
      ephemeralKey: bytes(32, 3),
      signedPrekeyId: 1,
      oneTimePrekeyId: 2,
    },
  })
  return [
    {
      name: 'stream frame prefix',
      maxSize: MAX_STREAM_FRAME_SIZE,
      decode: (b) => {
        const scanner = new FrameScanner(MAX_STREAM_FRAME_SIZE)
        for (const piece of thirds(b)) scanner.scan(piece)
      },
      valid: [
        Uint8Array.from([...encodeFramePrefix(300), ...bytes(300, 1), ...encodeFramePrefix(0)]),
      ],
    },
    {
      name: 'DM frame',
      maxSize: MAX_STREAM_FRAME_SIZE,
      decode: decodeDmFrame,
      valid: [encodeDmFrame({ envelope }), ack],
    },
    {
      name: 'DM envelope',
      maxSize: MAX_ENVELOPE_SIZE,
      decode: decodeEnvelope,
      valid: [encodeEnvelope(envelope)],
    },
    {
      name: 'mailbox item',
      maxSize: MAX_ENVELOPE_SIZE,
      decode: decodeMailboxItem,
      valid: [encodeEnvelope(envelope), encodeRefusalNotice(notice)],
    },
    {
      name: 'DM content',
      maxSize: MAX_STREAM_FRAME_SIZE,
      decode: decodeInnerMessage,
      valid: [text, offer, receipt, social],
    },
    { name: 'ratchet message header', maxSize: 512, decode: decodeMessageHeader, valid: [header] },
  ]
}

export function rooms(): DecoderEntry[] {
  const { genesis, inviteSeed } = createRoom(alice, 'climbers', true)
  const log = new RoomLog(genesis)
  const chain = SenderKeyChain.generate()
  const senderKey = chain.state()
  const message = buildMessage(alice, log, chain, 'first pitch', NOW)
  const bundle = sealKeyBundle(alice, {
    roomId: genesis.id,
    recipient: bob.publicKey,
    senderKey: chain.state(),
    inviteSeed,
  })
  const bundleRecord = openSealed(bob, bundle)
  const head = { author: alice.publicKey, seq: 4 }
  const invite = Buffer.from(
    encodeInvite({ roomId: genesis.id, secret: inviteSeed, inviter: alice.publicKey }),
    'base64url',
  )
  return [
    {
      name: 'room event',
      maxSize: MAX_ROOM_MESSAGE_SIZE,
      decode: openRoomEvent,
      valid: [genesis.bytes, message.bytes],
      inner: signed(alice, ROOM_EVENT_DOMAIN, [genesis.bytes, message.bytes]),
    },
    {
      // As a member reads a message: the room service decrypts only events that carry one.
      name: 'room message decrypt',
      maxSize: MAX_ROOM_MESSAGE_SIZE,
      decode: (b) => {
        const event = openRoomEvent(b)
        if (event.event.message != null) decryptMessage(event, new ReceivedSenderKey(senderKey))
      },
      valid: [message.bytes],
      inner: signed(alice, ROOM_EVENT_DOMAIN, [message.bytes]),
    },
    {
      name: 'room log ingest',
      maxSize: MAX_ROOM_MESSAGE_SIZE,
      decode: (b) => new RoomLog(genesis).ingest(openRoomEvent(b)),
      valid: [message.bytes],
      inner: signed(alice, ROOM_EVENT_DOMAIN, [message.bytes]),
    },
    {
      name: 'room content',
      maxSize: MAX_ROOM_MESSAGE_SIZE,
      decode: decodeRoomContent,
      valid: [encodeRoomContent('hello')],
    },
    {
      name: 'room key bundle',
      maxSize: MAX_ROOM_KEY_FRAME_SIZE,
      decode: (b) => openKeyBundle(bob, b),
      valid: [bundle],
      inner: {
        valid: [SignedRecord.decode(bundleRecord).payload],
        wrap: (payload) =>
          sealToIdentity(bob.publicKey, signRecord(alice, payload, ROOM_KEY_BUNDLE_DOMAIN)),
      },
    },
    {
      name: 'room key frame',
      maxSize: MAX_ROOM_KEY_FRAME_SIZE,
      decode: (b) =>
        decodeMessage(RoomKeyFrame, b, {
          maxSize: MAX_ROOM_KEY_FRAME_SIZE,
          what: 'room key frame',
        }),
      valid: [RoomKeyFrame.encode({ sealed: bundle } as never), RoomKeyFrame.encode({ ack: true })],
    },
    {
      name: 'room sync request',
      maxSize: MAX_STREAM_FRAME_SIZE,
      decode: decodeSyncRequest,
      valid: [encodeSyncRequest({ roomId: genesis.id, heads: [head], limit: 100 } as never)],
    },
    {
      name: 'room sync frame',
      maxSize: MAX_STREAM_FRAME_SIZE,
      decode: decodeSyncFrame,
      valid: [
        encodeSyncFrame({ event: message.bytes } as never),
        encodeSyncFrame({ status: RoomSyncStatus.UNKNOWN_ROOM, heads: [head] } as never),
        encodeSyncFrame({ done: true, complete: true }),
      ],
    },
    {
      name: 'room invite code',
      maxSize: 256,
      decode: (b) => decodeInvite(Buffer.from(b).toString('base64url')),
      valid: [new Uint8Array(invite)],
    },
  ]
}

export function attachments(): DecoderEntry[] {
  const fileId = bytes(16, 1)
  const chunk = encodeFileFrame({
    chunk: { index: 2, nonce: bytes(12, 2), ciphertext: bytes(300, 3) } as never,
  })
  const status = encodeFileFrame({ status: { code: 0, reason: '' } as never })
  return [
    {
      name: 'file request',
      maxSize: MAX_FILE_FRAME_SIZE,
      decode: decodeFileRequest,
      valid: [
        encodeFileRequest({
          fileId,
          ranges: [
            { first: 0, count: 2 },
            { first: 5, count: 1 },
          ],
          complete: false,
        } as never),
      ],
    },
    {
      name: 'file frame',
      maxSize: MAX_FILE_FRAME_SIZE,
      decode: decodeFileFrame,
      valid: [chunk, status],
    },
    {
      name: 'file frame as received',
      maxSize: MAX_FILE_FRAME_SIZE,
      // As a stream delivers it: in pieces (cut at a third and two thirds).
      decode: (b) => {
        const [a, c] = [Math.floor(b.length / 3), Math.floor((2 * b.length) / 3)]
        return decodeReceivedFileFrame(
          new Uint8ArrayList(b.subarray(0, a), b.subarray(a, c), b.subarray(c)),
        )
      },
      valid: [chunk, status],
    },
  ]
}

export function punching(): DecoderEntry[] {
  const connect = encodePunchFrame({
    kind: PunchFrameKind.CONNECT,
    address: multiaddr('/ip4/20.0.0.100/tcp/45003').bytes,
  })
  const sync = encodePunchFrame({ kind: PunchFrameKind.SYNC, address: new Uint8Array() })
  return [
    {
      name: 'punch CONNECT and its address',
      maxSize: MAX_PUNCH_FRAME_SIZE,
      decode: (b) => punchTarget(decodePunchFrame(b, PunchFrameKind.CONNECT).address),
      valid: [connect],
    },
    {
      name: 'punch SYNC',
      maxSize: MAX_PUNCH_FRAME_SIZE,
      decode: (b) => decodePunchFrame(b, PunchFrameKind.SYNC),
      valid: [sync],
    },
  ]
}
