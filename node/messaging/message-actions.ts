/**
 * Message actions in 1:1 conversations (doc/message-actions.md): edit, recall and react, sent
 * by the user or received from the peer; delete for me; the quotes a history page shows
 * above replies.
 *
 * Guarantees, and how:
 * - an action reaches the peer once and after the message it acts on: it is a text with the
 *   next seq (outbound.ts `queueAction`), ordered and deduplicated with the texts, so its
 *   target, which its sender had, is always here first; one that finds no target (deleted
 *   here) is dropped with a log line;
 * - both ends apply the same rule (protocol/message-actions.ts `judgeAction`): the sender's
 *   node refuses with a typed error, the receiver ignores (log line) what the rule refuses, so
 *   only the author edits or recalls, and a recall past the window changes nothing there;
 * - the effect is stored, not the action: the target's record is rewritten in the batch that
 *   takes the action in (an edited text, a recalled one without its text, style or file);
 * - `message:updated` is emitted on both sides once the batch is on disk.
 */
import { fromHex } from '../../protocol/bytes.ts'
import { MalformedMessageError } from '../../protocol/errors.ts'
import { MAX_QUOTE_PREVIEW_LENGTH, RECALL_WINDOW_MS } from '../../protocol/limits.ts'
import type { MessageView } from '../../protocol/local-api.ts'
import {
  type ActionType,
  checkReaction,
  judgeAction,
  withReaction,
} from '../../protocol/message-actions.ts'
import {
  ActionPermissionError,
  InvalidMessageTextError,
  MessageNotFoundError,
  RecallTooLateError,
} from './errors.ts'
import { type HeldRecord, type HistoryRecord, messageView } from './message-store.ts'
import type { LaneState, LaneTransaction, PeerLane } from './peer-lane.ts'
import { checkRunning, type PipelineContext } from './pipeline-context.ts'

/** An action the user asks for; `text` for an edit, `emoji` for a reaction ('' removes it). */
export interface ActionRequest {
  type: ActionType
  text?: string
  emoji?: string
}

export interface MessageActionsDeps {
  /** Queues the action for the peer as its next text (outbound.ts). */
  queueAction(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    action: { type: ActionType; target: Uint8Array; emoji?: string },
    text: string,
    sentAtMs: number,
  ): void
}

export class MessageActions {
  readonly #ctx: PipelineContext
  readonly #deps: MessageActionsDeps

  constructor(ctx: PipelineContext, deps: MessageActionsDeps) {
    this.#ctx = ctx
    this.#deps = deps
  }

  /**
   * Applies the user's action on message `id` of the conversation with `peer` and queues it
   * for the peer; resolves with the message as it is now, once on disk. Throws
   * MessageNotFoundError, ActionPermissionError, RecallTooLateError, InvalidMessageTextError.
   */
  async act(peer: Uint8Array, id: string, request: ActionRequest): Promise<MessageView> {
    checkRunning(this.#ctx)
    if (request.type === 'react') {
      try {
        checkReaction(request.emoji ?? '')
      } catch (err) {
        if (err instanceof MalformedMessageError) throw new InvalidMessageTextError(err.message)
        throw err
      }
    }
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx, state) => {
      const found = await this.#find(lane, tx, state, id)
      if (found == null) throw new MessageNotFoundError(`no message ${id} in this conversation`)
      const now = Date.now()
      const text = request.type === 'edit' ? (request.text ?? '') : ''
      const verdict = judgeAction(
        { type: request.type, sentAt: now, text },
        targetFacts(found.record, 'out'),
        this.#recallWindowMs,
      )
      if (!verdict.ok) throw refusal(request.type, found.record, verdict.reason)
      const emoji = request.type === 'react' ? (request.emoji ?? '') : undefined
      this.#deps.queueAction(
        lane,
        tx,
        state,
        { type: request.type, target: fromHex(id), emoji },
        text,
        now,
      )
      return this.#apply(lane, tx, found, { type: request.type, text, emoji, sentAt: now }, 'out')
    })
  }

  /** Takes in an action the peer sent, in its turn (inbound.ts, when its seq is shown). */
  async receive(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    held: HeldRecord & { action: NonNullable<HeldRecord['action']> },
  ): Promise<void> {
    const { action } = held
    const log = this.#ctx.init.log
    const found = await this.#find(lane, tx, state, action.target)
    if (found == null) {
      log('%s from %s names message %s, not here: dropped', action.type, lane.peerId, action.target)
      return
    }
    const verdict = judgeAction(
      { type: action.type, sentAt: held.sentAt, text: held.text },
      targetFacts(found.record, 'in'),
      this.#recallWindowMs,
    )
    if (!verdict.ok) {
      log.error(
        'refused %s from %s on %s: %s',
        action.type,
        lane.peerId,
        action.target,
        verdict.reason,
      )
      return
    }
    this.#apply(
      lane,
      tx,
      found,
      { type: action.type, text: held.text, emoji: action.emoji, sentAt: held.sentAt },
      'in',
    )
  }

  /**
   * Deletes messages `ids` of the conversation with `peer` on this node only; their ids stay
   * known, so a copy arriving again is still a duplicate. Returns how many were deleted.
   */
  async deleteForMe(peer: Uint8Array, ids: string[]): Promise<number> {
    checkRunning(this.#ctx)
    const { store } = this.#ctx
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx, state) => {
      let deleted = 0
      for (const id of new Set(ids)) {
        const found = await this.#find(lane, tx, state, id)
        if (found == null) continue
        tx.history.delete(found.index)
        state.recentHistory.delete(found.index)
        state.unackedHistory.delete(found.index)
        tx.ops.push(store.historyDeleteOp(lane.peerHex, found.index))
        if (found.record.direction === 'in') {
          tx.ops.push(store.messageIndexOp(lane.peerHex, id, 'in'))
        }
        deleted++
      }
      return deleted
    })
  }

  /** Fills in what a page's replies quote, from the messages still here. */
  async quote(peerHex: string, messages: MessageView[]): Promise<void> {
    const store = this.#ctx.store
    for (const message of messages) {
      const reply = message.replyTo
      if (reply == null) continue
      const index = await store.recordIndex(peerHex, reply.id)
      const record = index == null ? undefined : await store.history(peerHex, index)
      if (record == null) continue
      reply.direction = record.direction
      if (record.recalled === true) reply.recalled = true
      else reply.text = [...record.text].slice(0, MAX_QUOTE_PREVIEW_LENGTH).join('')
      if (record.attachment != null) reply.attachmentName = record.attachment.name
    }
  }

  get #recallWindowMs(): number {
    return this.#ctx.init.recallWindowMs ?? RECALL_WINDOW_MS
  }

  /** The record of message `id` either way: changed in this batch, cached, or stored. */
  async #find(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    id: string,
  ): Promise<{ index: number; record: HistoryRecord } | undefined> {
    const index = tx.indexes.get(id) ?? (await this.#ctx.store.recordIndex(lane.peerHex, id))
    if (index == null) return undefined
    const record =
      tx.history.get(index) ??
      state.recentHistory.get(index) ??
      state.unackedHistory.get(index) ??
      (await this.#ctx.store.history(lane.peerHex, index))
    return record == null ? undefined : { index, record }
  }

  /** Rewrites the target's record with the action's effect; `who` acted ('out': we did). */
  #apply(
    lane: PeerLane,
    tx: LaneTransaction,
    { index, record }: { index: number; record: HistoryRecord },
    action: { type: ActionType; text: string; emoji?: string; sentAt: number },
    who: 'in' | 'out',
  ): MessageView {
    let next: HistoryRecord
    if (action.type === 'edit') {
      next = { ...record, text: action.text, editedAt: action.sentAt }
    } else if (action.type === 'recall') {
      // What the author took back goes from the record: words, look, file, reply, reactions.
      const {
        style: _s,
        attachment: _a,
        replyTo: _r,
        reactions: _x,
        forwarded: _f,
        editedAt: _e,
        ...kept
      } = record
      next = { ...kept, text: '', recalled: true }
    } else {
      next = { ...record }
      const reactions = withReaction(record.reactions, who, action.emoji ?? '')
      if (reactions == null) delete next.reactions
      else next.reactions = reactions
    }
    tx.history.set(index, next)
    if (action.type !== 'react') tx.feed.push({ kind: 'changed', index })
    const state = lane.state
    if (state?.unackedHistory.has(index) === true) state.unackedHistory.set(index, next)
    const view = messageView(lane.peerId, next)
    tx.after.push(() => this.#ctx.init.emit('message:updated', view))
    return view
  }
}

function targetFacts(record: HistoryRecord, actor: 'in' | 'out') {
  return {
    byActor: record.direction === actor && record.keyChange == null,
    sentAt: record.sentAt,
    recalled: record.recalled === true,
    hasAttachment: record.attachment != null,
  }
}

function refusal(type: ActionType, record: HistoryRecord, reason: string): Error {
  if (type === 'recall' && record.direction === 'out' && record.recalled !== true) {
    return new RecallTooLateError(reason)
  }
  if (type === 'edit' && record.direction === 'out' && record.recalled !== true) {
    return new InvalidMessageTextError(reason)
  }
  return new ActionPermissionError(reason)
}
