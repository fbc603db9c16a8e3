/**
 * How a sealed outbox item reaches the peer: directly on a stream, else (the peer
 * unreachable, or no ack in time) in the offline mailbox, retried until the peer's node has
 * it; and how a session is started when none is up (the peer's prekey bundle, fetched
 * outside the lane).
 *
 * Guarantees, and how:
 * - an item is in flight at most once at a time (`inFlight`), deposited at most once at a
 *   time (`depositing`, then its slot id): retries never pile copies on the peer;
 * - a deposit is recorded in the lane (the slot id, the `stored` state) and withdrawn if the
 *   item was delivered or refused and encrypted again while the deposit was under way;
 * - nothing leaves, and nothing is recorded, once the pipeline stopped: a deposit that
 *   completes after the stop is recorded nowhere, and is made again after the next start
 *   (the peer answers the second copy as a duplicate);
 * - waits are bounded and back off: a bundle lookup for a peer that was never online is
 *   repeated 1 s after a miss, doubling up to `bundleRetryMs`; a direct retry 1 s after a
 *   failure, doubling up to DIRECT_RETRY_MAX_MS, back to 1 s after an ack.
 */

import { fromBase64 } from '../../protocol/bytes.ts'
import { mayDeposit, mayTransmit } from '../../protocol/dm-outbox.ts'
import type { MailboxReplicas } from '../../protocol/local-api.ts'
import type { PrekeyBundle } from '../../protocol/session/index.ts'
import type { LaneState, LaneTransaction, OutboxItem, PeerLane } from './peer-lane.ts'
import { touch } from './peer-lane.ts'
import { DEFAULT_ACK_TIMEOUT_MS, type PipelineContext } from './pipeline-context.ts'
import type { MailboxDeposit } from './ports.ts'

/** Longest wait between direct retries to an unreachable peer (the node also retries every 30 s). */
const DIRECT_RETRY_MAX_MS = 30_000

export interface TransmissionDeps {
  /** Encrypts items that wait for a session, as bundles where they can go together (outbound.ts). */
  seal(
    lane: PeerLane,
    tx: LaneTransaction,
    state: LaneState,
    items: OutboxItem[],
    options: { stored: boolean },
  ): OutboxItem[]
  /** Sends again what waits in the peer's outbox (outbound.ts). */
  retry(peer: Uint8Array): Promise<void>
  /** Records that the mailbox holds an item (delivery-state.ts). */
  storedInMailbox(
    lane: PeerLane,
    tx: LaneTransaction,
    item: OutboxItem,
    replicas: MailboxReplicas,
  ): Promise<void>
}

export class Transmission {
  readonly #ctx: PipelineContext
  readonly #deps: TransmissionDeps

  constructor(ctx: PipelineContext, deps: TransmissionDeps) {
    this.#ctx = ctx
    this.#deps = deps
  }

  get #ackTimeoutMs(): number {
    return this.#ctx.init.ackTimeoutMs ?? DEFAULT_ACK_TIMEOUT_MS
  }

  /** Clears every timer this part set (at stop: nothing is retried after it). */
  clearTimers(): void {
    for (const lane of this.#ctx.lanes.values()) {
      clearTimeout(lane.bundleRetryTimer)
      clearTimeout(lane.directRetryTimer)
      for (const item of lane.outbox.values()) clearTimeout(item.ackTimer)
    }
  }

  /**
   * Fetches the peer's bundle (once at a time; after a failure, on its own backoff timer
   * unless `now`), starts a session, encrypts what waits unencrypted and sends it.
   */
  startSession(lane: PeerLane, { now = false }: { now?: boolean } = {}): void {
    if (this.#ctx.stopped || lane.fetchingBundle || (lane.bundleRetryTimer != null && !now)) return
    clearTimeout(lane.bundleRetryTimer)
    lane.bundleRetryTimer = undefined
    lane.fetchingBundle = true
    const run = async () => {
      let bundle: PrekeyBundle
      try {
        bundle = await this.#ctx.init.prekeys.fetchBundle(lane.peerKey, {
          signal: AbortSignal.timeout(30_000),
        })
        lane.bundleFailures = 0
      } catch (err) {
        this.#ctx.init.log('no prekey bundle for %s yet: %s', lane.peerId, (err as Error).message)
        this.#retryBundleLater(lane)
        return
      } finally {
        lane.fetchingBundle = false
      }
      if (this.#ctx.stopped) return
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
            this.#ctx.init.identity,
            lane.peerKey,
            afterRefusal ? withoutOneTimePrekey : bundle,
          )
          tx.sessionsDirty = true
        }
        return this.#deps.seal(lane, tx, state, waiting, { stored: true })
      })
      for (const item of ready) void this.transmit(lane, item)
    }
    run().catch((err: Error) => {
      this.#ctx.init.log.error('starting a session with %s failed: %s', lane.peerId, err.message)
    })
  }

  /**
   * A peer that was never online has no bundle yet; it publishes one within a second of
   * reaching the DHT. Looking again soon, then less and less often, finds it quickly without
   * querying the DHT every second for a peer that stays away.
   */
  #retryBundleLater(lane: PeerLane): void {
    if (this.#ctx.stopped) return
    const maxMs = this.#ctx.init.bundleRetryMs ?? 10_000
    const delay = Math.min(1_000 * 2 ** lane.bundleFailures, maxMs)
    lane.bundleFailures++
    lane.bundleRetryTimer = setTimeout(() => {
      lane.bundleRetryTimer = undefined
      if ([...lane.outbox.values()].some((item) => item.envelope == null)) {
        this.startSession(lane)
      }
    }, delay)
    lane.bundleRetryTimer.unref?.()
  }

  /** Direct first; the mailbox when the peer is unreachable or does not ack in time. */
  async transmit(lane: PeerLane, item: OutboxItem): Promise<void> {
    const envelope = item.envelope
    if (this.#ctx.stopped || !mayTransmit(item) || envelope == null) return
    item.inFlight = true
    let sent = false
    try {
      sent = await this.#ctx.init.link.send(lane.peerKey, envelope)
    } catch (err) {
      this.#ctx.init.log('direct send to %s failed: %s', lane.peerId, (err as Error).message)
    }
    if (!lane.outbox.has(item.entry.id)) return
    if (!sent) {
      item.inFlight = false
      this.#retryDirectSoon(lane)
      await this.#deposit(lane, item)
      return
    }
    clearTimeout(item.ackTimer)
    item.ackTimer = setTimeout(() => this.ackTimedOut(lane, item), this.#ackTimeoutMs)
    item.ackTimer.unref?.()
  }

  ackTimedOut(lane: PeerLane, item: OutboxItem): void {
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
    if (this.#ctx.stopped || lane.directRetryTimer != null) return
    const delay = Math.min(1_000 * 2 ** lane.directFailures, DIRECT_RETRY_MAX_MS)
    lane.directFailures++
    lane.directRetryTimer = setTimeout(() => {
      lane.directRetryTimer = undefined
      this.#deps.retry(lane.peerKey).catch((err: Error) => {
        this.#ctx.init.log.error('retrying the outbox of %s failed: %s', lane.peerHex, err.message)
      })
    }, delay)
    lane.directRetryTimer.unref?.()
  }

  async #deposit(lane: PeerLane, item: OutboxItem): Promise<void> {
    const mailbox = this.#ctx.init.mailbox
    const envelope = item.entry.envelope
    if (mailbox == null || this.#ctx.stopped || envelope == null || !mayDeposit(item)) return
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
      this.#ctx.init.log('mailbox deposit for %s failed: %s', lane.peerId, (err as Error).message)
      return
    }
    if (this.#ctx.stopped) {
      // The database may be closed by now: recorded nowhere, the message is deposited again
      // after the next start, and the recipient answers the second copy as a duplicate.
      item.depositing = false
      return
    }
    this.#ctx.slots.set(deposit.slotId, { peerHex: lane.peerHex, id: item.entry.id })
    try {
      await lane.run(async (tx) => {
        item.depositing = false
        touch(tx, item)
        item.entry.slotId = deposit.slotId
        if (!lane.outbox.has(item.entry.id) || item.entry.envelope !== envelope) {
          // Delivered, or refused and encrypted again, while the deposit was under way.
          this.withdrawDeposit(tx, item)
          return
        }
        tx.ops.push(this.#ctx.store.outboxOp(lane.peerHex, item.entry))
        await this.#deps.storedInMailbox(lane, tx, item, {
          confirmed: deposit.confirmed,
          total: deposit.total,
        })
      })
    } catch (err) {
      item.depositing = false
      this.#ctx.init.log.error(
        'could not record the mailbox deposit of %s: %s',
        item.entry.id,
        (err as Error).message,
      )
    }
  }

  /** Stops keeping the item's mailbox copy alive, once the batch is committed. */
  withdrawDeposit(tx: LaneTransaction, item: OutboxItem): void {
    const slotId = item.entry.slotId
    if (slotId == null) return
    touch(tx, item)
    item.entry.slotId = null
    const mailbox = this.#ctx.init.mailbox
    tx.after.push(() => {
      this.#ctx.slots.delete(slotId)
      mailbox?.withdraw(slotId).catch((err: Error) => {
        this.#ctx.init.log('could not withdraw mailbox slot %s: %s', slotId, err.message)
      })
    })
  }
}
