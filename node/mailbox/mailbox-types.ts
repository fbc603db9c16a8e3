/**
 * The offline mailbox's public types: its options, what its calls return, and its events.
 * Kept apart from the parts that implement them, which all speak these types.
 */
import type { AbortOptions, ComponentLogger, Logger } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import type { Identity } from '../identity/index.ts'
import type { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import type { MailboxStore, SlotKind } from './mailbox-store.ts'
import type { SlotReader } from './slot-reader.ts'

export interface OfflineMailboxComponents {
  /** A libp2p host with the DHT (network/host.ts `Host` fits). */
  host: { services: { dht: KadDHT }; logger: ComponentLogger }
  identity: Identity
  /** The mailbox's own sublevel of the node's LevelDB. */
  store: AppLevel
  /** Who may still be left envelopes (node/devices: devices their accounts revoked may not). */
  recipients?: MailboxRecipients
}

/**
 * Whether a recipient may still be left envelopes. A device its account revoked may not: it
 * could read them. The mailbox asks before each deposit, and its upkeep withdraws those kept
 * for a recipient that no longer may.
 */
export interface MailboxRecipients {
  /** Throws (a typed error) when nothing may be left for `recipient`; may look it up first. */
  check(recipient: Uint8Array, options: AbortOptions): Promise<void>
  /** True once nothing may be left for `recipient`, from what is known here (no lookup). */
  refused(recipient: Uint8Array): boolean
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

export type MailboxOptions = Required<Omit<OfflineMailboxInit, 'clock'>>

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
   * Also while still short of `replicas`, whenever a put counts more holders than the last
   * (a first holder after none): the text is in the mailbox from one holder on.
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
  /**
   * A deposit was given up (`withdraw`, or the upkeep for a recipient no longer allowed): a
   * pairwise slot's tombstone is put (stored when `confirmed` > 0); an inbox deposit is only
   * forgotten (`confirmed` 0), and stays readable until its record expires.
   */
  'mailbox:withdrawn': CustomEvent<{ slotId: string; recipient: Uint8Array; confirmed: number }>
}

/** What every part of the mailbox shares: built once by OfflineMailbox. */
export interface MailboxContext {
  identity: Identity
  store: MailboxStore
  slots: SlotReader
  /** Read-modify-write sequences on the store run one at a time (`exclusive`). */
  lifecycle: ServiceLifecycle
  options: MailboxOptions
  recipients?: MailboxRecipients
  clock: () => number
  log: Logger
  emit<K extends keyof OfflineMailboxEvents>(
    type: K,
    detail: OfflineMailboxEvents[K]['detail'],
  ): void
}
