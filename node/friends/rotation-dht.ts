/**
 * Key rotation statements in the DHT (doc/accounts.md, "The statement in the DHT"): our own
 * is put under a key derived from the key it retires, and a friend's are looked up under the
 * key we know, so a friend who was away when the statement was sent, or whose mailbox copy
 * is gone, still follows, and so does anyone who knows only an old key. A recovery is put
 * under the epoch's first key and the commitment it answers, and looked up for every friend
 * whose commitment we know, before its rotations: a recovery supersedes what a thief rotated.
 *
 * How it is kept: every value found is checked by the shared DHT rules
 * (protocol/accounts/rotation-records.ts: it must open, signed by its old and new key, under
 * its old key's digest); among a fork the smaller id wins, as in the key-chain resolver; the
 * friends component then takes each statement only when the resolver moves the key it knows.
 * A chain is followed for at most MAX_KEY_ROTATION_HOPS keys, and never back to a key seen.
 */
import type { AbortOptions, Logger } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import {
  keyRecoveryDhtKey,
  keyRotationDhtKey,
  type OpenedKeyStatement,
  recoveryCommitment,
  validateKeyRecoveryRecord,
  validateKeyRotationRecord,
} from '../../protocol/accounts/index.ts'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import { MAX_KEY_ROTATION_HOPS } from '../../protocol/limits.ts'
import { getRecords, type PutOutcome, putRecord } from '../mailbox/dht-records.ts'
import type { Friends } from './friends.ts'

/** How long one DHT query may take. */
export const ROTATION_QUERY_TIMEOUT_MS = 15_000

/** Puts our rotation `statement` in the DHT under the key it retires. */
export function publishKeyRotation(
  dht: KadDHT,
  statement: OpenedKeyStatement,
  options: AbortOptions = {},
): Promise<PutOutcome> {
  return putRecord(dht, keyRotationDhtKey(statement.oldKey), statement.record, {
    signal: options.signal,
    timeoutMs: ROTATION_QUERY_TIMEOUT_MS,
  })
}

/** Puts our recovery `statement` in the DHT under its old key and the commitment it answers. */
export function publishKeyRecovery(
  dht: KadDHT,
  statement: OpenedKeyStatement,
  options: AbortOptions = {},
): Promise<PutOutcome> {
  const key = keyRecoveryDhtKey(statement.oldKey, recoveryCommitment(statement.authority))
  return putRecord(dht, key, statement.record, {
    signal: options.signal,
    timeoutMs: ROTATION_QUERY_TIMEOUT_MS,
  })
}

/**
 * The rotations the DHT knows from `key` on, in chain order: the statement under `key`, then
 * the one under its new key, and so on. Empty when the key never rotated (or nobody holds it).
 */
export async function findKeyRotations(
  dht: KadDHT,
  key: Uint8Array,
  options: AbortOptions = {},
): Promise<OpenedKeyStatement[]> {
  const chain: OpenedKeyStatement[] = []
  const seen = new Set([toHex(key)])
  let current = key
  while (chain.length < MAX_KEY_ROTATION_HOPS) {
    const next = await findOne(dht, keyRotationDhtKey(current), validateKeyRotationRecord, options)
    if (next == null || seen.has(toHex(next.newKey))) break
    chain.push(next)
    seen.add(toHex(next.newKey))
    current = next.newKey
  }
  return chain
}

/**
 * Looks every friend up in the DHT and takes the rotations found, so friends who rotated
 * while we were away are followed at start-up. Never rejects: failures are logged.
 */
export async function followFriendsRotations(
  parts: { dht: KadDHT; friends: FollowedFriends; log: Logger },
  options: AbortOptions = {},
): Promise<number> {
  let followed = 0
  for (const friend of parts.friends.friendKeys()) {
    try {
      followed += (await followRotations(parts, friend, options)) ? 1 : 0
    } catch (err) {
      if (options.signal?.aborted === true) return followed
      parts.log('looking up the key rotations of %s failed - %e', toHex(friend), err)
    }
  }
  return followed
}

/**
 * Runs `followFriendsRotations` once, as soon as the DHT's routing table holds a peer (at
 * once if it does already): looked up earlier, every friend would seem never to have rotated.
 * The mailbox is collected first: texts a friend left under its old key before rotating sit
 * in its slots ahead of the statement, and once the statement is taken from the DHT the old
 * key is retired and what still comes from it is dropped. Returns the function that stops
 * it (and aborts a look-up under way).
 */
export function followFriendsWhenReachable(parts: {
  dht: KadDHT
  friends: FollowedFriends
  /** Collects the mailbox now (messaging's collect). */
  collect(): Promise<unknown>
  log: Logger
}): () => void {
  const controller = new AbortController()
  const table = (parts.dht as { routingTable?: EventTarget & { size: number } }).routingTable
  const run = () => {
    table?.removeEventListener('peer:add', run)
    void (async () => {
      await parts.collect()
      if (controller.signal.aborted) return
      const followed = await followFriendsRotations(parts, { signal: controller.signal })
      if (followed > 0) parts.log('followed %d friends to their new keys through the DHT', followed)
    })().catch((err) => parts.log('following friends through the DHT failed - %e', err))
  }
  if (table == null || table.size > 0) run()
  else table.addEventListener('peer:add', run)
  return () => {
    table?.removeEventListener('peer:add', run)
    controller.abort()
  }
}

/**
 * Follows the friend at `friend` along what the DHT holds: a recovery of its current epoch
 * first (when we know its commitment), then the rotations from the key that leaves us at.
 * True when it moved.
 */
export async function followRotations(
  parts: { dht: KadDHT; friends: FollowedFriends },
  friend: Uint8Array,
  options: AbortOptions = {},
): Promise<boolean> {
  let known = friend
  const recovered = await followRecovery(parts, friend, options)
  if (recovered != null) known = fromHex(recovered)
  for (const statement of await findKeyRotations(parts.dht, known, options)) {
    const moved = await parts.friends.takeKeyRotation(known, statement.record)
    if (moved == null) break
    known = statement.newKey
  }
  return known !== friend
}

/** The friend's new key (hex) when the DHT holds a recovery of its epoch that moves it. */
async function followRecovery(
  parts: { dht: KadDHT; friends: FollowedFriends },
  friend: Uint8Array,
  options: AbortOptions,
): Promise<string | undefined> {
  const epoch = parts.friends.recoveryEpoch(friend)
  if (epoch == null) return undefined
  const key = keyRecoveryDhtKey(epoch.account, epoch.commitment)
  const found = await findOne(parts.dht, key, validateKeyRecoveryRecord, options)
  return found == null ? undefined : parts.friends.takeKeyRecovery(found.record)
}

/** Least time between two look-ups of one friend after failed sends. */
export const FAILED_SEND_LOOKUP_GAP_MS = 10 * 60_000

/**
 * Looks a friend up in the DHT when a text to it could not be delivered directly (it went to
 * the mailbox): a friend that rotated while we both ran, and whose statement never reached
 * us, no longer answers at the key we know. At most one look-up per friend every `gapMs`.
 * Returns what to call with the peer (hex key) of each such text; never rejects.
 */
export function followOnFailedSends(parts: {
  dht: KadDHT
  friends: FollowedFriends & Pick<Friends, 'isFriend'>
  log: Logger
  gapMs?: number
}): (peer: Uint8Array) => void {
  const last = new Map<string, number>()
  const gapMs = parts.gapMs ?? FAILED_SEND_LOOKUP_GAP_MS
  return (peer) => {
    const peerHex = toHex(peer)
    const now = Date.now()
    if (!parts.friends.isFriend(peer) || now - (last.get(peerHex) ?? -Infinity) < gapMs) return
    last.set(peerHex, now)
    followRotations(parts, peer).then(
      (moved) => {
        if (moved) parts.log('followed %s to a new key after a failed send', peerHex)
      },
      (err) => parts.log('looking up %s after a failed send failed - %e', peerHex, err),
    )
  }
}

type FollowedFriends = Pick<
  Friends,
  'friendKeys' | 'takeKeyRotation' | 'takeKeyRecovery' | 'recoveryEpoch'
>

async function findOne(
  dht: KadDHT,
  key: Uint8Array,
  validate: (key: Uint8Array, value: Uint8Array) => OpenedKeyStatement,
  options: AbortOptions,
): Promise<OpenedKeyStatement | undefined> {
  const { answers, best } = await getRecords(dht, key, {
    signal: options.signal,
    timeoutMs: ROTATION_QUERY_TIMEOUT_MS,
  })
  let winner: OpenedKeyStatement | undefined
  for (const value of [...answers.map((answer) => answer.value), ...(best == null ? [] : [best])]) {
    try {
      const statement = validate(key, value)
      if (winner == null || statement.id < winner.id) winner = statement
    } catch {
      // A holder answering with what does not validate is skipped; another may answer.
    }
  }
  return winner
}
