/**
 * The recipient's receipts in the DHT: a tombstone in a collected slot tells the sender the
 * envelope arrived and stops anyone serving the deposit again.
 *
 * How it is kept: a tombstone is made and saved as pending in the same write that records
 * the acknowledgement (collection.ts), then put; one not confirmed by any peer stays
 * pending and is put again by every later collection and republish round until it is
 * stored or outlives the deposit it clears. A pairwise tombstone is signed with the slot
 * key and lives as long as any deposit can; an inbox one is signed with our identity (only
 * the inbox's owner may clear it) and lives until the slot's week can no longer be read.
 */
import type { AbortOptions } from '@libp2p/interface'
import { fromBase64, fromHex, toBase64 } from '../../protocol/bytes.ts'
import { MAX_CLOCK_SKEW_MS } from '../../protocol/dht-records.ts'
import {
  createTombstoneRecord,
  inboxEpochReadUntil,
  inboxSlot,
  MAILBOX_MAX_TTL_MS,
  MAILBOX_TOMBSTONE_MAX_TTL_MS,
} from '../../protocol/mailbox.ts'
import type { CollectedSlot, PendingTombstone } from './mailbox-store.ts'
import type { MailboxContext } from './mailbox-types.ts'

export class Tombstones {
  readonly #context: MailboxContext

  constructor(context: MailboxContext) {
    this.#context = context
  }

  /** The tombstone for a collected slot, or undefined when nothing there is left to clear. */
  for(collected: CollectedSlot, now: number): PendingTombstone | undefined {
    const { identity, slots } = this.#context
    if (collected.kind === 'pairwise') {
      const slot = slots.slotFrom(fromHex(collected.sender), collected.sequence!)
      const expiresMs = now + MAILBOX_MAX_TTL_MS + MAX_CLOCK_SKEW_MS
      const record = createTombstoneRecord(slot.keyPair, {
        slotPublicKey: slot.keyPair.publicKey,
        tombstonedMs: now,
        expiresMs,
        clearedDigest: fromBase64(collected.digest),
      })
      return { record: toBase64(record), expiresMs }
    }
    const epoch = collected.inboxEpoch!
    const index = collected.inboxIndex!
    const expiresMs = Math.min(
      inboxEpochReadUntil(epoch) + MAX_CLOCK_SKEW_MS,
      now + MAILBOX_TOMBSTONE_MAX_TTL_MS,
    )
    // Past its read window every deposit of the slot has expired: nothing to clear.
    if (expiresMs <= now) return undefined
    const slot = inboxSlot(identity.publicKey, epoch, index)
    const record = createTombstoneRecord(identity, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: now,
      expiresMs,
      inbox: { epoch, index },
      clearedDigest: fromBase64(collected.digest),
    })
    return { record: toBase64(record), expiresMs }
  }

  /** Puts a pending tombstone; it stops being pending once a peer stores it. */
  async send(slotId: string, record: Uint8Array, options: AbortOptions): Promise<void> {
    const outcome = await this.#context.slots.put(encoder.encode(slotId), record, options)
    if (outcome.confirmed > 0) await this.#context.store.deletePendingTombstone(slotId)
    else this.#context.log('tombstone for %s not stored yet: will retry', slotId)
  }

  /** Puts every pending tombstone again; forgets those that outlived what they clear. */
  async sendPending(options: AbortOptions): Promise<void> {
    const { store, clock } = this.#context
    const now = clock()
    await Promise.all(
      (await store.listPendingTombstones()).map(async ([slotId, pending]) => {
        if (pending.expiresMs <= now) await store.deletePendingTombstone(slotId)
        else await this.send(slotId, fromBase64(pending.record), options)
      }),
    )
  }
}

const encoder = new TextEncoder()
