/**
 * The order rules of one peer's 1:1 outbox, the sending side of protocol/dm-order.ts, without
 * storage or network: which texts an item carries, the order they go in, which texts go
 * together as one bundle, and what a retry does with each item (fail it, seal it, send it)
 * or holds back.
 *
 * Guarantees, and how they are kept:
 * - Texts go in seq order. The outbox iterates in send order and seqs grow with it; a bundle
 *   takes its first text's place and a text taken out of a bundle its own again
 *   (`reorderOutbox`), so the first text found is the lowest seq the peer may still receive
 *   (`lowestPendingSeq`: what each new text tells the peer in `resolvedBelow`).
 * - A bundle holds consecutive texts in rising seq, never one the peer refused before, within
 *   MAX_BUNDLE_TEXTS and MAX_DM_PLAINTEXT_SIZE (`bundleGroups`), so a refused bundle is sent
 *   again text by text and one text the peer cannot take fails alone.
 * - One copy in flight and one in the mailbox at a time: an item sent and not yet acked, or
 *   being deposited, is held back from retries (`retryPlan`, `mayTransmit`, `mayDeposit`).
 *
 * Pure: the caller (node/messaging/outbound.ts, transmission.ts, delivery-state.ts) passes
 * its outbox items and does what the answer says.
 */
import { toHex } from './bytes.ts'
import { CALL_RING_TIMEOUT_MS, MAX_BUNDLE_TEXTS, MAX_DM_PLAINTEXT_SIZE } from './limits.ts'
import type { QueuedReasonCode } from './local-api.ts'
import { BUNDLE_OVERHEAD, BUNDLE_OVERHEAD_PER_TEXT } from './messaging.ts'
import { decodeMessageHeader } from './session/index.ts'

/** A text in the outbox, alone or in a bundle. */
export interface OutboxText {
  id: string
  seq: number
  /** Its history record. */
  index: number
  /** Its place in the outbox, back if the bundle is taken apart. */
  order: number
}

/** What the rules read of an outbox entry (node/messaging/message-store.ts stores more). */
export interface OutboxEntryFields extends OutboxText {
  kind: 'text' | 'receipt' | 'social' | 'call' | 'bundle'
  /** A bundle's texts, in seq order. */
  texts?: OutboxText[]
  /** The inner message, base64. */
  content: string
  /** The encoded envelope, base64; null until a session encrypted it. */
  envelope: string | null
  /** Base key (hex) of the session that encrypted the envelope. */
  baseKey: string | null
  /** The mailbox deposit holding a copy, once there is one. */
  slotId: string | null
  /** How often the peer refused it. */
  resets: number
  createdAt: number
}

/** What the rules read of an outbox item: its entry and what is under way for it. */
export interface OutboxItemFields {
  entry: OutboxEntryFields
  /** The sealed envelope; null until a session exists to encrypt it. */
  envelope: { header: Uint8Array } | null
  /** Sent on a stream, waiting for the ack. */
  inFlight: boolean
  /** Being put in the offline mailbox. */
  depositing: boolean
}

/** The texts an entry carries: itself, a bundle's, or none (a receipt or social message). */
export function textsOf(entry: OutboxEntryFields): OutboxText[] {
  if (entry.kind === 'text') {
    return [{ id: entry.id, seq: entry.seq, index: entry.index, order: entry.order }]
  }
  return entry.texts ?? []
}

/**
 * The lowest seq the peer may still receive from us: our texts still in the outbox are the
 * only lower seqs it may yet get, and the first text in outbox order is the lowest.
 */
export function lowestPendingSeq(items: Iterable<OutboxItemFields>): number | undefined {
  for (const item of items) {
    const [first] = textsOf(item.entry)
    if (first != null) return first.seq
  }
  return undefined
}

/**
 * The outbox in its new order: each item named in `replacements` (by id) gives its place to
 * its replacements, in order; items in `removed` leave; the rest keep their places.
 */
export function reorderOutbox<T>(
  outbox: Iterable<[string, T]>,
  replacements: ReadonlyMap<string, Array<[string, T]>>,
  removed: ReadonlySet<string>,
): Array<[string, T]> {
  const next: Array<[string, T]> = []
  for (const [id, item] of outbox) {
    const replacing = replacements.get(id)
    if (replacing != null) next.push(...replacing)
    else if (!removed.has(id)) next.push([id, item])
  }
  return next
}

/**
 * Splits items to encrypt into runs that go as one ratchet message each: consecutive texts,
 * in rising seq, never refused before, up to MAX_BUNDLE_TEXTS and MAX_DM_PLAINTEXT_SIZE in
 * all; anything else goes alone.
 */
export function bundleGroups<T extends { entry: OutboxEntryFields }>(items: T[]): T[][] {
  const groups: T[][] = []
  let run: T[] = []
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

/**
 * What a retry of the outbox does now: items in flight are held back (their ack may still
 * come); of the others, those older than `giveUpAfterMs` fail (a call signal: older than a
 * call rings, when it can only be stale), and those without an envelope wait to be sealed. Everything else with an envelope is sent again (`mayTransmit`).
 */
export function retryPlan<T extends OutboxItemFields>(
  outbox: Iterable<T>,
  nowMs: number,
  giveUpAfterMs: number,
): { considered: number; expired: T[]; unsealed: T[] } {
  const items = [...outbox].filter((item) => !item.inFlight)
  return {
    considered: items.length,
    expired: items.filter(
      (item) =>
        nowMs - item.entry.createdAt >
        (item.entry.kind === 'call' ? CALL_RING_TIMEOUT_MS : giveUpAfterMs),
    ),
    unsealed: items.filter((item) => item.envelope == null),
  }
}

/** An item goes on a stream only when sealed and not already waiting for its ack. */
export function mayTransmit(item: OutboxItemFields): boolean {
  return !item.inFlight && item.envelope != null
}

/** An item goes to the mailbox only when sealed, not deposited and not being deposited. */
export function mayDeposit(item: OutboxItemFields): boolean {
  return item.entry.envelope != null && item.entry.slotId == null && !item.depositing
}

/** Why an item still waits, read off what is under way for it. */
export function waitingReason(item: OutboxItemFields): QueuedReasonCode {
  if (item.envelope == null) return 'prekeys'
  if (item.depositing) return 'depositing'
  return item.inFlight ? 'awaiting-ack' : 'unreachable'
}

/**
 * True while the item's envelope is encrypted in the session `key` (hex) names: the session's
 * base key, or the ratchet key in the envelope's header (what a refusal notice names).
 */
export function encryptedUnder(item: OutboxItemFields, key: string): boolean {
  if (item.entry.baseKey === key) return true
  if (item.envelope == null) return false
  const { ratchetKey } = decodeMessageHeader(item.envelope.header)
  return toHex(ratchetKey) === key
}
