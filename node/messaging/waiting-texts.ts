/**
 * What waited for a friend's old key when its conversation cannot move to the new key (the
 * new key wrote to us before we took its statement, so message-pipeline.ts keeps the two
 * conversations apart).
 *
 * Guarantees, and how they are kept:
 * - Nothing more goes to the retired key: every text still in the old key's outbox leaves it
 *   in one lane batch, shown failed in the old conversation (`FailureReason.keyChanged`).
 * - The friend still gets them: each is queued again as a new text (its words, style, file,
 *   and whether it was forwarded) in the new key's conversation, in the order it was written.
 *   The failure is written first, so a crash between the two leaves a text shown failed, for
 *   the person to send again: never sent twice, never to the retired key.
 * Message actions (edits, recalls, reactions) name texts of the old conversation and are
 * dropped with it; receipts, social messages and call signals for the old key are left to
 * expire.
 */
import { fromBase64 } from '../../protocol/bytes.ts'
import { decodeInnerMessage, type TextContent } from '../../protocol/messaging.ts'
import type { TextExtras } from './outbound.ts'
import type { LaneTransaction, OutboxItem, PeerLane } from './peer-lane.ts'
import { FailureReason } from './pipeline-context.ts'

export interface WaitingTextsDeps {
  fail(lane: PeerLane, tx: LaneTransaction, item: OutboxItem, reason: string): Promise<void>
  /** Queues a text to the friend's new key. */
  send(text: string, extras: TextExtras): Promise<unknown>
}

/** Moves the texts waiting in `lane` (the old key's) to the new key; resolves with how many. */
export async function sendWaitingTexts(
  lane: PeerLane | undefined,
  deps: WaitingTextsDeps,
): Promise<number> {
  if (lane == null) return 0
  const waiting = await lane.run(async (tx) => {
    const texts: TextContent[] = []
    const items = [...lane.outbox.values()]
      .filter((item) => item.entry.kind === 'text' || item.entry.kind === 'bundle')
      .sort((a, b) => a.entry.seq - b.entry.seq)
    for (const item of items) {
      const message = decodeInnerMessage(fromBase64(item.entry.content))
      const parts = message.kind === 'bundle' ? message.texts : [message]
      for (const part of parts) {
        if (part.kind === 'text' && part.action == null && part.copyOf == null) texts.push(part)
      }
      await deps.fail(lane, tx, item, FailureReason.keyChanged)
    }
    return texts
  })
  for (const text of waiting) {
    await deps.send(text.text, {
      style: text.style,
      attachment: text.attachment,
      forwarded: text.forwarded,
    })
  }
  return waiting.length
}
