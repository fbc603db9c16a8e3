/**
 * Friends and presence on the wire (protocol/proto/social.proto): the friend messages that
 * travel end-to-end encrypted inside 1:1 messages of kind SOCIAL, and the signed presence
 * heartbeats friends send each other on PRESENCE_PROTOCOL. Every decoder bounds its input
 * and refuses what a well-behaved sender never writes.
 */
import { bytesEqual } from './bytes.ts'
import { decodeMessage, encodeMessage, openSignedRecord, signRecord } from './codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH, type Ed25519KeyPair } from './crypto/index.ts'
import { InvalidSignatureError, MalformedMessageError } from './errors.ts'
import { PRESENCE_DOMAIN } from './ids.ts'
import {
  MAX_DEVICE_LIST_SIZE,
  MAX_DEVICE_SYNC_SIZE,
  MAX_FRIEND_NOTE_LENGTH,
  MAX_FRIEND_PROFILE_SIZE,
  MAX_KEY_STATEMENT_SIZE,
  MAX_PRESENCE_FRAME_SIZE,
  MAX_RECOVERY_SHARE_SIZE,
  MAX_SOCIAL_PAYLOAD_SIZE,
} from './limits.ts'
import {
  FriendMessage,
  FriendMessageType,
  PresenceHeartbeat,
  PresenceStatus,
} from './proto/social.ts'

/** Bytes of a friend request id: random, chosen by the requester. */
export const FRIEND_REQUEST_ID_LENGTH = 16

/** Longest username claim a friend message carries (`name@<relay peer id>`), in characters. */
export const MAX_FRIEND_NAME_CLAIM_LENGTH = 128

/** Heartbeats a receiver may miss before it shows the sender offline. */
export const PRESENCE_MISSED_HEARTBEATS = 3

/** Shortest and longest heartbeat interval a receiver accepts, ms. */
export const MIN_PRESENCE_INTERVAL_MS = 100
export const MAX_PRESENCE_INTERVAL_MS = 60_000

/**
 * How far a heartbeat's clock may be from the receiver's. Counters already stop replays while
 * the receiver runs; this bounds what a replay after the receiver restarted could claim.
 */
export const MAX_PRESENCE_CLOCK_SKEW_MS = 5 * 60_000

export type FriendMessageKind =
  | 'request'
  | 'accept'
  | 'reject'
  | 'remove'
  | 'key-rotation'
  | 'key-recovery'
  | 'device-list'
  | 'recovery-share'
  | 'recovery-request'
  | 'recovery-release'
  | 'recovery-decline'
  | 'device-sync'
  | 'profile'

export interface FriendMessageValue {
  type: FriendMessageKind
  requestId: Uint8Array
  /** `request` only. */
  note: string
  /** `request` and `accept` only: the sender's claimed `name@<relay peer id>`, or ''. */
  name: string
  /**
   * `device-list`, and required there: the sender's signed device list (the receiver opens
   * and checks it); its request id is 16 zero bytes. A `request`, `accept`, `reject` or
   * `remove` from a linked device carries its account's list too: the receiver takes the
   * message as from the account when the list names the sending device (doc/friends.md).
   */
  deviceList?: Uint8Array
  /**
   * `key-rotation` and `key-recovery` only, and required there: the rotation or recovery
   * statement (doc/accounts.md), which the receiver checks against the key chain it knows.
   * Its request id is 16 zero bytes.
   */
  keyStatement?: Uint8Array
  /**
   * `recovery-share`, `recovery-request` and `recovery-release` only, and required there:
   * an encoded RecoveryShare (protocol/accounts/recovery-shares.ts).
   */
  recovery?: Uint8Array
  /**
   * `device-sync` only, and required there: an encoded DeviceSync (protocol/device-sync.ts),
   * from another device of our own account. Its request id is 16 zero bytes.
   */
  deviceSync?: Uint8Array
  /**
   * `profile` only, and required there: the sender's signed profile
   * (protocol/friend-profile.ts). Its request id is 16 zero bytes.
   */
  profile?: Uint8Array
}

const KIND_TO_TYPE: Record<FriendMessageKind, FriendMessageType> = {
  request: FriendMessageType.FRIEND_REQUEST,
  accept: FriendMessageType.FRIEND_ACCEPT,
  reject: FriendMessageType.FRIEND_REJECT,
  remove: FriendMessageType.FRIEND_REMOVE,
  'key-rotation': FriendMessageType.FRIEND_KEY_ROTATION,
  'key-recovery': FriendMessageType.FRIEND_KEY_RECOVERY,
  'device-list': FriendMessageType.FRIEND_DEVICE_LIST,
  'recovery-share': FriendMessageType.FRIEND_RECOVERY_SHARE,
  'recovery-request': FriendMessageType.FRIEND_RECOVERY_REQUEST,
  'recovery-release': FriendMessageType.FRIEND_RECOVERY_RELEASE,
  'recovery-decline': FriendMessageType.FRIEND_RECOVERY_DECLINE,
  'device-sync': FriendMessageType.FRIEND_DEVICE_SYNC,
  profile: FriendMessageType.FRIEND_PROFILE,
}

/** The kinds that may carry a device list: `device-list`, and those a linked device sends as its account. */
const CARRY_LIST: ReadonlySet<FriendMessageKind> = new Set([
  'device-list',
  'request',
  'accept',
  'reject',
  'remove',
])

const TYPE_TO_KIND = new Map(
  Object.entries(KIND_TO_TYPE).map(([kind, type]) => [type, kind as FriendMessageKind]),
)

export function encodeFriendMessage(value: FriendMessageValue): Uint8Array {
  checkFriendMessage(value)
  return encodeMessage(
    FriendMessage,
    {
      type: KIND_TO_TYPE[value.type],
      requestId: value.requestId as FriendMessage['requestId'],
      note: value.note,
      name: value.name,
      deviceList: (value.deviceList ?? new Uint8Array(0)) as FriendMessage['deviceList'],
      keyStatement: (value.keyStatement ?? new Uint8Array(0)) as FriendMessage['keyStatement'],
      recovery: (value.recovery ?? new Uint8Array(0)) as FriendMessage['recovery'],
      deviceSync: (value.deviceSync ?? new Uint8Array(0)) as FriendMessage['deviceSync'],
      profile: (value.profile ?? new Uint8Array(0)) as FriendMessage['profile'],
    },
    { maxSize: MAX_SOCIAL_PAYLOAD_SIZE, what: 'friend message' },
  )
}

/** Throws Oversized/MalformedMessageError for anything a well-behaved sender never writes. */
export function decodeFriendMessage(bytes: Uint8Array): FriendMessageValue {
  const message = decodeMessage(FriendMessage, bytes, {
    maxSize: MAX_SOCIAL_PAYLOAD_SIZE,
    what: 'friend message',
  })
  const type = TYPE_TO_KIND.get(message.type)
  if (type == null) throw new MalformedMessageError('friend message has an unknown type')
  const value: FriendMessageValue = {
    type,
    requestId: message.requestId,
    note: message.note,
    name: message.name,
  }
  if (message.deviceList.length > 0) value.deviceList = message.deviceList
  if (message.keyStatement.length > 0) value.keyStatement = message.keyStatement
  if (message.recovery.length > 0) value.recovery = message.recovery
  if (message.deviceSync.length > 0) value.deviceSync = message.deviceSync
  if (message.profile.length > 0) value.profile = message.profile
  checkFriendMessage(value)
  return value
}

function checkFriendMessage(value: FriendMessageValue): void {
  if (value.requestId.length !== FRIEND_REQUEST_ID_LENGTH) {
    throw new MalformedMessageError(
      `a friend request id must be ${FRIEND_REQUEST_ID_LENGTH} bytes, got ${value.requestId.length}`,
    )
  }
  if (value.note !== '' && value.type !== 'request') {
    throw new MalformedMessageError('only a friend request carries a note')
  }
  if (value.note.length > MAX_FRIEND_NOTE_LENGTH) {
    throw new MalformedMessageError(
      `a friend request note is at most ${MAX_FRIEND_NOTE_LENGTH} characters`,
    )
  }
  if (value.name !== '' && value.type !== 'request' && value.type !== 'accept') {
    throw new MalformedMessageError('only a friend request or accept names its sender')
  }
  if (value.deviceList == null ? value.type === 'device-list' : !CARRY_LIST.has(value.type)) {
    throw new MalformedMessageError(
      'a device list message carries a device list, and only it or a friend request or answer',
    )
  }
  if ((value.deviceList?.length ?? 0) > MAX_DEVICE_LIST_SIZE) {
    throw new MalformedMessageError(`a device list is at most ${MAX_DEVICE_LIST_SIZE} bytes`)
  }
  const carriesStatement = value.type === 'key-rotation' || value.type === 'key-recovery'
  if ((value.keyStatement != null) !== carriesStatement) {
    throw new MalformedMessageError(
      'a key rotation or recovery, and only it, carries a key statement',
    )
  }
  if ((value.keyStatement?.length ?? 0) > MAX_KEY_STATEMENT_SIZE) {
    throw new MalformedMessageError(`a key statement is at most ${MAX_KEY_STATEMENT_SIZE} bytes`)
  }
  const carriesShare = ['recovery-share', 'recovery-request', 'recovery-release'].includes(
    value.type,
  )
  if ((value.recovery != null) !== carriesShare) {
    throw new MalformedMessageError('a recovery share message, and only it, carries a share')
  }
  if ((value.recovery?.length ?? 0) > MAX_RECOVERY_SHARE_SIZE) {
    throw new MalformedMessageError(`a recovery share is at most ${MAX_RECOVERY_SHARE_SIZE} bytes`)
  }
  if ((value.deviceSync != null) !== (value.type === 'device-sync')) {
    throw new MalformedMessageError('a device sync message, and only it, carries a device sync')
  }
  if ((value.deviceSync?.length ?? 0) > MAX_DEVICE_SYNC_SIZE) {
    throw new MalformedMessageError(`a device sync is at most ${MAX_DEVICE_SYNC_SIZE} bytes`)
  }
  if ((value.profile != null) !== (value.type === 'profile')) {
    throw new MalformedMessageError('a profile message, and only it, carries a profile')
  }
  if ((value.profile?.length ?? 0) > MAX_FRIEND_PROFILE_SIZE) {
    throw new MalformedMessageError(`a profile is at most ${MAX_FRIEND_PROFILE_SIZE} bytes`)
  }
  if (value.name.length > MAX_FRIEND_NAME_CLAIM_LENGTH) {
    throw new MalformedMessageError(
      `a username claim is at most ${MAX_FRIEND_NAME_CLAIM_LENGTH} characters`,
    )
  }
}

export interface PresenceHeartbeatValue {
  sender: Uint8Array
  recipient: Uint8Array
  counter: number
  sentAtMs: number
  status: 'online' | 'offline'
  intervalMs: number
  /** The sender is writing a text to the recipient (an online heartbeat only). */
  typing: boolean
}

/** Encodes the heartbeat and signs it with the sender's identity key. */
export function signPresenceHeartbeat(
  identity: Ed25519KeyPair,
  value: PresenceHeartbeatValue,
): Uint8Array {
  checkHeartbeat(value)
  if (!bytesEqual(identity.publicKey, value.sender)) {
    throw new TypeError('a heartbeat is signed by its sender')
  }
  const payload = encodeMessage(
    PresenceHeartbeat,
    {
      sender: value.sender as PresenceHeartbeat['sender'],
      recipient: value.recipient as PresenceHeartbeat['recipient'],
      counter: value.counter,
      sentAtMs: value.sentAtMs,
      status: value.status === 'online' ? PresenceStatus.ONLINE : PresenceStatus.OFFLINE,
      intervalMs: value.intervalMs,
      typing: value.typing && value.status === 'online',
    },
    { maxSize: MAX_PRESENCE_FRAME_SIZE, what: 'presence heartbeat' },
  )
  return signRecord(identity, payload, PRESENCE_DOMAIN, { maxSize: MAX_PRESENCE_FRAME_SIZE })
}

/**
 * Verifies and decodes a signed heartbeat. Throws Oversized/MalformedMessageError, or
 * InvalidSignatureError when it is not signed by the sender it names. Whether that sender
 * may tell us its presence (a friend, the stream's peer, a fresh counter) is the caller's
 * decision.
 */
export function openPresenceHeartbeat(bytes: Uint8Array): PresenceHeartbeatValue {
  const record = openSignedRecord(bytes, PRESENCE_DOMAIN, MAX_PRESENCE_FRAME_SIZE)
  const heartbeat = decodeMessage(PresenceHeartbeat, record.payload, {
    maxSize: MAX_PRESENCE_FRAME_SIZE,
    what: 'presence heartbeat',
  })
  if (heartbeat.status !== PresenceStatus.ONLINE && heartbeat.status !== PresenceStatus.OFFLINE) {
    throw new MalformedMessageError('presence heartbeat has an unknown status')
  }
  const value: PresenceHeartbeatValue = {
    sender: heartbeat.sender,
    recipient: heartbeat.recipient,
    counter: heartbeat.counter,
    sentAtMs: heartbeat.sentAtMs,
    status: heartbeat.status === PresenceStatus.ONLINE ? 'online' : 'offline',
    intervalMs: heartbeat.intervalMs,
    typing: heartbeat.typing && heartbeat.status === PresenceStatus.ONLINE,
  }
  checkHeartbeat(value)
  if (!bytesEqual(record.publicKey, value.sender)) {
    throw new InvalidSignatureError('presence heartbeat is not signed by the sender it names')
  }
  return value
}

function checkHeartbeat(value: PresenceHeartbeatValue): void {
  for (const [what, key] of [
    ['sender', value.sender],
    ['recipient', value.recipient],
  ] as const) {
    if (key.length !== ED25519_PUBLIC_KEY_LENGTH) {
      throw new MalformedMessageError(
        `presence heartbeat ${what} must be a ${ED25519_PUBLIC_KEY_LENGTH}-byte Ed25519 key`,
      )
    }
  }
  if (!Number.isSafeInteger(value.counter) || value.counter < 1) {
    throw new MalformedMessageError('presence heartbeat counter must be a positive integer')
  }
  if (value.intervalMs < MIN_PRESENCE_INTERVAL_MS || value.intervalMs > MAX_PRESENCE_INTERVAL_MS) {
    throw new MalformedMessageError(
      `presence heartbeat interval must be ${MIN_PRESENCE_INTERVAL_MS}..${MAX_PRESENCE_INTERVAL_MS} ms`,
    )
  }
}

/** How long after a heartbeat its sender still counts as online. */
export function presenceTimeoutMs(intervalMs: number): number {
  return intervalMs * PRESENCE_MISSED_HEARTBEATS
}
