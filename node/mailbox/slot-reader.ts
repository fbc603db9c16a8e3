/**
 * The mailbox's way to the DHT: slot keys, and every get and put the mailbox makes.
 *
 * How it is kept: queries go through one queue of `concurrency`, each bounded by
 * `queryTimeoutMs` and aborted (or dropped while still queued) when the mailbox stops or
 * the caller's signal fires; a slot read validates every answer against the slot's key and
 * yields at most one envelope (any tombstone wins; else the deposit most peers hold, then
 * the earliest), so peers that disagree cannot make one slot deliver twice; pairwise
 * secrets are derived once per peer and kept in memory only.
 */
import type { AbortOptions } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import PQueue from 'p-queue'
import { toBase64, toHex } from '../../protocol/bytes.ts'
import {
  type MailboxDeposit,
  type MailboxSlot,
  type MailboxTombstone,
  type OpenedMailboxRecord,
  type PairwiseSlot,
  pairwiseSecret,
  pairwiseSlot,
  validateMailboxRecord,
} from '../../protocol/mailbox.ts'
import type { Identity } from '../identity/index.ts'
import type { ServiceLifecycle } from '../service-lifecycle.ts'
import { type GetOutcome, getRecords, type PutOutcome, putRecord } from './dht-records.ts'
import type { SlotRead } from './slot-search.ts'

export interface SlotReaderInit {
  dht: KadDHT
  identity: Identity
  lifecycle: ServiceLifecycle
  clock: () => number
  concurrency: number
  queryTimeoutMs: number
}

export class SlotReader {
  readonly #dht: KadDHT
  readonly #identity: Identity
  readonly #lifecycle: ServiceLifecycle
  readonly #clock: () => number
  readonly #concurrency: number
  readonly #queryTimeoutMs: number
  readonly #secrets = new Map<string, Uint8Array>()
  #queue: PQueue

  constructor(init: SlotReaderInit) {
    this.#dht = init.dht
    this.#identity = init.identity
    this.#lifecycle = init.lifecycle
    this.#clock = init.clock
    this.#concurrency = init.concurrency
    this.#queryTimeoutMs = init.queryTimeoutMs
    this.#queue = new PQueue({ concurrency: init.concurrency })
  }

  /** A fresh queue for a new run (tasks of the last one were dropped when it stopped). */
  restart(): void {
    this.#queue = new PQueue({ concurrency: this.#concurrency })
  }

  /** Our slot `sequence` towards `recipient`. */
  slotTo(recipient: Uint8Array, sequence: number): PairwiseSlot {
    return pairwiseSlot(this.#secret(recipient), this.#identity.publicKey, recipient, sequence)
  }

  /** `sender`'s slot `sequence` towards us. */
  slotFrom(sender: Uint8Array, sequence: number): PairwiseSlot {
    return pairwiseSlot(this.#secret(sender), sender, this.#identity.publicKey, sequence)
  }

  /** What a slot holds now, by the answers of the peers asked (see `slotReadOf`). */
  async read(slot: MailboxSlot, options: AbortOptions): Promise<SlotRead> {
    const { answers, best } = await this.get(slot.dhtKey, options)
    const values = answers.map((answer) => answer.value)
    if (best != null) values.push(best)
    return slotReadOf(slot, values, this.#clock())
  }

  get(key: Uint8Array, options: AbortOptions): Promise<GetOutcome> {
    return this.#queued(options, (signal) =>
      getRecords(this.#dht, key, { signal, timeoutMs: this.#queryTimeoutMs }),
    )
  }

  put(key: Uint8Array, value: Uint8Array, options: AbortOptions): Promise<PutOutcome> {
    return this.#queued(options, (signal) =>
      putRecord(this.#dht, key, value, { signal, timeoutMs: this.#queryTimeoutMs }),
    )
  }

  async #queued<T>(options: AbortOptions, query: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = this.#lifecycle.signal(options)
    // A task still queued when the signal aborts is dropped, and this promise rejects.
    return (await this.#queue.add(() => query(signal), { signal })) as T
  }

  #secret(peer: Uint8Array): Uint8Array {
    const key = toHex(peer)
    let secret = this.#secrets.get(key)
    if (secret == null) {
      secret = pairwiseSecret(this.#identity, peer)
      this.#secrets.set(key, secret)
    }
    return secret
  }
}

/**
 * What a slot holds, given the records peers answered with: any tombstone wins. Otherwise
 * one deposit, so a slot never yields more than one envelope: peers can disagree when one
 * stored a later write the others refused, so take the deposit most of them hold, then
 * the earliest. Records that do not validate under the slot's key are ignored.
 */
export function slotReadOf(slot: MailboxSlot, values: Uint8Array[], now: number): SlotRead {
  const tombstones: MailboxTombstone[] = []
  const deposits = new Map<
    string,
    { record: Uint8Array; deposit: MailboxDeposit; holders: number }
  >()
  for (const value of values) {
    const opened = tryValidate(slot.dhtKey, value, now)
    if (opened?.kind === 'tombstone') tombstones.push(opened.tombstone)
    if (opened?.kind !== 'deposit') continue
    const key = toBase64(value)
    const entry = deposits.get(key) ?? { record: value, deposit: opened.deposit, holders: 0 }
    entry.holders++
    deposits.set(key, entry)
  }
  if (tombstones.length > 0) return { kind: 'tombstone', tombstones }
  const [chosen] = [...deposits.values()].sort(
    (a, b) =>
      b.holders - a.holders ||
      a.deposit.createdMs - b.deposit.createdMs ||
      Buffer.compare(a.record, b.record),
  )
  return chosen == null
    ? { kind: 'empty' }
    : { kind: 'deposit', deposit: chosen.deposit, record: chosen.record }
}

/** The record opened, or undefined when it does not validate under `key` now. */
export function tryValidate(
  key: Uint8Array,
  value: Uint8Array,
  now: number,
): OpenedMailboxRecord | undefined {
  try {
    return validateMailboxRecord(key, value, now)
  } catch {
    return undefined
  }
}
