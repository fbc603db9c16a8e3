/**
 * The recipient's side: reading what waits for us (each known sender's pairwise slots and
 * our first-contact inbox), and acknowledging what was stored.
 *
 * How it is kept: every envelope is recorded (`seen/`) before it is handed over, so
 * acknowledge() can make its tombstone, and an envelope not acknowledged is returned again
 * by the next collection: nothing is lost between reading and storing. Each sender has a
 * cursor (sender-cursor.ts) that moves only over acknowledged or tombstoned slots, under
 * the store's exclusive section; the first collection after start is a deep scan
 * (`lookahead` empty slots past the last used one), so a lost slot hides nothing; a
 * deposit found in slot 0 below a cursor means the sender lost its state and counts from 0
 * again. Inbox slots that do not open are noise anyone may write, left to expire.
 */
import type { AbortOptions } from '@libp2p/interface'
import { fromBase64, toBase64, toHex } from '../../protocol/bytes.ts'
import { checkLength, ED25519_PUBLIC_KEY_LENGTH } from '../../protocol/crypto/index.ts'
import { openInboxEnvelope } from '../../protocol/inbox-envelope.ts'
import {
  INBOX_SLOTS_PER_EPOCH,
  type InboxSlot,
  inboxEpoch,
  inboxSlot,
  openSlotPayload,
  recordDigest,
} from '../../protocol/mailbox.ts'
import { UnknownSlotError } from './errors.ts'
import type { CollectedSlot } from './mailbox-store.ts'
import type { CollectedEnvelope, CollectOptions, MailboxContext } from './mailbox-types.ts'
import { advanceCursor } from './sender-cursor.ts'
import { type SlotRead, scanSlots } from './slot-search.ts'
import type { Tombstones } from './tombstones.ts'

export class Collection {
  readonly #context: MailboxContext
  readonly #tombstones: Tombstones
  /** Senders checked this run for a restart from slot 0 (see #collectFrom). */
  readonly #restartProbed = new Set<string>()
  #lastDeepScanMs?: number

  constructor(context: MailboxContext, tombstones: Tombstones) {
    this.#context = context
    this.#tombstones = tombstones
  }

  /** A new run: its first collection is a deep scan. */
  restart(): void {
    this.#lastDeepScanMs = undefined
  }

  /** See OfflineMailbox.collect. */
  async collect(senders: Uint8Array[], options: CollectOptions): Promise<CollectedEnvelope[]> {
    const unique = [...new Map(senders.map((sender) => [toHex(sender), sender])).values()]
    await this.watch(unique)
    const now = this.#context.clock()
    const { lookahead, inboxLookahead, deepScanIntervalMs } = this.#context.options
    const deep =
      options.deep ??
      (this.#lastDeepScanMs == null || now - this.#lastDeepScanMs >= deepScanIntervalMs)
    if (deep) this.#lastDeepScanMs = now
    const [pairwise, inbox] = await Promise.all([
      Promise.all(unique.map((sender) => this.#collectFrom(sender, deep ? lookahead : 1, options))),
      options.inbox === false ? [] : this.#collectInbox(deep ? inboxLookahead : 1, options),
    ])
    await this.#tombstones.sendPending(options)
    return [...pairwise.flat(), ...inbox]
  }

  /** See OfflineMailbox.acknowledge. */
  async acknowledge(slotId: string, options: AbortOptions): Promise<void> {
    const { store, lifecycle, clock } = this.#context
    const collected = await store.getCollected(slotId)
    if (collected == null) throw new UnknownSlotError(slotId, 'collected envelope')
    const now = clock()
    const tombstone = this.#tombstones.for(collected, now)
    if (collected.kind === 'pairwise') {
      await lifecycle.exclusive(async () => {
        const cursor = (await store.getCursor(collected.sender)) ?? { next: 0, acked: [] }
        const value = advanceCursor(
          { ...cursor, acked: [...cursor.acked, collected.sequence!] },
          now,
        )
        await store.acknowledge(slotId, tombstone, { sender: collected.sender, value })
      })
    } else {
      await store.acknowledge(slotId, tombstone)
    }
    if (tombstone != null)
      await this.#tombstones.send(slotId, fromBase64(tombstone.record), options)
  }

  /** Starts a cursor for each sender not known yet. */
  async watch(senders: Uint8Array[]): Promise<void> {
    const { store, lifecycle } = this.#context
    for (const sender of senders) {
      checkLength(sender, ED25519_PUBLIC_KEY_LENGTH, 'sender public key')
      const senderHex = toHex(sender)
      await lifecycle.exclusive(async () => {
        if ((await store.getCursor(senderHex)) == null) {
          await store.putCursor(senderHex, { next: 0, acked: [] })
        }
      })
    }
  }

  /** Stops collecting from a sender and forgets where its slots were. */
  async unwatch(sender: Uint8Array): Promise<void> {
    const { store, lifecycle } = this.#context
    await lifecycle.exclusive(() => store.deleteCursor(toHex(sender)))
  }

  async #collectFrom(
    sender: Uint8Array,
    lookahead: number,
    options: CollectOptions,
  ): Promise<CollectedEnvelope[]> {
    const { store, slots, lifecycle, clock, log } = this.#context
    const senderHex = toHex(sender)
    const slotAt = (sequence: number) => slots.slotFrom(sender, sequence)
    const read = slots.read.bind(slots)
    let cursor = (await store.getCursor(senderHex)) ?? { next: 0, acked: [] }
    // Every slot below the cursor was tombstoned or has expired, so a deposit in slot 0
    // means the sender lost its state (a restored identity) and counts from 0 again.
    if (cursor.next > 0 && !this.#restartProbed.has(senderHex)) {
      this.#restartProbed.add(senderHex)
      if ((await read(slotAt(0), options)).kind === 'deposit') {
        log('sender %s starts again from slot 0', senderHex)
        cursor = { next: 0, acked: [] }
        await lifecycle.exclusive(() => store.putCursor(senderHex, cursor))
      }
    }
    const known = new Set(cursor.acked)
    const tombstoned: number[] = []
    const found: CollectedEnvelope[] = []
    const range = { slotAt, start: cursor.next, known, end: Number.POSITIVE_INFINITY, lookahead }
    await scanSlots(range, read, options, async (reads) => {
      const collected: Array<[string, CollectedSlot]> = []
      const opened: CollectedEnvelope[] = []
      for (const { n, slot, read } of reads) {
        if (read.kind === 'tombstone') tombstoned.push(n)
        if (read.kind !== 'deposit') continue
        try {
          const envelope = openSlotPayload(slot, read.deposit.payload)
          opened.push({ slotId: slot.slotId, source: 'pairwise', sender, envelope })
          collected.push([
            slot.slotId,
            { kind: 'pairwise', sender: senderHex, sequence: n, digest: digestOf(read.record) },
          ])
        } catch (err) {
          log.error('slot %s of %s does not decrypt: %e', slot.slotId, senderHex, err)
        }
      }
      await this.#handOver(collected, opened, found, options)
    })
    await lifecycle.exclusive(async () => {
      const current = (await store.getCursor(senderHex)) ?? cursor
      const merged = advanceCursor(
        { ...current, acked: [...current.acked, ...tombstoned] },
        clock(),
      )
      await store.putCursor(senderHex, merged)
    })
    return found
  }

  /**
   * Writers take the first free slot of the week, so each week's slots fill from index 0:
   * read them in order until `lookahead` empty ones in a row. An idle inbox costs
   * 2 * lookahead gets, a full one 64.
   */
  async #collectInbox(lookahead: number, options: CollectOptions): Promise<CollectedEnvelope[]> {
    const { identity, slots, clock } = this.#context
    const current = inboxEpoch(clock())
    const epochs = [current, current - 1].filter((epoch) => epoch >= 0)
    const found: CollectedEnvelope[] = []
    await Promise.all(
      epochs.map((epoch) =>
        scanSlots(
          {
            slotAt: (index) => inboxSlot(identity.publicKey, epoch, index),
            start: 0,
            known: new Set(),
            end: INBOX_SLOTS_PER_EPOCH,
            lookahead,
          },
          slots.read.bind(slots),
          options,
          (reads) => this.#openInboxReads(reads, found, options),
        ),
      ),
    )
    return found
  }

  async #openInboxReads(
    reads: Array<{ slot: InboxSlot; read: SlotRead }>,
    found: CollectedEnvelope[],
    options: CollectOptions,
  ): Promise<void> {
    const opened: CollectedEnvelope[] = []
    const collected: Array<[string, CollectedSlot]> = []
    for (const { slot, read } of reads) {
      if (read.kind !== 'deposit') continue
      try {
        const { sender, envelope } = openInboxEnvelope(this.#context.identity, read.deposit.payload)
        opened.push({ slotId: slot.slotId, source: 'inbox', sender, envelope })
        collected.push([
          slot.slotId,
          {
            kind: 'inbox',
            sender: toHex(sender),
            inboxEpoch: slot.epoch,
            inboxIndex: slot.index,
            digest: digestOf(read.record),
          },
        ])
      } catch (err) {
        // Anyone can write an inbox slot; what does not open is noise, left to expire.
        this.#context.log('inbox slot %s holds no envelope for us: %e', slot.slotId, err)
      }
    }
    await this.#handOver(collected, opened, found, options)
  }

  /**
   * Records what a batch of reads found (acknowledge() needs the record), then hands each
   * envelope to `onEnvelope` and adds it to what the collection resolves with.
   */
  async #handOver(
    collected: Array<[string, CollectedSlot]>,
    opened: CollectedEnvelope[],
    found: CollectedEnvelope[],
    options: CollectOptions,
  ): Promise<void> {
    if (collected.length > 0) await this.#context.store.putCollected(collected)
    for (const envelope of opened) {
      found.push(envelope)
      options.onEnvelope?.(envelope)
    }
  }
}

function digestOf(record: Uint8Array): string {
  return toBase64(recordDigest(record))
}
