import { describe, expect, it } from 'vitest'
import { advanceCursor } from '../../node/mailbox/index.ts'
import { MAILBOX_TOMBSTONE_MAX_TTL_MS } from '../../protocol/mailbox.ts'

const NOW = 1_800_000_000_000

describe('sender cursor', () => {
  it('moves over acknowledged slots in a row', () => {
    expect(advanceCursor({ next: 3, acked: [3, 4, 5] }, NOW)).toEqual({ next: 6, acked: [] })
  })

  it('waits at a missing slot, remembering since when', () => {
    const cursor = advanceCursor({ next: 3, acked: [5, 4] }, NOW)
    expect(cursor).toEqual({ next: 3, acked: [4, 5], gapSinceMs: NOW })
    // Still missing later: the first time is kept.
    expect(advanceCursor({ ...cursor, acked: [...cursor.acked, 6] }, NOW + 1000)).toEqual({
      next: 3,
      acked: [4, 5, 6],
      gapSinceMs: NOW,
    })
  })

  it('skips a slot missing for longer than any deposit can live', () => {
    const stuck = { next: 3, acked: [4, 7], gapSinceMs: NOW }
    expect(advanceCursor(stuck, NOW + MAILBOX_TOMBSTONE_MAX_TTL_MS)).toEqual(stuck)
    expect(advanceCursor(stuck, NOW + MAILBOX_TOMBSTONE_MAX_TTL_MS + 1)).toEqual({
      next: 8,
      acked: [],
    })
  })

  it('starts a new wait when the missing slot arrives and another is missing', () => {
    const cursor = advanceCursor({ next: 3, acked: [3, 5], gapSinceMs: NOW }, NOW + 5000)
    expect(cursor).toEqual({ next: 4, acked: [5], gapSinceMs: NOW + 5000 })
  })
})
