/**
 * Texts shown in a conversation other than the one they arrived in, for accounts with
 * several devices (device-mirror.ts decides which): a text from another device of a friend's
 * account is shown in the conversation with the account, and a text one of our own devices
 * sent is shown, as ours, in the conversation with the peer it went to.
 *
 * Guarantees, and how:
 * - once: the mirrored record keeps the id it arrived with, and a record whose id the target
 *   conversation already knows is not added again (the feed follower that calls this may
 *   bring the same entry again after a crash);
 * - in the target's order: the record is added in the target's lane, at its next index, in
 *   the batch that counts it, so it lands after what the conversation showed before.
 */
import { toHex } from '../../protocol/bytes.ts'
import { type HistoryRecord, messageView } from './message-store.ts'
import type { PipelineContext } from './pipeline-context.ts'

export class MirroredHistory {
  readonly #ctx: PipelineContext

  constructor(ctx: PipelineContext) {
    this.#ctx = ctx
  }

  /**
   * Adds `record` (as it was stored in the conversation it arrived in) to the conversation
   * with `target`: incoming as unread, outgoing as sent from `sentFrom`. False when it is
   * there already.
   */
  async add(
    target: Uint8Array,
    record: HistoryRecord,
    direction: { in: true } | { sentFrom: Uint8Array },
  ): Promise<boolean> {
    const { store, init } = this.#ctx
    const lane = this.#ctx.lane(target)
    return lane.run(async (tx, state) => {
      if ((await store.messageIndex(lane.peerHex, record.id)) != null) return false
      const conversation = state.conversation
      const index = conversation.nextIndex++
      // An incoming record as it arrived (id, seq, text, times, style, file), less the copy's
      // own mark.
      const { sentTo: _sentTo, ...arrived } = record
      const shown: HistoryRecord = { ...arrived, direction: 'in' in direction ? 'in' : 'out' }
      if ('in' in direction) {
        conversation.unread++
        tx.ops.push(store.messageIndexOp(lane.peerHex, record.id, { in: index }, true))
      } else {
        shown.sentFrom = toHex(direction.sentFrom)
        tx.ops.push(store.messageIndexOp(lane.peerHex, record.id, index, true))
      }
      conversation.lastActivity = Math.max(conversation.lastActivity, record.storedAt)
      tx.conversationDirty = true
      tx.history.set(index, shown)
      // Found by id like any record of the conversation (message actions, delete for me).
      tx.indexes.set(record.id, index)
      tx.feed.push({ kind: 'added', index })
      tx.after.push(() => init.emit('message:received', messageView(lane.peerId, shown)))
      return true
    })
  }
}
