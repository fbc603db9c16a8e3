/**
 * What arrives from a peer, directly or from the mailbox: checked, decrypted, deduplicated,
 * ordered and stored in the peer's lane, with the answer for its sender (an ack status).
 *
 * Guarantees, and how:
 * - the sender is who delivered it: a stream's remote identity or the mailbox slot's sender
 *   must be the envelope's; then the ratchet authenticates it;
 * - exactly once: the ids of received texts are kept per peer; a copy (retransmission, the
 *   mailbox copy of something that came directly, a replay) is answered DUPLICATE and never
 *   shown twice; a copy of a ratchet message is caught by the ratchet whatever its id;
 * - in order: a text ahead of the next expected seq is stored and held, not shown, until the
 *   gap fills; gaps are waited for, never skipped, unless the sender says no text below
 *   `resolved_below` is still coming (the rule is pure code in protocol/dm-order.ts);
 * - a one-time prekey starts one session only, even with lanes of several peers at once: an
 *   authenticated start claims it node-wide until the batch deleting it commits;
 * - bad input is answered REJECTED with a stable code, never thrown; a step that throws
 *   after decryption rolls the whole batch back (peer-lane.ts), so the copy decrypts again.
 */
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import { heldToShow, mayBeTakenIn, placeText } from '../../protocol/dm-order.ts'
import {
  type BundleContent,
  DmAckStatus,
  type DmEnvelope,
  decodeInnerMessage,
  type InnerMessage,
  type ReceiptContent,
  type TextContent,
} from '../../protocol/messaging.ts'
import {
  type HeldRecord,
  type HistoryRecord,
  messageView,
  storedAttachment,
} from './message-store.ts'
import type { LaneState, LaneTransaction, PeerLane } from './peer-lane.ts'
import { isHostileRejection, ReceiveRejection } from './peer-sessions.ts'
import {
  checkRunning,
  DEFAULT_MAX_HELD,
  type PipelineContext,
  type ReceiveOutcome,
  type ReceiveSource,
} from './pipeline-context.ts'

export interface InboundDeps {
  /** Takes in an action on an earlier message, in its seq's turn (message-actions.ts). */
  applyAction(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    held: HeldRecord & { action: NonNullable<HeldRecord['action']> },
  ): Promise<void>
  /** Applies a receipt the peer sent for our texts (delivery-state.ts). */
  applyReceipt(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    receipt: ReceiptContent,
  ): Promise<void>
}

export class Inbound {
  readonly #ctx: PipelineContext
  readonly #deps: InboundDeps
  /** One-time prekeys that accepted session starts use, until deleted (see #claimOneTimePrekey). */
  readonly #claimedOneTimePrekeys = new Set<number>()

  constructor(ctx: PipelineContext, deps: InboundDeps) {
    this.#ctx = ctx
    this.#deps = deps
  }

  /**
   * Runs one envelope through decryption, dedup, ordering and storage. Resolves once the
   * result is on disk, with what to answer the sender. Never throws for bad input.
   */
  async receive(envelope: DmEnvelope, source: ReceiveSource): Promise<ReceiveOutcome> {
    checkRunning(this.#ctx)
    const log = this.#ctx.init.log
    const early = this.#checkSender(envelope, source)
    if (early != null) {
      log.error(
        'rejected envelope %s (%s): %s',
        toHex(envelope.messageId),
        source.kind,
        early.reason,
      )
      return early
    }
    if (this.#ctx.init.social?.isBlocked(envelope.sender) === true) {
      // Answered like any stored message, so a blocked peer cannot tell and stops resending.
      log('dropped %s from a blocked peer', toHex(envelope.messageId))
      return { status: DmAckStatus.STORED }
    }
    const lane = this.#ctx.lane(envelope.sender)
    const outcome = await lane.run((tx, state) => this.#receiveInLane(lane, tx, state, envelope))
    if (outcome.status === DmAckStatus.REJECTED) {
      log.error(
        'rejected envelope %s from %s (%s): %s',
        toHex(envelope.messageId),
        lane.peerId,
        source.kind,
        outcome.reason,
      )
    } else if (outcome.status === DmAckStatus.DUPLICATE) {
      log('dropped duplicate %s from %s', toHex(envelope.messageId), lane.peerId)
    }
    return outcome
  }

  #checkSender(envelope: DmEnvelope, source: ReceiveSource): ReceiveOutcome | undefined {
    if (source.sender != null && !bytesEqual(source.sender, envelope.sender)) {
      return rejected(
        new ReceiveRejection(
          'forged-sender',
          `envelope claims sender ${toHex(envelope.sender)} but came from ${toHex(source.sender)}`,
        ),
      )
    }
    if (bytesEqual(envelope.sender, this.#ctx.myKey)) {
      return rejected(
        new ReceiveRejection('forged-sender', 'envelope claims to come from ourselves'),
      )
    }
    return undefined
  }

  async #receiveInLane(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    envelope: DmEnvelope,
  ): Promise<ReceiveOutcome> {
    const { init, sessions } = this.#ctx
    const id = toHex(envelope.messageId)
    if (tx.receivedIds.has(id)) return { status: DmAckStatus.DUPLICATE, text: true }
    let plaintext: Uint8Array
    try {
      const result = await state.sessions.decrypt(envelope.header, envelope.ciphertext, {
        identity: init.identity,
        peerKey: lane.peerKey,
        prekeys: init.prekeys,
        isBaseKeyAccepted: async (baseKey) =>
          tx.acceptedBaseKeys.has(toHex(baseKey)) ||
          (await sessions.isBaseKeyAccepted(lane.peerHex, baseKey)),
        claimOneTimePrekey: (id) => this.#claimOneTimePrekey(tx, id),
      })
      plaintext = result.plaintext
      if (result.acceptedBaseKey != null) {
        tx.acceptedBaseKeys.add(toHex(result.acceptedBaseKey))
        tx.ops.push(sessions.acceptedBaseKeyOp(lane.peerHex, result.acceptedBaseKey))
      }
    } catch (err) {
      if (!(err instanceof ReceiveRejection)) throw err
      // A copy of a text taken in, perhaps on a session dropped since: answered as one.
      if (await this.#isStoredText(lane, id)) return { status: DmAckStatus.DUPLICATE, text: true }
      // The ratchet knows this message: a copy of something already taken in.
      if (err.code === 'replayed-message') return { status: DmAckStatus.DUPLICATE }
      return rejected(err)
    }
    // From here the session has moved on: it is committed whatever the content turns out to be.
    tx.sessionsDirty = true
    const conversation = state.conversation
    if (!conversation.heardFrom) {
      conversation.heardFrom = true
      tx.conversationDirty = true
    }
    let inner: InnerMessage
    try {
      inner = decodeInnerMessage(plaintext)
    } catch (err) {
      return rejected(new ReceiveRejection('malformed', (err as Error).message))
    }
    if (!bytesEqual(inner.messageId, envelope.messageId)) {
      return rejected(
        new ReceiveRejection('malformed', 'the envelope and the message inside name different ids'),
      )
    }
    if (inner.kind === 'receipt') {
      await this.#deps.applyReceipt(lane, tx, state, inner)
      return { status: DmAckStatus.STORED }
    }
    if (inner.kind === 'social') {
      const social = init.social
      if (social == null) {
        return rejected(new ReceiveRejection('malformed', 'this node takes no social messages'))
      }
      // Stored by the friends component before the session commits: a crash in between
      // makes the peer send it again, which the component takes idempotently.
      await social.receive(lane.peerKey, inner.payload, inner.sentAtMs)
      return { status: DmAckStatus.STORED, social: true }
    }
    if (inner.kind === 'call') {
      // Only friends call: a stranger's signal is taken (acked) and dropped by the calls part.
      if (init.calls == null) {
        return rejected(new ReceiveRejection('malformed', 'this node takes no call signals'))
      }
      init.calls.receive(lane.peerKey, inner.payload, inner.sentAtMs)
      return { status: DmAckStatus.STORED }
    }
    if (inner.kind === 'bundle') return this.#takeBundle(lane, tx, state, inner, id)
    return this.#takeText(lane, tx, state, inner, id)
  }

  /**
   * Takes a bundle's texts in order, each like a text of its own. One the node must refuse
   * refuses the bundle, the texts before it kept: the sender then sends each text again on
   * its own, and those come back as duplicates.
   */
  async #takeBundle(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    bundle: BundleContent,
    id: string,
  ): Promise<ReceiveOutcome> {
    let stored = false
    for (const text of bundle.texts) {
      const outcome = await this.#takeText(lane, tx, state, text, toHex(text.messageId))
      if (outcome.status === DmAckStatus.REJECTED) return outcome
      if (outcome.status === DmAckStatus.STORED) stored = true
    }
    // Its id too is known from now on: a copy that finds its session gone is a duplicate.
    tx.receivedIds.add(id)
    tx.ops.push(this.#ctx.store.messageIndexOp(lane.peerHex, id, 'in'))
    return { status: stored ? DmAckStatus.STORED : DmAckStatus.DUPLICATE, text: true }
  }

  async #takeText(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    inner: TextContent,
    id: string,
  ): Promise<ReceiveOutcome> {
    const { init, store } = this.#ctx
    if (tx.receivedIds.has(id)) return { status: DmAckStatus.DUPLICATE, text: true }
    const conversation = state.conversation
    const seq = inner.seq
    // A text taken in before is shown (seq below the next expected) or held, so only then can
    // it be a copy under a fresh ratchet message (sent again after a refusal): the common
    // case, a text ahead of everything stored, needs no database read.
    if (
      mayBeTakenIn(seq, conversation.expectedInSeq, state.held) &&
      (await this.#isStoredText(lane, id))
    ) {
      return { status: DmAckStatus.DUPLICATE, text: true }
    }
    if (inner.resolvedBelow > conversation.expectedInSeq) {
      await this.#resolveGap(lane, tx, state, inner.resolvedBelow)
    }
    const record: HeldRecord = {
      id,
      seq,
      text: inner.text,
      sentAt: inner.sentAtMs,
      storedAt: Date.now(),
    }
    if (inner.style != null) record.style = inner.style
    if (inner.sentTo != null) record.sentTo = toHex(inner.sentTo)
    if (inner.copyOf != null) record.origin = toHex(inner.copyOf)
    if (inner.attachment != null) record.attachment = storedAttachment(inner.attachment)
    if (inner.replyTo != null) record.replyTo = toHex(inner.replyTo)
    if (inner.forwarded === true) record.forwarded = true
    if (inner.action != null) {
      const { type, target, emoji } = inner.action
      record.action = { type, target: toHex(target) }
      if (emoji != null) record.action.emoji = emoji
    }
    const maxHeld = init.maxHeldPerConversation ?? DEFAULT_MAX_HELD
    const placement = placeText(seq, conversation.expectedInSeq, state.held, maxHeld)
    if (placement === 'seq-taken') {
      return rejected(
        new ReceiveRejection('malformed', `a different message with seq ${seq} is already held`),
      )
    }
    if (placement === 'held-limit') {
      return {
        ...rejected(
          new ReceiveRejection('malformed', `over ${maxHeld} messages wait for an earlier one`),
        ),
        code: 'held-limit',
      }
    }
    if (placement === 'hold') {
      state.held.set(seq, record)
      conversation.held = state.held.size
      tx.conversationDirty = true
      tx.ops.push(
        store.heldOp(lane.peerHex, record),
        store.messageIndexOp(lane.peerHex, id, 'in', true),
      )
      tx.receivedIds.add(id)
      init.log(
        'holding %s seq %d from %s until seq %d arrives',
        id,
        seq,
        lane.peerId,
        conversation.expectedInSeq,
      )
      return { status: DmAckStatus.STORED, text: true }
    }
    if (seq < conversation.expectedInSeq) {
      // Only a sender that lost its history reuses a seq; showing beats losing the message.
      init.log('%s sent seq %d again (expected %d)', lane.peerId, seq, conversation.expectedInSeq)
    }
    await this.#show(lane, tx, state, record, true)
    tx.receivedIds.add(id)
    await this.#releaseHeld(lane, tx, state)
    return { status: DmAckStatus.STORED, text: true }
  }

  async #isStoredText(lane: PeerLane, id: string): Promise<boolean> {
    return (await this.#ctx.store.messageIndex(lane.peerHex, id)) === 'in'
  }

  /**
   * Lanes of different peers run at once, and each peeks a one-time prekey before any
   * deletes it: the claim makes the first authenticated start its only user. The prekey is
   * deleted in the batch that commits the session, so a crash cannot leave it usable; the
   * claim is released once that batch is committed (the key is gone) or has failed.
   */
  #claimOneTimePrekey(tx: LaneTransaction, id: number): boolean {
    const prekeys = this.#ctx.init.prekeys
    if (this.#claimedOneTimePrekeys.has(id)) return false
    this.#claimedOneTimePrekeys.add(id)
    tx.ops.push(prekeys.deleteOneTimePrekeyOp(id))
    tx.undo.push(() => this.#claimedOneTimePrekeys.delete(id))
    tx.after.push(() => {
      this.#claimedOneTimePrekeys.delete(id)
      prekeys.oneTimePrekeyDeleted(id)
    })
    return true
  }

  /**
   * The sender says no text below `resolvedBelow` is still coming (it failed, or we lost it
   * with our data): show what is held below it, in order, and stop waiting for the rest.
   */
  async #resolveGap(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    resolvedBelow: number,
  ): Promise<void> {
    const conversation = state.conversation
    this.#ctx.init.log(
      '%s will not send seqs %d..%d we lack: not waiting for them',
      lane.peerId,
      conversation.expectedInSeq,
      resolvedBelow - 1,
    )
    await this.#releaseHeld(lane, tx, state, resolvedBelow)
  }

  /**
   * Shows the held texts that may go now, in seq order (protocol/dm-order.ts): the next in
   * line, and with `resolvedBelow` first every one below it.
   */
  async #releaseHeld(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    resolvedBelow?: number,
  ): Promise<void> {
    const conversation = state.conversation
    const { show, expected } = heldToShow(state.held, conversation.expectedInSeq, resolvedBelow)
    for (const seq of show) {
      const next = state.held.get(seq)!
      state.held.delete(seq)
      tx.ops.push(this.#ctx.store.heldDeleteOp(lane.peerHex, seq))
      await this.#show(lane, tx, state, next)
    }
    conversation.expectedInSeq = expected
    conversation.held = state.held.size
    tx.conversationDirty = true
  }

  /**
   * Shows a text in its turn; an action takes effect on its target instead. `arrived`: it
   * came in this batch, never held, so its id has no entry yet.
   */
  async #show(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    held: HeldRecord,
    arrived = false,
  ): Promise<void> {
    const conversation = state.conversation
    if (held.action != null) {
      conversation.expectedInSeq = Math.max(conversation.expectedInSeq, held.seq + 1)
      tx.conversationDirty = true
      tx.ops.push(this.#ctx.store.messageIndexOp(lane.peerHex, held.id, 'in', arrived))
      await this.#deps.applyAction(lane, tx, state, { ...held, action: held.action })
      return
    }
    const index = conversation.nextIndex++
    tx.feed.push({ kind: 'added', index })
    conversation.expectedInSeq = Math.max(conversation.expectedInSeq, held.seq + 1)
    conversation.unread++
    conversation.lastActivity = held.storedAt
    tx.conversationDirty = true
    const record: HistoryRecord = { ...held, direction: 'in' }
    tx.history.set(index, record)
    tx.indexes.set(held.id, index)
    tx.ops.push(this.#ctx.store.messageIndexOp(lane.peerHex, held.id, { in: index }, arrived))
    tx.after.push(() => this.#ctx.init.emit('message:received', messageView(lane.peerId, record)))
  }
}

function rejected(rejection: ReceiveRejection): ReceiveOutcome {
  return {
    status: DmAckStatus.REJECTED,
    reason: rejection.message,
    code: rejection.code,
    hostile: isHostileRejection(rejection.code),
  }
}
