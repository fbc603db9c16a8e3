/**
 * One peer's outbox as the pipeline keeps it in memory (`PeerLane.outbox`): which texts an
 * item carries, the order they go in, and how texts sent together are grouped into bundles.
 * The outbox iterates in send order, each bundle in its first text's place: the first text
 * found is the lowest seq the peer may still receive.
 */
import { toHex } from '../../protocol/bytes.ts'
import { MAX_BUNDLE_TEXTS, MAX_DM_PLAINTEXT_SIZE } from '../../protocol/limits.ts'
import { BUNDLE_OVERHEAD, BUNDLE_OVERHEAD_PER_TEXT } from '../../protocol/messaging.ts'
import { decodeMessageHeader } from '../../protocol/session/index.ts'
import type { ConversationRecord, OutboxEntry, OutboxText } from './message-store.ts'
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
 * Our texts still in the outbox are the only lower seqs the peer may yet receive. The outbox
 * iterates in send order and seqs grow with it (a bundle takes its first text's place), so
 * the first text is the lowest.
 */
export function lowestPendingSeq(lane: PeerLane): number | undefined {
  for (const item of lane.outbox.values()) {
    const [first] = textsOf(item)
    if (first != null) return first.seq
  }
  return undefined
}

/**
 * True while the item's envelope is encrypted in the session `key` (hex) names: the session's
 * base key, or the ratchet key in the envelope's header (what a refusal notice names).
 */
export function encryptedUnder(item: OutboxItem, key: string): boolean {
  if (item.entry.baseKey === key) return true
  if (item.envelope == null) return false
  const { ratchetKey } = decodeMessageHeader(item.envelope.header)
  return toHex(ratchetKey) === key
}

/** The texts an outbox item carries: itself, a bundle's, or none (a receipt or social message). */
export function textsOf(item: OutboxItem): OutboxText[] {
  const { entry } = item
  if (entry.kind === 'text') {
    return [{ id: entry.id, seq: entry.seq, index: entry.index, order: entry.order }]
  }
  return entry.texts ?? []
}

/**
 * Puts `replacements` (by the id of the item they replace) in the place of that item in the
 * outbox, in order, and drops the items in `removed`: the outbox's order is the order in
 * which texts go (see lowestPendingSeq). Walks the whole outbox; a failed batch puts it back
 * (see PeerLane).
 */
export function replaceInOutbox(
  lane: PeerLane,
  replacements: Map<string, OutboxItem[]>,
  removed: Set<string>,
): void {
  const before = [...lane.outbox]
  lane.outbox.clear()
  for (const [id, item] of before) {
    const replacing = replacements.get(id)
    if (replacing != null) for (const next of replacing) lane.outbox.set(next.entry.id, next)
    else if (!removed.has(id)) lane.outbox.set(id, item)
  }
}

/**
 * Splits items to encrypt into runs that go as one ratchet message each: consecutive texts,
 * in rising seq, never refused before (a refused bundle is sent again text by text), up to
 * MAX_BUNDLE_TEXTS and MAX_DM_PLAINTEXT_SIZE in all; anything else goes alone.
 */
export function bundleGroups(items: OutboxItem[]): OutboxItem[][] {
  const groups: OutboxItem[][] = []
  let run: OutboxItem[] = []
  let runSize = BUNDLE_OVERHEAD
  for (const item of items) {
    const { entry } = item
    const bundleable = entry.kind === 'text' && entry.resets === 0
    // Base64 length, rounded up: a bound on the encoded text's size.
    const size = Math.ceil((entry.content.length * 3) / 4) + BUNDLE_OVERHEAD_PER_TEXT
    const last = run.at(-1)
    const fits =
      bundleable &&
      last != null &&
      entry.seq > last.entry.seq &&
      run.length < MAX_BUNDLE_TEXTS &&
      runSize + size <= MAX_DM_PLAINTEXT_SIZE
    if (!fits && run.length > 0) {
      groups.push(run)
      run = []
      runSize = BUNDLE_OVERHEAD
    }
    if (bundleable) {
      run.push(item)
      runSize += size
    } else {
      groups.push([item])
    }
  }
  if (run.length > 0) groups.push(run)
  return groups
}
