/**
 * Where the used slots are: the two searches over a numbered run of slots, as functions of
 * a slot reader, so their arithmetic is tested without a DHT.
 *
 * Slots are written in order (a sender's pairwise slots count up; an inbox's fill from index
 * 0), so the used ones form a run with, at worst, a few lost ones inside it. `scanSlots`
 * reads past the last used slot until `lookahead` empty ones in a row, so a lost slot hides
 * nothing behind it; `firstFreeSlot` gallops to a free slot and bisects back to the first,
 * in O(log n) reads.
 */
import type { AbortOptions } from '@libp2p/interface'
import type { MailboxDeposit, MailboxSlot, MailboxTombstone } from '../../protocol/mailbox.ts'

/** What one slot holds, as the mailbox reads it (slot-reader.ts). */
export type SlotRead =
  | { kind: 'empty' }
  | { kind: 'tombstone'; tombstones: MailboxTombstone[] }
  | { kind: 'deposit'; deposit: MailboxDeposit; record: Uint8Array }

export type ReadSlot = (slot: MailboxSlot, options: AbortOptions) => Promise<SlotRead>

/** How far the first-free-slot search gallops before giving up. */
export const MAX_SEQUENCE_PROBE = 1 << 20

export interface ScanRange<S extends MailboxSlot> {
  slotAt: (n: number) => S
  start: number
  /** Slots already known to be used (acknowledged): not read again. */
  known: Set<number>
  /** First slot number not to read. */
  end: number
  lookahead: number
}

/**
 * Reads slots `start`, `start + 1`, ... below `end`, skipping `known` ones, in parallel
 * batches, until `lookahead` slots in a row after the last used one (deposit or
 * tombstone) were empty. Each batch goes to `onBatch` before the next is read.
 */
export async function scanSlots<S extends MailboxSlot>(
  range: ScanRange<S>,
  read: ReadSlot,
  options: AbortOptions,
  onBatch: (reads: Array<{ n: number; slot: S; read: SlotRead }>) => Promise<void>,
): Promise<void> {
  const { slotAt, known, end, lookahead } = range
  let allowance = lookahead
  let n = range.start
  while (allowance > 0 && n < end) {
    const batch: number[] = []
    for (; batch.length < allowance && n < end; n++) if (!known.has(n)) batch.push(n)
    if (batch.length === 0) break
    const reads = await Promise.all(
      batch.map(async (m) => {
        const slot = slotAt(m)
        return { n: m, slot, read: await read(slot, options) }
      }),
    )
    await onBatch(reads)
    const lastUsed = reads.findLastIndex((entry) => entry.read.kind !== 'empty')
    allowance = lastUsed < 0 ? allowance - batch.length : lookahead - (batch.length - 1 - lastUsed)
  }
}

/**
 * The first free slot of a run whose used slots carry a deposit or a tombstone: gallop to
 * a free one, then bisect back to the first free one. Past MAX_SEQUENCE_PROBE it stops and
 * answers the slot it reached.
 */
export async function firstFreeSlot(used: (n: number) => Promise<boolean>): Promise<number> {
  if (!(await used(0))) return 0
  let low = 0
  let high = 1
  while (await used(high)) {
    low = high
    high *= 2
    if (high > MAX_SEQUENCE_PROBE) return high
  }
  while (high - low > 1) {
    const middle = Math.floor((low + high) / 2)
    if (await used(middle)) low = middle
    else high = middle
  }
  return high
}
