/**
 * Moves a 1:1 conversation to a friend's new key after a key rotation (doc/accounts.md,
 * "Key rotation on the node"): history, counters, held texts, receipts' indexes and the
 * outbox leave the old key's records for the new key's in one atomic batch, so history stays
 * in one conversation. The ratchet sessions with the old key and its accepted base keys are
 * deleted in the same batch: the old key is retired, and the next message either way starts
 * a new session with the new key. Outbox entries lose their sealed envelope and mailbox slot,
 * so they are encrypted again, under a session with the new key, when they are next sent.
 *
 * The moved conversation gets one more history record, the line that says the peer changed
 * its key, with the new key's fingerprint (`keyChangedRecord`); it is no text of the peer's,
 * so it takes no seq and counts as nothing unread.
 *
 * The record-level sublevel seals each value with its key as associated data, so values are
 * read (opened) and written (sealed again) under their new keys, never copied as bytes.
 */
import { randomBytes } from '../../protocol/crypto/index.ts'
import { fingerprint, peerIdOf } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'
import type { BatchOp } from './durable-writer.ts'
import type { HistoryRecord, OutboxEntry } from './message-store.ts'

/** Per-peer record kinds of the messaging sublevel (message-store.ts, session-store.ts). */
const MOVED = ['h/', 'i/', 'w/', 'o/', 'r/'] as const
const DROPPED = ['b/'] as const
const decoder = new TextDecoder()
const encoder = new TextEncoder()

/**
 * The operations that move `previous`'s conversation to `current` (none when `previous` has
 * none); the caller checks that `current` holds no texts of its own.
 */
export async function conversationMoveOps(
  db: AppLevel,
  previous: string,
  current: string,
): Promise<BatchOp[]> {
  const conversation = await db.get(`c/${previous}`)
  if (conversation == null) return []
  const ops: BatchOp[] = [
    { type: 'put', key: `c/${current}`, value: conversation },
    { type: 'del', key: `c/${previous}` },
    { type: 'del', key: `s/${previous}` },
  ]
  for (const kind of MOVED) {
    for await (const [key, value] of db.iterator({
      gt: `${kind}${previous}/`,
      lt: `${kind}${previous}/~`,
    })) {
      const rest = key.slice(kind.length + previous.length)
      ops.push({ type: 'put', key: `${kind}${current}${rest}`, value: moved(kind, value) })
      ops.push({ type: 'del', key })
    }
  }
  for (const kind of DROPPED) {
    for await (const key of db.keys({ gt: `${kind}${previous}/`, lt: `${kind}${previous}/~` })) {
      ops.push({ type: 'del', key })
    }
  }
  return ops
}

/**
 * Our own key rotated: every session we hold was started under the old key, so all are
 * deleted (with the base keys they accepted), and the outbox is made ready for the new key:
 * an entry already in a mailbox stays there for its recipient (who knows the old key) and
 * leaves the outbox; any other is encrypted again under a new session when next sent.
 */
export async function ownKeyRotationOps(db: AppLevel): Promise<BatchOp[]> {
  const ops: BatchOp[] = []
  for (const kind of ['s/', 'b/']) {
    for await (const key of db.keys({ gt: kind, lt: `${kind}~` })) ops.push({ type: 'del', key })
  }
  for await (const [key, value] of db.iterator({ gt: 'o/', lt: 'o/~' })) {
    const entry = JSON.parse(decoder.decode(value)) as OutboxEntry
    if (entry.slotId != null) ops.push({ type: 'del', key })
    else ops.push({ type: 'put', key, value: moved('o/', value) })
  }
  return ops
}

/** The history line that says the peer's key changed from `previous` to `current`. */
export function keyChangedRecord(
  previous: Uint8Array,
  current: Uint8Array,
  now: number,
): HistoryRecord {
  const keyChange = {
    previousPeerId: peerIdOf({ publicKey: previous }).toString(),
    fingerprint: fingerprint(current),
  }
  return {
    id: Buffer.from(randomBytes(16)).toString('hex'),
    direction: 'in',
    seq: 0,
    text: `changed their key; new fingerprint ${keyChange.fingerprint}`,
    sentAt: now,
    storedAt: now,
    keyChange,
  }
}

function moved(kind: (typeof MOVED)[number], value: Uint8Array): Uint8Array {
  if (kind !== 'o/') return value
  const entry = JSON.parse(decoder.decode(value)) as OutboxEntry
  return encoder.encode(JSON.stringify({ ...entry, envelope: null, baseKey: null, slotId: null }))
}
