/**
 * Room events: signed, content-addressed records of every room change (ops) and message.
 * An event's id is the SHA-256 of its signed record, so the same bytes have the same id
 * everywhere and gossipsub can drop duplicates by content; a room's id is its CREATE event's id.
 */
import { createHash } from 'node:crypto'
import { COMMITMENT_LENGTH } from '../accounts/device-records.ts'
import { bytesEqual, toHex } from '../bytes.ts'
import { decodeMessage, encodeMessage, openSignedRecord, signRecord } from '../codec.ts'
import {
  AEAD_TAG_LENGTH,
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  type Ed25519KeyPair,
  ed25519Sign,
  ed25519Verify,
} from '../crypto/index.ts'
import { MalformedMessageError } from '../errors.ts'
import { openFriendProfile } from '../friend-profile.ts'
import { ROOM_EVENT_DOMAIN, ROOM_INVITE_DOMAIN, ROOM_TOPIC_PREFIX } from '../ids.ts'
import {
  MAX_ACCOUNT_DEVICES,
  MAX_ROOM_EVENT_DEPS,
  MAX_ROOM_KEY_MOVE_STATEMENTS,
  MAX_ROOM_MENTIONS,
  MAX_ROOM_MESSAGE_SIZE,
  MAX_ROOM_NAME_LENGTH,
  MAX_ROOM_TEXT_SIZE,
} from '../limits.ts'
import { checkReaction, type WireAction } from '../message-actions.ts'
import { DmAttachment, DmTextStyle } from '../proto/dm.ts'
import {
  RoomActionType,
  RoomContent,
  type RoomEvent,
  RoomEvent as RoomEventCodec,
  RoomOpKind,
} from '../proto/room.ts'
import {
  type AttachmentContent,
  attachmentFromWire,
  attachmentToWire,
  checkCaption,
  styleFromWire,
  styleToWire,
  type TextStyle,
} from '../rich-content.ts'
import { keyMoveStatementCount } from './key-move.ts'
import { SENDER_KEY_ID_LENGTH } from './sender-key.ts'

export type { RoomCiphertext, RoomEvent, RoomOp } from '../proto/room.ts'
export { RoomOpKind } from '../proto/room.ts'

export const ROOM_ID_LENGTH = 32
export const EVENT_ID_LENGTH = 32
export const ROOM_NONCE_LENGTH = 16

/** An event whose signature and shape were checked. */
export interface SignedRoomEvent {
  /** SHA-256 of `bytes`. */
  id: Uint8Array
  idHex: string
  /** The signed record, as published and stored. */
  bytes: Uint8Array
  event: RoomEvent
  authorHex: string
}

export function eventIdOf(bytes: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(bytes).digest())
}

/** The gossipsub topic of a room. */
export function roomTopic(roomId: Uint8Array | string): string {
  return ROOM_TOPIC_PREFIX + (typeof roomId === 'string' ? roomId : toHex(roomId))
}

/** Fields of an event before signing; the author is the signer. */
export type UnsignedRoomEvent = Omit<RoomEvent, 'author'>

/** Signs `event` as `author` and checks the result as a receiver would. */
export function signRoomEvent(author: Ed25519KeyPair, event: UnsignedRoomEvent): SignedRoomEvent {
  const payload = encodeMessage(
    RoomEventCodec,
    { ...event, author: author.publicKey as RoomEvent['author'] },
    { maxSize: MAX_ROOM_MESSAGE_SIZE, what: 'room event' },
  )
  const bytes = signRecord(author, payload, ROOM_EVENT_DOMAIN, { maxSize: MAX_ROOM_MESSAGE_SIZE })
  return openRoomEvent(bytes)
}

/**
 * Decodes a signed event, verifies its signature and checks its shape. Throws
 * OversizedMessageError, MalformedMessageError or InvalidSignatureError. Whether the author
 * may write it is for the room's log to decide.
 */
export function openRoomEvent(bytes: Uint8Array): SignedRoomEvent {
  const record = openSignedRecord(bytes, ROOM_EVENT_DOMAIN, MAX_ROOM_MESSAGE_SIZE)
  if (record.version !== 1) {
    throw new MalformedMessageError(`room event version ${record.version} is not supported`)
  }
  const event = decodeMessage(RoomEventCodec, record.payload, {
    maxSize: MAX_ROOM_MESSAGE_SIZE,
    what: 'room event',
    limits: {
      deps: MAX_ROOM_EVENT_DEPS,
      op: {
        rotations: MAX_ROOM_KEY_MOVE_STATEMENTS,
        recoveries: MAX_ROOM_KEY_MOVE_STATEMENTS,
        deviceCuts: MAX_ACCOUNT_DEVICES,
      },
    },
  })
  if (!bytesEqual(event.author, record.publicKey)) {
    throw new MalformedMessageError('room event author is not its signer')
  }
  checkEvent(event)
  const id = eventIdOf(bytes)
  return { id, idHex: toHex(id), bytes, event, authorHex: toHex(event.author) }
}

function checkEvent(event: RoomEvent): void {
  const fail = (why: string): never => {
    throw new MalformedMessageError(`room event ${why}`)
  }
  if (event.seq < 1) fail('seq must start at 1')
  if (!Number.isSafeInteger(event.lamport) || event.lamport < 1) fail('lamport must be >= 1')
  if (!Number.isSafeInteger(event.sentAtMs)) fail('time is out of range')
  for (const dep of event.deps) {
    if (dep.length !== EVENT_ID_LENGTH) fail(`dependency must be a ${EVENT_ID_LENGTH}-byte id`)
  }
  if ((event.op == null) === (event.message == null)) fail('must carry exactly one op or message')
  const isCreate = event.op?.kind === RoomOpKind.CREATE
  if (isCreate) {
    if (event.roomId.length !== 0) fail('CREATE must not name a room id')
    if (event.seq !== 1 || event.lamport !== 1 || event.deps.length > 0) {
      fail("CREATE must be its author's first event, with lamport 1 and no dependencies")
    }
  } else if (event.roomId.length !== ROOM_ID_LENGTH) {
    fail(`room id must be ${ROOM_ID_LENGTH} bytes`)
  }
  if (event.message != null) {
    const { keyId, ciphertext } = event.message
    if (keyId.length !== SENDER_KEY_ID_LENGTH) fail('sender key id has the wrong length')
    if (ciphertext.length < AEAD_TAG_LENGTH) fail('ciphertext is shorter than its tag')
    return
  }
  const op = event.op!
  const needsTarget = [RoomOpKind.ADD, RoomOpKind.REMOVE, RoomOpKind.PROMOTE, RoomOpKind.DEMOTE]
  if (!Object.values(RoomOpKind).includes(op.kind)) fail('op kind is unknown')
  if (needsTarget.includes(op.kind) !== (op.target.length === ED25519_PUBLIC_KEY_LENGTH)) {
    fail('op target must be a 32-byte key exactly for add, remove, promote and demote')
  }
  const named = op.kind === RoomOpKind.CREATE || op.kind === RoomOpKind.RENAME
  if (named) checkRoomName(op.name)
  else if (op.name !== '') fail('only create and rename carry a name')
  if (isCreate) {
    if (op.nonce.length !== ROOM_NONCE_LENGTH) fail('CREATE nonce has the wrong length')
    if (op.inviteOnly !== (op.inviteKey.length === ED25519_PUBLIC_KEY_LENGTH)) {
      fail('CREATE carries an invite key exactly when the room is invite-only')
    }
  } else if (op.nonce.length > 0 || op.inviteKey.length > 0 || op.inviteOnly) {
    fail('only CREATE carries a nonce or invite settings')
  }
  if (op.inviteProof.length !== 0) {
    if (op.kind !== RoomOpKind.JOIN) fail('only JOIN carries an invite proof')
    if (op.inviteProof.length !== ED25519_SIGNATURE_LENGTH)
      fail('invite proof has the wrong length')
  }
  if (op.cutSeq !== 0 && op.kind !== RoomOpKind.REMOVE && op.kind !== RoomOpKind.MOVE_KEY) {
    fail('only REMOVE and MOVE_KEY carry a cut')
  }
  if (op.deviceCuts.length > 0) {
    const cuts = [RoomOpKind.REMOVE, RoomOpKind.LEAVE, RoomOpKind.DEVICES, RoomOpKind.MOVE_KEY]
    if (!cuts.includes(op.kind)) fail('only REMOVE, LEAVE, DEVICES and MOVE_KEY carry device cuts')
    for (const cut of op.deviceCuts) {
      if (cut.device.length !== ED25519_PUBLIC_KEY_LENGTH) fail('a device cut names a 32-byte key')
    }
  }
  if (op.kind === RoomOpKind.DEVICES && op.deviceList.length === 0) {
    fail('DEVICES carries a device list')
  }
  if (op.deviceList.length > 0 && op.kind !== RoomOpKind.DEVICES && op.kind !== RoomOpKind.JOIN) {
    fail('only DEVICES and JOIN carry a device list')
  }
  if (op.recoveryCommitment.length !== 0) {
    if (op.kind !== RoomOpKind.CREATE && op.kind !== RoomOpKind.JOIN) {
      fail('only CREATE and JOIN carry a recovery commitment')
    }
    if (op.recoveryCommitment.length !== COMMITMENT_LENGTH) {
      fail('recovery commitment has the wrong length')
    }
  }
  if ((op.kind === RoomOpKind.PROFILE) !== op.profile.length > 0) {
    fail('PROFILE carries a profile, and only PROFILE does')
  }
  // Whose account signed it is the reader's check (the member the author writes for).
  if (op.profile.length > 0) openFriendProfile(op.profile)
  const statements = keyMoveStatementCount(op)
  if ((op.kind === RoomOpKind.MOVE_KEY) !== statements > 0) {
    fail('key statements come with MOVE_KEY, and MOVE_KEY with key statements')
  }
  if (statements > MAX_ROOM_KEY_MOVE_STATEMENTS) fail('MOVE_KEY carries too many key statements')
}

/** Throws MalformedMessageError for an empty or too long name, or one with control characters. */
export function checkRoomName(name: string): void {
  const length = [...name].length
  if (length === 0 || length > MAX_ROOM_NAME_LENGTH || name.trim() !== name) {
    throw new MalformedMessageError(
      `a room name must be 1-${MAX_ROOM_NAME_LENGTH} characters without leading or trailing spaces`,
    )
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: refusing control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(name)) {
    throw new MalformedMessageError('a room name must not contain control characters')
  }
}

/** The bytes an invite proof signs: the domain, a zero byte, the room id and the joiner. */
function inviteProofInput(roomId: Uint8Array, joiner: Uint8Array): Uint8Array {
  return new Uint8Array(
    Buffer.concat([Buffer.from(ROOM_INVITE_DOMAIN), Buffer.of(0), roomId, joiner]),
  )
}

/** Proof, made with the invite secret, that `joiner` was given the room's invite. */
export function makeInviteProof(
  invite: Ed25519KeyPair,
  roomId: Uint8Array,
  joiner: Uint8Array,
): Uint8Array {
  return ed25519Sign(invite.privateKey, inviteProofInput(roomId, joiner))
}

export function verifyInviteProof(
  inviteKey: Uint8Array,
  roomId: Uint8Array,
  joiner: Uint8Array,
  proof: Uint8Array,
): boolean {
  return ed25519Verify(inviteKey, inviteProofInput(roomId, joiner), proof)
}

function fail(why: string): never {
  throw new MalformedMessageError(`room content: ${why}`)
}

/** A room message's plaintext: its words, and what it answers or acts on (message actions). */
export interface RoomContentValue {
  text: string
  /** The event id of the message it answers. */
  replyTo?: Uint8Array
  /** An action on an earlier message (an edit's new words are `text`). */
  action?: WireAction
  forwarded?: boolean
  /** The text's look, as in a DM. */
  style?: TextStyle
  /** A file the members fetch from any member who holds it: always an offer, never inline. */
  attachment?: AttachmentContent
  /** Account keys of the members the text mentions. */
  mentions?: Uint8Array[]
}

const ROOM_ACTION_TYPES = {
  edit: RoomActionType.ROOM_EDIT,
  recall: RoomActionType.ROOM_RECALL,
  react: RoomActionType.ROOM_REACT,
} as const

/** Encodes a room message's plaintext, refusing text over MAX_ROOM_TEXT_SIZE. */
export function encodeRoomContent(content: string | RoomContentValue): Uint8Array {
  const value = typeof content === 'string' ? { text: content } : content
  if (Buffer.byteLength(value.text, 'utf8') > MAX_ROOM_TEXT_SIZE) {
    throw new MalformedMessageError(`a room message is at most ${MAX_ROOM_TEXT_SIZE} bytes of text`)
  }
  const action = value.action
  const bytes = encodeMessage(
    RoomContent,
    {
      text: value.text,
      replyTo: (value.replyTo ?? new Uint8Array(0)) as RoomContent['replyTo'],
      action:
        action == null
          ? undefined
          : {
              target: action.target as NonNullable<RoomContent['action']>['target'],
              type: ROOM_ACTION_TYPES[action.type],
              emoji: action.emoji ?? '',
            },
      forwarded: value.forwarded === true,
      style: optionalBytes(value.style && styleToWire(value.style), DmTextStyle),
      attachment: optionalBytes(attachmentToWire(value.attachment), DmAttachment),
      mentions: (value.mentions ?? []) as RoomContent['mentions'],
    },
    { maxSize: MAX_ROOM_MESSAGE_SIZE },
  )
  // Checking our own output keeps the rules honest on both ends.
  decodeRoomContent(bytes)
  return bytes
}

/** Throws MalformedMessageError for content a well-behaved member never writes. */
export function decodeRoomContent(bytes: Uint8Array): RoomContentValue {
  const wire = decodeMessage(RoomContent, bytes, {
    maxSize: MAX_ROOM_MESSAGE_SIZE,
    what: 'room content',
  })
  const content: RoomContentValue = { text: wire.text }
  if (wire.replyTo.length !== 0) {
    if (wire.replyTo.length !== EVENT_ID_LENGTH) fail('a reply names a 32-byte event id')
    content.replyTo = wire.replyTo
  }
  if (wire.forwarded) content.forwarded = true
  richOf(wire, content)
  const action = wire.action
  if (action == null) return content
  if (
    content.replyTo != null ||
    content.forwarded === true ||
    content.style != null ||
    content.attachment != null ||
    content.mentions != null
  ) {
    fail('an action is no reply, forward, styled text, file or mention')
  }
  if (action.target.length !== EVENT_ID_LENGTH) fail('an action names a 32-byte event id')
  const type = (Object.keys(ROOM_ACTION_TYPES) as Array<keyof typeof ROOM_ACTION_TYPES>).find(
    (name) => ROOM_ACTION_TYPES[name] === action.type,
  )
  if (type == null) fail('an action has an unknown type')
  if (type !== 'react' && action.emoji !== '') fail('only a reaction carries an emoji')
  if (type !== 'edit' && wire.text !== '') fail('only an edit carries a text')
  if (type === 'react') checkReaction(action.emoji)
  content.action =
    type === 'react'
      ? { type, target: action.target, emoji: action.emoji }
      : { type, target: action.target }
  return content
}

/** The encoded form of an optional embedded message (bytes on the wire, see room.proto). */
function optionalBytes<T>(
  value: T | undefined,
  codec: { encode(value: T): Uint8Array },
): RoomContent['style'] {
  return (value == null ? new Uint8Array(0) : codec.encode(value)) as RoomContent['style']
}

/** Style, file and mentions of a decoded content, checked as a DM's are. */
function richOf(wire: RoomContent, content: RoomContentValue): void {
  if (wire.style.length > 0) {
    content.style = styleFromWire(
      decodeMessage(DmTextStyle, wire.style, { maxSize: 64, what: 'room text style' }),
    )
  }
  if (wire.attachment.length > 0) {
    const attachment = attachmentFromWire(
      decodeMessage(DmAttachment, wire.attachment, {
        maxSize: MAX_ROOM_MESSAGE_SIZE,
        what: 'room attachment',
      }),
    )
    if (attachment.inline != null) fail('a room file is fetched from members, never inline')
    checkCaption(wire.text)
    content.attachment = attachment
  }
  if (wire.mentions.length > 0) {
    if (wire.mentions.length > MAX_ROOM_MENTIONS) {
      fail(`a message mentions at most ${MAX_ROOM_MENTIONS} members`)
    }
    if (wire.mentions.some((key) => key.length !== ED25519_PUBLIC_KEY_LENGTH)) {
      fail('a mention names a 32-byte account key')
    }
    content.mentions = wire.mentions
  }
}

/** Associated data of a message's ciphertext: it belongs to this room and this author. */
export function messageAssociatedData(roomId: Uint8Array, author: Uint8Array): Uint8Array {
  const ad = new Uint8Array(roomId.length + author.length)
  ad.set(roomId, 0)
  ad.set(author, roomId.length)
  return ad
}

/** Total order of events: lamport, then author key, then id (bytewise). */
export function compareEvents(a: SignedRoomEvent, b: SignedRoomEvent): number {
  return (
    a.event.lamport - b.event.lamport ||
    compareBytes(a.event.author, b.event.author) ||
    compareBytes(a.id, b.id)
  )
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  return Buffer.compare(a, b)
}
