/**
 * One peer's outbox as the pipeline keeps it in memory (`PeerLane.outbox`): new items and
 * their place in the order, and the order changed in place. The rules (which texts an item
 * carries, the order they go in, bundles, what a retry holds back) are pure code in
 * protocol/dm-outbox.ts.
 */
import { reorderOutbox } from '../../protocol/dm-outbox.ts'
import type { ConversationRecord, OutboxEntry } from './message-store.ts'
import type { OutboxItem, PeerLane } from './peer-lane.ts'

/**
 * A new outbox item, last in the outbox order unless `order` gives it a place taken before
 * (a bundle takes its first text's, a text out of a bundle its own again).
 */
export function newOutboxItem(
  conversation: ConversationRecord,
  fields: {
    id: string
    kind: OutboxEntry['kind']
    content: Uint8Array
    now: number
    /** A text's seq and history index; 0 for the other kinds. */
    seq?: number
    index?: number
    order?: number
  },
): OutboxItem {
  const { id, kind, content, now, seq = 0, index = 0 } = fields
  const entry: OutboxEntry = {
    id,
    kind,
    seq,
    index,
    content: Buffer.from(content).toString('base64'),
    envelope: null,
    baseKey: null,
    slotId: null,
    resets: 0,
    createdAt: now,
    order: fields.order ?? conversation.nextOutboxOrder++,
  }
  return { entry, envelope: null, inFlight: false, depositing: false }
}

/**
 * Puts `replacements` (by the id of the item they replace) in the place of that item in the
 * lane's outbox, in order, and drops the items in `removed` (`reorderOutbox`). Walks the
 * whole outbox; a failed batch puts it back (see PeerLane).
 */
export function replaceInOutbox(
  lane: PeerLane,
  replacements: Map<string, OutboxItem[]>,
  removed: Set<string>,
): void {
  const byId = new Map(
    [...replacements].map(([id, items]) => [
      id,
      items.map((item): [string, OutboxItem] => [item.entry.id, item]),
    ]),
  )
  const next = reorderOutbox(lane.outbox, byId, removed)
  lane.outbox.clear()
  for (const [id, item] of next) lane.outbox.set(id, item)
}
