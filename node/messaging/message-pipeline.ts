/**
 * The 1:1 message pipeline without the network: encrypt and queue what the user sends,
 * decrypt, deduplicate, order and store what arrives (directly or from the mailbox), and
 * track each sent message's delivery state. Streams (dm-channels.ts) and timers
 * (direct-messages.ts) drive it; unit tests drive it with stubs.
 *
 * This file is the facade: it owns the per-peer lanes and the writer they commit through,
 * and hands each call to the part that does it (doc/messaging.md, "Where a 1:1 text goes"):
 *
 *   outbound.ts        send, social messages, receipts, retry; seal (encrypt, bundle)
 *   transmission.ts    session start, direct send and ack timer, mailbox deposit, backoff
 *   delivery-state.ts  acks, receipts, refusals (and unbundling), mailbox replicas, failure
 *   inbound.ts         receive: sender check, decrypt, dedup, order and hold, show
 *   mailbox-intake.ts  what a collection brought, receipts and refusal notices back
 *   history-views.ts   inbox, history pages, mark read, clear, cached history
 *   message-actions.ts edit, recall, react (sent and received), delete for me, quotes
 *   mirrored-history.ts  a text shown in another conversation than it came in (devices)
 *   synced-marks.ts    read marks and deletions another device of our account made
 *   imported-history.ts  history another device of our account handed over
 *
 * Guarantees, and how:
 * - nothing acts before it is on disk: a lane batch commits (synced) before any ack, event or
 *   transmission it caused (peer-lane.ts; parts act in `tx.after`);
 * - nothing half-done: a job that throws, or a batch whose write fails, is rolled back (see
 *   peer-lane.ts); a part changes an outbox item only after `touch`, so the rollback can put
 *   it back, and leaves acts outside the lane (timers, withdrawals) to `tx.after`;
 * - exactly once, in order, honest delivery states: see inbound.ts and delivery-state.ts.
 */
import { fromBase64, fromHex, toHex } from '../../protocol/bytes.ts'
import type {
  ConversationSummary,
  DeliveryState,
  HistoryResponse,
  MailboxReplicas,
  MarkReadResponse,
  MessageView,
  SendMessageResponse,
} from '../../protocol/local-api.ts'
import type { WireAction } from '../../protocol/message-actions.ts'
import { type DmAck, type DmEnvelope, decodeEnvelope } from '../../protocol/messaging.ts'
import { peerIdOf } from '../identity/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import { conversationMoveOps, keyChangedRecord, ownKeyRotationOps } from './conversation-move.ts'
import { DeliveryTracker } from './delivery-state.ts'
import { copyId } from './device-fan-out.ts'
import { type BatchOp, DurableWriter } from './durable-writer.ts'
import { MessagingStoppedError } from './errors.ts'
import { HistoryFeed } from './history-feed.ts'
import { HistoryViews } from './history-views.ts'
import { ImportedHistory, type ImportedRecord, type ImportOutcome } from './imported-history.ts'
import { Inbound } from './inbound.ts'
import { type CollectCounts, MailboxIntake } from './mailbox-intake.ts'
import { type ActionRequest, type DeletedForMe, MessageActions } from './message-actions.ts'
import {
  type ConversationRecord,
  type HistoryRecord,
  MessageStore,
  messageView,
  newConversation,
  type OutboxEntry,
  type SentAction,
} from './message-store.ts'
import { MirroredHistory } from './mirrored-history.ts'
import { Outbound, type TextCopy, type TextExtras } from './outbound.ts'
import { type LaneState, type LaneTransaction, PeerLane } from './peer-lane.ts'
import {
  checkRunning,
  type MessagePipelineInit,
  type PipelineContext,
  type ReceiveOutcome,
  type ReceiveSource,
} from './pipeline-context.ts'
import type { CollectedEnvelope } from './ports.ts'
import { SessionStore } from './session-store.ts'
import { SyncedMarks } from './synced-marks.ts'
import { Transmission } from './transmission.ts'
import { sendWaitingTexts } from './waiting-texts.ts'

/**
 * History records kept in memory per conversation while it is busy (the lane drops them on
 * a failed write, and `forgetQuietHistory` once it is quiet): about 1.3 KB each.
 */
const RECENT_HISTORY_CACHED = 2_000

export class MessagePipeline {
  readonly #ctx: PipelineContext
  readonly #writer: DurableWriter
  readonly #lanes = new Map<string, PeerLane>()
  readonly #lifecycle = new ServiceLifecycle(
    () => new MessagingStoppedError('messaging is stopped; start the node again'),
  )
  readonly #outbound: Outbound
  readonly #transmission: Transmission
  readonly #delivery: DeliveryTracker
  readonly #inbound: Inbound
  readonly #intake: MailboxIntake
  readonly #views: HistoryViews
  readonly #mirrored: MirroredHistory
  readonly #imported: ImportedHistory
  readonly #actions: MessageActions
  /** What the history gained and lost, in order, for the parts that derive from it. */
  readonly feed: HistoryFeed
  /** Read marks and deletions from our account's other devices (own-device-sync.ts). */
  readonly marks: SyncedMarks

  constructor(init: MessagePipelineInit) {
    const pipeline = this
    this.#ctx = {
      init,
      store: new MessageStore(init.db),
      sessions: new SessionStore(init.db, init.identity),
      myKey: init.identity.publicKey,
      lanes: this.#lanes,
      lane: (peer) => this.#lane(peer),
      slots: new Map(),
      get stopped() {
        return !pipeline.#lifecycle.running
      },
    }
    this.#writer = new DurableWriter(init.db, { sync: init.syncWrites ?? true })
    this.feed = new HistoryFeed(init.db, this.#ctx.store, init.log)
    this.marks = new SyncedMarks(this.#ctx)
    // Each part names what it needs of the others; the closures reach them once all are built.
    this.#outbound = new Outbound(this.#ctx, {
      transmit: (lane, item) => this.#transmission.transmit(lane, item),
      startSession: (lane, options) => this.#transmission.startSession(lane, options),
      fail: (lane, tx, item, reason) => this.#delivery.fail(lane, tx, item, reason),
    })
    this.#transmission = new Transmission(this.#ctx, {
      seal: (lane, tx, state, items, options) =>
        this.#outbound.seal(lane, tx, state, items, options),
      retry: (peer) => this.#outbound.retry(peer),
      storedInMailbox: (lane, tx, item, replicas) =>
        this.#delivery.storedInMailbox(lane, tx, item, replicas),
    })
    this.#delivery = new DeliveryTracker(this.#ctx, {
      encrypt: (lane, tx, state, item) => this.#outbound.encrypt(lane, tx, state, item),
      transmit: (lane, item) => this.#transmission.transmit(lane, item),
      withdrawDeposit: (tx, item) => this.#transmission.withdrawDeposit(tx, item),
      ackTimedOut: (lane, item) => this.#transmission.ackTimedOut(lane, item),
    })
    this.#inbound = new Inbound(this.#ctx, {
      applyReceipt: (lane, tx, state, receipt) =>
        this.#delivery.applyReceipt(lane, tx, state, receipt),
      applyAction: (lane, tx, state, held) => this.#actions.receive(lane, tx, state, held),
    })
    this.#actions = new MessageActions(this.#ctx, {
      queueAction: (lane, tx, state, action, text, sentAtMs) =>
        this.#outbound.queueAction(lane, tx, state, action, text, sentAtMs),
    })
    this.#intake = new MailboxIntake(this.#ctx, {
      receive: (envelope, source) => this.#inbound.receive(envelope, source),
      takeRefusalNotice: (sender, notice) => this.#delivery.takeRefusalNotice(sender, notice),
      queueReceipt: (lane, receipt) => this.#outbound.queueReceipt(lane, receipt),
    })
    this.#views = new HistoryViews(this.#ctx, {
      queueReceipt: (lane, receipt) => this.#outbound.queueReceipt(lane, receipt),
    })
    this.#mirrored = new MirroredHistory(this.#ctx)
    this.#imported = new ImportedHistory(this.#ctx)
  }

  /** Loads every outbox entry left from the last run, so they are sent again. */
  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    await this.feed.start()
    for (const [peerHex, entries] of await this.#ctx.store.outbox()) {
      this.#loadOutbox(peerHex, entries)
    }
    const expired = await this.#actions.loadWaiting()
    if (expired.length > 0) await this.#writer.write(expired, { sync: true })
    this.#actions.applyWaitingEverywhere()
    await this.#actions.queueCopiesDue()
  }

  /**
   * A friend's account moved from `previous` to `current` (a key rotation friends took): its
   * conversation moves to the new key once the old key's lane is idle (conversation-move.ts),
   * and what waited for the old key is sent to the new one under a new session (when the new
   * key wrote first and the two stay apart, as new texts: waiting-texts.ts).
   */
  async moveConversation(previous: Uint8Array, current: Uint8Array): Promise<void> {
    const [oldHex, newHex] = [toHex(previous), toHex(current)]
    const { store, init } = this.#ctx
    await this.#lanes.get(oldHex)?.idle()
    // In the new key's lane, so a text from the new key that arrives meanwhile waits for the
    // move and lands after the moved history, never over it.
    const moved = await this.#lane(current).run(async (tx, state) => {
      // The new key has texts already (it wrote before this node took the statement): the
      // two stay apart rather than mix counters. Social messages leave no trace to keep.
      if (hasTexts(state.conversation) || state.held.size > 0 || tx.history.size > 0) return false
      const conversation = await store.conversation(oldHex)
      const ops = await conversationMoveOps(init.db, oldHex, newHex)
      if (conversation == null || ops.length === 0) return false
      tx.ops.push(...ops)
      state.conversation = conversation
      state.conversationIsNew = false
      state.held = await store.held(oldHex)
      state.recentHistory.clear()
      // The line that says so, after the moved history; the conversation record written
      // last in the batch counts it.
      const index = conversation.nextIndex++
      const line = keyChangedRecord(previous, current, Date.now())
      tx.history.set(index, line)
      tx.feed.push({ kind: 'added', index })
      tx.conversationDirty = true
      const peerId = peerIdOf({ publicKey: current }).toString()
      tx.after.push(() => init.emit('message:received', messageView(peerId, line)))
      return true
    })
    if (!moved) {
      // Kept apart: what waited for the old key goes to the new one (waiting-texts.ts).
      await sendWaitingTexts(this.#lanes.get(oldHex), {
        fail: (lane, tx, item, reason) => this.#delivery.fail(lane, tx, item, reason),
        send: (text, extras) => this.send(current, text, extras),
      })
      return
    }
    this.#lanes.delete(oldHex)
    for (const [slotId, slot] of this.#ctx.slots) {
      if (slot.peerHex === oldHex) this.#ctx.slots.delete(slotId)
    }
    const entries = (await store.outbox()).get(newHex)
    if (entries != null) this.#loadOutbox(newHex, entries)
    await this.retry(current)
  }

  /**
   * Our own key rotated and this node is about to stop, to start again under the new key:
   * sessions go and the outbox is readied for the new key (conversation-move.ts). Nothing is
   * sent after this: the pipeline stops first.
   */
  async retireOwnKey(): Promise<void> {
    await this.stop()
    await this.#writer.write(await ownKeyRotationOps(this.#ctx.init.db), { sync: true })
  }

  #loadOutbox(peerHex: string, entries: OutboxEntry[]): void {
    const lane = this.#lane(Buffer.from(peerHex, 'hex'))
    for (const entry of entries) {
      lane.outbox.set(entry.id, {
        entry,
        envelope: entry.envelope == null ? null : decodeEnvelope(fromBase64(entry.envelope)),
        inFlight: false,
        depositing: false,
      })
      if (entry.slotId != null) this.#ctx.slots.set(entry.slotId, { peerHex, id: entry.id })
    }
  }

  /** Nothing new starts and nothing leaves; resolves once the batches under way committed. */
  async stop(): Promise<void> {
    await this.#lifecycle.stop(() => this.#transmission.clearTimers())
    await this.idle()
    await this.feed.stop()
  }

  /** Resolves once no conversation has a batch running. */
  async idle(): Promise<void> {
    await Promise.all([...this.#lanes.values()].map((lane) => lane.idle()))
  }

  /** True once message `id` to `peer` left the outbox (acknowledged) or sits in the mailbox. */
  handedOver(peer: Uint8Array, id: string): boolean {
    const item = this.#lanes.get(toHex(peer))?.outbox.get(id)
    return item == null || item.entry.slotId != null
  }

  /** Peers with something in the outbox. */
  pendingPeers(): Uint8Array[] {
    return [...this.#lanes.values()]
      .filter((lane) => lane.outbox.size > 0)
      .map((lane) => lane.peerKey)
  }

  /** Every peer we have a conversation or a session with: whose mailbox slots to collect. */
  async knownPeers(): Promise<Uint8Array[]> {
    const peers = new Set([
      ...(await this.#ctx.store.conversations()).keys(),
      ...(await this.#ctx.sessions.peers()),
    ])
    return [...peers].map((hex) => Buffer.from(hex, 'hex'))
  }

  // Sending (outbound.ts).

  /** Queues a text (or, with `copy`, its copy for another device); on disk when this resolves. */
  send(
    peer: Uint8Array,
    text: string,
    extras: TextExtras = {},
    copy?: TextCopy,
  ): Promise<SendMessageResponse> {
    return this.#outbound.send(peer, text, extras, copy)
  }

  // Message actions (message-actions.ts).

  /** Edits, recalls or reacts to message `id`; resolves with it as it is now, once on disk. */
  act(peer: Uint8Array, id: string, request: ActionRequest): Promise<MessageView> {
    return this.#actions.act(peer, id, request)
  }

  /**
   * Queues our action for another device of an account (device-fan-out.ts), as the next text
   * in its lane; with `sentTo`, a device of our own account, naming the peer. On disk when
   * this resolves.
   */
  async queueAction(device: Uint8Array, sent: SentAction, sentTo?: Uint8Array): Promise<void> {
    checkRunning(this.#ctx)
    const lane = this.#lane(device)
    const action: WireAction = { type: sent.type, target: fromHex(sent.target), emoji: sent.emoji }
    const copy = { messageId: copyId(sent.id, device), sentTo }
    await lane.run(async (tx, state) => {
      this.#outbound.queueAction(lane, tx, state, action, sent.text, sent.sentAt, copy)
    })
  }

  /** Deletes messages on this node only: see MessageActions.deleteForMe. */
  deleteForMe(peer: Uint8Array, ids: string[]): Promise<DeletedForMe> {
    return this.#actions.deleteForMe(peer, ids)
  }

  /** Queues a social message (an encoded FriendMessage) like a text. */
  sendSocial(peer: Uint8Array, payload: Uint8Array): Promise<{ id: string }> {
    return this.#outbound.sendControl(peer, 'social', payload)
  }

  /** Queues a voice-call signal (an encoded CallSignal, node/calls) like a social message. */
  sendCall(peer: Uint8Array, payload: Uint8Array): Promise<{ id: string }> {
    return this.#outbound.sendControl(peer, 'call', payload)
  }

  /** Sends again what waits in the outbox: of every peer, or of one that just connected. */
  retry(peer?: Uint8Array): Promise<void> {
    return this.#outbound.retry(peer)
  }

  // Delivery state (delivery-state.ts).

  /** An ack from the peer's node for one of our envelopes. */
  handleAck(peer: Uint8Array, ack: DmAck): Promise<void> {
    return this.#delivery.handleAck(peer, ack)
  }

  /** The stream that carried these envelopes closed before their acks came. */
  handleUnacked(peer: Uint8Array, ids: string[]): void {
    this.#delivery.handleUnacked(peer, ids)
  }

  /** A mailbox update: more replica holders confirmed a deposit. */
  handleMailboxStored(slotId: string, replicas: MailboxReplicas): Promise<void> {
    return this.#delivery.handleMailboxStored(slotId, replicas)
  }

  /** A deposit expired uncollected: the next retry deposits the message again. */
  handleMailboxExpired(slotId: string): Promise<void> {
    return this.#delivery.handleMailboxExpired(slotId)
  }

  /** Another device of the peer's account has our text: see DeliveryTracker.raise. */
  raiseState(peer: Uint8Array, id: string, next: DeliveryState): Promise<void> {
    return this.#delivery.raise(peer, id, next)
  }

  /** A device its account revoked: see DeliveryTracker.forgetDevice. */
  forgetDevice(device: Uint8Array): Promise<void> {
    return this.#delivery.forgetDevice(device)
  }

  /** Where our text stands with the peer's own device: see DeliveryTracker.ownDeviceState. */
  ownDeviceState(peer: Uint8Array, id: string): Promise<DeliveryState | undefined> {
    return this.#delivery.ownDeviceState(peer, id)
  }

  // Receiving (inbound.ts, mailbox-intake.ts, mirrored-history.ts).

  /** Runs one envelope through the pipeline; resolves, once on disk, with the answer. */
  receive(envelope: DmEnvelope, source: ReceiveSource): Promise<ReceiveOutcome> {
    return this.#inbound.receive(envelope, source)
  }

  /** Takes what a mailbox collection brought (see mailbox-intake.ts). */
  collect(collected: CollectedEnvelope[]): Promise<CollectCounts> {
    return this.#intake.collect(collected)
  }

  /** Shows a text in another conversation than it came in: see MirroredHistory.add. */
  mirror(
    target: Uint8Array,
    record: HistoryRecord,
    direction: { in: true } | { sentFrom: Uint8Array },
  ): Promise<boolean> {
    return this.#mirrored.add(target, record, direction)
  }

  /** History another device of our account handed over: see ImportedHistory.add. */
  importHistory(peer: Uint8Array, records: ImportedRecord[]): Promise<ImportOutcome> {
    return this.#imported.add(peer, records)
  }

  /** Every conversation (peer key in hex, ascending) with its unread count, as of now. */
  async conversationHeads(): Promise<Array<{ peerHex: string; unread: number }>> {
    const stored = await this.#ctx.store.conversations()
    return [...stored]
      .map(([peerHex, record]) => ({
        peerHex,
        unread: (this.#lanes.get(peerHex)?.state?.conversation ?? record).unread,
      }))
      .sort((a, b) => (a.peerHex < b.peerHex ? -1 : a.peerHex > b.peerHex ? 1 : 0))
  }

  // Reading (history-views.ts).

  markRead(peer: Uint8Array): Promise<MarkReadResponse> {
    return this.#views.markRead(peer)
  }

  inbox(): Promise<ConversationSummary[]> {
    return this.#views.inbox()
  }

  forgetQuietHistory(quietMs: number): number {
    return this.#views.forgetQuietHistory(quietMs)
  }

  clearHistory(peer: Uint8Array): Promise<{ peerId: string; deleted: number }> {
    return this.#views.clearHistory(peer)
  }

  async history(
    peer: Uint8Array,
    options: { limit?: number; before?: number } = {},
  ): Promise<HistoryResponse> {
    const page = await this.#views.history(peer, options)
    await this.#actions.quote(toHex(peer), page.messages)
    return page
  }

  /** A page of the records stored with `peer`, newest first (device-mirror.ts walks them). */
  recordsPage(
    peer: Uint8Array,
    limit: number,
    before?: number,
  ): Promise<Array<{ index: number; record: HistoryRecord }>> {
    return this.#ctx.store.historyPage(toHex(peer), limit, before)
  }

  /** How many records are stored with `peer` before index `before`, none of them opened. */
  historyCount(peer: Uint8Array, before?: number): Promise<number> {
    return this.#ctx.store.historyCount(toHex(peer), before)
  }

  /** True when the conversation with `peer` holds a text with this id. */
  async holds(peer: Uint8Array, id: string): Promise<boolean> {
    return (await this.#ctx.store.messageIndex(toHex(peer), id)) != null
  }

  /** Our text or copy `id` to `peer`, as stored; undefined when there is none. */
  async sentRecord(peer: Uint8Array, id: string): Promise<HistoryRecord | undefined> {
    const peerHex = toHex(peer)
    const index = await this.#ctx.store.messageIndex(peerHex, id)
    if (typeof index !== 'number') return undefined
    const lane = this.#lanes.get(peerHex)
    return (
      lane?.state?.unackedHistory.get(index) ??
      lane?.state?.recentHistory.get(index) ??
      (await this.#ctx.store.history(peerHex, index))
    )
  }

  /** One history record as the API shows it (a feed entry names it); undefined once deleted. */
  async message(peerHex: string, index: number): Promise<MessageView | undefined> {
    const record = await this.#ctx.store.history(peerHex, index)
    if (record == null) return undefined
    const peerId =
      this.#lanes.get(peerHex)?.peerId ??
      peerIdOf({ publicKey: Buffer.from(peerHex, 'hex') }).toString()
    return messageView(peerId, record)
  }

  // Lanes.

  #lane(peer: Uint8Array): PeerLane {
    const peerHex = toHex(peer)
    let lane = this.#lanes.get(peerHex)
    if (lane == null) {
      const { store, sessions, init } = this.#ctx
      const peerKey = Uint8Array.from(peer)
      lane = new PeerLane(peerKey, peerIdOf({ publicKey: peerKey }).toString(), {
        load: async () => {
          const stored = await store.conversation(peerHex)
          return {
            conversation: stored ?? newConversation(),
            conversationIsNew: stored == null,
            sessions: await sessions.load(peerHex),
            held: await store.held(peerHex),
            recentHistory: new Map(),
            unackedHistory: new Map(),
          }
        },
        finish: (tx, state) => this.#finishBatch(lane as PeerLane, tx, state),
        commit: (ops, options) => this.#writer.write(ops, options),
        onAfterError: (err) =>
          init.log.error('after-commit action failed: %s', (err as Error).message),
      })
      this.#lanes.set(peerHex, lane)
    }
    return lane
  }

  /** A batch's last step: seal what was sent in it, then write what it changed. */
  #finishBatch(lane: PeerLane, tx: LaneTransaction, state: LaneState): BatchOp[] {
    const { store, sessions } = this.#ctx
    const peerHex = lane.peerHex
    this.#outbound.sealFresh(lane, tx, state)
    this.#actions.noticeShown(lane, tx)
    const ops: BatchOp[] = []
    // The feed's copy of these records waits for the commit; records this batch deletes or
    // moves (any other write to history) are read from the disk from now on.
    this.feed.forget(peerHex, tx.history.keys())
    for (const peer of store.historyPeersOf(tx.ops)) this.feed.forget(peer, 'all')
    if (tx.history.size > 0) tx.after.push(() => this.feed.remember(peerHex, tx.history))
    const added = new Set(
      tx.feed.flatMap((change) => (change.kind === 'added' ? [change.index] : [])),
    )
    for (const [index, record] of tx.history) {
      ops.push(store.historyOp(peerHex, index, record, added.has(index)))
      state.recentHistory.delete(index)
      state.recentHistory.set(index, record)
    }
    for (const index of state.recentHistory.keys()) {
      if (state.recentHistory.size <= RECENT_HISTORY_CACHED) break
      state.recentHistory.delete(index)
    }
    // Appended in the write that holds the records, with seqs taken as it is queued.
    const changes = tx.feed.filter(
      (change) => change.kind === 'cleared' || tx.history.has(change.index),
    )
    if (changes.length > 0) {
      ops.push(...this.feed.appendOps(peerHex, changes))
      tx.after.push(() => this.feed.appended())
    }
    if (tx.sentSeqs.length > 0) ops.push(store.sentSeqsOp(peerHex, tx.sentSeqs))
    if (tx.sessionsDirty) ops.push(sessions.saveOp(peerHex, state.sessions))
    if (tx.conversationDirty) ops.push(store.conversationOp(peerHex, state.conversation))
    return ops
  }
}

/** Whether a conversation holds texts (social messages leave no history and no seq). */
function hasTexts(conversation: ConversationRecord): boolean {
  const fresh = newConversation()
  return (
    conversation.nextIndex > fresh.nextIndex ||
    conversation.nextOutSeq > fresh.nextOutSeq ||
    conversation.expectedInSeq > fresh.expectedInSeq
  )
}
