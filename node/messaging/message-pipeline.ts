/**
 * The 1:1 message pipeline without the network: encrypt and queue what the user sends,
 * decrypt, deduplicate, order and store what arrives (directly or from the mailbox), and
 * track each sent message's delivery state. Streams (dm-channels.ts) and timers
 * (direct-messages.ts) drive it; unit tests drive it with stubs.
 *
 * Guarantees, and how:
 * - nothing acts before it is on disk: a lane batch commits (synced) before any ack, event or
 *   transmission it caused;
 * - nothing half-done: a job that throws, or a batch whose write fails, is rolled back (see
 *   peer-lane.ts); a job changes an outbox item only after `touch`, so the rollback can put
 *   it back, and leaves acts outside the lane (timers, withdrawals) to `tx.after`;
 * - exactly once: received text ids are kept per peer; a copy (retransmission, mailbox copy
 *   of a message that also came directly, replay) is acknowledged as a duplicate, never shown
 *   twice;
 * - in order: a text whose seq is ahead of the next expected one is held, stored but not
 *   shown, until the gap fills; gaps are waited for, never skipped;
 * - honest delivery states: queued -> stored (mailbox replicas) -> delivered (the peer's node
 *   stored it: ack or delivered receipt) -> read (read receipt); failed only when it can never
 *   be delivered (see FailureReason).
 */
import type { Logger } from '@libp2p/interface'
import { bytesEqual, fromBase64, toHex } from '../../protocol/bytes.ts'
import { randomBytes } from '../../protocol/crypto/index.ts'
import {
  MAX_ATTACHMENT_CAPTION_SIZE,
  MAX_DM_TEXT_SIZE,
  MAX_HISTORY_PAGE,
  MAX_RECEIPT_MESSAGE_IDS,
  MAX_REFUSAL_MESSAGE_IDS,
} from '../../protocol/limits.ts'
import type {
  ConversationSummary,
  DeliveryState,
  HistoryResponse,
  MailboxReplicas,
  MarkReadResponse,
  MessageStateChange,
  MessageView,
  SendMessageResponse,
} from '../../protocol/local-api.ts'
import {
  type BundleContent,
  type DmAck,
  DmAckStatus,
  type DmEnvelope,
  type DmRefusalNotice,
  decodeEnvelope,
  decodeInnerMessage,
  decodeMailboxItem,
  encodeBundle,
  encodeEnvelope,
  encodeInnerMessage,
  encodeRefusalNotice,
  type InnerMessage,
  isStateAdvance,
  MAX_ACK_REASON_LENGTH,
  type ReceiptContent,
  type TextContent,
  textSize,
} from '../../protocol/messaging.ts'
import type { AttachmentContent, TextStyle } from '../../protocol/rich-content.ts'
import { decodeMessageHeader, type PrekeyBundle } from '../../protocol/session/index.ts'
import { type Identity, peerIdOf } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'
import { type BatchOp, DurableWriter } from './durable-writer.ts'
import { InvalidMessageTextError, InvalidRecipientError, MessagingStoppedError } from './errors.ts'
import {
  type HeldRecord,
  type HistoryRecord,
  MessageStore,
  messageView,
  newConversation,
  type OutboxEntry,
  storedAttachment,
} from './message-store.ts'
import {
  bundleGroups,
  encryptedUnder,
  lowestPendingSeq,
  replaceInOutbox,
  textsOf,
} from './outbox.ts'
import {
  type LaneState,
  type LaneTransaction,
  type OutboxItem,
  PeerLane,
  touch,
} from './peer-lane.ts'
import { isHostileRejection, ReceiveRejection } from './peer-sessions.ts'
import type {
  CollectedEnvelope,
  MailboxDeposit,
  MailboxPort,
  PrekeyPort,
  SocialPort,
} from './ports.ts'
import { withQueuedReason } from './queued-reason.ts'
import { SessionStore } from './session-store.ts'

/** Hands envelopes to a peer's node directly; the acks come back through `handleAck`. */
export interface DirectLink {
  /** False when the peer cannot be reached now. */
  send(peer: Uint8Array, envelope: DmEnvelope): Promise<boolean>
}

export interface ReceiveSource {
  kind: 'direct' | 'mailbox'
  /**
   * Who delivered it: the stream's remote identity (direct), the mailbox slot's sender, or
   * null for the mailbox inbox, where only the ratchet vouches for the sender.
   */
  sender: Uint8Array | null
}

export interface ReceiveOutcome {
  status: DmAckStatus
  /** For REJECTED: why, in words for the log, and a stable code for penalties. */
  reason?: string
  code?: ReceiveRejection['code'] | 'held-limit'
  /** For REJECTED: true when only a faulty or hostile peer sends this (worth a penalty). */
  hostile?: boolean
  /** True when the envelope was a text (so a delivered receipt makes sense). */
  text?: boolean
  /** True when it was a social message (which gets a delivered receipt too). */
  social?: boolean
}

export interface MessagePipelineInit {
  db: AppLevel
  identity: Identity
  prekeys: PrekeyPort
  mailbox?: MailboxPort
  /** Friends (node/friends): takes social messages and says whose envelopes to drop. */
  social?: SocialPort
  link: DirectLink
  log: Logger
  emit: <T extends 'message:received' | 'message:state'>(
    type: T,
    data: T extends 'message:received' ? MessageView : MessageStateChange,
  ) => void
  /** @default true */
  readReceipts?: boolean
  /** @default 5000 */
  ackTimeoutMs?: number
  /** @default 10000 */
  maxHeldPerConversation?: number
  /** @default 30 days */
  giveUpAfterMs?: number
  /**
   * A peer without a published bundle (never online yet) is looked up again 1 s after the
   * first failure, the wait doubling up to this; connecting to the peer looks at once.
   * @default 10000
   */
  bundleRetryMs?: number
  /**
   * Sync every write to disk before acting on it. Only simulations and benchmarks turn this
   * off: a crash could then lose messages already acknowledged.
   * @default true
   */
  syncWrites?: boolean
}

/** Why a message is shown as failed. */
export const FailureReason = {
  refused:
    "the recipient's node refused the message twice, the second time in a fresh session: it cannot read messages from us",
  expired: 'not delivered before the give-up time; the recipient has not been online since',
} as const

export const DEFAULT_ACK_TIMEOUT_MS = 5_000
export const DEFAULT_MAX_HELD = 10_000
export const DEFAULT_GIVE_UP_AFTER_MS = 30 * 24 * 3600 * 1000
/** Longest wait between direct retries to an unreachable peer (the node also retries every 30 s). */
const DIRECT_RETRY_MAX_MS = 30_000
/**
 * History records kept in memory per conversation while it is busy (the lane drops them on
 * a failed write, and `forgetQuietHistory` once it is quiet): about 1.3 KB each.
 */
const RECENT_HISTORY_CACHED = 2_000

export class MessagePipeline {
  readonly #init: MessagePipelineInit
  readonly #store: MessageStore
  readonly #sessions: SessionStore
  readonly #writer: DurableWriter
  readonly #lanes = new Map<string, PeerLane>()
  readonly #slots = new Map<string, { peerHex: string; id: string }>()
  /** One-time prekeys that accepted session starts use, until deleted (see #claimOneTimePrekey). */
  readonly #claimedOneTimePrekeys = new Set<number>()
  readonly #myKey: Uint8Array
  #stopped = false

  constructor(init: MessagePipelineInit) {
    this.#init = init
    this.#store = new MessageStore(init.db)
    this.#sessions = new SessionStore(init.db, init.identity)
    this.#writer = new DurableWriter(init.db, { sync: init.syncWrites ?? true })
    this.#myKey = init.identity.publicKey
  }

  get #ackTimeoutMs(): number {
    return this.#init.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS
  }

  /** Loads every outbox entry left from the last run, so they are sent again. */
  async start(): Promise<void> {
    for (const [peerHex, entries] of await this.#store.outbox()) {
      const lane = this.#lane(Buffer.from(peerHex, 'hex'))
      for (const entry of entries) {
        lane.outbox.set(entry.id, {
          entry,
          envelope: entry.envelope == null ? null : decodeEnvelope(fromBase64(entry.envelope)),
          inFlight: false,
          depositing: false,
        })
        if (entry.slotId != null) this.#slots.set(entry.slotId, { peerHex, id: entry.id })
      }
    }
  }

  async stop(): Promise<void> {
    this.#stopped = true
    for (const lane of this.#lanes.values()) {
      clearTimeout(lane.bundleRetryTimer)
      clearTimeout(lane.directRetryTimer)
      for (const item of lane.outbox.values()) clearTimeout(item.ackTimer)
    }
    await this.idle()
  }

  /** Resolves once no conversation has a batch running. */
  async idle(): Promise<void> {
    await Promise.all([...this.#lanes.values()].map((lane) => lane.idle()))
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
      ...(await this.#store.conversations()).keys(),
      ...(await this.#sessions.peers()),
    ])
    return [...peers].map((hex) => Buffer.from(hex, 'hex'))
  }

  // ---------------------------------------------------------------- sending

  /** Queues a text; it is on disk (state `queued`) when this resolves. */
  async send(
    peer: Uint8Array,
    text: string,
    extras: { style?: TextStyle; attachment?: AttachmentContent } = {},
  ): Promise<SendMessageResponse> {
    this.#checkRunning()
    if (bytesEqual(peer, this.#myKey)) {
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
    const lane = this.#lane(peer)
    return lane.run(async (tx, state) => {
      const conversation = state.conversation
      const now = Date.now()
      const messageId = randomBytes(16)
      const id = toHex(messageId)
      const seq = conversation.nextOutSeq
      const resolvedBelow = lowestPendingSeq(lane) ?? seq
      const content = encodeInnerMessage({
        kind: 'text',
        messageId,
        seq,
        sentAtMs: now,
        text,
        resolvedBelow,
        ...extras,
      })
      const index = conversation.nextIndex
      const item = this.#newOutboxItem(conversation, { id, kind: 'text', seq, index, content, now })
      // Encrypted at the batch's end, together with the texts sent beside it (#seal).
      lane.outbox.set(id, item)
      tx.freshTexts.push(item)
      conversation.nextOutSeq++
      conversation.nextIndex++
      conversation.lastActivity = now
      tx.conversationDirty = true
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
      if (extras.attachment != null) {
        // Our own copy needs neither the key nor the bytes: the attachments store has both.
        const { key: _key, inline: _inline, ...kept } = storedAttachment(extras.attachment)
        record.attachment = kept
      }
      tx.history.set(index, record)
      state.unackedHistory.set(index, record)
      tx.ops.push(
        this.#store.messageIndexOp(lane.peerHex, id, index),
        this.#store.sentSeqOp(lane.peerHex, seq, index),
      )
      return { id, peerId: lane.peerId, seq, state: 'queued' as DeliveryState }
    })
  }

  /**
   * Queues a social message (an encoded FriendMessage) like a text: encrypted, sent directly
   * or through the mailbox, retried until the peer's node has it. On disk when this resolves.
   */
  async sendSocial(peer: Uint8Array, payload: Uint8Array): Promise<{ id: string }> {
    this.#checkRunning()
    if (bytesEqual(peer, this.#myKey)) {
      throw new InvalidRecipientError('you cannot send a message to yourself')
    }
    const lane = this.#lane(peer)
    const item = await lane.run(async (tx, state) => {
      const messageId = randomBytes(16)
      const now = Date.now()
      const content = encodeInnerMessage({ kind: 'social', messageId, sentAtMs: now, payload })
      const item = this.#newOutboxItem(state.conversation, {
        id: toHex(messageId),
        kind: 'social',
        content,
        now,
      })
      tx.conversationDirty = true
      this.#enqueue(lane, tx, state, item)
      return item
    })
    void this.#transmit(lane, item)
    return { id: item.entry.id }
  }

  /**
   * Sends again what waits in the outbox (all peers, or one that just connected): encrypts
   * entries that had no session yet, retransmits the rest, deposits in the mailbox what the
   * peer did not ack, and fails what is past the give-up time.
   */
  async retry(peer?: Uint8Array): Promise<void> {
    if (this.#stopped) return
    const lanes =
      peer == null
        ? [...this.#lanes.values()]
        : [this.#lanes.get(toHex(peer))].filter((lane) => lane != null)
    const giveUpAfter = this.#init.giveUpAfterMs ?? DEFAULT_GIVE_UP_AFTER_MS
    await Promise.all(
      lanes.map(async (lane) => {
        const items = [...lane.outbox.values()].filter((item) => !item.inFlight)
        if (items.length === 0) return
        const expired = items.filter((item) => Date.now() - item.entry.createdAt > giveUpAfter)
        const unencrypted = items.filter((item) => item.envelope == null)
        if (expired.length > 0 || unencrypted.length > 0) {
          await lane.run(async (tx, state) => {
            for (const item of expired) await this.#fail(lane, tx, item, FailureReason.expired)
            const waiting = unencrypted.filter(
              (item) => lane.outbox.has(item.entry.id) && item.envelope == null,
            )
            if (waiting.length === 0) return
            if (state.sessions.active == null) tx.after.push(() => this.#startSession(lane))
            else this.#seal(lane, tx, state, waiting, { stored: true })
          })
        }
        // The peer just connected: it has published a bundle by now, or is about to.
        if (peer != null && unencrypted.length > 0) this.#startSession(lane, { now: true })
        for (const item of lane.outbox.values()) {
          if (!item.inFlight && item.envelope != null) void this.#transmit(lane, item)
        }
      }),
    )
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
    const lane = this.#lanes.get(toHex(peer))
    if (lane == null || this.#stopped) return
    for (const id of ids) {
      const item = lane.outbox.get(id)
      if (item?.inFlight === true && item.ackTimer != null) this.#ackTimedOut(lane, item)
    }
  }

  /**
   * With `refusedBaseKey` (a refusal notice from the mailbox), the ack concerns the envelope
   * only while it is still encrypted in that session: one encrypted again after a refusal
   * that came another way must not be refused a second time.
   */
  async #takeAck(peer: Uint8Array, ack: DmAck, refusedSessionKey?: string): Promise<void> {
    if (this.#stopped) return
    const lane = this.#lanes.get(toHex(peer))
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
          await this.#delivered(lane, tx, id)
          return
        }
        this.#init.log('%s refused message %s: %s', lane.peerId, id, ack.reason)
        await this.#refused(lane, tx, state, item)
      },
      // The peer holds it durably: losing this record to a power cut only means sending it
      // again, which the peer answers as a duplicate.
      { sync: !stored },
    )
    const again = lane.outbox.get(id)
    if (again?.envelope != null) void this.#transmit(lane, again)
  }

  /** A mailbox update: more replica holders confirmed a deposit. */
  async handleMailboxStored(slotId: string, replicas: MailboxReplicas): Promise<void> {
    const slot = this.#slots.get(slotId)
    const lane = slot == null ? undefined : this.#lanes.get(slot.peerHex)
    if (slot == null || lane == null) return
    await lane.run(async (tx) => {
      const item = lane.outbox.get(slot.id)
      if (item != null) await this.#storedInMailbox(lane, tx, item, replicas)
    })
  }

  /** A deposit expired uncollected: the next retry deposits the message again. */
  async handleMailboxExpired(slotId: string): Promise<void> {
    const slot = this.#slots.get(slotId)
    const lane = slot == null ? undefined : this.#lanes.get(slot.peerHex)
    if (slot == null || lane == null) return
    this.#slots.delete(slotId)
    await lane.run(async (tx) => {
      const item = lane.outbox.get(slot.id)
      if (item == null || item.entry.slotId !== slotId) return
      touch(tx, item)
      item.entry.slotId = null
      tx.ops.push(this.#store.outboxOp(lane.peerHex, item.entry))
    })
  }

  // -------------------------------------------------------------- receiving

  /**
   * Runs one envelope through decryption, dedup, ordering and storage. Resolves once the
   * result is on disk, with what to answer the sender. Never throws for bad input.
   */
  async receive(envelope: DmEnvelope, source: ReceiveSource): Promise<ReceiveOutcome> {
    this.#checkRunning()
    const early = this.#checkSender(envelope, source)
    if (early != null) {
      this.#init.log.error(
        'rejected envelope %s (%s): %s',
        toHex(envelope.messageId),
        source.kind,
        early.reason,
      )
      return early
    }
    if (this.#init.social?.isBlocked(envelope.sender) === true) {
      // Answered like any stored message, so a blocked peer cannot tell and stops resending.
      this.#init.log('dropped %s from a blocked peer', toHex(envelope.messageId))
      return { status: DmAckStatus.STORED }
    }
    const lane = this.#lane(envelope.sender)
    const outcome = await lane.run((tx, state) => this.#receiveInLane(lane, tx, state, envelope))
    if (outcome.status === DmAckStatus.REJECTED) {
      this.#init.log.error(
        'rejected envelope %s from %s (%s): %s',
        toHex(envelope.messageId),
        lane.peerId,
        source.kind,
        outcome.reason,
      )
    } else if (outcome.status === DmAckStatus.DUPLICATE) {
      this.#init.log('dropped duplicate %s from %s', toHex(envelope.messageId), lane.peerId)
    }
    return outcome
  }

  #checkSender(envelope: DmEnvelope, source: ReceiveSource): ReceiveOutcome | undefined {
    if (source.sender != null && !bytesEqual(source.sender, envelope.sender)) {
      return this.#rejected(
        new ReceiveRejection(
          'forged-sender',
          `envelope claims sender ${toHex(envelope.sender)} but came from ${toHex(source.sender)}`,
        ),
      )
    }
    if (bytesEqual(envelope.sender, this.#myKey)) {
      return this.#rejected(
        new ReceiveRejection('forged-sender', 'envelope claims to come from ourselves'),
      )
    }
    return undefined
  }

  /**
   * Takes what waits in the mailbox for us, runs it through `receive`, acknowledges each
   * slot once its result is on disk, and sends the senders delivered receipts. A session
   * start refused for a prekey we no longer have is answered with a refusal notice in the
   * sender's mailbox (the sender may never be online while we are), and its slot is
   * acknowledged only once the notice is deposited: until then each collection takes it
   * again and tries the notice again. A notice left for us is taken like the refusals it
   * names.
   */
  async collect(
    collected: CollectedEnvelope[],
  ): Promise<{ stored: number; duplicates: number; rejected: number }> {
    const counts = { stored: 0, duplicates: 0, rejected: 0 }
    const deliveredIds = new Map<string, Uint8Array[]>()
    const refusals = new Map<
      string,
      { sender: Uint8Array; notice: DmRefusalNotice; slotIds: string[] }
    >()
    await Promise.all(
      collected.map(async (item) => {
        let envelope: DmEnvelope
        try {
          const decoded = decodeMailboxItem(item.envelope)
          if (decoded.refusal != null) {
            await this.#takeRefusalNotice(item.sender, decoded.refusal)
            await this.#acknowledge(item.slotId)
            return
          }
          envelope = decoded.envelope
        } catch (err) {
          this.#init.log.error('dropped a malformed mailbox envelope: %s', (err as Error).message)
          counts.rejected++
          await this.#acknowledge(item.slotId)
          return
        }
        const outcome = await this.receive(envelope, { kind: 'mailbox', sender: item.sender })
        if (outcome.status === DmAckStatus.RETRY_LATER) return
        if (outcome.status === DmAckStatus.REJECTED) counts.rejected++
        else if (outcome.status === DmAckStatus.DUPLICATE) counts.duplicates++
        else counts.stored++
        if (
          outcome.status !== DmAckStatus.REJECTED &&
          (outcome.text === true || outcome.social === true)
        ) {
          const key = toHex(envelope.sender)
          deliveredIds.set(key, [...(deliveredIds.get(key) ?? []), envelope.messageId])
        }
        // Only a sender the mailbox vouches for is told: the refusal comes before the
        // ratchet could authenticate anything.
        const sessionKey = item.sender == null ? undefined : refusedSessionKey(outcome, envelope)
        if (item.sender != null && sessionKey != null) {
          const key = `${toHex(item.sender)}/${toHex(sessionKey)}`
          const refusal = refusals.get(key) ?? {
            sender: item.sender,
            notice: {
              sessionKey,
              messageIds: [],
              reason: (outcome.reason ?? '').slice(0, MAX_ACK_REASON_LENGTH),
            } as DmRefusalNotice,
            slotIds: [],
          }
          refusal.notice.messageIds.push(envelope.messageId)
          refusal.slotIds.push(item.slotId)
          refusals.set(key, refusal)
          return
        }
        // A rejected envelope never becomes readable: leaving it would only fetch it again.
        await this.#acknowledge(item.slotId)
      }),
    )
    for (const [peerHex, ids] of deliveredIds) {
      const lane = this.#lane(Buffer.from(peerHex, 'hex'))
      for (let i = 0; i < ids.length; i += MAX_RECEIPT_MESSAGE_IDS) {
        const chunk = ids.slice(i, i + MAX_RECEIPT_MESSAGE_IDS)
        void this.#queueReceipt(lane, { type: 'delivered', messageIds: chunk }).catch((err) =>
          this.#init.log.error('could not queue a delivered receipt: %s', (err as Error).message),
        )
      }
    }
    for (const { sender, notice, slotIds } of refusals.values()) {
      for (let i = 0; i < notice.messageIds.length; i += MAX_REFUSAL_MESSAGE_IDS) {
        const messageIds = notice.messageIds.slice(i, i + MAX_REFUSAL_MESSAGE_IDS)
        const refusedSlots = slotIds.slice(i, i + MAX_REFUSAL_MESSAGE_IDS)
        void this.#depositRefusalNotice(sender, { ...notice, messageIds }).then(async (left) => {
          if (left) await Promise.all(refusedSlots.map((slotId) => this.#acknowledge(slotId)))
        })
      }
    }
    return counts
  }

  /**
   * Leaves the notice in our pairwise slot towards the sender, which it collects (only the
   * two of us can write there). False when it could not: the refused slots then stay
   * unacknowledged, so the next collection refuses them again and tries again.
   */
  async #depositRefusalNotice(peer: Uint8Array, notice: DmRefusalNotice): Promise<boolean> {
    const mailbox = this.#init.mailbox
    if (mailbox == null) return false
    try {
      await mailbox.deposit(peer, encodeRefusalNotice(notice))
      this.#init.log('told %s through the mailbox: %s', toHex(peer), notice.reason)
      return true
    } catch (err) {
      this.#init.log(
        'could not leave a refusal notice for %s (tried again at the next collection): %s',
        toHex(peer),
        (err as Error).message,
      )
      return false
    }
  }

  /** The peer refused envelopes of ours that it collected from its mailbox. */
  async #takeRefusalNotice(sender: Uint8Array | null, notice: DmRefusalNotice): Promise<void> {
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

  async #receiveInLane(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    envelope: DmEnvelope,
  ): Promise<ReceiveOutcome> {
    const id = toHex(envelope.messageId)
    if (tx.receivedIds.has(id)) return { status: DmAckStatus.DUPLICATE, text: true }
    let plaintext: Uint8Array
    try {
      const result = await state.sessions.decrypt(envelope.header, envelope.ciphertext, {
        identity: this.#init.identity,
        peerKey: lane.peerKey,
        prekeys: this.#init.prekeys,
        isBaseKeyAccepted: async (baseKey) =>
          tx.acceptedBaseKeys.has(toHex(baseKey)) ||
          (await this.#sessions.isBaseKeyAccepted(lane.peerHex, baseKey)),
        claimOneTimePrekey: (id) => this.#claimOneTimePrekey(tx, id),
      })
      plaintext = result.plaintext
      if (result.acceptedBaseKey != null) {
        tx.acceptedBaseKeys.add(toHex(result.acceptedBaseKey))
        tx.ops.push(this.#sessions.acceptedBaseKeyOp(lane.peerHex, result.acceptedBaseKey))
      }
    } catch (err) {
      if (!(err instanceof ReceiveRejection)) throw err
      // A copy of a text taken in, perhaps on a session dropped since: answered as one.
      if (await this.#isStoredText(lane, id)) return { status: DmAckStatus.DUPLICATE, text: true }
      // The ratchet knows this message: a copy of something already taken in.
      if (err.code === 'replayed-message') return { status: DmAckStatus.DUPLICATE }
      return this.#rejected(err)
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
      return this.#rejected(new ReceiveRejection('malformed', (err as Error).message))
    }
    if (!bytesEqual(inner.messageId, envelope.messageId)) {
      return this.#rejected(
        new ReceiveRejection('malformed', 'the envelope and the message inside name different ids'),
      )
    }
    if (inner.kind === 'receipt') {
      await this.#applyReceipt(lane, tx, state, inner)
      return { status: DmAckStatus.STORED }
    }
    if (inner.kind === 'social') {
      const social = this.#init.social
      if (social == null) {
        return this.#rejected(
          new ReceiveRejection('malformed', 'this node takes no social messages'),
        )
      }
      // Stored by the friends component before the session commits: a crash in between
      // makes the peer send it again, which the component takes idempotently.
      await social.receive(lane.peerKey, inner.payload, inner.sentAtMs)
      return { status: DmAckStatus.STORED, social: true }
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
    tx.ops.push(this.#store.messageIndexOp(lane.peerHex, id, 'in'))
    return { status: stored ? DmAckStatus.STORED : DmAckStatus.DUPLICATE, text: true }
  }

  async #takeText(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    inner: TextContent,
    id: string,
  ): Promise<ReceiveOutcome> {
    if (tx.receivedIds.has(id)) return { status: DmAckStatus.DUPLICATE, text: true }
    const conversation = state.conversation
    const seq = inner.seq
    // A text taken in before is shown (seq below the next expected) or held, so only then can
    // it be a copy under a fresh ratchet message (sent again after a refusal): the common
    // case, a text ahead of everything stored, needs no database read.
    if (
      (seq < conversation.expectedInSeq || state.held.has(seq)) &&
      (await this.#isStoredText(lane, id))
    ) {
      return { status: DmAckStatus.DUPLICATE, text: true }
    }
    if (inner.resolvedBelow > conversation.expectedInSeq) {
      this.#resolveGap(lane, tx, state, inner.resolvedBelow)
    }
    const record: HeldRecord = {
      id,
      seq,
      text: inner.text,
      sentAt: inner.sentAtMs,
      storedAt: Date.now(),
    }
    if (inner.style != null) record.style = inner.style
    if (inner.attachment != null) record.attachment = storedAttachment(inner.attachment)
    if (seq > conversation.expectedInSeq) {
      if (state.held.has(seq)) {
        return this.#rejected(
          new ReceiveRejection('malformed', `a different message with seq ${seq} is already held`),
        )
      }
      const maxHeld = this.#init.maxHeldPerConversation ?? DEFAULT_MAX_HELD
      if (state.held.size >= maxHeld) {
        return {
          ...this.#rejected(
            new ReceiveRejection('malformed', `over ${maxHeld} messages wait for an earlier one`),
          ),
          code: 'held-limit',
        }
      }
      state.held.set(seq, record)
      conversation.held = state.held.size
      tx.conversationDirty = true
      tx.ops.push(
        this.#store.heldOp(lane.peerHex, record),
        this.#store.messageIndexOp(lane.peerHex, id, 'in'),
      )
      tx.receivedIds.add(id)
      this.#init.log(
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
      this.#init.log(
        '%s sent seq %d again (expected %d)',
        lane.peerId,
        seq,
        conversation.expectedInSeq,
      )
    }
    this.#show(lane, tx, state, record)
    tx.receivedIds.add(id)
    this.#releaseHeld(lane, tx, state, (seq) => seq === conversation.expectedInSeq)
    return { status: DmAckStatus.STORED, text: true }
  }

  async #isStoredText(lane: PeerLane, id: string): Promise<boolean> {
    return (await this.#store.messageIndex(lane.peerHex, id)) === 'in'
  }

  /**
   * Lanes of different peers run at once, and each peeks a one-time prekey before any
   * deletes it: the claim makes the first authenticated start its only user. The prekey is
   * deleted in the batch that commits the session, so a crash cannot leave it usable; the
   * claim is released once that batch is committed (the key is gone) or has failed.
   */
  #claimOneTimePrekey(tx: LaneTransaction, id: number): boolean {
    if (this.#claimedOneTimePrekeys.has(id)) return false
    this.#claimedOneTimePrekeys.add(id)
    tx.ops.push(this.#init.prekeys.deleteOneTimePrekeyOp(id))
    tx.undo.push(() => this.#claimedOneTimePrekeys.delete(id))
    tx.after.push(() => {
      this.#claimedOneTimePrekeys.delete(id)
      this.#init.prekeys.oneTimePrekeyDeleted(id)
    })
    return true
  }

  /**
   * The sender says no text below `resolvedBelow` is still coming (it failed, or we lost it
   * with our data): show what is held below it, in order, and stop waiting for the rest.
   */
  #resolveGap(lane: PeerLane, tx: LaneTransaction, state: LaneState, resolvedBelow: number): void {
    const conversation = state.conversation
    this.#init.log(
      '%s will not send seqs %d..%d we lack: not waiting for them',
      lane.peerId,
      conversation.expectedInSeq,
      resolvedBelow - 1,
    )
    this.#releaseHeld(lane, tx, state, (seq) => seq < resolvedBelow)
    conversation.expectedInSeq = Math.max(conversation.expectedInSeq, resolvedBelow)
    this.#releaseHeld(lane, tx, state, (seq) => seq === conversation.expectedInSeq)
  }

  /** Shows held texts in seq order for as long as `ready` says the next one may go. */
  #releaseHeld(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    ready: (seq: number) => boolean,
  ): void {
    const waiting = [...state.held.keys()].sort((a, b) => a - b)
    for (const seq of waiting) {
      if (!ready(seq)) break
      const next = state.held.get(seq)!
      state.held.delete(seq)
      tx.ops.push(this.#store.heldDeleteOp(lane.peerHex, seq))
      this.#show(lane, tx, state, next)
    }
    state.conversation.held = state.held.size
    tx.conversationDirty = true
  }

  #show(lane: PeerLane, tx: LaneTransaction, state: LaneState, held: HeldRecord): void {
    const conversation = state.conversation
    const index = conversation.nextIndex++
    conversation.expectedInSeq = Math.max(conversation.expectedInSeq, held.seq + 1)
    conversation.unread++
    conversation.lastActivity = held.storedAt
    tx.conversationDirty = true
    const record: HistoryRecord = { ...held, direction: 'in' }
    tx.history.set(index, record)
    tx.ops.push(this.#store.messageIndexOp(lane.peerHex, held.id, 'in'))
    tx.after.push(() => this.#init.emit('message:received', messageView(lane.peerId, record)))
  }

  async #applyReceipt(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    receipt: ReceiptContent,
  ): Promise<void> {
    if (receipt.type === 'delivered') {
      for (const messageId of receipt.messageIds) await this.#delivered(lane, tx, toHex(messageId))
      return
    }
    const conversation = state.conversation
    const upTo = Math.min(receipt.readUpToSeq, conversation.nextOutSeq - 1)
    if (upTo <= conversation.peerReadUpToSeq) return
    const indexes = await this.#store.sentIndexes(lane.peerHex, conversation.peerReadUpToSeq, upTo)
    conversation.peerReadUpToSeq = upTo
    tx.conversationDirty = true
    for (const index of indexes) {
      const record = await this.#history(lane, tx, index)
      if (record == null) continue
      const item = lane.outbox.get(record.id)
      if (item != null) this.#dropFromOutbox(lane, tx, item)
      this.#setState(lane, tx, index, record, 'read')
    }
  }

  /** The peer's node has the message (ack or delivered receipt). */
  async #delivered(lane: PeerLane, tx: LaneTransaction, id: string): Promise<void> {
    const item = lane.outbox.get(id)
    let indexes: number[]
    if (item != null) {
      indexes = textsOf(item).map((text) => text.index)
    } else {
      const index = await this.#store.messageIndex(lane.peerHex, id)
      indexes = typeof index === 'number' ? [index] : []
    }
    // Read before the drop, which lets go of the records kept for this ack.
    const records = await this.#historyRecords(lane, tx, indexes)
    if (item != null) this.#dropFromOutbox(lane, tx, item)
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
      await this.#fail(lane, tx, item, FailureReason.refused)
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
    this.#withdrawDeposit(tx, item)
    this.#encrypt(lane, tx, state, item)
    tx.ops.push(this.#store.outboxOp(lane.peerHex, item.entry))
  }

  /**
   * A refused bundle is taken apart: each of its texts goes again on its own (in the
   * bundle's place), so one the peer cannot take fails without the others.
   */
  #unbundle(lane: PeerLane, tx: LaneTransaction, state: LaneState, bundle: OutboxItem): void {
    const inner = decodeInnerMessage(fromBase64(bundle.entry.content))
    const texts = bundle.entry.texts ?? []
    if (inner.kind !== 'bundle' || inner.texts.length !== texts.length) {
      throw new Error(`outbox entry ${bundle.entry.id} does not hold the bundle it names`)
    }
    tx.after.push(() => clearTimeout(bundle.ackTimer))
    this.#withdrawDeposit(tx, bundle)
    tx.ops.push(this.#store.outboxDeleteOp(lane.peerHex, bundle.entry.id))
    const singles = inner.texts.map((text, i) => {
      const item = this.#newOutboxItem(state.conversation, {
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
      this.#encrypt(lane, tx, state, item)
      tx.ops.push(this.#store.outboxOp(lane.peerHex, item.entry))
      tx.after.push(() => void this.#transmit(lane, item))
    }
  }

  async #fail(
    lane: PeerLane,
    tx: LaneTransaction,
    item: OutboxItem,
    reason: string,
  ): Promise<void> {
    const records = await this.#historyRecords(
      lane,
      tx,
      textsOf(item).map((text) => text.index),
    )
    this.#dropFromOutbox(lane, tx, item)
    for (const [index, record] of records) {
      this.#setState(lane, tx, index, record, 'failed', false, reason)
    }
    if (item.entry.kind === 'text' || item.entry.kind === 'bundle') {
      tx.after.push(() => this.#init.log.error('message %s failed: %s', item.entry.id, reason))
    }
  }

  #dropFromOutbox(lane: PeerLane, tx: LaneTransaction, item: OutboxItem): void {
    tx.after.push(() => clearTimeout(item.ackTimer))
    lane.outbox.delete(item.entry.id)
    for (const text of textsOf(item)) lane.state?.unackedHistory.delete(text.index)
    tx.ops.push(this.#store.outboxDeleteOp(lane.peerHex, item.entry.id))
    // Delivered some other way (or failed): the mailbox copy would only be fetched in vain.
    this.#withdrawDeposit(tx, item)
  }

  /** Stops keeping the item's mailbox copy alive, once the batch is committed. */
  #withdrawDeposit(tx: LaneTransaction, item: OutboxItem): void {
    const slotId = item.entry.slotId
    if (slotId == null) return
    touch(tx, item)
    item.entry.slotId = null
    const mailbox = this.#init.mailbox
    tx.after.push(() => {
      this.#slots.delete(slotId)
      mailbox?.withdraw(slotId).catch((err: Error) => {
        this.#init.log('could not withdraw mailbox slot %s: %s', slotId, err.message)
      })
    })
  }

  async #storedInMailbox(
    lane: PeerLane,
    tx: LaneTransaction,
    item: OutboxItem,
    replicas: MailboxReplicas,
  ): Promise<void> {
    if (replicas.confirmed < 1) return
    const indexes = textsOf(item).map((text) => text.index)
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
    tx.after.push(() => this.#init.emit('message:state', change))
  }

  async #history(
    lane: PeerLane,
    tx: LaneTransaction,
    index: number,
  ): Promise<HistoryRecord | undefined> {
    const cached =
      tx.history.get(index) ??
      lane.state?.recentHistory.get(index) ??
      lane.state?.unackedHistory.get(index)
    return cached ?? (await this.#store.history(lane.peerHex, index))
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

  // ----------------------------------------------------------------- reading

  /** Marks every shown text from the peer read and, if enabled, tells the peer. */
  async markRead(peer: Uint8Array): Promise<MarkReadResponse> {
    this.#checkRunning()
    const lane = this.#lane(peer)
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
      (this.#init.readReceipts ?? true) &&
      conversation != null &&
      upTo > conversation.readReceiptSentUpTo
    ) {
      await this.#queueReceipt(lane, { type: 'read', readUpToSeq: upTo })
    }
    return { peerId: lane.peerId, readUpToSeq: upTo }
  }

  async inbox(): Promise<ConversationSummary[]> {
    const conversations = await this.#store.conversations()
    const summaries = await Promise.all(
      [...conversations].map(async ([peerHex, stored]) => {
        const lane = this.#lanes.get(peerHex)
        const conversation = lane?.state?.conversation ?? stored
        const peerId =
          lane?.peerId ?? peerIdOf({ publicKey: Buffer.from(peerHex, 'hex') }).toString()
        const [latest] = await this.#store.historyPage(peerHex, 1)
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
   * outbox): a busy conversation keeps up to RECENT_HISTORY_CACHED records in memory so acks
   * and receipts need no read, and a node up for months would otherwise keep them for every
   * peer it ever talked to. A later receipt reads its record from the database. Returns how
   * many records were dropped.
   */
  forgetQuietHistory(quietMs: number): number {
    let dropped = 0
    for (const lane of this.#lanes.values()) {
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
    this.#checkRunning()
    const lane = this.#lane(peer)
    const deleted = await lane.run(async (tx, state) => {
      const indexes = new Set([
        ...(await this.#store.historyIndexes(lane.peerHex)),
        ...tx.history.keys(),
      ])
      tx.history.clear()
      state.recentHistory.clear()
      state.unackedHistory.clear()
      for (const index of indexes) tx.ops.push(this.#store.historyDeleteOp(lane.peerHex, index))
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
    const peerHex = toHex(peer)
    const lane = this.#lanes.get(peerHex)
    const peerId = lane?.peerId ?? peerIdOf({ publicKey: peer }).toString()
    const conversation =
      lane?.state?.conversation ?? (await this.#store.conversation(peerHex)) ?? newConversation()
    const limit = Math.min(Math.max(1, options.limit ?? 50), MAX_HISTORY_PAGE)
    const page = await this.#store.historyPage(peerHex, limit, options.before)
    const oldest = page[0]?.index
    return {
      peerId,
      messages: page.map(({ record }) =>
        withQueuedReason(messageView(peerId, record), lane?.outbox),
      ),
      held: conversation.held,
      unread: conversation.unread,
      nextBefore: oldest != null && oldest > 1 ? oldest : null,
    }
  }

  // --------------------------------------------------------------- plumbing

  #lane(peer: Uint8Array): PeerLane {
    const peerHex = toHex(peer)
    let lane = this.#lanes.get(peerHex)
    if (lane == null) {
      const peerKey = Uint8Array.from(peer)
      lane = new PeerLane(peerKey, peerIdOf({ publicKey: peerKey }).toString(), {
        load: async () => {
          const stored = await this.#store.conversation(peerHex)
          return {
            conversation: stored ?? newConversation(),
            conversationIsNew: stored == null,
            sessions: await this.#sessions.load(peerHex),
            held: await this.#store.held(peerHex),
            recentHistory: new Map(),
            unackedHistory: new Map(),
          }
        },
        finish: (tx, state) => this.#finishBatch(lane as PeerLane, tx, state),
        commit: (ops, options) => this.#writer.write(ops, options),
        onAfterError: (err) =>
          this.#init.log.error('after-commit action failed: %s', (err as Error).message),
      })
      this.#lanes.set(peerHex, lane)
    }
    return lane
  }

  #finishBatch(lane: PeerLane, tx: LaneTransaction, state: LaneState): BatchOp[] {
    const peerHex = lane.peerHex
    if (tx.freshTexts.length > 0) {
      if (state.sessions.active == null) {
        // Kept unencrypted until the session starts.
        for (const item of tx.freshTexts) tx.ops.push(this.#store.outboxOp(peerHex, item.entry))
        tx.after.push(() => this.#startSession(lane))
      } else {
        for (const item of this.#seal(lane, tx, state, tx.freshTexts, { stored: false })) {
          tx.after.push(() => void this.#transmit(lane, item))
        }
      }
    }
    const ops: BatchOp[] = []
    for (const [index, record] of tx.history) {
      ops.push(this.#store.historyOp(peerHex, index, record))
      state.recentHistory.delete(index)
      state.recentHistory.set(index, record)
    }
    for (const index of state.recentHistory.keys()) {
      if (state.recentHistory.size <= RECENT_HISTORY_CACHED) break
      state.recentHistory.delete(index)
    }
    if (tx.sessionsDirty) ops.push(this.#sessions.saveOp(peerHex, state.sessions))
    if (tx.conversationDirty) ops.push(this.#store.conversationOp(peerHex, state.conversation))
    return ops
  }

  /**
   * A new outbox item, last in the outbox order unless `order` gives it a place taken before
   * (a bundle takes its first text's, a text out of a bundle its own again).
   */
  #newOutboxItem(
    conversation: LaneState['conversation'],
    fields: {
      id: string
      kind: OutboxEntry['kind']
      content: Uint8Array
      now: number
      /** A text's seq and history index; 0 for the other kinds. */
      seq?: number
      index?: number
      order?: number
    },
  ): OutboxItem {
    const { id, kind, content, now, seq = 0, index = 0 } = fields
    const entry: OutboxEntry = {
      id,
      kind,
      seq,
      index,
      content: Buffer.from(content).toString('base64'),
      envelope: null,
      baseKey: null,
      slotId: null,
      resets: 0,
      createdAt: now,
      order: fields.order ?? conversation.nextOutboxOrder++,
    }
    return { entry, envelope: null, inFlight: false, depositing: false }
  }

  /** A new outbox entry: encrypted if a session is up, kept in memory and written with `tx`. */
  #enqueue(lane: PeerLane, tx: LaneTransaction, state: LaneState, item: OutboxItem): void {
    this.#encrypt(lane, tx, state, item)
    lane.outbox.set(item.entry.id, item)
    tx.ops.push(this.#store.outboxOp(lane.peerHex, item.entry))
  }

  /**
   * Encrypts outbox items that wait for it with the active session and writes their entries.
   * Texts next to each other go as bundles: up to MAX_BUNDLE_TEXTS under one ratchet message,
   * so one envelope, one ack and one mailbox deposit serve them all (a burst, or what waited
   * for a session). Each bundle takes the outbox place of its first text. `stored`: the items
   * have entries on disk already (the bundled ones are deleted). Returns what is ready to send.
   */
  #seal(
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
      const bundle = this.#newOutboxItem(state.conversation, {
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
        if (stored) tx.ops.push(this.#store.outboxDeleteOp(lane.peerHex, item.entry.id))
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
      this.#encrypt(lane, tx, state, item)
      tx.ops.push(this.#store.outboxOp(lane.peerHex, item.entry))
    }
    return sealed
  }

  /**
   * Encrypts the entry's content with the active session. Without one, the entry stays
   * queued, unencrypted, and a session is started from the peer's prekey bundle outside the
   * lane (fetching it can take long; nothing else for the peer should wait on it).
   */
  #encrypt(lane: PeerLane, tx: LaneTransaction, state: LaneState, item: OutboxItem): void {
    const sessions = state.sessions
    if (sessions.active == null) {
      tx.after.push(() => this.#startSession(lane))
      return
    }
    const { message, baseKey } = sessions.encrypt(fromBase64(item.entry.content))
    tx.sessionsDirty = true
    touch(tx, item)
    const envelope: DmEnvelope = {
      messageId: Uint8Array.from(Buffer.from(item.entry.id, 'hex')) as DmEnvelope['messageId'],
      sender: Uint8Array.from(this.#myKey) as DmEnvelope['sender'],
      header: message.header as DmEnvelope['header'],
      ciphertext: message.ciphertext as DmEnvelope['ciphertext'],
    }
    item.envelope = envelope
    item.entry.envelope = Buffer.from(encodeEnvelope(envelope)).toString('base64')
    item.entry.baseKey = toHex(baseKey)
  }

  /**
   * Fetches the peer's bundle (once at a time; after a failure, on its own backoff timer
   * unless `now`), starts a session, encrypts what waits unencrypted and sends it.
   */
  #startSession(lane: PeerLane, { now = false }: { now?: boolean } = {}): void {
    if (this.#stopped || lane.fetchingBundle || (lane.bundleRetryTimer != null && !now)) return
    clearTimeout(lane.bundleRetryTimer)
    lane.bundleRetryTimer = undefined
    lane.fetchingBundle = true
    const run = async () => {
      let bundle: PrekeyBundle
      try {
        bundle = await this.#init.prekeys.fetchBundle(lane.peerKey, {
          signal: AbortSignal.timeout(30_000),
        })
        lane.bundleFailures = 0
      } catch (err) {
        this.#init.log('no prekey bundle for %s yet: %s', lane.peerId, (err as Error).message)
        this.#retryBundleLater(lane)
        return
      } finally {
        lane.fetchingBundle = false
      }
      if (this.#stopped) return
      const ready = await lane.run(async (tx, state) => {
        // Texts sent in this very batch are sealed at its end, with the rest of the batch.
        const waiting = [...lane.outbox.values()].filter(
          (item) => item.envelope == null && !tx.freshTexts.includes(item),
        )
        if (state.sessions.active == null) {
          // After a refusal, start without a one-time prekey (X3DH allows it): the DHT may
          // still list the one another initiator used first, and the retry must not fail the
          // same way. Only the signed prekey and the identities then vouch for the session.
          const afterRefusal = waiting.some((item) => item.entry.resets > 0)
          const { oneTimePrekey: _used, ...withoutOneTimePrekey } = bundle
          state.sessions.initiate(
            this.#init.identity,
            lane.peerKey,
            afterRefusal ? withoutOneTimePrekey : bundle,
          )
          tx.sessionsDirty = true
        }
        return this.#seal(lane, tx, state, waiting, { stored: true })
      })
      for (const item of ready) void this.#transmit(lane, item)
    }
    run().catch((err: Error) => {
      this.#init.log.error('starting a session with %s failed: %s', lane.peerId, err.message)
    })
  }

  /**
   * A peer that was never online has no bundle yet; it publishes one within a second of
   * reaching the DHT. Looking again soon, then less and less often, finds it quickly without
   * querying the DHT every second for a peer that stays away.
   */
  #retryBundleLater(lane: PeerLane): void {
    if (this.#stopped) return
    const maxMs = this.#init.bundleRetryMs ?? 10_000
    const delay = Math.min(1_000 * 2 ** lane.bundleFailures, maxMs)
    lane.bundleFailures++
    lane.bundleRetryTimer = setTimeout(() => {
      lane.bundleRetryTimer = undefined
      if ([...lane.outbox.values()].some((item) => item.envelope == null)) {
        this.#startSession(lane)
      }
    }, delay)
    lane.bundleRetryTimer.unref?.()
  }

  async #queueReceipt(
    lane: PeerLane,
    receipt:
      | { type: 'delivered'; messageIds: Uint8Array[] }
      | { type: 'read'; readUpToSeq: number },
  ): Promise<void> {
    const item = await lane.run(async (tx, state) => {
      const messageId = randomBytes(16)
      const content = encodeInnerMessage({ kind: 'receipt', messageId, ...receipt })
      const item = this.#newOutboxItem(state.conversation, {
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
    void this.#transmit(lane, item)
  }

  /** Direct first; the mailbox when the peer is unreachable or does not ack in time. */
  async #transmit(lane: PeerLane, item: OutboxItem): Promise<void> {
    const envelope = item.envelope
    if (this.#stopped || item.inFlight || envelope == null) return
    item.inFlight = true
    let sent = false
    try {
      sent = await this.#init.link.send(lane.peerKey, envelope)
    } catch (err) {
      this.#init.log('direct send to %s failed: %s', lane.peerId, (err as Error).message)
    }
    if (!lane.outbox.has(item.entry.id)) return
    if (!sent) {
      item.inFlight = false
      this.#retryDirectSoon(lane)
      await this.#deposit(lane, item)
      return
    }
    clearTimeout(item.ackTimer)
    item.ackTimer = setTimeout(() => this.#ackTimedOut(lane, item), this.#ackTimeoutMs)
    item.ackTimer.unref?.()
  }

  #ackTimedOut(lane: PeerLane, item: OutboxItem): void {
    clearTimeout(item.ackTimer)
    item.ackTimer = undefined
    item.inFlight = false
    if (!lane.outbox.has(item.entry.id)) return
    this.#retryDirectSoon(lane)
    void this.#deposit(lane, item)
  }

  /**
   * A peer that restarts (on a new address, say) connects to us only if it owes us
   * something, so waiting for that or for the 30 s retry left what we owe it waiting that
   * long. Try again 1 s after a failure, the wait doubling up to DIRECT_RETRY_MAX_MS; an ack
   * resets it.
   */
  #retryDirectSoon(lane: PeerLane): void {
    if (this.#stopped || lane.directRetryTimer != null) return
    const delay = Math.min(1_000 * 2 ** lane.directFailures, DIRECT_RETRY_MAX_MS)
    lane.directFailures++
    lane.directRetryTimer = setTimeout(() => {
      lane.directRetryTimer = undefined
      this.retry(lane.peerKey).catch((err: Error) => {
        this.#init.log.error('retrying the outbox of %s failed: %s', lane.peerHex, err.message)
      })
    }, delay)
    lane.directRetryTimer.unref?.()
  }

  async #deposit(lane: PeerLane, item: OutboxItem): Promise<void> {
    const mailbox = this.#init.mailbox
    const envelope = item.entry.envelope
    if (mailbox == null || this.#stopped || envelope == null) return
    if (item.entry.slotId != null || item.depositing) return
    item.depositing = true
    let deposit: MailboxDeposit
    try {
      // A peer that never heard from us does not look in our pairwise slot yet.
      const heardFrom = lane.state?.conversation.heardFrom ?? false
      deposit = heardFrom
        ? await mailbox.deposit(lane.peerKey, fromBase64(envelope))
        : await mailbox.depositToInbox(lane.peerKey, fromBase64(envelope))
    } catch (err) {
      item.depositing = false
      this.#init.log('mailbox deposit for %s failed: %s', lane.peerId, (err as Error).message)
      return
    }
    if (this.#stopped) {
      // The database may be closed by now: recorded nowhere, the message is deposited again
      // after the next start, and the recipient answers the second copy as a duplicate.
      item.depositing = false
      return
    }
    this.#slots.set(deposit.slotId, { peerHex: lane.peerHex, id: item.entry.id })
    try {
      await lane.run(async (tx) => {
        item.depositing = false
        touch(tx, item)
        item.entry.slotId = deposit.slotId
        if (!lane.outbox.has(item.entry.id) || item.entry.envelope !== envelope) {
          // Delivered, or refused and encrypted again, while the deposit was under way.
          this.#withdrawDeposit(tx, item)
          return
        }
        tx.ops.push(this.#store.outboxOp(lane.peerHex, item.entry))
        await this.#storedInMailbox(lane, tx, item, {
          confirmed: deposit.confirmed,
          total: deposit.total,
        })
      })
    } catch (err) {
      item.depositing = false
      this.#init.log.error(
        'could not record the mailbox deposit of %s: %s',
        item.entry.id,
        (err as Error).message,
      )
    }
  }

  async #acknowledge(slotId: string): Promise<void> {
    try {
      await this.#init.mailbox?.acknowledge(slotId)
    } catch (err) {
      this.#init.log('could not acknowledge mailbox slot %s: %s', slotId, (err as Error).message)
    }
  }

  #rejected(rejection: ReceiveRejection): ReceiveOutcome {
    return {
      status: DmAckStatus.REJECTED,
      reason: rejection.message,
      code: rejection.code,
      hostile: isHostileRejection(rejection.code),
    }
  }

  #checkRunning(): void {
    if (this.#stopped) throw new MessagingStoppedError('messaging is stopped; start the node again')
  }
}

/**
 * The key naming the session of an envelope refused for good, for a notice to its sender,
 * who can mend it by starting a new session: a session start's base key (its one-time
 * prekey is gone), or the ratchet key of a message in a session we do not have or cannot
 * read with. Undefined for refusals a new session would not mend (forged, malformed,
 * replayed).
 */
function refusedSessionKey(outcome: ReceiveOutcome, envelope: DmEnvelope): Uint8Array | undefined {
  if (
    outcome.code !== 'unknown-prekey' &&
    outcome.code !== 'no-session' &&
    outcome.code !== 'undecryptable'
  ) {
    return undefined
  }
  const header = decodeMessageHeader(envelope.header)
  return header.sessionStart?.ephemeralKey ?? header.ratchetKey
}
