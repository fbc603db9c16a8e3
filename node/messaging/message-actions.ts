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
 * - on every device of both accounts (doc/accounts.md, "Actions across devices"): an action
 *   names its target by the id every device of the account knows (`syncId`), each device finds
 *   it under that id or as its own copy of it, copies go to the other devices (`copyAction`:
 *   the action is kept as due for copies in its own batch and forgotten once they are queued,
 *   so a crash between the two queues them at start, each copy once),
 *   and one whose target is not shown here yet waits for it (waiting-actions.ts); an edit
 *   older than the one shown changes nothing, so devices that got two edits in either order
 *   agree;
 * - the effect is stored, not the action: the target's record is rewritten in the batch that
 *   takes the action in (an edited text, a recalled one without its text, style or file);
 * - `message:updated` is emitted on both sides once the batch is on disk.
 */
import { fromHex, toHex } from '../../protocol/bytes.ts'
import { MalformedMessageError } from '../../protocol/errors.ts'
import { MAX_QUOTE_PREVIEW_LENGTH, RECALL_WINDOW_MS } from '../../protocol/limits.ts'
import type { MessageView } from '../../protocol/local-api.ts'
import {
  type ActionType,
  checkReaction,
  judgeAction,
  type WireAction,
  withReaction,
} from '../../protocol/message-actions.ts'
import { copyId } from './device-fan-out.ts'
import type { BatchOp } from './durable-writer.ts'
import {
  ActionPermissionError,
  InvalidMessageTextError,
  MessageNotFoundError,
  RecallTooLateError,
} from './errors.ts'
import {
  type HeldRecord,
  type HistoryRecord,
  messageView,
  type SentAction,
  type WaitingAction,
} from './message-store.ts'
import type { LaneState, LaneTransaction, PeerLane } from './peer-lane.ts'
import { checkRunning, type PipelineContext } from './pipeline-context.ts'
import { syncId } from './synced-marks.ts'
import { WaitingActions } from './waiting-actions.ts'

/** An action the user asks for; `text` for an edit, `emoji` for a reaction ('' removes it). */
export interface ActionRequest {
  type: ActionType
  text?: string
  emoji?: string
}

/** Where an action that arrived from another device of an account acts, and who acted. */
export interface ActionHome {
  peer: Uint8Array
  who: 'in' | 'out'
}

export interface MessageActionsDeps {
  /** Queues the action for the peer as its next text (outbound.ts); returns its id. */
  queueAction(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    action: WireAction,
    text: string,
    sentAtMs: number,
  ): string
}

/** What a delete for me took away: how many texts, and the files they carried (ids, hex). */
export interface DeletedForMe {
  deleted: number
  files: string[]
}

export class MessageActions {
  readonly #ctx: PipelineContext
  readonly #deps: MessageActionsDeps
  readonly #waiting: WaitingActions

  constructor(ctx: PipelineContext, deps: MessageActionsDeps) {
    this.#ctx = ctx
    this.#deps = deps
    this.#waiting = new WaitingActions(ctx.store, ctx.init.log)
  }

  /**
   * Reads the actions that waited for their target when the node stopped; returns the ops
   * that drop those too old. Then call `applyWaitingEverywhere`.
   */
  loadWaiting(): Promise<BatchOp[]> {
    return this.#waiting.load()
  }

  /** Applies what waits in every conversation (at start: a target may have come meanwhile). */
  applyWaitingEverywhere(): void {
    for (const peerHex of this.#waiting.peers()) this.#applySoon(fromHex(peerHex))
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
    const { view, sent } = await lane.run(async (tx, state) => {
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
      // The peer (and every other device) knows the target by its common id.
      const target = syncId(found.record)
      const action = { type: request.type, target: fromHex(target), emoji }
      const actionId = this.#deps.queueAction(lane, tx, state, action, text, now)
      const view = this.#apply(
        lane,
        tx,
        found,
        { type: request.type, text, emoji, sentAt: now },
        'out',
      )
      const sent: SentAction = {
        id: actionId,
        type: request.type,
        target,
        text,
        sentAt: now,
      }
      if (emoji != null) sent.emoji = emoji
      // Kept with the action, so a crash before its copies are queued queues them at start.
      if (this.#ctx.init.copyAction != null) {
        tx.ops.push(this.#ctx.store.copiesDueOp(lane.peerHex, sent))
      }
      return { view, sent }
    })
    await this.#queueCopies(lane, sent)
    return view
  }

  /** Queues the copies of our actions that a stop or crash left unqueued (at start). */
  async queueCopiesDue(): Promise<void> {
    for (const [peerHex, sent] of await this.#ctx.store.copiesDue()) {
      await this.#queueCopies(this.#ctx.lane(fromHex(peerHex)), sent)
    }
  }

  /**
   * Queues the copies of `sent` for the other devices of both accounts, then forgets it. A
   * failure leaves it to the next start; queueing it twice queues each copy once.
   */
  async #queueCopies(lane: PeerLane, sent: SentAction): Promise<void> {
    const copyAction = this.#ctx.init.copyAction
    if (copyAction == null || this.#ctx.stopped) return
    try {
      await copyAction(lane.peerKey, sent)
      await lane.run(async (tx) => {
        tx.ops.push(this.#ctx.store.copiesQueuedOp(lane.peerHex, sent.id))
      })
    } catch (err) {
      this.#ctx.init.log.error(
        'copying a %s to other devices failed: %s',
        sent.type,
        (err as Error).message,
      )
    }
  }

  /**
   * Takes in an action that arrived, in its seq's turn (inbound.ts). From the peer about its
   * own conversation, it acts here now; from another device of an account (a friend's, or
   * ours naming the peer it went to), it acts in the conversation that shows its target, in
   * that conversation's lane once this batch is on disk. Either way, one whose target is not
   * shown yet waits for it.
   */
  async receive(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    held: HeldRecord & { action: NonNullable<HeldRecord['action']> },
  ): Promise<void> {
    const { action } = held
    const sentTo = held.sentTo == null ? undefined : fromHex(held.sentTo)
    const home = this.#ctx.init.actionHome?.(lane.peerKey, sentTo)
    if (home === null) {
      this.#ctx.init.log('%s from %s names no conversation: dropped', action.type, lane.peerId)
      return
    }
    const waiting: WaitingAction = {
      id: held.id,
      target: action.target,
      type: action.type,
      text: held.text,
      sentAt: held.sentAt,
      who: home?.who ?? 'in',
      storedAt: held.storedAt,
    }
    if (action.emoji != null) waiting.emoji = action.emoji
    if (home == null || toHex(home.peer) === lane.peerHex) {
      if ((await this.#take(lane, tx, state, waiting)) === 'missing') {
        this.#waiting.keep(tx, lane.peerHex, waiting)
      }
      return
    }
    this.#waiting.keep(tx, toHex(home.peer), waiting)
    tx.after.push(() => this.#applySoon(home.peer))
  }

  /**
   * A batch of `lane` is about to commit: when it shows a record an action waits for, the
   * action is applied once it is on disk.
   */
  noticeShown(lane: PeerLane, tx: LaneTransaction): void {
    if (this.#waiting.of(lane.peerHex).length === 0) return
    for (const change of tx.feed) {
      if (change.kind !== 'added') continue
      const record = tx.history.get(change.index)
      if (record != null && this.#waiting.awaits(lane.peerHex, syncId(record))) {
        tx.after.push(() => this.#applySoon(lane.peerKey))
        return
      }
    }
  }

  #applySoon(peer: Uint8Array): void {
    this.#applyWaiting(peer).catch((err: Error) => {
      if (!this.#ctx.stopped)
        this.#ctx.init.log.error('applying waiting actions failed: %s', err.message)
    })
  }

  /** Applies, in the conversation's lane, the actions waiting there whose target is shown. */
  async #applyWaiting(peer: Uint8Array): Promise<void> {
    if (this.#ctx.stopped) return
    const lane = this.#ctx.lane(peer)
    await lane.run(async (tx, state) => {
      const waiting = [...this.#waiting.of(lane.peerHex)].sort((a, b) => a.sentAt - b.sentAt)
      for (const action of waiting) {
        if ((await this.#take(lane, tx, state, action)) === 'done') {
          this.#waiting.drop(tx, lane.peerHex, action.id)
        }
      }
    })
  }

  /**
   * Applies `action` to its target in the lane's conversation: the record with its id, or this
   * device's copy of it. 'missing' when the target may still come (never shown here, nor held).
   */
  async #take(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    action: WaitingAction,
  ): Promise<'done' | 'missing'> {
    const log = this.#ctx.init.log
    const ids = [action.target, toHex(copyId(action.target, this.#ctx.myKey))]
    for (const id of ids) {
      const found = await this.#find(lane, tx, state, id)
      if (found == null) continue
      const verdict = judgeAction(
        action,
        targetFacts(found.record, action.who),
        this.#recallWindowMs,
      )
      if (!verdict.ok) {
        log.error('refused %s in %s on %s: %s', action.type, lane.peerId, id, verdict.reason)
      } else if (action.type === 'edit' && (found.record.editedAt ?? 0) > action.sentAt) {
        log('an edit of %s older than the one shown: ignored', id)
      } else {
        this.#apply(lane, tx, found, action, action.who)
      }
      return 'done'
    }
    if (await this.#mayStillCome(lane, tx, state, ids)) return 'missing'
    log('%s in %s names message %s, not here: dropped', action.type, lane.peerId, action.target)
    return 'done'
  }

  /** False once the conversation knew one of `ids` (deleted since, or its history cleared). */
  async #mayStillCome(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    ids: string[],
  ): Promise<boolean> {
    for (const held of state.held.values()) if (ids.includes(held.id)) return true
    for (const id of ids) {
      if (tx.indexes.has(id) || (await this.#ctx.store.messageIndex(lane.peerHex, id)) != null) {
        return false
      }
    }
    return true
  }

  /**
   * Deletes messages `ids` of the conversation with `peer` on this node only; their ids stay
   * known, so a copy arriving again is still a duplicate. Resolves with how many were
   * deleted and the ids of the files they carried.
   */
  async deleteForMe(peer: Uint8Array, ids: string[]): Promise<DeletedForMe> {
    checkRunning(this.#ctx)
    const { store } = this.#ctx
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx, state) => {
      let deleted = 0
      const files: string[] = []
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
        if (found.record.attachment != null) files.push(found.record.attachment.fileId)
        deleted++
      }
      return { deleted, files }
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
