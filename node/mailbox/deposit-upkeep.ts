/**
 * The retries of the sender's side: one round of the republish loop looks at each deposit
 * of ours and forgets it (collected or past its deadline), leaves it (enough peers hold it,
 * recently put), puts it again, or moves an inbox deposit to a fresh slot.
 *
 * How it is kept: the DHT is the source of truth: a tombstone in the slot means collected
 * (`mailbox:collected`), except an inbox tombstone that names another writer's deposit,
 * which means ours must move; a deposit still there is counted by the peers that hold our
 * exact record and put again when fewer than `replicas` do or its last put is older than
 * `refreshAfterMs` (kad-dht peers drop records after 48 hours); a deadline passed is
 * `mailbox:expired`, so the sender shows it failed instead of waiting for ever. A deposit
 * for a recipient that may no longer be left anything (a device its account revoked) is
 * withdrawn: a pairwise slot gets our tombstone, an inbox deposit is only no longer put again.
 */
import type { AbortOptions } from '@libp2p/interface'
import { bytesEqual, fromBase64, fromHex } from '../../protocol/bytes.ts'
import { type MailboxTombstone, recordDigest } from '../../protocol/mailbox.ts'
import type { Deposits } from './deposits.ts'
import { UnknownSlotError } from './errors.ts'
import type { OutgoingDeposit } from './mailbox-store.ts'
import type { MailboxContext } from './mailbox-types.ts'
import { tryValidate } from './slot-reader.ts'

export class DepositUpkeep {
  readonly #context: MailboxContext
  readonly #deposits: Deposits

  constructor(context: MailboxContext, deposits: Deposits) {
    this.#context = context
    this.#deposits = deposits
  }

  /** Looks after every deposit of ours, side by side. */
  async round(options: AbortOptions): Promise<void> {
    const deposits = await this.#context.store.listOutgoing()
    await Promise.all(deposits.map((deposit) => this.#maintain(deposit, options)))
  }

  async #maintain(deposit: OutgoingDeposit, options: AbortOptions): Promise<void> {
    const { store, slots, clock, emit } = this.#context
    const recipient = fromHex(deposit.recipient)
    if (clock() >= deposit.deadlineMs) {
      await store.deleteOutgoing(deposit.handle)
      emit('mailbox:expired', { slotId: deposit.handle, recipient })
      return
    }
    if (this.#context.recipients?.refused(recipient) === true) {
      // Messaging may withdraw it at the same moment (it forgets a revoked device too).
      await this.#deposits.withdraw(deposit.handle, options).catch((err: Error) => {
        if (!(err instanceof UnknownSlotError)) throw err
      })
      return
    }
    const key = encoder.encode(deposit.slotId)
    const record = fromBase64(deposit.record)
    const { answers } = await slots.get(key, options)
    const now = clock()
    const tombstones = answers.flatMap((answer) => {
      const opened = tryValidate(key, answer.value, now)
      return opened?.kind === 'tombstone' ? [opened.tombstone] : []
    })
    if (tombstones.length > 0) {
      if (deposit.kind === 'inbox' && tombstones.every((t) => clearedOther(t, record))) {
        // The recipient cleared another writer's deposit in this slot, never ours.
        await this.#deposits.moveInboxDeposit(deposit, options)
        return
      }
      await store.deleteOutgoing(deposit.handle)
      emit('mailbox:collected', { slotId: deposit.handle, recipient })
      return
    }
    if (deposit.kind === 'inbox' && now >= deposit.recordExpiresMs) {
      await this.#deposits.moveInboxDeposit(deposit, options)
      return
    }
    const holders = answers.filter((answer) => bytesEqual(answer.value, record)).length
    const { replicas, refreshAfterMs } = this.#context.options
    if (holders >= replicas && now - deposit.lastPutMs < refreshAfterMs) return
    const outcome = await this.#deposits.putDeposit(deposit, options)
    if (deposit.kind === 'inbox' && outcome.confirmed === 0 && outcome.total > 0) {
      // Every peer refused it: another deposit took the slot first where we were not stored.
      await this.#deposits.moveInboxDeposit(deposit, options)
    }
  }
}

/** A tombstone that names the deposit it cleared, and names another one than `record`. */
export function clearedOther(tombstone: MailboxTombstone, record: Uint8Array): boolean {
  return (
    tombstone.clearedDigest.length > 0 && !bytesEqual(tombstone.clearedDigest, recordDigest(record))
  )
}

const encoder = new TextEncoder()
