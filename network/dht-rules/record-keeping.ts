/**
 * How long a host keeps TokenIM's own DHT records (mailbox and inbox slots, prekey bundles):
 * for as long as each record says it is valid, and no longer.
 *
 * kad-dht serves a stored record for 48 hours after it received it (PROVIDERS_VALIDITY in its
 * GET_VALUE handler), whatever the record says, and deletes a record only when someone asks
 * for it after that. Our records carry their own expiry (a deposit 14 days by default, at most
 * 30), so a deposit outlived those 48 hours only while its sender came back online to put it
 * again, and an expired record nobody asked for again stayed on the holder's disk for good.
 *
 * - `servingOwnRecordsUntilExpiry` wraps the datastore a host gives libp2p. Reading one of our
 *   records received more than a day ago answers it as received now if it still validates
 *   (signature, times, its own expiry); otherwise kad-dht's rule applies as before. Nothing is
 *   written, so no PUT_VALUE can be overwritten by an older copy (a tombstone must never lose
 *   to the deposit it cleared).
 * - `DhtRecordSweeper`, a service of every host, deletes our records that no longer validate
 *   (past their expiry), once at start and then every `intervalMs`.
 */
import type { ComponentLogger, Logger, Startable } from '@libp2p/interface'
import { Record as DhtRecord } from '@libp2p/kad-dht'
import type { Datastore, Key } from 'interface-datastore'
import { bytesEqual } from '../../protocol/bytes.ts'
import { type Clock, RECORD_DATASTORE_PREFIX, validateOwnDhtRecord } from './validators.ts'

/** Younger records are served by kad-dht anyway: they are not even parsed. */
const CHECK_OWN_RECORDS_OLDER_THAN_MS = 24 * 60 * 60 * 1000
const DEFAULT_SWEEP_INTERVAL_MS = 6 * 60 * 60 * 1000

export function servingOwnRecordsUntilExpiry(
  datastore: Datastore,
  clock: Clock = Date.now,
): Datastore {
  const get: Datastore['get'] = async (key, options) => {
    const raw = await datastore.get(key, options)
    return isRecordKey(key) ? answeredFresh(raw, clock()) : raw
  }
  return new Proxy(datastore, {
    get: (target, property) => {
      if (property === 'get') return get
      const value = Reflect.get(target, property, target)
      return typeof value === 'function' ? value.bind(target) : value
    },
  })
}

function answeredFresh(raw: Uint8Array, nowMs: number): Uint8Array {
  let record: DhtRecord
  try {
    record = DhtRecord.deserialize(raw)
  } catch {
    return raw
  }
  const receivedMs = record.timeReceived?.getTime() ?? 0
  if (nowMs - receivedMs < CHECK_OWN_RECORDS_OLDER_THAN_MS) return raw
  try {
    if (!validateOwnDhtRecord(record.key, record.value, nowMs)) return raw
  } catch {
    return raw
  }
  return new DhtRecord(record.key, record.value, new Date(nowMs)).serialize()
}

function isRecordKey(key: Key): boolean {
  return key.toString().startsWith(`${RECORD_DATASTORE_PREFIX}/`)
}

export interface DhtRecordSweeperComponents {
  datastore: Datastore
  logger: ComponentLogger
}

export interface DhtRecordSweeperInit {
  /** @default 6 hours */
  intervalMs?: number
  clock?: Clock
}

export class DhtRecordSweeper implements Startable {
  readonly #datastore: Datastore
  readonly #log: Logger
  readonly #intervalMs: number
  readonly #clock: Clock
  #timer?: ReturnType<typeof setInterval>
  #sweeping?: Promise<number>

  constructor(components: DhtRecordSweeperComponents, init: DhtRecordSweeperInit = {}) {
    this.#datastore = components.datastore
    this.#log = components.logger.forComponent('tokenim:dht-sweeper')
    this.#intervalMs = init.intervalMs ?? DEFAULT_SWEEP_INTERVAL_MS
    this.#clock = init.clock ?? Date.now
  }

  readonly [Symbol.toStringTag] = 'tokenim:dht-record-sweeper'

  start(): void {
    void this.sweep()
    this.#timer = setInterval(() => void this.sweep(), this.#intervalMs)
    this.#timer.unref?.()
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer)
    this.#timer = undefined
    await this.#sweeping
  }

  /** Deletes our records that no longer validate; resolves to how many. One sweep at a time. */
  sweep(): Promise<number> {
    this.#sweeping ??= this.#sweep()
      .catch((err: Error) => {
        this.#log.error('sweeping DHT records failed: %s', err.message)
        return 0
      })
      .finally(() => {
        this.#sweeping = undefined
      })
    return this.#sweeping
  }

  async #sweep(): Promise<number> {
    const nowMs = this.#clock()
    let deleted = 0
    for await (const { key, value } of this.#datastore.query({ prefix: RECORD_DATASTORE_PREFIX })) {
      const reason = whyUnservable(value, nowMs)
      if (reason == null) continue
      // A put may have replaced it since the query read it: delete only what was judged.
      const current = await storedOrUndefined(this.#datastore, key)
      if (current == null || !bytesEqual(current, value)) continue
      await this.#datastore.delete(key)
      deleted++
      this.#log('deleted %s: %s', key.toString(), reason)
    }
    if (deleted > 0) this.#log('deleted %d DHT records no longer valid', deleted)
    return deleted
  }
}

async function storedOrUndefined(datastore: Datastore, key: Key): Promise<Uint8Array | undefined> {
  try {
    return await datastore.get(key)
  } catch {
    return undefined
  }
}

/** Why one of our records can no longer be served; undefined for valid ones and others'. */
function whyUnservable(raw: Uint8Array, nowMs: number): string | undefined {
  try {
    const record = DhtRecord.deserialize(raw)
    validateOwnDhtRecord(record.key, record.value, nowMs)
    return undefined
  } catch (err) {
    return (err as Error).message
  }
}
