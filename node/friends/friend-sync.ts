/**
 * One friend list on every device of an account (doc/friends.md, "On several devices").
 *
 * - Every batch that changes where the list stands with a peer (friend, request to us, our
 *   request, blocked), whether the user did it here or the peer's message did, carries a
 *   `friend` own-device sync for each other current device of the account: the peer's entry
 *   as it is after the batch. It sits in the friends' outbox (friend-outbox.ts) in the same
 *   synced batch as the change, so a crash never leaves a change the other devices miss;
 *   messaging carries it over the per-device session (directly, or through the mailbox).
 * - A device takes an entry from another device of its account (messaging checks that it is
 *   one) by writing the same entry, with the events the change means here, and sends no sync
 *   back. Taking the same entry twice changes nothing.
 * - Each device tells peers itself: the request, accept, decline or removal a change made on
 *   it means goes from it, as the account, in the same batch (account-reach.ts), and friend
 *   messages to the account reach every device of it, so no device relays another's change.
 *   A device that follows an entry sends the peer nothing.
 * - How far a request got is remembered per peer (`answered`: it became a friendship, or it
 *   ended: declined, withdrawn, the friendship ended), here and on the devices that follow, and
 *   a request never goes back: a copy of a request, or an entry naming it, that reaches a
 *   device late (syncs and friend messages come directly and through the mailbox, in no fixed
 *   order) is not taken when its request got further, so a device that took a stale message
 *   cannot bring an ended friendship back on the others.
 * - A key rotation (the batch retires a key) is not synced: each device takes the friend's
 *   statement itself.
 */
import { fromHex, toHex } from '../../protocol/bytes.ts'
import { encodeDeviceSync, type FriendSyncEntry } from '../../protocol/device-sync.ts'
import { MAX_ANSWERED_REQUESTS } from '../../protocol/limits.ts'
import type { NodeEventMap } from '../../protocol/local-api.ts'
import type { FriendMessageValue } from '../../protocol/social.ts'
import type { FriendDevices } from './account-reach.ts'
import { behind, ON_REQUEST, pick } from './friend-inbox.ts'
import type { FriendNames } from './friend-names.ts'
import type { FriendOutbox } from './friend-outbox.ts'
import type { Change, FriendStore, FriendTables } from './friend-store.ts'
import type { FriendViews } from './friend-views.ts'
import type { FriendEventType } from './friends-contract.ts'

export interface FriendSyncContext {
  store: FriendStore
  outbox: FriendOutbox
  names: FriendNames
  views: FriendViews
  emit<T extends FriendEventType>(type: T, data: NodeEventMap[T]): void
  devices(): FriendDevices | undefined
}

/** The tables every device of the account holds alike. */
const SHARED = ['friends', 'incoming', 'outgoing', 'blocked'] as const
type SharedTable = (typeof SHARED)[number]
const isShared = (table: string): table is SharedTable =>
  (SHARED as readonly string[]).includes(table)
const ZERO_REQUEST_ID = new Uint8Array(16)
const NO_REQUEST = toHex(ZERO_REQUEST_ID)

/**
 * `changes` as the store writes them for a change made here: with the requests it answers or
 * ends remembered, and a sync of each peer's entry for every other device of the account
 * (`byPeer`: the peer's message ended the entry, and the sync says so).
 */
export function withDeviceSyncs(
  sync: FriendSyncContext,
  changes: Change[],
  byPeer = false,
): Change[] {
  if (changes.some((change) => change.table === 'retired')) return changes
  const own = new Set((sync.devices()?.others() ?? []).map((device) => toHex(device)))
  const kept = [...changes]
  const peers = new Set(
    changes.filter((change) => isShared(change.table)).map((change) => change.key),
  )
  for (const peerHex of peers) {
    const before = entryAfter(sync.store, [], peerHex)
    const entry = entryAfter(sync.store, changes, peerHex)
    if (byPeer && entry.state === 'none') entry.byPeer = true
    kept.push(...answeredChanges(sync.store, before, entry, peerHex))
    // A change the other devices would not see (a friend's pinned commitment) goes nowhere.
    if (own.has(peerHex) || sameEntry(entry, before)) continue
    const payload: FriendMessageValue = {
      type: 'device-sync',
      requestId: ZERO_REQUEST_ID,
      note: '',
      name: '',
      deviceSync: encodeDeviceSync({
        kind: 'friend',
        peer: fromHex(peerHex),
        entry,
      }),
    }
    for (const device of own) kept.push(sync.outbox.change(device, payload))
  }
  return kept
}

/**
 * Takes the entry another device of the account holds for `peerHex`: written here as it is
 * (no sync goes back, nothing goes to the peer), with the events the change means; an entry
 * behind how far its request got here is not taken. Run inside the friends' serial changes.
 */
export async function followEntry(
  sync: FriendSyncContext,
  peerHex: string,
  entry: FriendSyncEntry,
): Promise<void> {
  const { store, names, views } = sync
  const before = entryAfter(store, [], peerHex)
  const requestId = toHex(entry.requestId)
  const name = entry.name === '' ? null : entry.name
  if (sameEntry(before, entry, { when: false })) return
  if (behind(store.get('answered', peerHex), entry, requestId)) return
  const changes: Change[] = SHARED.map((table) => ({ table, key: peerHex, value: null }))
  const at = entry.atMs
  const record = entryRecord(peerHex, entry, requestId, name)
  if (record != null) changes.push(record)
  changes.push(...answeredChanges(store, before, entry, peerHex))
  await store.write(changes, { following: true })
  const ref = names.ref(peerHex, name ?? (before.name === '' ? null : before.name))
  if (entry.state === 'friend' && before.state !== 'friend') {
    views.friended(peerHex, { since: at, requestId, name })
  } else if (entry.state === 'incoming' && (before.state !== 'incoming' || name != null)) {
    const incoming = { requestId, note: entry.note, at }
    sync.emit('friend:request', { ...ref, direction: 'in', ...pick(incoming) })
  }
  // Told as the device that took the peer's message told it.
  const by = entry.byPeer === true ? 'peer' : 'me'
  if (before.state === 'friend' && entry.state !== 'friend') views.removed(ref, by, false)
  if (before.state === 'outgoing' && (entry.state === 'none' || entry.state === 'blocked')) {
    if (by === 'peer') sync.emit('friend:rejected', ref)
    else views.removed(ref, 'me', true)
  }
  if (before.state === 'incoming' && by === 'peer') views.removed(ref, 'peer', true)
}

/** Whether two entries say the same (`when`: their times too). */
function sameEntry(a: FriendSyncEntry, b: FriendSyncEntry, { when = true } = {}): boolean {
  return (
    a.state === b.state &&
    toHex(a.requestId) === toHex(b.requestId) &&
    a.note === b.note &&
    a.name === b.name &&
    a.claim === b.claim &&
    (!when || a.atMs === b.atMs)
  )
}

/**
 * How far the request of `before` got by `after`, remembered when it went further: to a
 * friendship, or ended (past MAX_ANSWERED_REQUESTS peers, the oldest is forgotten).
 */
function answeredChanges(
  store: FriendStore,
  before: FriendSyncEntry,
  after: FriendSyncEntry,
  peerHex: string,
): Change[] {
  const requestId = toHex(before.requestId)
  if (!ON_REQUEST.has(before.state) || requestId === NO_REQUEST) return []
  const ended = toHex(after.requestId) !== requestId || !ON_REQUEST.has(after.state)
  if (!ended && (after.state !== 'friend' || before.state === 'friend')) return []
  const changes: Change[] = [
    { table: 'answered', key: peerHex, value: { requestId, ended, at: Date.now() } },
  ]
  const held = store.entries('answered').filter(([peer]) => peer !== peerHex)
  if (held.length >= MAX_ANSWERED_REQUESTS) {
    const [oldest] = held.reduce((a, b) => (b[1].at < a[1].at ? b : a))
    changes.push({ table: 'answered', key: oldest, value: null })
  }
  return changes
}

function entryRecord(
  peerHex: string,
  entry: FriendSyncEntry,
  requestId: string,
  name: string | null,
): Change | undefined {
  const at = entry.atMs
  const { note } = entry
  switch (entry.state) {
    case 'friend':
      return { table: 'friends', key: peerHex, value: { since: at, requestId, name } }
    case 'incoming': {
      const claim = entry.claim === '' ? null : entry.claim
      return { table: 'incoming', key: peerHex, value: { requestId, note, name, claim, at } }
    }
    case 'outgoing':
      return { table: 'outgoing', key: peerHex, value: { requestId, note, name, at } }
    case 'blocked':
      return { table: 'blocked', key: peerHex, value: { since: at, name } }
    case 'none':
      return undefined
  }
}

/** The peer's entry once `changes` are written (none written: as stored). */
export function entryAfter(
  store: FriendStore,
  changes: Change[],
  peerHex: string,
): FriendSyncEntry {
  const read = <T extends SharedTable>(table: T): FriendTables[T] | undefined => {
    const change = changes.findLast((c) => c.table === table && c.key === peerHex)
    return change == null
      ? store.get(table, peerHex)
      : ((change.value as FriendTables[T] | null) ?? undefined)
  }
  const entry = (
    state: FriendSyncEntry['state'],
    requestId: string | null,
    name: string | null,
    atMs: number,
    more: { note?: string; claim?: string | null } = {},
  ): FriendSyncEntry => ({
    state,
    requestId: requestId == null ? new Uint8Array(0) : fromHex(requestId),
    note: more.note ?? '',
    name: name ?? '',
    claim: more.claim ?? '',
    atMs,
  })
  const friend = read('friends')
  if (friend != null)
    return entry('friend', friend.requestId || NO_REQUEST, friend.name, friend.since)
  const incoming = read('incoming')
  if (incoming != null) {
    const { requestId, name, at, note, claim } = incoming
    return entry('incoming', requestId, name, at, { note, claim })
  }
  const outgoing = read('outgoing')
  if (outgoing != null) {
    const { requestId, name, at, note } = outgoing
    return entry('outgoing', requestId, name, at, { note })
  }
  const blocked = read('blocked')
  if (blocked != null) return entry('blocked', null, blocked.name, blocked.since)
  return entry('none', null, null, 0)
}
