/**
 * A friend's key rotation, as the friends component takes it (doc/accounts.md, "Key
 * rotation on the node"): the statement must move the account from the key we know, by the
 * key-chain resolver's rules, starting from the chain we kept for that friend. Then the
 * friendship moves to the new key in one batch, and the old key is kept as retired: every
 * message from it is refused from then on (`Friends.isBlocked`), as is a session with it.
 *
 * What we keep per friend is the chain's start (the key we first knew and its recovery
 * commitment) and the statements taken, so a friend who rotates twice while we are away is
 * followed from either statement order, and a replayed or forked statement changes nothing.
 *
 * Our own rotation goes the other way: the statement is sent to every friend as a friend
 * message (`sendKeyRotation`).
 */
import { openKeyStatement, resolveKeyChain } from '../../protocol/accounts/index.ts'
import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import { encodeFriendMessage, FRIEND_REQUEST_ID_LENGTH } from '../../protocol/social.ts'
import type { Change, FriendRecord, FriendStore } from './friend-store.ts'
import type { SocialSender } from './friends.ts'

/** What we know of a friend's key chain; absent until the friend first rotates. */
export interface FriendKeyChain {
  /** The key the chain starts from (the friend's key when we met), hex. */
  account: string
  /** The recovery commitment in force at the start, hex ('' for none). */
  commitment: string
  /** Rotation statements taken, hex. */
  rotations: string[]
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
    // A friend who never rotated before: the commitment we take is the one the statement
    // keeps, since a rotation cannot change it (the resolver checks later ones against it).
    commitment: toHex(commitmentOf(statement)),
    rotations: [],
  }
  const rotations = [...known.rotations, toHex(statement)]
  const chain = resolveKeyChain(
    { account: fromHex(known.account), commitment: fromHex(known.commitment) },
    rotations.map((record) => ({ kind: 'rotation' as const, record: fromHex(record) })),
  )
  if (bytesEqual(chain.current, fromHex(peerHex))) return undefined
  if (!chain.retired.some((key) => bytesEqual(key, fromHex(peerHex)))) return undefined
  const newHex = toHex(chain.current)
  const keyChain: FriendKeyChain = {
    ...known,
    rotations: chain.applied.map((applied) => toHex(applied.record)),
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

/** Sends our rotation `statement` to each of `peers` (hex keys); resolves once messaging holds them all. */
export async function sendKeyRotation(
  messaging: SocialSender,
  peers: string[],
  statement: Uint8Array,
): Promise<Array<{ id: string; peer: string }>> {
  const payload = encodeFriendMessage({
    type: 'key-rotation',
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
