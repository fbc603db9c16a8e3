/**
 * A friend's key rotation or recovery, as the friends component takes it (doc/accounts.md,
 * "Key state"): the statement must move the account from the key we know, by the key-chain
 * resolver's rules, starting from the chain we kept for that friend. Then the friendship
 * moves to the new key in one batch, and the old keys are kept as retired: every message
 * from them is refused from then on (`Friends.isBlocked`), as is a session with them.
 *
 * What we keep per friend is the chain's start (the key we first knew and its recovery
 * commitment) and the statements taken, so a friend who rotates twice while we are away is
 * followed from either statement order, and a replayed or forked statement changes nothing.
 *
 * The commitment is pinned from the first device list that carries one (`pinCommitment`)
 * and never replaced by a later list: a thief holding the account key could sign a list with
 * a commitment of its own, but only a recovery by the pinned recovery key moves it. So a
 * recovery, which the recovered account sends from its new key, supersedes the rotations a
 * thief made with the stolen key.
 *
 * Our own rotation goes the other way: the statement is sent to every friend as a friend
 * message (`sendKeyRotation`).
 */
import { openKeyStatement, resolveKeyChain } from '../../protocol/accounts/index.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import { encodeFriendMessage, FRIEND_REQUEST_ID_LENGTH } from '../../protocol/social.ts'
import type { Change, FriendRecord, FriendStore } from './friend-store.ts'
import type { FriendViews } from './friend-views.ts'
import type { SocialSender } from './friends-contract.ts'

/** What we know of a friend's key chain; absent until the friend first rotates. */
export interface FriendKeyChain {
  /** The key the chain starts from (the friend's key when we met), hex. */
  account: string
  /** The recovery commitment in force at the start, hex ('' for none). */
  commitment: string
  /** Rotation statements taken, hex. */
  rotations: string[]
  /** Recovery statements taken, hex. */
  recoveries?: string[]
}

export interface AcceptedRotation {
  /** The friend's new key, hex. */
  newHex: string
  changes: Change[]
}

/**
 * The store changes that move the friend at `peerHex` to its new key, or undefined when the
 * statement does not move it from `peerHex` (unknown sender, replay, fork loser, forgery).
 */
export function acceptKeyRotation(
  store: FriendStore,
  peerHex: string,
  statement: Uint8Array,
  now: number,
): AcceptedRotation | undefined {
  const friend = store.get('friends', peerHex)
  if (friend == null) return undefined
  const known: FriendKeyChain = friend.keyChain ?? {
    account: peerHex,
    // A friend whose commitment we never pinned (no device list with one): the commitment
    // we take is the one the statement keeps, since a rotation cannot change it.
    commitment: toHex(commitmentOf(statement)),
    rotations: [],
  }
  return moveFriend(store, peerHex, friend, known, { kind: 'rotation', record: statement }, now)
}

/**
 * The store changes a recovery statement makes, from whoever sends it (the recovered
 * account sends it from its new key): the friend whose chain it moves, found by the key it
 * names as the epoch's first, goes to the new key, and every key of the epoch (a thief's
 * included) is retired. Undefined when it moves no friend of ours.
 */
export function acceptKeyRecovery(
  store: FriendStore,
  statement: Uint8Array,
  now: number,
): (AcceptedRotation & { previousHex: string }) | undefined {
  let oldKey: string
  try {
    oldKey = toHex(openKeyStatement('recovery', statement).oldKey)
  } catch {
    return undefined
  }
  for (const [peerHex, friend] of store.entries('friends')) {
    const known = friend.keyChain
    // Only a chain we know the commitment of can be recovered; cheap checks first.
    if (known == null || known.commitment === '') continue
    if (known.account !== oldKey && !chainKeys(known).includes(oldKey)) continue
    const statementRecord = { kind: 'recovery' as const, record: statement }
    const accepted = moveFriend(store, peerHex, friend, known, statementRecord, now)
    if (accepted != null) return { ...accepted, previousHex: peerHex }
  }
  return undefined
}

/**
 * The changes that pin `commitment` (from a device list) as the start of a friend's chain,
 * or undefined when the friend is unknown, the commitment is empty or one is pinned already.
 * A different commitment than the one in force is a conflict: `conflict` says so.
 */
export function pinCommitment(
  store: FriendStore,
  peerHex: string,
  commitment: Uint8Array,
): { changes?: Change[]; conflict: boolean } {
  const friend = store.get('friends', peerHex)
  if (friend == null || commitment.length === 0) return { conflict: false }
  const known = friend.keyChain
  if (known == null || (known.commitment === '' && known.rotations.length === 0)) {
    const keyChain: FriendKeyChain = {
      account: peerHex,
      commitment: toHex(commitment),
      rotations: [],
    }
    return {
      changes: [{ table: 'friends', key: peerHex, value: { ...friend, keyChain } }],
      conflict: false,
    }
  }
  return { conflict: !bytesEqual(resolve(known).commitment, commitment) }
}

/** Where a friend's chain stands for a recovery (what a friend releasing a share reports). */
export interface RecoveryEpoch {
  /** The first key of the current epoch: the key a recovery names as old. */
  account: Uint8Array
  sequence: number
  /** Recoveries made: the index of the recovery key in force. */
  recoveries: number
  commitment: Uint8Array
}

/** The recovery epoch of the friend at `peerHex`, if we know its commitment. */
export function recoveryEpoch(store: FriendStore, peerHex: string): RecoveryEpoch | undefined {
  const known = store.get('friends', peerHex)?.keyChain
  if (known == null || known.commitment === '') return undefined
  const chain = resolve(known)
  const recoveries = chain.applied.filter((applied) => applied.kind === 'recovery')
  const last = recoveries.at(-1)
  return {
    account: last?.newKey ?? fromHex(known.account),
    sequence: last?.sequence ?? 0,
    recoveries: recoveries.length,
    commitment: chain.commitment,
  }
}

function resolve(
  known: FriendKeyChain,
  extra: Array<{ kind: 'rotation' | 'recovery'; record: Uint8Array }> = [],
) {
  return resolveKeyChain(
    { account: fromHex(known.account), commitment: fromHex(known.commitment) },
    [
      ...known.rotations.map((record) => ({ kind: 'rotation' as const, record: fromHex(record) })),
      ...(known.recoveries ?? []).map((record) => ({
        kind: 'recovery' as const,
        record: fromHex(record),
      })),
      ...extra,
    ],
  )
}

/** Every key the chain's applied statements moved the account to, hex. */
function chainKeys(known: FriendKeyChain): string[] {
  return resolve(known).applied.map((applied) => toHex(applied.newKey))
}

/** Moves the friend at `peerHex` when `statement` moves its chain away from that key. */
function moveFriend(
  store: FriendStore,
  peerHex: string,
  friend: FriendRecord,
  known: FriendKeyChain,
  statement: { kind: 'rotation' | 'recovery'; record: Uint8Array },
  now: number,
): AcceptedRotation | undefined {
  const chain = resolve(known, [statement])
  if (bytesEqual(chain.current, fromHex(peerHex))) return undefined
  if (!chain.retired.some((key) => bytesEqual(key, fromHex(peerHex)))) return undefined
  const newHex = toHex(chain.current)
  const keyChain: FriendKeyChain = {
    ...known,
    rotations: chain.applied.filter((a) => a.kind === 'rotation').map((a) => toHex(a.record)),
    recoveries: chain.applied.filter((a) => a.kind === 'recovery').map((a) => toHex(a.record)),
  }
  const moved: FriendRecord = { ...friend, keyChain }
  const changes: Change[] = [
    { table: 'friends', key: peerHex, value: null },
    { table: 'friends', key: newHex, value: moved },
    ...chain.retired.map((key) => ({
      table: 'retired' as const,
      key: toHex(key),
      value: { account: known.account, current: newHex, at: now },
    })),
  ]
  // A new key that the store still holds under another record would be overwritten: never.
  if (store.has('friends', newHex)) return undefined
  return { newHex, changes }
}

/** The commitment a rotation keeps; a statement that does not open has none (the resolver refuses it). */
function commitmentOf(statement: Uint8Array): Uint8Array {
  try {
    return openKeyStatement('rotation', statement).nextRecovery
  } catch {
    return new Uint8Array(0)
  }
}

/**
 * Sends our rotation or recovery `statement` to each of `peers` (hex keys); resolves once
 * messaging holds them all.
 */
export async function sendKeyRotation(
  messaging: SocialSender,
  peers: string[],
  statement: Uint8Array,
  kind: 'rotation' | 'recovery' = 'rotation',
): Promise<Array<{ id: string; peer: string }>> {
  const payload = encodeFriendMessage({
    type: kind === 'rotation' ? 'key-rotation' : 'key-recovery',
    requestId: new Uint8Array(FRIEND_REQUEST_ID_LENGTH),
    note: '',
    name: '',
    keyStatement: statement,
  })
  const sent: Array<{ id: string; peer: string }> = []
  for (const peer of peers) {
    const { id } = await messaging.sendSocial(fromHex(peer), payload)
    sent.push({ id, peer })
  }
  return sent
}

/**
 * After this account was recovered through them on a new machine: `peers` (hex keys) become
 * friends again, so the recovery statement and everything after reach them.
 */
export async function adoptFriends(
  store: FriendStore,
  views: Pick<FriendViews, 'friended'>,
  peers: string[],
): Promise<void> {
  const since = Date.now()
  const requestId = '00'.repeat(16)
  const adopted = peers.filter((hex) => !store.has('friends', hex))
  await store.write(
    adopted.map((key) => ({ table: 'friends', key, value: { since, requestId, name: null } })),
  )
  for (const hex of adopted) views.friended(hex, { since, requestId, name: null })
}
