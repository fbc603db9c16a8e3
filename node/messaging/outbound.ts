/**
 * What we send a peer, up to the moment it is ready to leave: texts and social messages from
 * the API, receipts, and what waits in the outbox for a retry. Each becomes an outbox item
 * in the peer's lane; at the batch's end the texts sent in it are sealed (encrypted, several
 * as one bundle) with the active session, and handed to transmission.ts once committed.
 *
 * Guarantees, and how:
 * - on disk before anything leaves: an item, its history record and the session that
 *   encrypted it are written in the lane's batch; sending happens in `tx.after`;
 * - the order the peer sees is the order of `send`: seqs are taken in the lane, one batch at
 *   a time, and the outbox keeps send order (outbox.ts), a bundle in its first text's place;
 * - every text names the lowest seq we may still deliver (`resolvedBelow`), so the peer
 *   stops waiting for one that failed;
 * - nothing waits on a network lookup: without a session the item stays queued, unencrypted,
 *   and transmission.ts starts one outside the lane.
 */
import { bytesEqual, fromBase64, fromHex, toHex } from '../../protocol/bytes.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import { bundleGroups, lowestPendingSeq, mayTransmit, retryPlan } from '../../protocol/dm-outbox.ts'
import { MAX_ATTACHMENT_CAPTION_SIZE, MAX_DM_TEXT_SIZE } from '../../protocol/limits.ts'
import type { DeliveryState, SendMessageResponse } from '../../protocol/local-api.ts'
import type { WireAction } from '../../protocol/message-actions.ts'
import {
  type DmEnvelope,
  encodeBundle,
  encodeEnvelope,
  encodeInnerMessage,
  type TextContent,
  textSize,
} from '../../protocol/messaging.ts'
import type { AttachmentContent, TextStyle } from '../../protocol/rich-content.ts'
import { InvalidMessageTextError, InvalidRecipientError } from './errors.ts'
import { type HistoryRecord, storedAttachment } from './message-store.ts'
import { newOutboxItem, replaceInOutbox } from './outbox.ts'
import {
  type LaneState,
  type LaneTransaction,
  type OutboxItem,
  type PeerLane,
  touch,
} from './peer-lane.ts'
import {
  checkRunning,
  DEFAULT_GIVE_UP_AFTER_MS,
  FailureReason,
  type PipelineContext,
} from './pipeline-context.ts'

/** What a text may carry besides its words. */
export interface TextExtras {
  style?: TextStyle
  attachment?: AttachmentContent
  /** The id of the message it answers. */
  replyTo?: Uint8Array
  /** Forwarded from another conversation. */
  forwarded?: boolean
}

/** A receipt for the peer: which of its texts we stored, or how far we read. */
export type ReceiptRequest =
  | { type: 'delivered'; messageIds: Uint8Array[] }
  | { type: 'read'; readUpToSeq: number }

/** A text queued as the copy of another for one more device of an account. */
export interface TextCopy {
  /** Derived from the copied text's id and the device, so queuing it twice is harmless. */
  messageId: Uint8Array
  /** The text it copies: the peer (hex) it was sent to and its id. */
  of: { peer: string; id: string }
  /** For our own account's other devices: the peer the text went to. */
  sentTo?: Uint8Array
}

export interface OutboundDeps {
  /** Sends an item: directly, else to the mailbox (transmission.ts). */
  transmit(lane: PeerLane, item: OutboxItem): Promise<void>
  /** Starts a session from the peer's prekey bundle, outside the lane (transmission.ts). */
  startSession(lane: PeerLane, options?: { now?: boolean }): void
  /** Shows the item's texts failed and drops it (delivery-state.ts). */
  fail(lane: PeerLane, tx: LaneTransaction, item: OutboxItem, reason: string): Promise<void>
}

export class Outbound {
  readonly #ctx: PipelineContext
  readonly #deps: OutboundDeps

  constructor(ctx: PipelineContext, deps: OutboundDeps) {
    this.#ctx = ctx
    this.#deps = deps
  }

  /**
   * Queues a text; it is on disk (state `queued`) when this resolves. With `copy`, it is the
   * copy of a text for another device of an account (device-fan-out.ts): it takes the id the
   * copy names, and a second call with that id queues nothing.
   */
  async send(
    peer: Uint8Array,
    text: string,
    extras: TextExtras = {},
    copy?: TextCopy,
  ): Promise<SendMessageResponse> {
    checkRunning(this.#ctx)
    if (bytesEqual(peer, this.#ctx.myKey)) {
      throw new InvalidRecipientError('you cannot send a message to yourself')
    }
    const size = textSize(text)
    if (size === 0 && extras.attachment == null) {
      throw new InvalidMessageTextError('the message is empty')
    }
    if (extras.attachment != null && size > MAX_ATTACHMENT_CAPTION_SIZE) {
      throw new InvalidMessageTextError(
        `the text is ${size} bytes; at most ${MAX_ATTACHMENT_CAPTION_SIZE} bytes go with a file`,
      )
    }
    if (size > MAX_DM_TEXT_SIZE) {
      throw new InvalidMessageTextError(
        `the message is ${size} bytes; at most ${MAX_DM_TEXT_SIZE} bytes of text fit in one message`,
      )
    }
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx, state) => {
      const conversation = state.conversation
      const now = Date.now()
      const messageId = copy?.messageId ?? randomBytes(16)
      const id = toHex(messageId)
      // Queued already: in this batch or an earlier one (the fan-out may ask twice at once).
      if (
        copy != null &&
        (lane.outbox.has(id) || (await this.#ctx.store.messageIndex(lane.peerHex, id)) != null)
      ) {
        return { id, peerId: lane.peerId, seq: 0, state: 'queued' as DeliveryState }
      }
      const index = conversation.nextIndex++
      const seq = this.#queueText(lane, tx, state, {
        messageId,
        sentAtMs: now,
        text,
        index,
        ...extras,
        sentTo: copy?.sentTo,
        copyOf: copy == null ? undefined : fromHex(copy.of.id),
      })
      tx.feed.push({ kind: 'added', index })
      tx.indexes.set(id, index)
      const record: HistoryRecord = {
        id,
        direction: 'out',
        seq,
        text,
        sentAt: now,
        storedAt: now,
        state: 'queued',
      }
      if (extras.style != null) record.style = extras.style
      if (extras.replyTo != null) record.replyTo = toHex(extras.replyTo)
      if (extras.forwarded === true) record.forwarded = true
      if (copy != null) record.copyOf = copy.of
      if (extras.attachment != null) {
        // Our own copy needs neither the key nor the bytes: the attachments store has both.
        const { key: _key, inline: _inline, ...kept } = storedAttachment(extras.attachment)
        record.attachment = kept
      }
      tx.history.set(index, record)
      state.unackedHistory.set(index, record)
      tx.ops.push(this.#ctx.store.messageIndexOp(lane.peerHex, id, index, true))
      tx.sentSeqs.push([seq, index])
      return { id, peerId: lane.peerId, seq, state: 'queued' as DeliveryState }
    })
  }

  /**
   * Queues an action on an earlier message (message-actions.ts) in a lane job: a text with
   * the next seq, so it reaches the peer once and after its target, but no history record of
   * its own (index 0: delivery states find nothing to move). With `copy`, it is the copy of
   * our action for another device (device-fan-out.ts), under an id of its own that is the
   * same each time it is queued (a copy still in the outbox is not queued twice), and with
   * `sentTo` for a device of our account, naming the peer it went to. Returns its id.
   */
  queueAction(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    action: WireAction,
    text: string,
    sentAtMs: number,
    copy?: { messageId: Uint8Array; sentTo?: Uint8Array },
  ): string {
    const messageId = copy?.messageId ?? randomBytes(16)
    const id = toHex(messageId)
    if (lane.outbox.has(id)) return id
    this.#queueText(lane, tx, state, {
      messageId,
      sentAtMs,
      text,
      index: 0,
      action,
      sentTo: copy?.sentTo,
    })
    return id
  }

  /** Takes the next seq for a text and puts it in the outbox, to be sealed at the batch's end. */
  #queueText(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    fields: Omit<TextContent, 'seq' | 'resolvedBelow'> & { index: number },
  ): number {
    const { index, ...content } = fields
    const conversation = state.conversation
    const seq = conversation.nextOutSeq++
    const resolvedBelow = lowestPendingSeq(lane.outbox.values()) ?? seq
    const encoded = encodeInnerMessage({ kind: 'text', ...content, seq, resolvedBelow })
    const id = toHex(content.messageId)
    const item = newOutboxItem(conversation, {
      id,
      kind: 'text',
      seq,
      index,
      content: encoded,
      now: content.sentAtMs,
    })
    // Encrypted at the batch's end, together with the texts sent beside it (sealFresh).
    lane.outbox.set(id, item)
    tx.freshTexts.push(item)
    conversation.lastActivity = content.sentAtMs
    tx.conversationDirty = true
    return seq
  }

  /**
   * Queues a social message (an encoded FriendMessage) or a call signal (an encoded
   * CallSignal) like a text: encrypted, sent directly or through the mailbox, retried until
   * the peer's node has it (a call signal: while the call could still ring). On disk when
   * this resolves.
   */
  async sendControl(
    peer: Uint8Array,
    kind: 'social' | 'call',
    payload: Uint8Array,
  ): Promise<{ id: string }> {
    checkRunning(this.#ctx)
    if (bytesEqual(peer, this.#ctx.myKey)) {
      throw new InvalidRecipientError('you cannot send a message to yourself')
    }
    const lane = this.#ctx.lane(peer)
    const item = await lane.run(async (tx, state) => {
      const messageId = randomBytes(16)
      const now = Date.now()
      const content = encodeInnerMessage({ kind, messageId, sentAtMs: now, payload })
      const item = newOutboxItem(state.conversation, {
        id: toHex(messageId),
        kind,
        content,
        now,
      })
      tx.conversationDirty = true
      this.#enqueue(lane, tx, state, item)
      return item
    })
    void this.#deps.transmit(lane, item)
    return { id: item.entry.id }
  }

  /**
   * Sends again what waits in the outbox (all peers, or one that just connected): encrypts
   * entries that had no session yet, retransmits the rest, deposits in the mailbox what the
   * peer did not ack, and fails what is past the give-up time.
   */
  async retry(peer?: Uint8Array): Promise<void> {
    if (this.#ctx.stopped) return
    const lanes =
      peer == null
        ? [...this.#ctx.lanes.values()]
        : [this.#ctx.lanes.get(toHex(peer))].filter((lane) => lane != null)
    const giveUpAfter = this.#ctx.init.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS
    await Promise.all(
      lanes.map(async (lane) => {
        const plan = retryPlan(lane.outbox.values(), Date.now(), giveUpAfter)
        if (plan.considered === 0) return
        const { expired, unsealed: unencrypted } = plan
        if (expired.length > 0 || unencrypted.length > 0) {
          await lane.run(async (tx, state) => {
            for (const item of expired) await this.#deps.fail(lane, tx, item, FailureReason.expired)
            const waiting = unencrypted.filter(
              (item) => lane.outbox.has(item.entry.id) && item.envelope == null,
            )
            if (waiting.length === 0) return
            if (state.sessions.active == null) tx.after.push(() => this.#deps.startSession(lane))
            else this.seal(lane, tx, state, waiting, { stored: true })
          })
        }
        // The peer just connected: it has published a bundle by now, or is about to.
        if (peer != null && unencrypted.length > 0) this.#deps.startSession(lane, { now: true })
        for (const item of lane.outbox.values()) {
          if (mayTransmit(item)) void this.#deps.transmit(lane, item)
        }
      }),
    )
  }

  /** Queues a receipt for the peer, sent like any message once on disk. */
  async queueReceipt(lane: PeerLane, receipt: ReceiptRequest): Promise<void> {
    const item = await lane.run(async (tx, state) => {
      const messageId = randomBytes(16)
      const content = encodeInnerMessage({ kind: 'receipt', messageId, ...receipt })
      const item = newOutboxItem(state.conversation, {
        id: toHex(messageId),
        kind: 'receipt',
        content,
        now: Date.now(),
      })
      if (receipt.type === 'read') state.conversation.readReceiptSentUpTo = receipt.readUpToSeq
      tx.conversationDirty = true
      this.#enqueue(lane, tx, state, item)
      return item
    })
    void this.#deps.transmit(lane, item)
  }

  /** A new outbox entry: encrypted if a session is up, kept in memory and written with `tx`. */
  #enqueue(lane: PeerLane, tx: LaneTransaction, state: LaneState, item: OutboxItem): void {
    this.encrypt(lane, tx, state, item)
    lane.outbox.set(item.entry.id, item)
    tx.ops.push(this.#ctx.store.outboxOp(lane.peerHex, item.entry))
  }

  /**
   * Encrypts outbox items that wait for it with the active session and writes their entries.
   * Texts next to each other go as bundles: up to MAX_BUNDLE_TEXTS under one ratchet message,
   * so one envelope, one ack and one mailbox deposit serve them all (a burst, or what waited
   * for a session). Each bundle takes the outbox place of its first text. `stored`: the items
   * have entries on disk already (the bundled ones are deleted). Returns what is ready to send.
   */
  seal(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    items: OutboxItem[],
    { stored }: { stored: boolean },
  ): OutboxItem[] {
    const sealed: OutboxItem[] = []
    /** Bundles by the id of their first text, and the ids of every bundled text. */
    const bundles = new Map<string, OutboxItem[]>()
    const bundled = new Set<string>()
    for (const group of bundleGroups(items)) {
      if (group.length === 1) {
        sealed.push(group[0])
        continue
      }
      const bundleId = randomBytes(16)
      const content = encodeBundle(
        bundleId,
        group.map((item) => fromBase64(item.entry.content)),
      )
      const first = group[0].entry
      const bundle = newOutboxItem(state.conversation, {
        id: toHex(bundleId),
        kind: 'bundle',
        content,
        now: first.createdAt,
        order: first.order,
      })
      bundle.entry.texts = group.map(({ entry }) => ({
        id: entry.id,
        seq: entry.seq,
        index: entry.index,
        order: entry.order,
      }))
      for (const item of group) {
        bundled.add(item.entry.id)
        if (stored) tx.ops.push(this.#ctx.store.outboxDeleteOp(lane.peerHex, item.entry.id))
      }
      bundles.set(first.id, [bundle])
      sealed.push(bundle)
    }
    if (bundles.size > 0 && stored) {
      replaceInOutbox(lane, bundles, bundled)
    } else if (bundles.size > 0) {
      // Fresh texts are the newest in the outbox: they and their bundles go last, in order,
      // without walking the rest of it.
      for (const item of items) lane.outbox.delete(item.entry.id)
      for (const item of sealed) lane.outbox.set(item.entry.id, item)
    }
    for (const item of sealed) {
      this.encrypt(lane, tx, state, item)
      tx.ops.push(this.#ctx.store.outboxOp(lane.peerHex, item.entry))
    }
    return sealed
  }

  /**
   * Encrypts the entry's content with the active session. Without one, the entry stays
   * queued, unencrypted, and a session is started from the peer's prekey bundle outside the
   * lane (fetching it can take long; nothing else for the peer should wait on it).
   */
  encrypt(lane: PeerLane, tx: LaneTransaction, state: LaneState, item: OutboxItem): void {
    const sessions = state.sessions
    if (sessions.active == null) {
      tx.after.push(() => this.#deps.startSession(lane))
      return
    }
    const { message, baseKey } = sessions.encrypt(fromBase64(item.entry.content))
    tx.sessionsDirty = true
    touch(tx, item)
    const envelope: DmEnvelope = {
      messageId: Uint8Array.from(Buffer.from(item.entry.id, 'hex')) as DmEnvelope['messageId'],
      sender: Uint8Array.from(this.#ctx.myKey) as DmEnvelope['sender'],
      header: message.header as DmEnvelope['header'],
      ciphertext: message.ciphertext as DmEnvelope['ciphertext'],
    }
    item.envelope = envelope
    item.entry.envelope = Buffer.from(encodeEnvelope(envelope)).toString('base64')
    item.entry.baseKey = toHex(baseKey)
  }

  /**
   * At a batch's end: seals the texts sent in it, to leave once it is committed; without a
   * session they are written unencrypted and one is started.
   */
  sealFresh(lane: PeerLane, tx: LaneTransaction, state: LaneState): void {
    if (tx.freshTexts.length === 0) return
    if (state.sessions.active == null) {
      // Kept unencrypted until the session starts.
      for (const item of tx.freshTexts) {
        tx.ops.push(this.#ctx.store.outboxOp(lane.peerHex, item.entry))
      }
      tx.after.push(() => this.#deps.startSession(lane))
      return
    }
    for (const item of this.seal(lane, tx, state, tx.freshTexts, { stored: false })) {
      tx.after.push(() => void this.#deps.transmit(lane, item))
    }
  }
}
