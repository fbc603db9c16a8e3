/**
 * What the user does to the friend list: ask someone, accept or decline a request, end a
 * friendship or withdraw a request, block and unblock. Each runs inside `Friends`' one-at-a-time changes,
 * after `Friends` resolved the name and checked that it runs, and is taken the way
 * friend-inbox.ts takes what peers send: refused with a typed error before anything is
 * written, or written as one batch with the friend message that tells the peer
 * (friend-outbox.ts), so a crash never leaves a change the peer is not told of.
 * Events are raised only after their change is stored (friend-views.ts).
 */
import { toHex } from '../../protocol/bytes.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import type {
  AddFriendResponse,
  BlockedView,
  FriendView,
  PeerRef,
} from '../../protocol/local-api.ts'
import { FRIEND_REQUEST_ID_LENGTH } from '../../protocol/social.ts'
import {
  AlreadyFriendsError,
  DuplicateFriendRequestError,
  FriendNotFoundError,
  FriendRequestNotFoundError,
  PeerBlockedError,
} from './errors.ts'
import { answer, pick } from './friend-inbox.ts'
import { describe, type FriendNames } from './friend-names.ts'
import type { FriendOutbox } from './friend-outbox.ts'
import type { Change, FriendRecord, FriendStore } from './friend-store.ts'
import type { FriendViews } from './friend-views.ts'

/** What the user's changes use of the friends component. */
export interface FriendActionContext {
  store: FriendStore
  outbox: FriendOutbox
  names: FriendNames
  views: FriendViews
  /** Checks a claimed name in the background; never rejects. */
  verifyClaim(peerHex: string, claim: string): Promise<void>
}

/** A person as the user named them (`asked`) and as resolved. */
export interface FriendTarget {
  asked: string
  hex: string
  name: string | null
}

/**
 * Refuses to ask `target` when it is blocked, already a friend or already asked. Returns
 * 'accept' when `target` asked us first (the caller accepts that request instead), else
 * 'ask'.
 */
export function checkCanAsk(store: FriendStore, target: FriendTarget): 'accept' | 'ask' {
  const { asked, hex } = target
  if (store.has('blocked', hex)) {
    throw new PeerBlockedError(`you blocked ${describe(asked, hex)}; unblock them first`)
  }
  if (store.has('friends', hex)) {
    throw new AlreadyFriendsError(`${describe(asked, hex)} is already your friend`)
  }
  if (store.has('outgoing', hex)) {
    throw new DuplicateFriendRequestError(
      `you already asked ${describe(asked, hex)}; the request waits for their answer (remove it to withdraw it)`,
    )
  }
  return store.has('incoming', hex) ? 'accept' : 'ask'
}

/**
 * Makes `peerHex` a friend from its pending request (or, `crossing`, its new one: both asked
 * at once), with our accept in the same batch; a name it claimed is checked afterwards.
 */
export async function acceptRequest(
  friends: FriendActionContext,
  peerHex: string,
  ownName: string | undefined,
  crossing?: { requestId: string; claim: string },
): Promise<FriendView> {
  const incoming = friends.store.get('incoming', peerHex)
  const outgoing = friends.store.get('outgoing', peerHex)
  const requestId = crossing?.requestId ?? incoming?.requestId
  if (requestId == null) throw new Error('no request to accept')
  const record: FriendRecord = {
    since: Date.now(),
    requestId,
    name: incoming?.name ?? outgoing?.name ?? null,
  }
  await friends.store.write([
    { table: 'incoming', key: peerHex, value: null },
    { table: 'outgoing', key: peerHex, value: null },
    { table: 'friends', key: peerHex, value: record },
    friends.outbox.change(peerHex, answer('accept', requestId, ownName)),
  ])
  const claim = crossing?.claim || incoming?.claim
  if (record.name == null && claim != null && claim !== '') void friends.verifyClaim(peerHex, claim)
  return friends.views.friended(peerHex, record)
}

/** Stores our request to `target` with the friend message that carries it. */
export async function askFriend(
  friends: FriendActionContext,
  target: FriendTarget,
  note: string,
  ownName: string | undefined,
): Promise<AddFriendResponse> {
  const requestId = randomBytes(FRIEND_REQUEST_ID_LENGTH)
  const record = { requestId: toHex(requestId), note, name: target.name, at: Date.now() }
  await friends.store.write([
    { table: 'outgoing', key: target.hex, value: record },
    friends.outbox.change(target.hex, { type: 'request', requestId, note, name: ownName ?? '' }),
  ])
  return {
    status: 'requested',
    request: { ...friends.names.ref(target.hex, target.name), direction: 'out', ...pick(record) },
  }
}

/** Declines the pending request from `target`; the peer is told. */
export async function declineRequest(
  friends: FriendActionContext,
  target: FriendTarget,
): Promise<PeerRef> {
  const incoming = friends.store.get('incoming', target.hex)
  if (incoming == null) {
    throw new FriendRequestNotFoundError(
      `no friend request from ${describe(target.asked, target.hex)}`,
    )
  }
  await friends.store.write([
    { table: 'incoming', key: target.hex, value: null },
    friends.outbox.change(target.hex, answer('reject', incoming.requestId)),
  ])
  return friends.names.ref(target.hex, incoming.name)
}

/** Ends a friendship, or withdraws our pending request; the peer is told either way. */
export async function endFriendship(
  friends: FriendActionContext,
  target: FriendTarget,
): Promise<PeerRef> {
  const peerHex = target.hex
  const friend = friends.store.get('friends', peerHex)
  const ended = friend ?? friends.store.get('outgoing', peerHex)
  if (ended == null) {
    throw new FriendNotFoundError(
      `${describe(target.asked, peerHex)} is not your friend and has no request from you`,
    )
  }
  await friends.store.write([
    { table: friend != null ? 'friends' : 'outgoing', key: peerHex, value: null },
    friends.outbox.change(peerHex, answer('remove', ended.requestId)),
  ])
  const ref = friends.names.ref(peerHex, ended.name)
  friends.views.removed(ref, 'me', friend == null)
  return ref
}

/**
 * Blocks `target`: a friendship or request between us ends (the peer is told it was
 * removed, not that it was blocked). Blocking someone blocked already changes nothing.
 */
export async function blockPeer(
  friends: FriendActionContext,
  target: FriendTarget,
): Promise<BlockedView> {
  const { store, names } = friends
  const peerHex = target.hex
  const existing = store.get('blocked', peerHex)
  if (existing != null) return { ...names.ref(peerHex, existing.name), since: existing.since }
  const friend = store.get('friends', peerHex)
  const outgoing = store.get('outgoing', peerHex)
  const incoming = store.get('incoming', peerHex)
  const name = friend?.name ?? outgoing?.name ?? incoming?.name ?? target.name
  const record = { since: Date.now(), name }
  const changes: Change[] = [
    { table: 'blocked', key: peerHex, value: record },
    { table: 'friends', key: peerHex, value: null },
    { table: 'outgoing', key: peerHex, value: null },
    { table: 'incoming', key: peerHex, value: null },
  ]
  const ended = friend ?? outgoing
  if (ended != null) changes.push(friends.outbox.change(peerHex, answer('remove', ended.requestId)))
  await store.write(changes)
  const ref = names.ref(peerHex, name)
  if (ended != null) friends.views.removed(ref, 'me', friend == null)
  return { ...ref, since: record.since }
}

/** Lets `target` in again. Unblocking someone not blocked is no error. */
export async function unblockPeer(
  friends: FriendActionContext,
  target: FriendTarget,
): Promise<PeerRef> {
  const existing = friends.store.get('blocked', target.hex)
  await friends.store.write([{ table: 'blocked', key: target.hex, value: null }])
  return friends.names.ref(target.hex, existing?.name ?? target.name)
}
