/**
 * The sender's side: leaving envelopes in pairwise slots and in recipients' inboxes, and
 * keeping the record of each deposit until it is collected, withdrawn or expires.
 *
 * How it is kept: a pairwise slot number is taken and the deposit recorded in one atomic
 * write (`reserveSequence`) under the store's exclusive section, so two deposits never
 * share a slot, even across a crash; a recipient we hold no counter for gets the first
 * free slot found in the DHT (slot-search.ts), so a restored identity does not overwrite
 * what waits. Inbox deposits take the first free slot of the week that stores them. Every
 * put's outcome is saved (unless the deposit went meanwhile), and `mailbox:stored` fires
 * when `replicas` peers confirm it; fewer are retried by the upkeep (deposit-upkeep.ts).
 */
import type { AbortOptions } from '@libp2p/interface'
import { fromBase64, fromHex, toBase64, toHex } from '../../protocol/bytes.ts'
import { checkLength, ED25519_PUBLIC_KEY_LENGTH } from '../../protocol/crypto/index.ts'
import { MAX_CLOCK_SKEW_MS } from '../../protocol/dht-records.ts'
import { sealInboxEnvelope } from '../../protocol/inbox-envelope.ts'
import {
  createDepositRecord,
  createTombstoneRecord,
  INBOX_SLOTS_PER_EPOCH,
  type InboxSlot,
  inboxEpoch,
  inboxEpochReadUntil,
  inboxSlot,
  MAILBOX_MAX_TTL_MS,
  sealSlotPayload,
} from '../../protocol/mailbox.ts'
import type { PutOutcome } from './dht-records.ts'
import { InboxFullError, UnknownSlotError } from './errors.ts'
import type { OutgoingDeposit } from './mailbox-store.ts'
import type { DepositResult, MailboxContext, PendingDeposit } from './mailbox-types.ts'
import { firstFreeSlot } from './slot-search.ts'

interface InboxClaim {
  slot: InboxSlot
  record: Uint8Array
  expiresMs: number
  outcome: PutOutcome
}

export class Deposits {
  readonly #context: MailboxContext

  constructor(context: MailboxContext) {
    this.#context = context
  }

  /** See OfflineMailbox.deposit. */
  async deposit(
    recipient: Uint8Array,
    envelope: Uint8Array,
    options: AbortOptions,
  ): Promise<DepositResult> {
    const { store, slots, lifecycle, clock } = this.#context
    checkLength(recipient, ED25519_PUBLIC_KEY_LENGTH, 'recipient public key')
    await this.#context.recipients?.check(recipient, options)
    const recipientHex = toHex(recipient)
    const probed =
      (await store.getSequence(recipientHex)) == null
        ? await firstFreeSlot(
            async (n) => (await slots.read(slots.slotTo(recipient, n), options)).kind !== 'empty',
          )
        : undefined
    const deposit = await lifecycle.exclusive(async () => {
      const sequence = (await store.getSequence(recipientHex)) ?? probed ?? 0
      const slot = slots.slotTo(recipient, sequence)
      const now = clock()
      const expiresMs = now + this.#context.options.ttlMs
      const record = createDepositRecord(slot.keyPair, sealSlotPayload(slot, envelope), {
        createdMs: now,
        expiresMs,
      })
      const deposit: OutgoingDeposit = {
        handle: slot.slotId,
        kind: 'pairwise',
        recipient: recipientHex,
        slotId: slot.slotId,
        sequence,
        record: toBase64(record),
        depositedMs: now,
        deadlineMs: expiresMs,
        recordExpiresMs: expiresMs,
        confirmed: 0,
        total: 0,
        lastPutMs: now,
        stored: false,
      }
      await store.reserveSequence(recipientHex, sequence + 1, deposit)
      return deposit
    })
    const outcome = await this.putDeposit(deposit, options)
    return { slotId: deposit.handle, confirmed: outcome.confirmed, total: outcome.total }
  }

  /** See OfflineMailbox.depositToInbox. */
  async depositToInbox(
    recipient: Uint8Array,
    envelope: Uint8Array,
    options: AbortOptions,
  ): Promise<DepositResult> {
    const { identity, store, clock } = this.#context
    checkLength(recipient, ED25519_PUBLIC_KEY_LENGTH, 'recipient public key')
    await this.#context.recipients?.check(recipient, options)
    const payload = sealInboxEnvelope(identity, recipient, envelope)
    const now = clock()
    const { ttlMs } = this.#context.options
    const claim = await this.#claimInboxSlot(recipient, payload, now + ttlMs, options)
    const deposit: OutgoingDeposit = {
      handle: claim.slot.slotId,
      kind: 'inbox',
      recipient: toHex(recipient),
      slotId: claim.slot.slotId,
      inboxEpoch: claim.slot.epoch,
      inboxIndex: claim.slot.index,
      record: toBase64(claim.record),
      payload: toBase64(payload),
      depositedMs: now,
      deadlineMs: now + ttlMs,
      recordExpiresMs: claim.expiresMs,
      confirmed: claim.outcome.confirmed,
      total: claim.outcome.total,
      lastPutMs: now,
      stored: false,
    }
    await store.putOutgoing(deposit)
    await this.#recordPut(deposit, claim.outcome)
    return { slotId: deposit.handle, ...pick(claim.outcome) }
  }

  /** See OfflineMailbox.withdraw. */
  async withdraw(slotId: string, options: AbortOptions): Promise<void> {
    const { store, slots, clock } = this.#context
    const deposit = await store.getOutgoing(slotId)
    if (deposit == null) throw new UnknownSlotError(slotId, 'deposit of ours')
    await store.deleteOutgoing(slotId)
    const recipient = fromHex(deposit.recipient)
    if (deposit.kind !== 'pairwise') {
      this.#context.emit('mailbox:withdrawn', { slotId, recipient, confirmed: 0 })
      return
    }
    const slot = slots.slotTo(recipient, deposit.sequence!)
    const now = clock()
    const tombstone = createTombstoneRecord(slot.keyPair, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: now,
      expiresMs: now + MAILBOX_MAX_TTL_MS + MAX_CLOCK_SKEW_MS,
    })
    const { confirmed } = await slots.put(slot.dhtKey, tombstone, options)
    this.#context.emit('mailbox:withdrawn', { slotId, recipient, confirmed })
  }

  /** Our deposits not yet collected. */
  async pending(): Promise<PendingDeposit[]> {
    return (await this.#context.store.listOutgoing()).map((deposit) => ({
      slotId: deposit.handle,
      recipient: fromHex(deposit.recipient),
      source: deposit.kind,
      confirmed: deposit.confirmed,
      total: deposit.total,
      stored: deposit.stored,
      depositedAt: deposit.depositedMs,
      expiresAt: deposit.deadlineMs,
    }))
  }

  /** Puts the deposit's record (again) where it lives now, and saves the outcome. */
  async putDeposit(deposit: OutgoingDeposit, options: AbortOptions): Promise<PutOutcome> {
    const outcome = await this.#context.slots.put(
      encoder.encode(deposit.slotId),
      fromBase64(deposit.record),
      options,
    )
    await this.#recordPut(deposit, outcome)
    return outcome
  }

  /** Moves an inbox deposit to a free slot of this week's inbox; waits when the inbox is full. */
  async moveInboxDeposit(deposit: OutgoingDeposit, options: AbortOptions): Promise<void> {
    const { store, lifecycle, log } = this.#context
    let claim: InboxClaim
    try {
      claim = await this.#claimInboxSlot(
        fromHex(deposit.recipient),
        fromBase64(deposit.payload!),
        deposit.deadlineMs,
        options,
      )
    } catch (err) {
      if (!(err instanceof InboxFullError)) throw err
      log('inbox of %s is full; deposit %s waits', deposit.recipient, deposit.handle)
      return
    }
    const moved: OutgoingDeposit = {
      ...deposit,
      slotId: claim.slot.slotId,
      inboxEpoch: claim.slot.epoch,
      inboxIndex: claim.slot.index,
      record: toBase64(claim.record),
      recordExpiresMs: claim.expiresMs,
      stored: false,
    }
    const kept = await lifecycle.exclusive(async () => {
      if ((await store.getOutgoing(deposit.handle)) == null) return false
      await store.putOutgoing(moved)
      return true
    })
    if (kept) await this.#recordPut(moved, claim.outcome)
  }

  /** Saves a put's outcome (unless the deposit was collected or withdrawn meanwhile). */
  async #recordPut(deposit: OutgoingDeposit, outcome: PutOutcome): Promise<void> {
    const { store, lifecycle, clock, log } = this.#context
    const { replicas } = this.#context.options
    const stored = outcome.confirmed >= replicas
    const updated = await lifecycle.exclusive(async () => {
      const current = await store.getOutgoing(deposit.handle)
      if (current == null || current.slotId !== deposit.slotId) return undefined
      const next: OutgoingDeposit = {
        ...current,
        confirmed: outcome.confirmed,
        total: outcome.total,
        lastPutMs: clock(),
        stored: current.stored || stored,
      }
      await store.putOutgoing(next)
      // Told when it counts: stored (or stored with another count), or a first holder (or
      // more) for a deposit still short, which is all a network with fewer servers gives.
      const tell = stored
        ? !current.stored || current.confirmed !== outcome.confirmed
        : outcome.confirmed > current.confirmed
      return { tell, next }
    })
    if (updated == null) return
    if (updated.tell) {
      this.#context.emit('mailbox:stored', {
        slotId: deposit.handle,
        recipient: fromHex(deposit.recipient),
        ...pick(outcome),
      })
    }
    if (!stored) {
      log(
        'deposit %s confirmed by %d of %d peers, fewer than %d: will retry',
        deposit.handle,
        outcome.confirmed,
        outcome.total,
        replicas,
      )
    }
  }

  /**
   * Takes the first free slot of this week's inbox that stores our deposit. In order, not at
   * random: readers then find an inbox's deposits at its first indices (see collection.ts).
   */
  async #claimInboxSlot(
    recipient: Uint8Array,
    payload: Uint8Array,
    deadlineMs: number,
    options: AbortOptions,
  ): Promise<InboxClaim> {
    const { slots, clock } = this.#context
    const now = clock()
    const epoch = inboxEpoch(now)
    const expiresMs = Math.min(deadlineMs, inboxEpochReadUntil(epoch))
    const batch = this.#context.options.inboxLookahead
    for (let first = 0; first < INBOX_SLOTS_PER_EPOCH; first += batch) {
      const inbox = Array.from({ length: Math.min(batch, INBOX_SLOTS_PER_EPOCH - first) }, (_, i) =>
        inboxSlot(recipient, epoch, first + i),
      )
      const reads = await Promise.all(inbox.map((slot) => slots.read(slot, options)))
      for (const [i, slot] of inbox.entries()) {
        if (reads[i].kind !== 'empty') continue
        const record = createDepositRecord(slot.keyPair, payload, { createdMs: now, expiresMs })
        const outcome = await slots.put(slot.dhtKey, record, options)
        if (outcome.confirmed > 0) return { slot, record, expiresMs, outcome }
      }
    }
    throw new InboxFullError()
  }
}

function pick(outcome: PutOutcome): { confirmed: number; total: number } {
  return { confirmed: outcome.confirmed, total: outcome.total }
}

const encoder = new TextEncoder()
