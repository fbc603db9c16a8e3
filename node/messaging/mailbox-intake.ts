/**
 * What a mailbox collection brought: each envelope runs through `receive` like a direct
 * one; refusal notices left for us are taken as the refusals they name; and the senders
 * hear back through the mailbox: a delivered receipt for what we stored, a refusal notice
 * for what we can never read.
 *
 * Guarantees, and how:
 * - a slot is acknowledged (deleted from the mailbox) only once its envelope's result is on
 *   disk, or when it can never be read (leaving it would only fetch it again);
 * - a refused envelope whose sender could mend it (a session start naming a prekey we no
 *   longer have, a message in a session we lost) keeps its slot until the notice telling
 *   the sender is deposited: if that fails, the next collection refuses it again and tries
 *   the notice again;
 * - a notice goes only to a sender the mailbox vouches for (pairwise slot, or the inbox
 *   seal's identity): the refusal comes before the ratchet could authenticate anything;
 * - receipts and notices are cut to the limits a peer accepts (MAX_RECEIPT_MESSAGE_IDS,
 *   MAX_REFUSAL_MESSAGE_IDS).
 */
import { toHex } from '../../protocol/bytes.ts'
import { MAX_RECEIPT_MESSAGE_IDS, MAX_REFUSAL_MESSAGE_IDS } from '../../protocol/limits.ts'
import {
  DmAckStatus,
  type DmEnvelope,
  type DmRefusalNotice,
  decodeMailboxItem,
  encodeRefusalNotice,
  MAX_ACK_REASON_LENGTH,
} from '../../protocol/messaging.ts'
import { decodeMessageHeader } from '../../protocol/session/index.ts'
import type { ReceiptRequest } from './outbound.ts'
import type { PeerLane } from './peer-lane.ts'
import type { PipelineContext, ReceiveOutcome, ReceiveSource } from './pipeline-context.ts'
import type { CollectedEnvelope } from './ports.ts'

export interface MailboxIntakeDeps {
  /** Takes one envelope in (inbound.ts). */
  receive(envelope: DmEnvelope, source: ReceiveSource): Promise<ReceiveOutcome>
  /** Takes a notice naming envelopes of ours the peer refused (delivery-state.ts). */
  takeRefusalNotice(sender: Uint8Array | null, notice: DmRefusalNotice): Promise<void>
  /** Queues a receipt for the peer (outbound.ts). */
  queueReceipt(lane: PeerLane, receipt: ReceiptRequest): Promise<void>
}

/** What one collection did with its envelopes. */
export interface CollectCounts {
  stored: number
  duplicates: number
  rejected: number
}

export class MailboxIntake {
  readonly #ctx: PipelineContext
  readonly #deps: MailboxIntakeDeps

  constructor(ctx: PipelineContext, deps: MailboxIntakeDeps) {
    this.#ctx = ctx
    this.#deps = deps
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
  async collect(collected: CollectedEnvelope[]): Promise<CollectCounts> {
    const log = this.#ctx.init.log
    const counts: CollectCounts = { stored: 0, duplicates: 0, rejected: 0 }
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
            await this.#deps.takeRefusalNotice(item.sender, decoded.refusal)
            await this.#acknowledge(item.slotId)
            return
          }
          envelope = decoded.envelope
        } catch (err) {
          log.error('dropped a malformed mailbox envelope: %s', (err as Error).message)
          counts.rejected++
          await this.#acknowledge(item.slotId)
          return
        }
        const outcome = await this.#deps.receive(envelope, { kind: 'mailbox', sender: item.sender })
        if (outcome.status === DmAckStatus.RETRY_LATER) return
        count(counts, outcome.status)
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
      const lane = this.#ctx.lane(Buffer.from(peerHex, 'hex'))
      for (let i = 0; i < ids.length; i += MAX_RECEIPT_MESSAGE_IDS) {
        const chunk = ids.slice(i, i + MAX_RECEIPT_MESSAGE_IDS)
        void this.#deps
          .queueReceipt(lane, { type: 'delivered', messageIds: chunk })
          .catch((err) =>
            log.error('could not queue a delivered receipt: %s', (err as Error).message),
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
    const { mailbox, log } = this.#ctx.init
    if (mailbox == null) return false
    try {
      await mailbox.deposit(peer, encodeRefusalNotice(notice))
      log('told %s through the mailbox: %s', toHex(peer), notice.reason)
      return true
    } catch (err) {
      log(
        'could not leave a refusal notice for %s (tried again at the next collection): %s',
        toHex(peer),
        (err as Error).message,
      )
      return false
    }
  }

  async #acknowledge(slotId: string): Promise<void> {
    try {
      await this.#ctx.init.mailbox?.acknowledge(slotId)
    } catch (err) {
      this.#ctx.init.log(
        'could not acknowledge mailbox slot %s: %s',
        slotId,
        (err as Error).message,
      )
    }
  }
}

function count(counts: CollectCounts, status: DmAckStatus): void {
  if (status === DmAckStatus.REJECTED) counts.rejected++
  else if (status === DmAckStatus.DUPLICATE) counts.duplicates++
  else counts.stored++
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
