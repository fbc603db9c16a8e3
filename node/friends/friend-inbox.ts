/**
 * What peers send us about the friend list: requests, their answers (accept, reject),
 * removals, key rotations and recoveries, taken inside `Friends`' one-at-a-time changes. Every message
 * is taken idempotently (request ids): one sent again after a crash changes nothing, an
 * answer to a request we never made is logged and dropped, and requests that cross become
 * a friendship on both sides. Each change is one batch, with any reply in the outbox.
 */
import type { Logger } from '@libp2p/interface'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import type { FriendSyncEntry } from '../../protocol/device-sync.ts'
import type { FriendView, NodeEventMap } from '../../protocol/local-api.ts'
import type { FriendMessageValue } from '../../protocol/social.ts'
import type { FriendNames } from './friend-names.ts'
import type { FriendOutbox } from './friend-outbox.ts'
import type { AnsweredRequest, FriendRecord, FriendStore } from './friend-store.ts'
import type { FriendViews } from './friend-views.ts'
import type { FriendEventType } from './friends-contract.ts'
import { acceptKeyRecovery, acceptKeyRotation } from './key-rotation.ts'

/** What taking a friend message uses of the friends component. */
export interface FriendInboxContext {
  store: FriendStore
  outbox: FriendOutbox
  names: FriendNames
  log: Logger
  emit<T extends FriendEventType>(type: T, data: NodeEventMap[T]): void
  /** The name we tell the people we answer, if we have one. */
  ownName(): string | undefined
  /** Makes `peerHex` a friend from its pending request (or, `crossing`, its new one). */
  accept(
    peerHex: string,
    ownName: string | undefined,
    crossing?: { requestId: string; claim: string },
  ): Promise<FriendView>
  views: FriendViews
  /** Checks a claimed name in the background; never rejects. */
  verifyClaim(peerHex: string, claim: string): Promise<void>
}

/** A decoded friend message from `peerHex`, not blocked, taken as one change of the friend list. */
export async function takeFriendMessage(
  friends: FriendInboxContext,
  peerHex: string,
  message: FriendMessageValue,
): Promise<void> {
  const requestId = toHex(message.requestId)
  const friend = friends.store.get('friends', peerHex)
  const outgoing = friends.store.get('outgoing', peerHex)
  const incoming = friends.store.get('incoming', peerHex)
  const log = friends.log
  switch (message.type) {
    case 'request': {
      if (behind(friends.store.get('answered', peerHex), { state: 'incoming' }, requestId)) {
        // A copy that came late (through the mailbox, after another device answered it).
        log('ignored a request from %s already answered', peerHex)
        return
      }
      if (friend != null) {
        // They lost us (new device, lost data) but we still have them: say yes again.
        await friends.store.write([
          friends.outbox.change(peerHex, answer('accept', requestId, friends.ownName())),
        ])
        return
      }
      if (outgoing != null) {
        // Both asked at once: each side takes the other's request as the answer.
        await friends.accept(peerHex, friends.ownName(), { requestId, claim: message.name })
        return
      }
      if (incoming?.requestId === requestId) return
      const record = {
        requestId,
        note: message.note,
        name: null,
        claim: message.name === '' ? null : message.name,
        at: Date.now(),
      }
      await friends.store.write([{ table: 'incoming', key: peerHex, value: record }])
      friends.emit('friend:request', {
        ...friends.names.ref(peerHex, null),
        direction: 'in',
        ...pick(record),
      })
      if (record.claim != null) void friends.verifyClaim(peerHex, record.claim)
      return
    }
    case 'accept': {
      if (outgoing?.requestId !== requestId) {
        if (friend == null) log('ignored an accept from %s for no request of ours', peerHex)
        return
      }
      const record: FriendRecord = { since: Date.now(), requestId, name: outgoing.name }
      await friends.store.write([
        { table: 'outgoing', key: peerHex, value: null },
        { table: 'friends', key: peerHex, value: record },
      ])
      friends.views.friended(peerHex, record)
      if (record.name == null && message.name !== '')
        void friends.verifyClaim(peerHex, message.name)
      return
    }
    case 'reject': {
      if (outgoing?.requestId !== requestId) return
      await friends.store.write([{ table: 'outgoing', key: peerHex, value: null }], {
        byPeer: true,
      })
      friends.emit('friend:rejected', friends.names.ref(peerHex, outgoing.name))
      return
    }
    case 'key-rotation': {
      await takeKeyRotation(friends, peerHex, message.keyStatement ?? new Uint8Array(0))
      return
    }
    case 'key-recovery': {
      // Sent from the new key, which we do not know: the statement names the account.
      const moved = await takeKeyRecovery(friends, message.keyStatement ?? new Uint8Array(0))
      if (moved == null) log('ignored a key recovery from %s that moves no friend of ours', peerHex)
      return
    }
    case 'remove': {
      const ended = friend ?? incoming
      if (ended == null) return
      await friends.store.write(
        [{ table: friend != null ? 'friends' : 'incoming', key: peerHex, value: null }],
        { byPeer: true },
      )
      friends.views.removed(friends.names.ref(peerHex, ended.name), 'peer', friend == null)
      return
    }
  }
}

/**
 * A rotation statement for the friend at `peerHex` (sent by it, or found in the DHT): taken
 * when it moves the key we know (key-rotation.ts). Returns the friend's new key, hex.
 */
export async function takeKeyRotation(
  friends: FriendInboxContext,
  peerHex: string,
  statement: Uint8Array,
): Promise<string | undefined> {
  const accepted = acceptKeyRotation(friends.store, peerHex, statement, Date.now())
  if (accepted == null) {
    friends.log('ignored a key rotation for %s that does not move the key we know', peerHex)
    return undefined
  }
  await friends.store.write(accepted.changes)
  friends.views.keyChanged(peerHex, accepted.newHex)
  return accepted.newHex
}

/**
 * A recovery statement (sent from the recovered account's new key, or found in the DHT):
 * taken when it moves a friend of ours (key-rotation.ts). Returns the friend's new key, hex.
 */
export async function takeKeyRecovery(
  friends: FriendInboxContext,
  statement: Uint8Array,
): Promise<string | undefined> {
  const accepted = acceptKeyRecovery(friends.store, statement, Date.now())
  if (accepted == null) return undefined
  await friends.store.write(accepted.changes)
  friends.views.keyChanged(accepted.previousHex, accepted.newHex)
  return accepted.newHex
}

/** An answer to the request `requestId`, as a friend message. */
export function answer(
  type: 'accept' | 'reject' | 'remove',
  requestId: string,
  name?: string,
): FriendMessageValue {
  return {
    type,
    requestId: fromHex(requestId),
    note: '',
    name: type === 'accept' ? (name ?? '') : '',
  }
}

/** The request fields of a friend request's view. */
export function pick(record: { requestId: string; note: string; at: number }) {
  return { requestId: record.requestId, note: record.note, at: record.at }
}

/** Entries that stand on a request (its id in `requestId`). */
export const ON_REQUEST: ReadonlySet<FriendSyncEntry['state']> = new Set([
  'incoming',
  'outgoing',
  'friend',
])

/** Whether `entry` (on request `requestId`) is behind how far that request got here. */
export function behind(
  answered: AnsweredRequest | undefined,
  entry: Pick<FriendSyncEntry, 'state'>,
  requestId: string,
): boolean {
  if (answered?.requestId !== requestId || !ON_REQUEST.has(entry.state)) return false
  return answered.ended !== false || entry.state !== 'friend'
}
