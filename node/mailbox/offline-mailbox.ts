/**
 * The offline mailbox: leaves encrypted envelopes for offline recipients in the DHT, keeps
 * them until they are collected, and collects what others left for us.
 */
import type { AbortOptions, ComponentLogger, Logger } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { TypedEventEmitter } from 'main-event'
import PQueue from 'p-queue'
import { bytesEqual, fromBase64, fromHex, toBase64, toHex } from '../../protocol/bytes.ts'
import { checkLength, ED25519_PUBLIC_KEY_LENGTH } from '../../protocol/crypto/index.ts'
import {
  createDepositRecord,
  createTombstoneRecord,
  INBOX_SLOTS_PER_EPOCH,
  type InboxSlot,
  inboxEpoch,
  inboxEpochReadUntil,
  inboxSlot,
  MAILBOX_DEFAULT_TTL_MS,
  MAILBOX_MAX_TTL_MS,
  MAILBOX_TOMBSTONE_MAX_TTL_MS,
  MAX_CLOCK_SKEW_MS,
  type MailboxDeposit,
  type MailboxSlot,
  type MailboxTombstone,
  type OpenedMailboxRecord,
  openInboxEnvelope,
  openSlotPayload,
  type PairwiseSlot,
  pairwiseSecret,
  pairwiseSlot,
  recordDigest,
  sealInboxEnvelope,
  sealSlotPayload,
  validateMailboxRecord,
} from '../../protocol/mailbox.ts'
import type { Identity } from '../identity/index.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import { type GetOutcome, getRecords, type PutOutcome, putRecord } from './dht-records.ts'
import { InboxFullError, MailboxNotStartedError, UnknownSlotError } from './errors.ts'
import {
  type CollectedSlot,
  MailboxStore,
  type OutgoingDeposit,
  type SenderCursor,
  type SlotKind,
} from './mailbox-store.ts'

export interface OfflineMailboxComponents {
  /** A libp2p host with the DHT (node/host.ts `Host` fits). */
  host: { services: { dht: KadDHT }; logger: ComponentLogger }
  identity: Identity
  /** The mailbox's own sublevel of the node's LevelDB. */
  store: AppLevel
}

export interface OfflineMailboxInit {
  /**
   * Peers that must confirm a deposit before it counts as stored. Fewer confirmations are
   * retried by the republish loop.
   * @default 3
   */
  replicas?: number
  /**
   * How long a deposit waits for its recipient, at most MAILBOX_MAX_TTL_MS (30 days).
   * @default MAILBOX_DEFAULT_TTL_MS (14 days)
   */
  ttlMs?: number
  /**
   * Checking our deposits: is each collected (tombstoned), still held by `replicas` peers?
   * Also run on start; 0 turns it off.
   * @default 300_000
   */
  republishIntervalMs?: number
  /**
   * Put a deposit again after this long even when enough peers hold it: kad-dht peers drop
   * a record 48 hours after they received it.
   * @default 43_200_000 (12 hours)
   */
  refreshAfterMs?: number
  /**
   * In a deep scan, empty pairwise slots in a row read past the last one in use, so that a
   * lost slot does not hide later ones. Other collections stop at the first empty slot.
   * @default 8
   */
  lookahead?: number
  /** The same for each week of the inbox. @default 4 */
  inboxLookahead?: number
  /**
   * How often a collection is a deep scan (the first one after start always is). An empty
   * slot costs a whole DHT lookup, so routine collections read one empty slot per sender.
   * @default 3_600_000 (1 hour)
   */
  deepScanIntervalMs?: number
  /** DHT queries run at once by this mailbox. @default 8 */
  concurrency?: number
  /** Longest wait for one DHT query. @default 30_000 */
  queryTimeoutMs?: number
  /** The clock, in ms since the Unix epoch (tests move it). @default Date.now */
  clock?: () => number
}

export interface DepositResult {
  /** Names the deposit in events, `pending()` and `withdraw()`. */
  slotId: string
  /** Peers that confirmed storing it now; `replicas` or more means stored. */
  confirmed: number
  /** Peers it was sent to. */
  total: number
}

export interface CollectOptions extends AbortOptions {
  /** Also read the first-contact inbox. @default true */
  inbox?: boolean
  /**
   * Look `lookahead` (`inboxLookahead`) slots past empty ones. By default on the first
   * collection after start and then every `deepScanIntervalMs`.
   */
  deep?: boolean
  /**
   * Called with each envelope as soon as its slot is read and recorded, while the scan goes
   * on to the next slots (a routine collection reads one more, empty, slot per sender):
   * handing it over at once saves the recipient that last lookup. `collect()` still
   * resolves with every envelope, these included.
   */
  onEnvelope?: (envelope: CollectedEnvelope) => void
}

export interface CollectedEnvelope {
  /** Pass to `acknowledge()` once the envelope is durably stored. */
  slotId: string
  /** A pairwise slot of a known sender, or the first-contact inbox. */
  source: SlotKind
  /**
   * The sender's identity key: the sender we asked for (pairwise), or the one named and
   * authenticated inside the inbox seal.
   */
  sender: Uint8Array
  envelope: Uint8Array
}

export interface PendingDeposit {
  slotId: string
  recipient: Uint8Array
  source: SlotKind
  confirmed: number
  total: number
  /** At least `replicas` peers confirmed it. */
  stored: boolean
  depositedAt: number
  expiresAt: number
}

export interface OfflineMailboxEvents {
  /**
   * A put of a deposit was confirmed by `replicas` peers or more: on the first such put, and
   * whenever a later one (republish, move to another inbox slot) counts a different number.
   */
  'mailbox:stored': CustomEvent<{
    slotId: string
    recipient: Uint8Array
    confirmed: number
    total: number
  }>
  /** The recipient collected a deposit (its slot carries a tombstone); it is forgotten. */
  'mailbox:collected': CustomEvent<{ slotId: string; recipient: Uint8Array }>
  /** A deposit was not collected before its deadline; it is forgotten: show it as failed. */
  'mailbox:expired': CustomEvent<{ slotId: string; recipient: Uint8Array }>
}

interface InboxClaim {
  slot: InboxSlot
  record: Uint8Array
  expiresMs: number
  outcome: PutOutcome
}

type SlotRead =
  | { kind: 'empty' }
  | { kind: 'tombstone'; tombstones: MailboxTombstone[] }
  | { kind: 'deposit'; deposit: MailboxDeposit; record: Uint8Array }

const DEFAULTS = {
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

/** How far the first-free-slot search for a new recipient gallops before giving up. */
const MAX_SEQUENCE_PROBE = 1 << 20

export class OfflineMailbox extends TypedEventEmitter<OfflineMailboxEvents> {
  readonly #dht: KadDHT
  readonly #identity: Identity
  readonly #store: MailboxStore
  readonly #log: Logger
  readonly #options: Required<Omit<OfflineMailboxInit, 'clock'>>
  readonly #clock: () => number
  readonly #secrets = new Map<string, Uint8Array>()
  /** Senders checked this run for a restart from slot 0 (see #collectFrom). */
  readonly #restartProbed = new Set<string>()
  readonly #lifecycle = new ServiceLifecycle(() => new MailboxNotStartedError())
  #queue: PQueue
  /** The background loop's next round; a timer leaves the set when it fires or is cleared. */
  readonly #timers = new Set<NodeJS.Timeout>()
  #lastDeepScanMs?: number

  constructor(components: OfflineMailboxComponents, init: OfflineMailboxInit = {}) {
    super()
    this.#dht = components.host.services.dht
    this.#identity = components.identity
    this.#store = new MailboxStore(components.store)
    this.#log = components.host.logger.forComponent('tokenim:mailbox')
    const { clock, ...rest } = init
    this.#options = { ...DEFAULTS, ...withoutUndefined(rest) }
    if (this.#options.ttlMs <= 0 || this.#options.ttlMs > MAILBOX_MAX_TTL_MS) {
      throw new RangeError(`ttlMs must be 1..${MAILBOX_MAX_TTL_MS}, got ${this.#options.ttlMs}`)
    }
    if (!Number.isInteger(this.#options.replicas) || this.#options.replicas < 1) {
      throw new RangeError(`replicas must be a positive integer, got ${this.#options.replicas}`)
    }
    this.#clock = clock ?? Date.now
    this.#queue = new PQueue({ concurrency: this.#options.concurrency })
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
    this.#lastDeepScanMs = undefined
    this.#queue = new PQueue({ concurrency: this.#options.concurrency })
    this.#every(this.#options.republishIntervalMs, () => this.republish())
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
    })
  }

  /**
   * Leaves `envelope` for `recipient` in the next pairwise slot, signed and encrypted under
   * the slot key, and keeps it until the recipient collects it. Resolves once the first put
   * is done: with fewer than `replicas` confirmations the republish loop tries again.
   */
  deposit(
    recipient: Uint8Array,
    envelope: Uint8Array,
    options: AbortOptions = {},
  ): Promise<DepositResult> {
    return this.#lifecycle.track(async () => {
      checkLength(recipient, ED25519_PUBLIC_KEY_LENGTH, 'recipient public key')
      const recipientHex = toHex(recipient)
      const secret = this.#secret(recipient)
      const probed =
        (await this.#store.getSequence(recipientHex)) == null
          ? await this.#firstFreeSequence(secret, recipient, options)
          : undefined
      const deposit = await this.#lifecycle.exclusive(async () => {
        const sequence = (await this.#store.getSequence(recipientHex)) ?? probed ?? 0
        const slot = pairwiseSlot(secret, this.#identity.publicKey, recipient, sequence)
        const now = this.#clock()
        const expiresMs = now + this.#options.ttlMs
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
        await this.#store.reserveSequence(recipientHex, sequence + 1, deposit)
        return deposit
      })
      const outcome = await this.#putDeposit(deposit, options)
      return { slotId: deposit.handle, confirmed: outcome.confirmed, total: outcome.total }
    })
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
    return this.#lifecycle.track(async () => {
      checkLength(recipient, ED25519_PUBLIC_KEY_LENGTH, 'recipient public key')
      const payload = sealInboxEnvelope(this.#identity, recipient, envelope)
      const now = this.#clock()
      const claim = await this.#claimInboxSlot(
        recipient,
        payload,
        now + this.#options.ttlMs,
        options,
      )
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
        deadlineMs: now + this.#options.ttlMs,
        recordExpiresMs: claim.expiresMs,
        confirmed: claim.outcome.confirmed,
        total: claim.outcome.total,
        lastPutMs: now,
        stored: false,
      }
      await this.#store.putOutgoing(deposit)
      await this.#recordPut(deposit, claim.outcome)
      return { slotId: deposit.handle, ...pick(claim.outcome) }
    })
  }

  /**
   * Reads what waits for us: pairwise slots of each sender from its cursor on, and the
   * inbox's current and previous week (unless `inbox: false`), each until an empty slot (a
   * deep scan: until `lookahead` empty slots in a row). Returns every envelope not
   * acknowledged yet, including ones returned by earlier calls. Each sender gets a cursor
   * (see `watch`).
   */
  collect(senders: Uint8Array[], options: CollectOptions = {}): Promise<CollectedEnvelope[]> {
    return this.#lifecycle.track(async () => {
      const unique = [...new Map(senders.map((sender) => [toHex(sender), sender])).values()]
      await this.watch(unique)
      const now = this.#clock()
      const deep =
        options.deep ??
        (this.#lastDeepScanMs == null ||
          now - this.#lastDeepScanMs >= this.#options.deepScanIntervalMs)
      if (deep) this.#lastDeepScanMs = now
      const lookahead = deep ? this.#options.lookahead : 1
      const inboxLookahead = deep ? this.#options.inboxLookahead : 1
      const [pairwise, inbox] = await Promise.all([
        Promise.all(unique.map((sender) => this.#collectFrom(sender, lookahead, options))),
        options.inbox === false ? [] : this.#collectInbox(inboxLookahead, options),
      ])
      await this.#sendPendingTombstones(options)
      return [...pairwise.flat(), ...inbox]
    })
  }

  /**
   * Call once the envelope of `slotId` (from collect) is durably
   * stored: the slot gets a tombstone (so the sender learns it was collected and nobody can
   * serve it again) and the sender's cursor moves on. A tombstone that cannot be stored now
   * is retried by later collections. Throws UnknownSlotError for a slot not returned by a
   * collection, or already acknowledged.
   */
  acknowledge(slotId: string, options: AbortOptions = {}): Promise<void> {
    return this.#lifecycle.track(async () => {
      const collected = await this.#store.getCollected(slotId)
      if (collected == null) throw new UnknownSlotError(slotId, 'collected envelope')
      const now = this.#clock()
      const tombstone = this.#tombstoneFor(collected, now)
      if (collected.kind === 'pairwise') {
        await this.#lifecycle.exclusive(async () => {
          const cursor = (await this.#store.getCursor(collected.sender)) ?? { next: 0, acked: [] }
          const value = advanceCursor(
            { ...cursor, acked: [...cursor.acked, collected.sequence!] },
            now,
          )
          await this.#store.acknowledge(slotId, tombstone, { sender: collected.sender, value })
        })
      } else {
        await this.#store.acknowledge(slotId, tombstone)
      }
      if (tombstone != null)
        await this.#sendTombstone(slotId, fromBase64(tombstone.record), options)
    })
  }

  /**
   * Gives up a deposit of ours: a pairwise slot gets our tombstone (the recipient then sees
   * nothing); an inbox deposit is only forgotten here, as only the recipient may clear its
   * inbox, and stays readable until it expires.
   */
  withdraw(slotId: string, options: AbortOptions = {}): Promise<void> {
    return this.#lifecycle.track(async () => {
      const deposit = await this.#store.getOutgoing(slotId)
      if (deposit == null) throw new UnknownSlotError(slotId, 'deposit of ours')
      await this.#store.deleteOutgoing(slotId)
      if (deposit.kind !== 'pairwise') return
      const slot = this.#pairwiseSlotOf(deposit)
      const now = this.#clock()
      const tombstone = createTombstoneRecord(slot.keyPair, {
        slotPublicKey: slot.keyPair.publicKey,
        tombstonedMs: now,
        expiresMs: now + MAILBOX_MAX_TTL_MS + MAX_CLOCK_SKEW_MS,
      })
      await this.#putQueued(slot.dhtKey, tombstone, options)
    })
  }

  /** Our deposits not yet collected. */
  async pending(): Promise<PendingDeposit[]> {
    return (await this.#store.listOutgoing()).map((deposit) => ({
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

  /** Starts a cursor for each sender not known yet (collect() does this too). */
  async watch(senders: Uint8Array[]): Promise<void> {
    for (const sender of senders) {
      checkLength(sender, ED25519_PUBLIC_KEY_LENGTH, 'sender public key')
      const senderHex = toHex(sender)
      await this.#lifecycle.exclusive(async () => {
        if ((await this.#store.getCursor(senderHex)) == null) {
          await this.#store.putCursor(senderHex, { next: 0, acked: [] })
        }
      })
    }
  }

  /** Stops collecting from a sender and forgets where its slots were. */
  async unwatch(sender: Uint8Array): Promise<void> {
    await this.#lifecycle.exclusive(() => this.#store.deleteCursor(toHex(sender)))
  }

  /**
   * One round of the republish loop, also run by it: for each deposit of ours, forget it
   * if collected (tombstone) or past its deadline, put it again if fewer than `replicas`
   * peers hold it or its last put is older than `refreshAfterMs`, move an inbox deposit
   * whose slot expired or was taken.
   */
  republish(options: AbortOptions = {}): Promise<void> {
    return this.#lifecycle.track(async () => {
      const deposits = await this.#store.listOutgoing()
      await Promise.all(deposits.map((deposit) => this.#maintain(deposit, options)))
      await this.#sendPendingTombstones(options)
    })
  }

  async #maintain(deposit: OutgoingDeposit, options: AbortOptions): Promise<void> {
    const recipient = fromHex(deposit.recipient)
    if (this.#clock() >= deposit.deadlineMs) {
      await this.#store.deleteOutgoing(deposit.handle)
      this.safeDispatchEvent('mailbox:expired', { detail: { slotId: deposit.handle, recipient } })
      return
    }
    const key = encoder.encode(deposit.slotId)
    const record = fromBase64(deposit.record)
    const { answers } = await this.#getQueued(key, options)
    const now = this.#clock()
    const tombstones = answers.flatMap((answer) => {
      const opened = tryValidate(key, answer.value, now)
      return opened?.kind === 'tombstone' ? [opened.tombstone] : []
    })
    if (tombstones.length > 0) {
      if (deposit.kind === 'inbox' && tombstones.every((t) => clearedOther(t, record))) {
        // The recipient cleared another writer's deposit in this slot, never ours.
        await this.#moveInboxDeposit(deposit, options)
        return
      }
      await this.#store.deleteOutgoing(deposit.handle)
      this.safeDispatchEvent('mailbox:collected', { detail: { slotId: deposit.handle, recipient } })
      return
    }
    if (deposit.kind === 'inbox' && now >= deposit.recordExpiresMs) {
      await this.#moveInboxDeposit(deposit, options)
      return
    }
    const holders = answers.filter((answer) => bytesEqual(answer.value, record)).length
    if (
      holders >= this.#options.replicas &&
      now - deposit.lastPutMs < this.#options.refreshAfterMs
    ) {
      return
    }
    const outcome = await this.#putDeposit(deposit, options)
    if (deposit.kind === 'inbox' && outcome.confirmed === 0 && outcome.total > 0) {
      // Every peer refused it: another deposit took the slot first where we were not stored.
      await this.#moveInboxDeposit(deposit, options)
    }
  }

  async #putDeposit(deposit: OutgoingDeposit, options: AbortOptions): Promise<PutOutcome> {
    const outcome = await this.#putQueued(
      encoder.encode(deposit.slotId),
      fromBase64(deposit.record),
      options,
    )
    await this.#recordPut(deposit, outcome)
    return outcome
  }

  /** Saves a put's outcome (unless the deposit was collected or withdrawn meanwhile). */
  async #recordPut(deposit: OutgoingDeposit, outcome: PutOutcome): Promise<void> {
    const stored = outcome.confirmed >= this.#options.replicas
    const updated = await this.#lifecycle.exclusive(async () => {
      const current = await this.#store.getOutgoing(deposit.handle)
      if (current == null || current.slotId !== deposit.slotId) return undefined
      const next: OutgoingDeposit = {
        ...current,
        confirmed: outcome.confirmed,
        total: outcome.total,
        lastPutMs: this.#clock(),
        stored: current.stored || stored,
      }
      await this.#store.putOutgoing(next)
      return { changed: !current.stored || current.confirmed !== outcome.confirmed, next }
    })
    if (updated == null) return
    if (stored && updated.changed) {
      this.safeDispatchEvent('mailbox:stored', {
        detail: {
          slotId: deposit.handle,
          recipient: fromHex(deposit.recipient),
          ...pick(outcome),
        },
      })
    } else if (!stored) {
      this.#log(
        'deposit %s confirmed by %d of %d peers, fewer than %d: will retry',
        deposit.handle,
        outcome.confirmed,
        outcome.total,
        this.#options.replicas,
      )
    }
  }

  async #moveInboxDeposit(deposit: OutgoingDeposit, options: AbortOptions): Promise<void> {
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
      this.#log('inbox of %s is full; deposit %s waits', deposit.recipient, deposit.handle)
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
    const kept = await this.#lifecycle.exclusive(async () => {
      if ((await this.#store.getOutgoing(deposit.handle)) == null) return false
      await this.#store.putOutgoing(moved)
      return true
    })
    if (kept) await this.#recordPut(moved, claim.outcome)
  }

  /**
   * Takes the first free slot of this week's inbox that stores our deposit. In order, not at
   * random: readers then find an inbox's deposits at its first indices (see #collectInbox).
   */
  async #claimInboxSlot(
    recipient: Uint8Array,
    payload: Uint8Array,
    deadlineMs: number,
    options: AbortOptions,
  ): Promise<InboxClaim> {
    const now = this.#clock()
    const epoch = inboxEpoch(now)
    const expiresMs = Math.min(deadlineMs, inboxEpochReadUntil(epoch))
    const batch = this.#options.inboxLookahead
    for (let first = 0; first < INBOX_SLOTS_PER_EPOCH; first += batch) {
      const slots = Array.from({ length: Math.min(batch, INBOX_SLOTS_PER_EPOCH - first) }, (_, i) =>
        inboxSlot(recipient, epoch, first + i),
      )
      const reads = await Promise.all(slots.map((slot) => this.#readSlot(slot, options)))
      for (const [i, slot] of slots.entries()) {
        if (reads[i].kind !== 'empty') continue
        const record = createDepositRecord(slot.keyPair, payload, { createdMs: now, expiresMs })
        const outcome = await this.#putQueued(slot.dhtKey, record, options)
        if (outcome.confirmed > 0) return { slot, record, expiresMs, outcome }
      }
    }
    throw new InboxFullError()
  }

  async #collectFrom(
    sender: Uint8Array,
    lookahead: number,
    options: CollectOptions,
  ): Promise<CollectedEnvelope[]> {
    const senderHex = toHex(sender)
    const secret = this.#secret(sender)
    const me = this.#identity.publicKey
    const slotAt = (sequence: number) => pairwiseSlot(secret, sender, me, sequence)
    let cursor = (await this.#store.getCursor(senderHex)) ?? { next: 0, acked: [] }
    // Every slot below the cursor was tombstoned or has expired, so a deposit in slot 0
    // means the sender lost its state (a restored identity) and counts from 0 again.
    if (cursor.next > 0 && !this.#restartProbed.has(senderHex)) {
      this.#restartProbed.add(senderHex)
      if ((await this.#readSlot(slotAt(0), options)).kind === 'deposit') {
        this.#log('sender %s starts again from slot 0', senderHex)
        cursor = { next: 0, acked: [] }
        await this.#lifecycle.exclusive(() => this.#store.putCursor(senderHex, cursor))
      }
    }
    const acked = new Set(cursor.acked)
    const tombstoned: number[] = []
    const found: CollectedEnvelope[] = []
    await this.#scan(
      slotAt,
      cursor.next,
      acked,
      Number.POSITIVE_INFINITY,
      lookahead,
      options,
      async (reads) => {
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
            this.#log.error('slot %s of %s does not decrypt: %e', slot.slotId, senderHex, err)
          }
        }
        await this.#handOver(collected, opened, found, options)
      },
    )
    await this.#lifecycle.exclusive(async () => {
      const current = (await this.#store.getCursor(senderHex)) ?? cursor
      const merged = advanceCursor(
        { ...current, acked: [...current.acked, ...tombstoned] },
        this.#clock(),
      )
      await this.#store.putCursor(senderHex, merged)
    })
    return found
  }

  /**
   * Writers take the first free slot of the week, so each week's slots fill from index 0:
   * read them in order until `lookahead` empty ones in a row. An idle inbox costs
   * 2 * lookahead gets, a full one 64.
   */
  async #collectInbox(lookahead: number, options: CollectOptions): Promise<CollectedEnvelope[]> {
    const current = inboxEpoch(this.#clock())
    const epochs = [current, current - 1].filter((epoch) => epoch >= 0)
    const found: CollectedEnvelope[] = []
    await Promise.all(
      epochs.map((epoch) =>
        this.#scan(
          (index) => inboxSlot(this.#identity.publicKey, epoch, index),
          0,
          new Set(),
          INBOX_SLOTS_PER_EPOCH,
          lookahead,
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
        const { sender, envelope } = openInboxEnvelope(this.#identity, read.deposit.payload)
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
        this.#log('inbox slot %s holds no envelope for us: %e', slot.slotId, err)
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
    if (collected.length > 0) await this.#store.putCollected(collected)
    for (const envelope of opened) {
      found.push(envelope)
      options.onEnvelope?.(envelope)
    }
  }

  /**
   * Reads slots `start`, `start + 1`, ... below `end`, skipping `known` ones, in parallel
   * batches, until `lookahead` slots in a row after the last used one (deposit or
   * tombstone) were empty. Each batch goes to `onBatch` before the next is read.
   */
  async #scan<S extends MailboxSlot>(
    slotAt: (n: number) => S,
    start: number,
    known: Set<number>,
    end: number,
    lookahead: number,
    options: AbortOptions,
    onBatch: (reads: Array<{ n: number; slot: S; read: SlotRead }>) => Promise<void>,
  ): Promise<void> {
    let allowance = lookahead
    let n = start
    while (allowance > 0 && n < end) {
      const batch: number[] = []
      for (; batch.length < allowance && n < end; n++) if (!known.has(n)) batch.push(n)
      if (batch.length === 0) break
      const reads = await Promise.all(
        batch.map(async (m) => {
          const slot = slotAt(m)
          return { n: m, slot, read: await this.#readSlot(slot, options) }
        }),
      )
      await onBatch(reads)
      const lastUsed = reads.findLastIndex((entry) => entry.read.kind !== 'empty')
      allowance =
        lastUsed < 0 ? allowance - batch.length : lookahead - (batch.length - 1 - lastUsed)
    }
  }

  /**
   * What a slot holds: any tombstone wins. Otherwise one deposit, so a slot never yields
   * more than one envelope: peers can disagree when one stored a later write the others
   * refused, so take the deposit most of them hold, then the earliest.
   */
  async #readSlot(slot: MailboxSlot, options: AbortOptions): Promise<SlotRead> {
    const { answers, best } = await this.#getQueued(slot.dhtKey, options)
    const values = answers.map((answer) => answer.value)
    if (best != null) values.push(best)
    const now = this.#clock()
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

  /**
   * The first free slot towards a recipient we have no counter for (first message, or our
   * state was lost): slots in use carry a deposit or a tombstone, so gallop to a free one,
   * then bisect back to the first free one.
   */
  async #firstFreeSequence(
    secret: Uint8Array,
    recipient: Uint8Array,
    options: AbortOptions,
  ): Promise<number> {
    const used = async (sequence: number) =>
      (
        await this.#readSlot(
          pairwiseSlot(secret, this.#identity.publicKey, recipient, sequence),
          options,
        )
      ).kind !== 'empty'
    if (!(await used(0))) return 0
    let low = 0
    let high = 1
    while (await used(high)) {
      low = high
      high *= 2
      if (high > MAX_SEQUENCE_PROBE) return high
    }
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2)
      if (await used(middle)) low = middle
      else high = middle
    }
    return high
  }

  #tombstoneFor(
    collected: CollectedSlot,
    now: number,
  ): { record: string; expiresMs: number } | undefined {
    if (collected.kind === 'pairwise') {
      const slot = pairwiseSlot(
        this.#secret(fromHex(collected.sender)),
        fromHex(collected.sender),
        this.#identity.publicKey,
        collected.sequence!,
      )
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
    const slot = inboxSlot(this.#identity.publicKey, epoch, index)
    const record = createTombstoneRecord(this.#identity, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: now,
      expiresMs,
      inbox: { epoch, index },
      clearedDigest: fromBase64(collected.digest),
    })
    return { record: toBase64(record), expiresMs }
  }

  async #sendTombstone(slotId: string, record: Uint8Array, options: AbortOptions): Promise<void> {
    const outcome = await this.#putQueued(encoder.encode(slotId), record, options)
    if (outcome.confirmed > 0) await this.#store.deletePendingTombstone(slotId)
    else this.#log('tombstone for %s not stored yet: will retry', slotId)
  }

  async #sendPendingTombstones(options: AbortOptions): Promise<void> {
    const now = this.#clock()
    await Promise.all(
      (await this.#store.listPendingTombstones()).map(async ([slotId, pending]) => {
        if (pending.expiresMs <= now) await this.#store.deletePendingTombstone(slotId)
        else await this.#sendTombstone(slotId, fromBase64(pending.record), options)
      }),
    )
  }

  #pairwiseSlotOf(deposit: OutgoingDeposit): PairwiseSlot {
    const recipient = fromHex(deposit.recipient)
    return pairwiseSlot(
      this.#secret(recipient),
      this.#identity.publicKey,
      recipient,
      deposit.sequence!,
    )
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

  #getQueued(key: Uint8Array, options: AbortOptions): Promise<GetOutcome> {
    return this.#queued(options, (signal) =>
      getRecords(this.#dht, key, { signal, timeoutMs: this.#options.queryTimeoutMs }),
    )
  }

  #putQueued(key: Uint8Array, value: Uint8Array, options: AbortOptions): Promise<PutOutcome> {
    return this.#queued(options, (signal) =>
      putRecord(this.#dht, key, value, { signal, timeoutMs: this.#options.queryTimeoutMs }),
    )
  }

  async #queued<T>(options: AbortOptions, query: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const signal = this.#lifecycle.signal(options)
    // A task still queued when the signal aborts is dropped, and this promise rejects.
    return (await this.#queue.add(() => query(signal), { signal })) as T
  }

  /** Runs `task` now and then every `intervalMs` after the previous run ended. */
  #every(intervalMs: number, task: () => Promise<void>): void {
    if (intervalMs <= 0) return
    const run = async () => {
      try {
        await task()
      } catch (err) {
        if (this.running) this.#log.error('background mailbox task failed: %e', err)
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

/**
 * Moves the cursor over acknowledged slots. A slot missing while later ones were
 * acknowledged for longer than any deposit lives is lost for good: the cursor skips it.
 */
export function advanceCursor(cursor: SenderCursor, nowMs: number): SenderCursor {
  let next = cursor.next
  const acked = new Set(cursor.acked.filter((n) => n >= next))
  while (acked.delete(next)) next++
  let gapSinceMs = next === cursor.next ? cursor.gapSinceMs : undefined
  if (acked.size > 0) gapSinceMs ??= nowMs
  else gapSinceMs = undefined
  if (gapSinceMs != null && nowMs - gapSinceMs > MAILBOX_TOMBSTONE_MAX_TTL_MS) {
    return { next: Math.max(...acked) + 1, acked: [] }
  }
  const value: SenderCursor = { next, acked: [...acked].sort((a, b) => a - b) }
  if (gapSinceMs != null) value.gapSinceMs = gapSinceMs
  return value
}

/** A tombstone that names the deposit it cleared, and names another one than `record`. */
function clearedOther(tombstone: MailboxTombstone, record: Uint8Array): boolean {
  return (
    tombstone.clearedDigest.length > 0 && !bytesEqual(tombstone.clearedDigest, recordDigest(record))
  )
}

function digestOf(record: Uint8Array): string {
  return toBase64(recordDigest(record))
}

function tryValidate(
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

function pick(outcome: PutOutcome): { confirmed: number; total: number } {
  return { confirmed: outcome.confirmed, total: outcome.total }
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>
}

const encoder = new TextEncoder()
