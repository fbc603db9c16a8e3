/**
 * Quotas on what others may store on a DHT server: per writer (peer id, and IP address), a
 * bounded number and size of records per hour and in all, whatever the namespace (mailbox,
 * inbox, prekeys, provider records, usernames). Over a quota the put is refused, nothing is
 * stored, and `onRefused` hears of it.
 *
 * - write-ledger.ts: the accounting (leaky buckets, bounded least-recently-used accounts);
 * - writer-context.ts: which remote peer a DHT write is for (the kad stream handler's scope);
 * - quota-datastore.ts: the datastore guard that charges and refuses;
 * - ledger-persistence.ts: the ledger kept on disk, so a restart gives nobody a fresh quota.
 *
 * @example
 * ```ts
 * const quotas = new DhtWriteQuotas({ limits: { bytesPerPeerPerHour: 8 * 1024 * 1024 } })
 * createLibp2p({
 *   datastore: quotas.guard(datastore),
 *   services: { dht: quotas.serving(DHT_PROTOCOL, kadDHT({ protocol: DHT_PROTOCOL })) },
 * })
 * ```
 */
import type { ComponentLogger, Logger } from '@libp2p/interface'
import type { Datastore } from 'interface-datastore'
import { guardingDhtWrites, type OnDhtWriteRefused } from './quota-datastore.ts'
import { type Clock, type DhtQuotaLimits, DhtWriteLedger } from './write-ledger.ts'
import { type HandlerRegistrar, servingDhtWriters } from './writer-context.ts'

export * from './errors.ts'
export {
  DHT_LEDGER_FLUSH_INTERVAL_MS,
  type DhtLedgerStore,
  PersistedDhtLedger,
} from './ledger-persistence.ts'
export type { DhtWriteRefused, OnDhtWriteRefused } from './quota-datastore.ts'
export {
  DEFAULT_DHT_QUOTA_LIMITS,
  type DhtQuotaLimits,
  type DhtQuotaReason,
  DhtWriteLedger,
  type DhtWriter,
} from './write-ledger.ts'
export { currentDhtWriter, writerAddress } from './writer-context.ts'

export interface DhtWriteQuotasInit {
  /** @default DEFAULT_DHT_QUOTA_LIMITS (protocol/limits.ts) */
  limits?: Partial<DhtQuotaLimits>
  /**
   * Hears every refused write (the relay counts them and logs the first of each writer per
   * hour, `refused.firstInHour`). @default a line on the `tokenim:dht-quotas` libp2p log
   * for each writer's first refusal in an hour
   */
  onRefused?: OnDhtWriteRefused
  /**
   * Peer ids whose writes are not charged: a relay's fellow relays (its `peers`), which put
   * a name record for each registration they serve.
   * @default []
   */
  exemptPeers?: string[]
  clock?: Clock
  /**
   * The ledger to charge, when it outlives the host (a relay's, kept on disk by
   * PersistedDhtLedger); `limits` and `clock` are then its own.
   * @default a new ledger in memory
   */
  ledger?: DhtWriteLedger
}

export class DhtWriteQuotas {
  readonly ledger: DhtWriteLedger
  readonly #onRefused?: OnDhtWriteRefused
  readonly #exempt: ReadonlySet<string>
  #log?: Logger

  constructor(init: DhtWriteQuotasInit = {}) {
    this.ledger = init.ledger ?? new DhtWriteLedger(init.limits, init.clock)
    this.#onRefused = init.onRefused
    this.#exempt = new Set(init.exemptPeers)
  }

  /** The datastore to give libp2p: DHT record writes for a remote writer are charged. */
  guard(datastore: Datastore): Datastore {
    const onRefused: OnDhtWriteRefused = (refused) => {
      if (this.#onRefused != null) return this.#onRefused(refused)
      if (refused.firstInHour) {
        this.#log?.('refusing DHT records from %s: %s', refused.account, refused.reason)
      }
    }
    return guardingDhtWrites(datastore, this.ledger, onRefused, this.#exempt)
  }

  /** Wraps the DHT service's factory so that the requests it serves run as their writer. */
  serving<C extends { registrar: HandlerRegistrar; logger: ComponentLogger }, S extends object>(
    protocol: string,
    factory: (components: C) => S,
  ): (components: C) => S {
    const serve = servingDhtWriters(protocol, factory)
    return (components) => {
      this.#log = components.logger.forComponent('tokenim:dht-quotas')
      return serve(components)
    }
  }
}
