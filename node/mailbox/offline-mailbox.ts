/**
 * The offline mailbox: leaves encrypted envelopes for offline recipients in the DHT, keeps
 * them until they are collected, and collects what others left for us.
 *
 * This file is the glue: it checks the options, owns the lifecycle (every call is tracked,
 * so stop() waits for it and aborts its queries) and the republish loop, and builds the
 * parts once:
 *   slot-reader.ts     slot keys, and every DHT get and put, queued and bounded
 *   slot-search.ts     scanning past empty slots, finding the first free one
 *   deposits.ts        the sender's side: deposit, inbox deposit, withdraw, put outcomes
 *   deposit-upkeep.ts  one republish round: forget, refresh or move each deposit
 *   collection.ts      the recipient's side: collect, acknowledge, cursors
 *   tombstones.ts      receipts in collected slots, retried until stored
 *   mailbox-store.ts   what is kept in LevelDB
 */
import type { AbortOptions } from '@libp2p/interface'
import { TypedEventEmitter } from 'main-event'
import { MAILBOX_DEFAULT_TTL_MS, MAILBOX_MAX_TTL_MS } from '../../protocol/mailbox.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import { Collection } from './collection.ts'
import { DepositUpkeep } from './deposit-upkeep.ts'
import { Deposits } from './deposits.ts'
import { MailboxNotStartedError } from './errors.ts'
import { MailboxStore } from './mailbox-store.ts'
import type {
  CollectedEnvelope,
  CollectOptions,
  DepositResult,
  MailboxContext,
  MailboxOptions,
  OfflineMailboxComponents,
  OfflineMailboxEvents,
  OfflineMailboxInit,
  PendingDeposit,
} from './mailbox-types.ts'
import { SlotReader } from './slot-reader.ts'
import { Tombstones } from './tombstones.ts'

/** First wait before a deposit short of `replicas` is put again (then doubling). */
const SHORT_RETRY_FIRST_MS = 1_000
/** Longest wait between those rounds (or the republish interval, if shorter). */
const SHORT_RETRY_MAX_MS = 30_000

const DEFAULTS: MailboxOptions = {
  replicas: 3,
  ttlMs: MAILBOX_DEFAULT_TTL_MS,
  republishIntervalMs: 300_000,
  refreshAfterMs: 12 * 60 * 60_000,
  lookahead: 8,
  inboxLookahead: 4,
  deepScanIntervalMs: 60 * 60_000,
  concurrency: 8,
  queryTimeoutMs: 30_000,
}

export class OfflineMailbox extends TypedEventEmitter<OfflineMailboxEvents> {
  readonly #lifecycle = new ServiceLifecycle(() => new MailboxNotStartedError())
  readonly #context: MailboxContext
  readonly #deposits: Deposits
  readonly #upkeep: DepositUpkeep
  readonly #collection: Collection
  readonly #tombstones: Tombstones
  /** The background loop's next round; a timer leaves the set when it fires or is cleared. */
  readonly #timers = new Set<NodeJS.Timeout>()
  /** The early round for deposits short of `replicas`, when one is scheduled; its next delay. */
  #shortRetry?: NodeJS.Timeout
  #shortRetryMs = SHORT_RETRY_FIRST_MS

  constructor(components: OfflineMailboxComponents, init: OfflineMailboxInit = {}) {
    super()
    const { clock = Date.now, ...rest } = init
    const options: MailboxOptions = { ...DEFAULTS, ...withoutUndefined(rest) }
    if (options.ttlMs <= 0 || options.ttlMs > MAILBOX_MAX_TTL_MS) {
      throw new RangeError(`ttlMs must be 1..${MAILBOX_MAX_TTL_MS}, got ${options.ttlMs}`)
    }
    if (!Number.isInteger(options.replicas) || options.replicas < 1) {
      throw new RangeError(`replicas must be a positive integer, got ${options.replicas}`)
    }
    const lifecycle = this.#lifecycle
    this.#context = {
      identity: components.identity,
      store: new MailboxStore(components.store),
      slots: new SlotReader({
        dht: components.host.services.dht,
        identity: components.identity,
        lifecycle,
        clock,
        concurrency: options.concurrency,
        queryTimeoutMs: options.queryTimeoutMs,
      }),
      lifecycle,
      options,
      recipients: components.recipients,
      clock,
      log: components.host.logger.forComponent('tokenim:mailbox'),
      emit: (type, detail) => {
        this.safeDispatchEvent(type, { detail })
      },
    }
    this.#deposits = new Deposits(this.#context)
    this.#upkeep = new DepositUpkeep(this.#context, this.#deposits)
    this.#tombstones = new Tombstones(this.#context)
    this.#collection = new Collection(this.#context, this.#tombstones)
  }

  get running(): boolean {
    return this.#lifecycle.running
  }

  /**
   * Starts the republish loop; its first round runs at once. Collecting is the caller's to
   * schedule (a node's messaging does it), so that one collector reads each slot.
   */
  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    this.#collection.restart()
    this.#context.slots.restart()
    this.#every(this.#context.options.republishIntervalMs, () => this.republish())
  }

  /** Timers of the background loop waiting to fire (tests, diagnostics). */
  get scheduledTimers(): number {
    return this.#timers.size
  }

  /** Stops the loops and aborts queries under way; what is stored stays for the next start. */
  async stop(): Promise<void> {
    await this.#lifecycle.stop(() => {
      for (const timer of this.#timers) clearTimeout(timer)
      this.#timers.clear()
      this.#shortRetry = undefined
    })
  }

  /**
   * Leaves `envelope` for `recipient` in the next pairwise slot, signed and encrypted under
   * the slot key, and keeps it until the recipient collects it. Resolves once the first put
   * is done: with fewer than `replicas` confirmations it is put again soon (`#retryIfShort`).
   */
  deposit(
    recipient: Uint8Array,
    envelope: Uint8Array,
    options: AbortOptions = {},
  ): Promise<DepositResult> {
    return this.#lifecycle.track(async () =>
      this.#retryIfShort(await this.#deposits.deposit(recipient, envelope, options)),
    )
  }

  /**
   * Leaves a first-contact envelope in a free slot of the recipient's inbox for this week,
   * sealed to the recipient with our identity inside. Throws InboxFullError when all
   * INBOX_SLOTS_PER_EPOCH slots are taken. Kept, moved to a new week's slot and republished
   * like a pairwise deposit until the recipient collects it or `ttlMs` passes.
   */
  depositToInbox(
    recipient: Uint8Array,
    envelope: Uint8Array,
    options: AbortOptions = {},
  ): Promise<DepositResult> {
    return this.#lifecycle.track(async () =>
      this.#retryIfShort(await this.#deposits.depositToInbox(recipient, envelope, options)),
    )
  }

  /**
   * A deposit fewer than `replicas` peers confirmed (no DHT peer yet, a query that timed out
   * under load) is put again soon: a round in SHORT_RETRY_FIRST_MS, then doubling while any
   * deposit stays short. Waiting for the next republish round
   * left it unconfirmed (and its message short of `stored`) for minutes. SHORT_RETRY_MAX_MS
   * bounds the wait while the DHT answers slowly (a loaded machine: a put after 1, 2, 4, 8,
   * 16 s, then every 30 s).
   */
  #retryIfShort(result: DepositResult): DepositResult {
    if (result.confirmed < this.#context.options.replicas) this.#republishSoon()
    return result
  }

  #republishSoon(): void {
    // A republish interval of 0 turns the loop off: the caller runs the rounds itself.
    if (
      this.#shortRetry != null ||
      !this.running ||
      this.#context.options.republishIntervalMs <= 0
    ) {
      return
    }
    const delay = this.#shortRetryMs
    const longest = Math.min(SHORT_RETRY_MAX_MS, this.#context.options.republishIntervalMs)
    this.#shortRetryMs = Math.min(delay * 2, longest)
    const timer = setTimeout(async () => {
      this.#timers.delete(timer)
      this.#shortRetry = undefined
      try {
        await this.republish()
        const short = (await this.#deposits.pending()).some((deposit) => !deposit.stored)
        if (short) this.#republishSoon()
        else this.#shortRetryMs = SHORT_RETRY_FIRST_MS
      } catch (err) {
        if (this.running) this.#context.log('retrying short deposits failed - %e', err)
      }
    }, delay)
    this.#shortRetry = timer
    this.#timers.add(timer)
  }

  /**
   * Reads what waits for us: pairwise slots of each sender from its cursor on, and the
   * inbox's current and previous week (unless `inbox: false`), each until an empty slot (a
   * deep scan: until `lookahead` empty slots in a row). Returns every envelope not
   * acknowledged yet, including ones returned by earlier calls. Each sender gets a cursor
   * (see `watch`).
   */
  collect(senders: Uint8Array[], options: CollectOptions = {}): Promise<CollectedEnvelope[]> {
    return this.#lifecycle.track(() => this.#collection.collect(senders, options))
  }

  /**
   * Call once the envelope of `slotId` (from collect) is durably
   * stored: the slot gets a tombstone (so the sender learns it was collected and nobody can
   * serve it again) and the sender's cursor moves on. A tombstone that cannot be stored now
   * is retried by later collections. Throws UnknownSlotError for a slot not returned by a
   * collection, or already acknowledged.
   */
  acknowledge(slotId: string, options: AbortOptions = {}): Promise<void> {
    return this.#lifecycle.track(() => this.#collection.acknowledge(slotId, options))
  }

  /**
   * Gives up a deposit of ours: a pairwise slot gets our tombstone (the recipient then sees
   * nothing); an inbox deposit is only forgotten here, as only the recipient may clear its
   * inbox, and stays readable until it expires.
   */
  withdraw(slotId: string, options: AbortOptions = {}): Promise<void> {
    return this.#lifecycle.track(() => this.#deposits.withdraw(slotId, options))
  }

  /** Our deposits not yet collected. */
  pending(): Promise<PendingDeposit[]> {
    return this.#deposits.pending()
  }

  /** Starts a cursor for each sender not known yet (collect() does this too). */
  watch(senders: Uint8Array[]): Promise<void> {
    return this.#collection.watch(senders)
  }

  /** Stops collecting from a sender and forgets where its slots were. */
  unwatch(sender: Uint8Array): Promise<void> {
    return this.#collection.unwatch(sender)
  }

  /**
   * One round of the republish loop, also run by it: for each deposit of ours, forget it
   * if collected (tombstone) or past its deadline, put it again if fewer than `replicas`
   * peers hold it or its last put is older than `refreshAfterMs`, move an inbox deposit
   * whose slot expired or was taken.
   */
  republish(options: AbortOptions = {}): Promise<void> {
    return this.#lifecycle.track(async () => {
      await this.#upkeep.round(options)
      await this.#tombstones.sendPending(options)
    })
  }

  /** Runs `task` now and then every `intervalMs` after the previous run ended. */
  #every(intervalMs: number, task: () => Promise<void>): void {
    if (intervalMs <= 0) return
    const run = async () => {
      try {
        await task()
      } catch (err) {
        if (this.running) this.#context.log.error('background mailbox task failed: %e', err)
      }
      if (!this.running) return
      const timer = setTimeout(() => {
        this.#timers.delete(timer)
        void run()
      }, intervalMs)
      this.#timers.add(timer)
    }
    void run()
  }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}
