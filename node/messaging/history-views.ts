/**
 * What the API reads of 1:1 conversations, and the user's own changes to them: the inbox,
 * history pages, marking read (and the read receipt it sends), clearing a history, and
 * letting go of the history a quiet conversation kept in memory.
 *
 * Guarantees, and how:
 * - a view is never older than what was shown: it reads a conversation's in-memory state
 *   (its lane's, as of the last committed batch) before the stored one;
 * - changes go through the peer's lane like any other, so they commit with the batch they
 *   ran in and never race a message being taken in;
 * - clearing keeps counters, dedup ids, held texts and the outbox: the conversation goes on
 *   in order and what we sent is still delivered.
 */

import { toHex } from '../../protocol/bytes.ts'
import { MAX_HISTORY_PAGE } from '../../protocol/limits.ts'
import type {
  ConversationSummary,
  HistoryResponse,
  MarkReadResponse,
} from '../../protocol/local-api.ts'
import { peerIdOf } from '../identity/index.ts'
import { messageView, newConversation } from './message-store.ts'
import type { ReceiptRequest } from './outbound.ts'
import type { PeerLane } from './peer-lane.ts'
import { checkRunning, type PipelineContext } from './pipeline-context.ts'
import { withQueuedReason } from './queued-reason.ts'

export interface HistoryViewsDeps {
  /** Queues a receipt for the peer (outbound.ts). */
  queueReceipt(lane: PeerLane, receipt: ReceiptRequest): Promise<void>
}

export class HistoryViews {
  readonly #ctx: PipelineContext
  readonly #deps: HistoryViewsDeps

  constructor(ctx: PipelineContext, deps: HistoryViewsDeps) {
    this.#ctx = ctx
    this.#deps = deps
  }

  /** Marks every shown text from the peer read and, if enabled, tells the peer. */
  async markRead(peer: Uint8Array): Promise<MarkReadResponse> {
    checkRunning(this.#ctx)
    const lane = this.#ctx.lane(peer)
    const upTo = await lane.run(async (tx, state) => {
      const conversation = state.conversation
      const upTo = conversation.expectedInSeq - 1
      if (conversation.unread !== 0 || conversation.readUpToSeq !== upTo) {
        conversation.unread = 0
        conversation.readUpToSeq = upTo
        tx.conversationDirty = true
      }
      return upTo
    })
    const conversation = lane.state?.conversation
    if (
      (this.#ctx.init.readReceipts ?? true) &&
      conversation != null &&
      upTo > conversation.readReceiptSentUpTo
    ) {
      await this.#deps.queueReceipt(lane, { type: 'read', readUpToSeq: upTo })
    }
    return { peerId: lane.peerId, readUpToSeq: upTo }
  }

  async inbox(): Promise<ConversationSummary[]> {
    const store = this.#ctx.store
    const conversations = await store.conversations()
    const summaries = await Promise.all(
      [...conversations].map(async ([peerHex, stored]) => {
        const lane = this.#ctx.lanes.get(peerHex)
        const conversation = lane?.state?.conversation ?? stored
        const peerId =
          lane?.peerId ?? peerIdOf({ publicKey: Buffer.from(peerHex, 'hex') }).toString()
        const [latest] = await store.historyPage(peerHex, 1)
        return {
          summary: {
            peerId,
            unread: conversation.unread,
            held: conversation.held,
            latest: latest == null ? null : messageView(peerId, latest.record),
          },
          lastActivity: conversation.lastActivity,
        }
      }),
    )
    return summaries.sort((a, b) => b.lastActivity - a.lastActivity).map(({ summary }) => summary)
  }

  /**
   * Drops the cached history of conversations quiet for `quietMs` (no batch, nothing in the
   * outbox): a busy conversation keeps its latest records in memory so acks and receipts
   * need no read, and a node up for months would otherwise keep them for every peer it ever
   * talked to. A later receipt reads its record from the database. Returns how many records
   * were dropped.
   */
  forgetQuietHistory(quietMs: number): number {
    let dropped = 0
    for (const lane of this.#ctx.lanes.values()) {
      const cached = lane.state?.recentHistory
      if (cached == null || cached.size === 0 || !lane.quietFor(quietMs)) continue
      dropped += cached.size
      cached.clear()
    }
    return dropped
  }

  /**
   * Deletes the peer's history here. Counters, dedup ids, held texts and the outbox stay, so
   * the conversation goes on in order and what we sent is still delivered.
   */
  async clearHistory(peer: Uint8Array): Promise<{ peerId: string; deleted: number }> {
    checkRunning(this.#ctx)
    const store = this.#ctx.store
    const lane = this.#ctx.lane(peer)
    const deleted = await lane.run(async (tx, state) => {
      const indexes = new Set([...(await store.historyIndexes(lane.peerHex)), ...tx.history.keys()])
      tx.history.clear()
      state.recentHistory.clear()
      state.unackedHistory.clear()
      for (const index of indexes) tx.ops.push(store.historyDeleteOp(lane.peerHex, index))
      tx.feed.push({ kind: 'cleared' })
      const conversation = state.conversation
      conversation.unread = 0
      conversation.readUpToSeq = conversation.expectedInSeq - 1
      tx.conversationDirty = true
      return indexes.size
    })
    return { peerId: lane.peerId, deleted }
  }

  async history(
    peer: Uint8Array,
    options: { limit?: number; before?: number } = {},
  ): Promise<HistoryResponse> {
    const store = this.#ctx.store
    const peerHex = toHex(peer)
    const lane = this.#ctx.lanes.get(peerHex)
    const peerId = lane?.peerId ?? peerIdOf({ publicKey: peer }).toString()
    const conversation =
      lane?.state?.conversation ?? (await store.conversation(peerHex)) ?? newConversation()
    const limit = Math.min(Math.max(1, options.limit ?? 50), MAX_HISTORY_PAGE)
    const page = await store.historyPage(peerHex, limit, options.before)
    const oldest = page[0]?.index
    const older = oldest != null && (await store.lowestIndex(peerHex)) !== oldest
    return {
      peerId,
      messages: page.map(({ record }) =>
        withQueuedReason(messageView(peerId, record), lane?.outbox),
      ),
      held: conversation.held,
      unread: conversation.unread,
      nextBefore: older ? oldest! : null,
    }
  }
}
