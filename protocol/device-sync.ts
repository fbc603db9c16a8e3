/**
 * Own-device sync on the wire (DeviceSync, protocol/proto/social.proto): what the user did on
 * one device of an account that its other devices follow (doc/accounts.md, "Messaging across
 * devices"). It travels as a friend message of type `device-sync`, end-to-end encrypted over
 * the per-device session. The decoder bounds its input and refuses what a well-behaved sender
 * never writes; whether the sender is one of our devices is the receiver's to check.
 */
import { decodeMessage, encodeMessage } from './codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH } from './crypto/index.ts'
import { MalformedMessageError } from './errors.ts'
import {
  MAX_DEVICE_LIST_SIZE,
  MAX_DEVICE_SYNC_IDS,
  MAX_DEVICE_SYNC_SIZE,
  MAX_FRIEND_NOTE_LENGTH,
  MAX_FRIEND_PROFILE_SIZE,
} from './limits.ts'
import { MESSAGE_ID_LENGTH as TEXT_ID_LENGTH } from './messaging.ts'
import { DeviceSync, DeviceSyncKind, FriendSyncState } from './proto/social.ts'
import { ROOM_ID_LENGTH } from './rooms/room-event.ts'
import { FRIEND_REQUEST_ID_LENGTH, MAX_FRIEND_NAME_CLAIM_LENGTH } from './social.ts'

/** Where the friend list stands with one peer: the table it is in, or none. */
export type FriendSyncEntryState = 'none' | 'friend' | 'incoming' | 'outgoing' | 'blocked'

/** A FRIEND sync's entry: the peer's record on the sending device, as far as devices share it. */
export interface FriendSyncEntry {
  state: FriendSyncEntryState
  /** The request the entry comes from (friend, incoming, outgoing: 16 bytes), else empty. */
  requestId: Uint8Array
  /** incoming and outgoing: the request's note; else ''. */
  note: string
  /** The peer's verified name, or ''. */
  name: string
  /** incoming: the name the request claims until the directory confirms it; else ''. */
  claim: string
  /** When the entry began on the sending device, ms since the epoch. */
  atMs: number
  /** none: the peer ended it (removed us, declined our request or withdrew theirs), not the user. */
  byPeer?: boolean
}

export type DeviceSyncValue =
  /** Read on the sending device up to the text `upTo` (its id on every device). */
  | { kind: 'read'; peer: Uint8Array; upTo: Uint8Array }
  /** History deleted on the sending device up to the record `upTo` (none: it was empty). */
  | { kind: 'cleared'; peer: Uint8Array; upTo?: Uint8Array }
  /** The account's signed device list, the newest the sender holds. */
  | { kind: 'list'; deviceList: Uint8Array }
  /** Messages deleted on the sending device (delete for me), by their ids on every device. */
  | { kind: 'deleted'; peer: Uint8Array; ids: Uint8Array[] }
  /** The account's signed profile, the newest the sender holds (protocol/friend-profile.ts). */
  | { kind: 'profile'; profile: Uint8Array }
  /** The room `room` read on the sending device up to its events of Lamport time `lamport`. */
  | { kind: 'room-read'; room: Uint8Array; lamport: number }
  /** Where the friend list stands with `peer` on the sending device, after a change there. */
  | { kind: 'friend'; peer: Uint8Array; entry: FriendSyncEntry }

const KINDS = {
  read: DeviceSyncKind.DEVICE_SYNC_READ,
  cleared: DeviceSyncKind.DEVICE_SYNC_CLEARED,
  list: DeviceSyncKind.DEVICE_SYNC_LIST,
  deleted: DeviceSyncKind.DEVICE_SYNC_DELETED,
  profile: DeviceSyncKind.DEVICE_SYNC_PROFILE,
  'room-read': DeviceSyncKind.DEVICE_SYNC_ROOM_READ,
  friend: DeviceSyncKind.DEVICE_SYNC_FRIEND,
} as const

const FRIEND_STATES: Record<FriendSyncEntryState, FriendSyncState> = {
  none: FriendSyncState.FRIEND_SYNC_NONE,
  friend: FriendSyncState.FRIEND_SYNC_FRIEND,
  incoming: FriendSyncState.FRIEND_SYNC_INCOMING,
  outgoing: FriendSyncState.FRIEND_SYNC_OUTGOING,
  blocked: FriendSyncState.FRIEND_SYNC_BLOCKED,
}

export function encodeDeviceSync(value: DeviceSyncValue): Uint8Array {
  const empty = new Uint8Array(0) as DeviceSync['peer']
  const bytes = encodeMessage(
    DeviceSync,
    {
      kind: KINDS[value.kind],
      peer: 'peer' in value ? (value.peer as DeviceSync['peer']) : empty,
      upTo: 'upTo' in value ? ((value.upTo ?? empty) as DeviceSync['upTo']) : empty,
      deviceList: value.kind === 'list' ? (value.deviceList as DeviceSync['deviceList']) : empty,
      ids: value.kind === 'deleted' ? (value.ids as DeviceSync['ids']) : [],
      profile: value.kind === 'profile' ? (value.profile as DeviceSync['profile']) : empty,
      room: value.kind === 'room-read' ? (value.room as DeviceSync['room']) : empty,
      lamport: value.kind === 'room-read' ? BigInt(value.lamport) : 0n,
      ...friendFields(value.kind === 'friend' ? value.entry : undefined),
    },
    { maxSize: MAX_DEVICE_SYNC_SIZE, what: 'device sync' },
  )
  // Checking our own output keeps the rules honest on both ends.
  decodeDeviceSync(bytes)
  return bytes
}

/** Throws Oversized/MalformedMessageError for anything a well-behaved sender never writes. */
export function decodeDeviceSync(bytes: Uint8Array): DeviceSyncValue {
  const sync = decodeMessage(DeviceSync, bytes, {
    maxSize: MAX_DEVICE_SYNC_SIZE,
    what: 'device sync',
    limits: { ids: MAX_DEVICE_SYNC_IDS },
  })
  if (sync.kind !== DeviceSyncKind.DEVICE_SYNC_DELETED && sync.ids.length !== 0) {
    throw new MalformedMessageError('only a deletion sync names message ids')
  }
  const roomRead = sync.kind === DeviceSyncKind.DEVICE_SYNC_ROOM_READ
  if (!roomRead && (sync.room.length !== 0 || sync.lamport !== 0n)) {
    throw new MalformedMessageError('only a room read mark names a room')
  }
  if ((sync.profile.length !== 0) !== (sync.kind === DeviceSyncKind.DEVICE_SYNC_PROFILE)) {
    throw new MalformedMessageError('a profile sync, and only it, carries a profile')
  }
  if (sync.kind === DeviceSyncKind.DEVICE_SYNC_PROFILE) {
    if (sync.peer.length !== 0 || sync.upTo.length !== 0 || sync.deviceList.length !== 0) {
      throw new MalformedMessageError('a profile sync carries the profile alone')
    }
    if (sync.profile.length > MAX_FRIEND_PROFILE_SIZE) {
      throw new MalformedMessageError(`a profile is at most ${MAX_FRIEND_PROFILE_SIZE} bytes`)
    }
    return { kind: 'profile', profile: sync.profile }
  }
  if (sync.kind === DeviceSyncKind.DEVICE_SYNC_LIST) {
    if (sync.peer.length !== 0 || sync.upTo.length !== 0) {
      throw new MalformedMessageError('a device list sync names no conversation')
    }
    if (sync.deviceList.length === 0 || sync.deviceList.length > MAX_DEVICE_LIST_SIZE) {
      throw new MalformedMessageError(`a device list is 1..${MAX_DEVICE_LIST_SIZE} bytes`)
    }
    return { kind: 'list', deviceList: sync.deviceList }
  }
  if (sync.deviceList.length !== 0) {
    throw new MalformedMessageError('only a device list sync carries a device list')
  }
  const friend = sync.kind === DeviceSyncKind.DEVICE_SYNC_FRIEND
  if (!friend && !isEmptyFriendEntry(sync)) {
    throw new MalformedMessageError('only a friend sync carries a friend entry')
  }
  if (roomRead) {
    if (sync.peer.length !== 0 || sync.upTo.length !== 0) {
      throw new MalformedMessageError('a room read mark names no conversation')
    }
    if (sync.room.length !== ROOM_ID_LENGTH) {
      throw new MalformedMessageError(`a room read mark names a ${ROOM_ID_LENGTH}-byte room`)
    }
    if (sync.lamport === 0n || sync.lamport > BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new MalformedMessageError('a room read mark names a Lamport time of 1..2^53-1')
    }
    return { kind: 'room-read', room: sync.room, lamport: Number(sync.lamport) }
  }
  if (sync.peer.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedMessageError(
      `a conversation's sync names a ${ED25519_PUBLIC_KEY_LENGTH}-byte peer`,
    )
  }
  if (friend) {
    if (sync.upTo.length !== 0) throw new MalformedMessageError('a friend sync names no text')
    return { kind: 'friend', peer: sync.peer, entry: friendEntryOf(sync) }
  }
  if (sync.kind === DeviceSyncKind.DEVICE_SYNC_READ) {
    if (sync.upTo.length !== TEXT_ID_LENGTH) {
      throw new MalformedMessageError(`a read mark names a ${TEXT_ID_LENGTH}-byte text id`)
    }
    return { kind: 'read', peer: sync.peer, upTo: sync.upTo }
  }
  if (sync.kind === DeviceSyncKind.DEVICE_SYNC_DELETED) {
    if (sync.upTo.length !== 0) throw new MalformedMessageError('a deletion names ids, not a mark')
    if (sync.ids.length === 0 || sync.ids.length > MAX_DEVICE_SYNC_IDS) {
      throw new MalformedMessageError(`a deletion names 1..${MAX_DEVICE_SYNC_IDS} message ids`)
    }
    for (const id of sync.ids) {
      if (id.length !== TEXT_ID_LENGTH) {
        throw new MalformedMessageError(`a deletion names ${TEXT_ID_LENGTH}-byte message ids`)
      }
    }
    return { kind: 'deleted', peer: sync.peer, ids: sync.ids }
  }
  if (sync.kind === DeviceSyncKind.DEVICE_SYNC_CLEARED) {
    if (sync.upTo.length !== 0 && sync.upTo.length !== TEXT_ID_LENGTH) {
      throw new MalformedMessageError(`a cleared mark names a ${TEXT_ID_LENGTH}-byte id or none`)
    }
    const value: DeviceSyncValue = { kind: 'cleared', peer: sync.peer }
    if (sync.upTo.length !== 0) value.upTo = sync.upTo
    return value
  }
  throw new MalformedMessageError('device sync has an unknown kind')
}

function friendFields(entry: FriendSyncEntry | undefined) {
  return {
    friendState: FRIEND_STATES[entry?.state ?? 'none'],
    requestId: (entry?.requestId ?? new Uint8Array(0)) as DeviceSync['requestId'],
    note: entry?.note ?? '',
    name: entry?.name ?? '',
    claim: entry?.claim ?? '',
    atMs: entry?.atMs ?? 0,
    byPeer: entry?.byPeer === true,
  }
}

function isEmptyFriendEntry(sync: DeviceSync): boolean {
  const empty = friendFields(undefined)
  return (
    sync.friendState === empty.friendState &&
    sync.requestId.length === 0 &&
    sync.note === '' &&
    sync.name === '' &&
    sync.claim === '' &&
    sync.atMs === 0 &&
    !sync.byPeer
  )
}

/** The entry of a FRIEND sync, within the bounds a friend request has (protocol/social.ts). */
function friendEntryOf(sync: DeviceSync): FriendSyncEntry {
  const state = (Object.keys(FRIEND_STATES) as FriendSyncEntryState[]).find(
    (name) => FRIEND_STATES[name] === sync.friendState,
  )
  if (state == null) throw new MalformedMessageError('a friend sync has an unknown state')
  const requested = state === 'friend' || state === 'incoming' || state === 'outgoing'
  if (sync.requestId.length !== (requested ? FRIEND_REQUEST_ID_LENGTH : 0)) {
    throw new MalformedMessageError(
      `a friend, or a request, names a ${FRIEND_REQUEST_ID_LENGTH}-byte request id; nothing else does`,
    )
  }
  if (sync.note !== '' && state !== 'incoming' && state !== 'outgoing') {
    throw new MalformedMessageError('only a request carries a note')
  }
  if (sync.note.length > MAX_FRIEND_NOTE_LENGTH) {
    throw new MalformedMessageError(`a note is at most ${MAX_FRIEND_NOTE_LENGTH} characters`)
  }
  if (sync.claim !== '' && state !== 'incoming') {
    throw new MalformedMessageError('only an incoming request carries a claimed name')
  }
  if (sync.byPeer && state !== 'none') {
    throw new MalformedMessageError('only an entry that ended says the peer ended it')
  }
  for (const name of [sync.name, sync.claim]) {
    if (name.length > MAX_FRIEND_NAME_CLAIM_LENGTH) {
      throw new MalformedMessageError(
        `a name is at most ${MAX_FRIEND_NAME_CLAIM_LENGTH} characters`,
      )
    }
  }
  return {
    state,
    requestId: sync.requestId,
    note: sync.note,
    name: sync.name,
    claim: sync.claim,
    atMs: sync.atMs,
    ...(sync.byPeer ? { byPeer: true } : {}),
  }
}
