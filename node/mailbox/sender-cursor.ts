/**
 * Where collection from a sender resumes: the first slot not acknowledged yet, and the
 * slots acknowledged past it.
 *
 * How it is kept: `advanceCursor` is pure and only moves forward over acknowledged slots;
 * a gap (a slot missing while later ones were acknowledged) is remembered with the time it
 * appeared, and skipped only once it has lasted longer than any deposit or tombstone
 * lives, when nothing can fill it any more.
 */
import { MAILBOX_TOMBSTONE_MAX_TTL_MS } from '../../protocol/mailbox.ts'
import type { SenderCursor } from './mailbox-store.ts'

/**
 * Moves the cursor over acknowledged slots. A slot missing while later ones were
 * acknowledged for longer than any deposit lives is lost for good: the cursor skips it.
 */
export function advanceCursor(cursor: SenderCursor, nowMs: number): SenderCursor {
  let next = cursor.next
  const acked = new Set(cursor.acked.filter((n) => n >= next))
  while (acked.delete(next)) next++
  let gapSinceMs = next === cursor.next ? cursor.gapSinceMs : undefined
  if (acked.size > 0) gapSinceMs ??= nowMs
  else gapSinceMs = undefined
  if (gapSinceMs != null && nowMs - gapSinceMs > MAILBOX_TOMBSTONE_MAX_TTL_MS) {
    return { next: Math.max(...acked) + 1, acked: [] }
  }
  const value: SenderCursor = { next, acked: [...acked].sort((a, b) => a - b) }
  if (gapSinceMs != null) value.gapSinceMs = gapSinceMs
  return value
}
