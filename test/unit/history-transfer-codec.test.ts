/** The history transfer's wire (protocol/history-transfer.ts): what round-trips, what is refused. */
import { describe, expect, it } from 'vitest'
import {
  decodeHistoryAsk,
  decodeHistoryFrame,
  encodeHistoryAsk,
  encodeHistoryFrame,
  type HistoryItem,
} from '../../protocol/history-transfer.ts'
import { MAX_DM_TEXT_SIZE } from '../../protocol/limits.ts'
import { HistoryFrame, HistoryFrameKind } from '../../protocol/proto/history.ts'
import { historyItems } from '../fuzz/decoders-history.ts'

/** A page as a hostile holder might encode it, past our own encoder's checks. */
function rawPage(items: HistoryItem[]): Uint8Array {
  return HistoryFrame.encode({ kind: HistoryFrameKind.HISTORY_PAGE, items, remaining: 0 })
}

describe('history transfer codec', () => {
  it('round-trips a request, a resume point and a page', () => {
    const after = { peer: new Uint8Array(32).fill(9), index: 100_000_000_007 }
    expect(decodeHistoryAsk(encodeHistoryAsk({ kind: 'start', sinceMs: 5, after }))).toEqual({
      kind: 'start',
      sinceMs: 5,
      after,
    })
    expect(decodeHistoryAsk(encodeHistoryAsk({ kind: 'next' }))).toEqual({ kind: 'next' })
    const page = decodeHistoryFrame(
      encodeHistoryFrame({ kind: 'page', items: historyItems(), remaining: 12 }),
    )
    expect(page).toEqual({ kind: 'page', items: historyItems(), remaining: 12 })
  })

  it('refuses records no device of ours writes', () => {
    const [theirs, ours] = historyItems() as [HistoryItem, HistoryItem]
    const refused: Array<[string, HistoryItem]> = [
      ['a short id', { ...theirs, id: theirs.id.subarray(0, 8) }],
      ['a short peer key', { ...theirs, peer: theirs.peer.subarray(0, 31) }],
      ['an outgoing text without its device', { ...ours, sentFrom: theirs.sentFrom }],
      ['an incoming text naming a device', { ...theirs, sentFrom: ours.sentFrom }],
      ['our own text unread', { ...ours, unread: true }],
      ['a text over the limit', { ...theirs, text: 'x'.repeat(MAX_DM_TEXT_SIZE + 1) }],
      ['a reaction of 40 bytes', { ...theirs, reactionIn: 'x'.repeat(40) }],
      ['an index of 0', { ...theirs, index: 0 }],
      ['a file name with a slash', { ...ours, attachment: { ...ours.attachment!, name: 'a/b' } }],
    ]
    for (const [what, item] of refused) {
      expect(() => decodeHistoryFrame(rawPage([item])), what).toThrow(
        expect.objectContaining({ name: 'MalformedMessageError' }),
      )
    }
    expect(() => decodeHistoryFrame(rawPage([]))).toThrow(/not empty/)
  })
})
