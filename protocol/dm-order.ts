/**
 * The order rule of 1:1 texts on the receiving side, without storage. Each sender numbers its
 * texts to a recipient 1, 2, 3, ...; the recipient shows them in that order, holds a text
 * that comes ahead of a gap (stored, not shown) until the gap fills, and stops waiting for
 * the seqs the sender says it will never deliver: every text carries `resolvedBelow`, below
 * which each text was delivered or failed.
 *
 * Pure: the caller (node/messaging/inbound.ts) passes where the conversation stands (the next
 * seq it expects, the seqs it holds) and does what the answer says; gaps are waited for,
 * never skipped, unless the sender resolved them.
 */

/** The seqs a conversation holds: a Set, or the Map of held texts by seq. */
export interface HeldSeqs {
  has(seq: number): boolean
  readonly size: number
  keys(): Iterable<number>
}

/**
 * True when a text with `seq` may be one taken in before: shown (below the next expected) or
 * held. Only then is it worth looking its id up; a text ahead of everything stored is new.
 */
export function mayBeTakenIn(seq: number, expected: number, held: HeldSeqs): boolean {
  return seq < expected || held.has(seq)
}

/** What the recipient does with a new text. */
export type TextPlacement =
  /** The next in line, or below it (only a sender that lost its history reuses a seq). */
  | 'show'
  /** Ahead of a gap: stored and held until the gap fills. */
  | 'hold'
  /** Ahead of a gap, but a different text with this seq is held already: refused. */
  | 'seq-taken'
  /** Ahead of a gap, but `maxHeld` texts wait already: refused. */
  | 'held-limit'

export function placeText(
  seq: number,
  expected: number,
  held: HeldSeqs,
  maxHeld: number,
): TextPlacement {
  if (seq <= expected) return 'show'
  if (held.has(seq)) return 'seq-taken'
  if (held.size >= maxHeld) return 'held-limit'
  return 'hold'
}

/**
 * The held seqs to show now, in order, and the seq expected after them. With
 * `resolvedBelow` (the sender will deliver nothing below it that we lack), first every held
 * seq below it, and the expected seq moves up to it; then each held seq next in line.
 */
export function heldToShow(
  held: HeldSeqs,
  expected: number,
  resolvedBelow?: number,
): { show: number[]; expected: number } {
  const waiting = [...held.keys()].sort((a, b) => a - b)
  const show: number[] = []
  let next = expected
  let i = 0
  if (resolvedBelow != null) {
    for (; i < waiting.length && waiting[i] < resolvedBelow; i++) show.push(waiting[i])
    next = Math.max(expected, resolvedBelow)
  }
  for (; i < waiting.length && waiting[i] === next; i++) {
    show.push(waiting[i])
    next++
  }
  return { show, expected: next }
}
