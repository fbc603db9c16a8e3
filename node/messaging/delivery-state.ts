/**
 * The delivery state of what we sent: acks from the peer's node, its receipts, refusals (on
 * a stream or as a notice in the mailbox), mailbox replica counts, and failure. Each change
 * moves the history records of the texts concerned and takes items out of the outbox.
 *
 * Guarantees, and how:
 * - states only move forward (queued -> stored -> delivered -> read, or failed), checked by
 *   `isStateAdvance` before each change; each change is stored and then emitted as
 *   `message:state`, after its batch committed;
 * - a refusal costs one new session, never more: a text refused once is encrypted again in
 *   a fresh session (a refused bundle is taken apart, each text going again on its own, so
 *   one the peer cannot take fails without the others); refused again, it fails;
 * - a refusal notice concerns an envelope only while it is still encrypted in the session
 *   the notice names, so a text encrypted again after a refusal that came another way is not
 *   refused twice;
 * - an item leaves the outbox with its mailbox copy withdrawn and its ack timer cleared, once
 *   the batch that dropped it committed.
 */
import { fromBase64, toHex } from '../../protocol/bytes.ts'
import { encryptedUnder, textsOf } from '../../protocol/dm-outbox.ts'
import type {
  DeliveryState,
  MailboxReplicas,
  MessageStateChange,
} from '../../protocol/local-api.ts'
import {
  type DmAck,
  DmAckStatus,
  type DmRefusalNotice,
  decodeInnerMessage,
  encodeInnerMessage,
  isStateAdvance,
  type ReceiptContent,
} from '../../protocol/messaging.ts'
import type { HistoryRecord } from './message-store.ts'
import { newOutboxItem, replaceInOutbox } from './outbox.ts'
import {
  type LaneState,
  type LaneTransaction,
  type OutboxItem,
  type PeerLane,
  touch,
} from './peer-lane.ts'
import { PeerSessions } from './peer-sessions.ts'
import { FailureReason, type PipelineContext } from './pipeline-context.ts'

export interface DeliveryStateDeps {
  /** Encrypts an outbox item with the active session, or leaves it for the next (outbound.ts). */
  encrypt(lane: PeerLane, tx: LaneTransaction, state: LaneState, item: OutboxItem): void
  /** Sends an item: directly, else to the mailbox (transmission.ts). */
  transmit(lane: PeerLane, item: OutboxItem): Promise<void>
  /** Stops keeping the item's mailbox copy alive once `tx` commits (transmission.ts). */
  withdrawDeposit(tx: LaneTransaction, item: OutboxItem): void
  /** Treats an envelope sent on a stream as unanswered: retry soon, deposit (transmission.ts). */
  ackTimedOut(lane: PeerLane, item: OutboxItem): void
}

export class DeliveryTracker {
  readonly #ctx: PipelineContext
  readonly #deps: DeliveryStateDeps

  constructor(ctx: PipelineContext, deps: DeliveryStateDeps) {
    this.#ctx = ctx
    this.#deps = deps
  }

  /** An ack from the peer's node for one of our envelopes. */
  handleAck(peer: Uint8Array, ack: DmAck): Promise<void> {
    return this.#takeAck(peer, ack)
  }

  /**
   * The stream that carried these envelopes (message ids in hex) closed before their acks
   * came: treated as their ack timeout, at once.
   */
  handleUnacked(peer: Uint8Array, ids: string[]): void {
    const lane = this.#ctx.lanes.get(toHex(peer))
    if (lane == null || this.#ctx.stopped) return
    for (const id of ids) {
      const item = lane.outbox.get(id)
      if (item?.inFlight === true && item.ackTimer != null) this.#deps.ackTimedOut(lane, item)
    }
  }

  /** The peer refused envelopes of ours that it collected from its mailbox. */
  async takeRefusalNotice(sender: Uint8Array | null, notice: DmRefusalNotice): Promise<void> {
    // Notices come only through a pairwise slot, whose writer the mailbox vouches for.
    if (sender == null) return
    const refusedSessionKey = toHex(notice.sessionKey)
    await Promise.all(
      notice.messageIds.map((messageId) =>
        this.#takeAck(
          sender,
          { messageId, status: DmAckStatus.REJECTED, reason: notice.reason } as DmAck,
          refusedSessionKey,
        ),
      ),
    )
  }

  /**
   * With `refusedSessionKey` (a refusal notice from the mailbox), the ack concerns the envelope
   * only while it is still encrypted in that session: one encrypted again after a refusal
   * that came another way must not be refused a second time.
   */
  async #takeAck(peer: Uint8Array, ack: DmAck, refusedSessionKey?: string): Promise<void> {
    if (this.#ctx.stopped) return
    const lane = this.#ctx.lanes.get(toHex(peer))
    const id = toHex(ack.messageId)
    const item = lane?.outbox.get(id)
    const concerned = () =>
      lane?.outbox.has(id) === true &&
      (refusedSessionKey == null || (item != null && encryptedUnder(item, refusedSessionKey)))
    if (lane == null || item == null || !concerned()) return
    clearTimeout(item.ackTimer)
    item.inFlight = false
    lane.directFailures = 0
    if (ack.status === DmAckStatus.RETRY_LATER) return
    const stored = ack.status === DmAckStatus.STORED || ack.status === DmAckStatus.DUPLICATE
    await lane.run(
      async (tx, state) => {
        if (!concerned()) return
        if (stored) {
          await this.delivered(lane, tx, id)
          return
        }
        this.#ctx.init.log('%s refused message %s: %s', lane.peerId, id, ack.reason)
        await this.#refused(lane, tx, state, item)
      },
      // The peer holds it durably: losing this record to a power cut only means sending it
      // again, which the peer answers as a duplicate.
      { sync: !stored },
    )
    const again = lane.outbox.get(id)
    if (again?.envelope != null) void this.#deps.transmit(lane, again)
  }

  /** A mailbox update: more replica holders confirmed a deposit. */
  async handleMailboxStored(slotId: string, replicas: MailboxReplicas): Promise<void> {
    const slot = this.#ctx.slots.get(slotId)
    const lane = slot == null ? undefined : this.#ctx.lanes.get(slot.peerHex)
    if (slot == null || lane == null) return
    await lane.run(async (tx) => {
      const item = lane.outbox.get(slot.id)
      if (item != null) await this.storedInMailbox(lane, tx, item, replicas)
    })
  }

  /** A deposit expired uncollected: the next retry deposits the message again. */
  async handleMailboxExpired(slotId: string): Promise<void> {
    const slot = this.#ctx.slots.get(slotId)
    const lane = slot == null ? undefined : this.#ctx.lanes.get(slot.peerHex)
    if (slot == null || lane == null) return
    this.#ctx.slots.delete(slotId)
    await lane.run(async (tx) => {
      const item = lane.outbox.get(slot.id)
      if (item == null || item.entry.slotId !== slotId) return
      touch(tx, item)
      item.entry.slotId = null
      tx.ops.push(this.#ctx.store.outboxOp(lane.peerHex, item.entry))
    })
  }

  /** A receipt from the peer: the texts its node stored, or how far its user read. */
  async applyReceipt(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    receipt: ReceiptContent,
  ): Promise<void> {
    if (receipt.type === 'delivered') {
      for (const messageId of receipt.messageIds) await this.delivered(lane, tx, toHex(messageId))
      return
    }
    const conversation = state.conversation
    const upTo = Math.min(receipt.readUpToSeq, conversation.nextOutSeq - 1)
    if (upTo <= conversation.peerReadUpToSeq) return
    const indexes = await this.#ctx.store.sentIndexes(
      lane.peerHex,
      conversation.peerReadUpToSeq,
      upTo,
    )
    conversation.peerReadUpToSeq = upTo
    tx.conversationDirty = true
    for (const index of indexes) {
      const record = await this.#history(lane, tx, index)
      if (record == null) continue
      const item = lane.outbox.get(record.id)
      if (item != null) this.dropFromOutbox(lane, tx, item)
      this.#setState(lane, tx, index, record, 'read')
    }
  }

  /**
   * Another device of the peer's account has our text `id` (device-fan-out.ts): its state
   * moves up to `next`, never back, so it reads "on at least one of the peer's devices".
   */
  async raise(peer: Uint8Array, id: string, next: DeliveryState): Promise<void> {
    const lane = this.#ctx.lane(peer)
    await lane.run(async (tx) => {
      const index = await this.#ctx.store.messageIndex(lane.peerHex, id)
      if (typeof index !== 'number') return
      const record = await this.#history(lane, tx, index)
      if (record?.direction === 'out') this.#setState(lane, tx, index, record, next)
    })
  }

  /**
   * Where our text `id` stands with the peer's own device (the copies for its other devices
   * have records of their own): in the outbox it waits (or sits in the mailbox); out of it,
   * that device acknowledged it, unless it failed; read once that device said so.
   */
  async ownDeviceState(peer: Uint8Array, id: string): Promise<DeliveryState | undefined> {
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx, state) => {
      const index = await this.#ctx.store.messageIndex(lane.peerHex, id)
      if (typeof index !== 'number') return undefined
      const record = await this.#history(lane, tx, index)
      if (record == null) return undefined
      const item = [...lane.outbox.values()].find((item) =>
        textsOf(item.entry).some((text) => text.index === index),
      )
      if (item != null) return item.entry.slotId != null ? 'stored' : 'queued'
      if (record.state === 'failed') return 'failed'
      return state.conversation.peerReadUpToSeq >= record.seq ? 'read' : 'delivered'
    })
  }

  /**
   * `peer` is a device its account revoked: what waits for it is dropped (never sent) and its
   * sessions are forgotten, so nothing new is encrypted for it.
   */
  async forgetDevice(peer: Uint8Array): Promise<void> {
    const lane = this.#ctx.lane(peer)
    await lane.run(async (tx, state) => {
      for (const item of [...lane.outbox.values()]) this.dropFromOutbox(lane, tx, item)
      if (state.sessions.active == null && state.sessions.previous.length === 0) return
      state.sessions = new PeerSessions()
      tx.sessionsDirty = true
    })
  }

  /** The peer's node has the message (ack or delivered receipt). */
  async delivered(lane: PeerLane, tx: LaneTransaction, id: string): Promise<void> {
    const item = lane.outbox.get(id)
    let indexes: number[]
    if (item != null) {
      indexes = textsOf(item.entry).map((text) => text.index)
    } else {
      const index = await this.#ctx.store.messageIndex(lane.peerHex, id)
      indexes = typeof index === 'number' ? [index] : []
    }
    // Read before the drop, which lets go of the records kept for this ack.
    const records = await this.#historyRecords(lane, tx, indexes)
    if (item != null) this.dropFromOutbox(lane, tx, item)
    for (const [index, record] of records) {
      if (record.direction === 'out') this.#setState(lane, tx, index, record, 'delivered')
    }
  }

  /** The peer's node could not read it: once, start a new session; twice, give up. */
  async #refused(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    item: OutboxItem,
  ): Promise<void> {
    if (item.entry.kind === 'receipt' || item.entry.resets >= 1) {
      await this.fail(lane, tx, item, FailureReason.refused)
      return
    }
    const active = state.sessions.active
    if (active != null && item.entry.baseKey === toHex(active.baseKey)) {
      state.sessions.resetActive()
      tx.sessionsDirty = true
    }
    if (item.entry.kind === 'bundle') {
      this.#unbundle(lane, tx, state, item)
      return
    }
    touch(tx, item)
    item.entry.resets++
    item.entry.envelope = null
    item.entry.baseKey = null
    item.envelope = null
    // The deposited copy is the refused envelope: the new one must be deposited in its place.
    this.#deps.withdrawDeposit(tx, item)
    this.#deps.encrypt(lane, tx, state, item)
    tx.ops.push(this.#ctx.store.outboxOp(lane.peerHex, item.entry))
  }

  /**
   * A refused bundle is taken apart: each of its texts goes again on its own (in the
   * bundle's place), so one the peer cannot take fails without the others.
   */
  #unbundle(lane: PeerLane, tx: LaneTransaction, state: LaneState, bundle: OutboxItem): void {
    const store = this.#ctx.store
    const inner = decodeInnerMessage(fromBase64(bundle.entry.content))
    const texts = bundle.entry.texts ?? []
    if (inner.kind !== 'bundle' || inner.texts.length !== texts.length) {
      throw new Error(`outbox entry ${bundle.entry.id} does not hold the bundle it names`)
    }
    tx.after.push(() => clearTimeout(bundle.ackTimer))
    this.#deps.withdrawDeposit(tx, bundle)
    tx.ops.push(store.outboxDeleteOp(lane.peerHex, bundle.entry.id))
    const singles = inner.texts.map((text, i) => {
      const item = newOutboxItem(state.conversation, {
        ...texts[i],
        kind: 'text',
        content: encodeInnerMessage(text),
        now: bundle.entry.createdAt,
      })
      item.entry.resets = bundle.entry.resets + 1
      return item
    })
    replaceInOutbox(lane, new Map([[bundle.entry.id, singles]]), new Set())
    for (const item of singles) {
      this.#deps.encrypt(lane, tx, state, item)
      tx.ops.push(store.outboxOp(lane.peerHex, item.entry))
      tx.after.push(() => void this.#deps.transmit(lane, item))
    }
  }

  /** The item can never be delivered: its texts are shown failed, with `reason`. */
  async fail(lane: PeerLane, tx: LaneTransaction, item: OutboxItem, reason: string): Promise<void> {
    const records = await this.#historyRecords(
      lane,
      tx,
      textsOf(item.entry).map((text) => text.index),
    )
    this.dropFromOutbox(lane, tx, item)
    for (const [index, record] of records) {
      this.#setState(lane, tx, index, record, 'failed', false, reason)
    }
    if (item.entry.kind === 'text' || item.entry.kind === 'bundle') {
      tx.after.push(() => this.#ctx.init.log.error('message %s failed: %s', item.entry.id, reason))
    }
  }

  dropFromOutbox(lane: PeerLane, tx: LaneTransaction, item: OutboxItem): void {
    tx.after.push(() => clearTimeout(item.ackTimer))
    lane.outbox.delete(item.entry.id)
    for (const text of textsOf(item.entry)) lane.state?.unackedHistory.delete(text.index)
    tx.ops.push(this.#ctx.store.outboxDeleteOp(lane.peerHex, item.entry.id))
    // Delivered some other way (or failed): the mailbox copy would only be fetched in vain.
    this.#deps.withdrawDeposit(tx, item)
  }

  /** `replicas` of the mailbox hold the item: its texts move to (or stay at, with more) stored. */
  async storedInMailbox(
    lane: PeerLane,
    tx: LaneTransaction,
    item: OutboxItem,
    replicas: MailboxReplicas,
  ): Promise<void> {
    if (replicas.confirmed < 1) return
    const indexes = textsOf(item.entry).map((text) => text.index)
    for (const [index, record] of await this.#historyRecords(lane, tx, indexes)) {
      const moreReplicas =
        record.state === 'stored' && (record.replicas?.confirmed ?? 0) < replicas.confirmed
      if (moreReplicas || isStateAdvance(record.state ?? 'queued', 'stored')) {
        record.replicas = replicas
        this.#setState(lane, tx, index, record, 'stored', true)
      }
    }
  }

  #setState(
    lane: PeerLane,
    tx: LaneTransaction,
    index: number,
    record: HistoryRecord,
    next: DeliveryState,
    force = false,
    failure?: string,
  ): void {
    if (!force && !isStateAdvance(record.state ?? 'queued', next)) return
    record.state = next
    if (failure != null) record.failure = failure
    else delete record.failure
    tx.history.set(index, record)
    const change: MessageStateChange = { id: record.id, peerId: lane.peerId, state: next }
    if (record.replicas != null) change.replicas = record.replicas
    if (failure != null) change.failure = failure
    tx.after.push(() => this.#ctx.init.emit('message:state', change))
  }

  /** The record at `index`: changed in this batch, kept in memory, or read from disk. */
  async #history(
    lane: PeerLane,
    tx: LaneTransaction,
    index: number,
  ): Promise<HistoryRecord | undefined> {
    const cached =
      tx.history.get(index) ??
      lane.state?.recentHistory.get(index) ??
      lane.state?.unackedHistory.get(index)
    return cached ?? (await this.#ctx.store.history(lane.peerHex, index))
  }

  /** The records found at `indexes`, by index. */
  async #historyRecords(
    lane: PeerLane,
    tx: LaneTransaction,
    indexes: number[],
  ): Promise<Array<[number, HistoryRecord]>> {
    const records: Array<[number, HistoryRecord]> = []
    for (const index of indexes) {
      const record = await this.#history(lane, tx, index)
      if (record != null) records.push([index, record])
    }
    return records
  }
}
