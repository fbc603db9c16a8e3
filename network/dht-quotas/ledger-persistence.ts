/**
 * Keeps a DHT server's write ledger (write-ledger.ts) on disk, so that a restart does not
 * give every writer a fresh quota: a flood that a restart interrupted meets, afterwards,
 * the account it had filled.
 *
 * The accounts charged since the last flush are written every `flushIntervalMs` (one batch,
 * one record per account: a few numbers), and those the ledger forgot are deleted, so the
 * store never holds more than `maxTrackedWriters` accounts. `close()` flushes what is left.
 * A crash loses at most the last interval's charges: a writer gains at most that much.
 */
import type { Account, DhtQuotaLimits } from './write-ledger.ts'
import { DhtWriteLedger } from './write-ledger.ts'

/** How often changed accounts are written: a crash forgets at most this much of a flood. */
export const DHT_LEDGER_FLUSH_INTERVAL_MS = 1000

/** Where the accounts live: a LevelDB sublevel on a relay. */
export interface DhtLedgerStore {
  entries(): AsyncIterable<[string, Uint8Array]>
  write(puts: Array<[string, Uint8Array]>, deletes: string[]): Promise<void>
}

export interface PersistedDhtLedgerInit {
  limits?: Partial<DhtQuotaLimits>
  clock?: () => number
  /** @default DHT_LEDGER_FLUSH_INTERVAL_MS */
  flushIntervalMs?: number
  /** Hears a flush that failed (the accounts stay changed, and go with the next). */
  onFlushError?: (err: unknown) => void
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

export class PersistedDhtLedger {
  readonly ledger: DhtWriteLedger
  readonly #store: DhtLedgerStore
  readonly #timer: NodeJS.Timeout
  #flushing: Promise<void> = Promise.resolve()

  private constructor(store: DhtLedgerStore, init: PersistedDhtLedgerInit) {
    this.ledger = new DhtWriteLedger(init.limits, init.clock)
    this.#store = store
    this.#timer = setInterval(() => {
      this.flush().catch((err) => init.onFlushError?.(err))
    }, init.flushIntervalMs ?? DHT_LEDGER_FLUSH_INTERVAL_MS)
    this.#timer.unref()
  }

  /** Reads the accounts kept in `store` (unreadable ones are skipped) and starts flushing. */
  static async open(store: DhtLedgerStore, init: PersistedDhtLedgerInit = {}) {
    const persisted = new PersistedDhtLedger(store, init)
    const accounts: Array<[string, Account]> = []
    const unreadable: string[] = []
    for await (const [key, value] of store.entries()) {
      const account = readAccount(value)
      if (account == null) unreadable.push(key)
      else accounts.push([key, account])
    }
    persisted.ledger.restore(accounts)
    if (unreadable.length > 0) await store.write([], unreadable)
    return persisted
  }

  /** Writes what changed since the last flush; flushes run one after another. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(async () => {
      const { changed, forgotten } = this.ledger.takeChanges()
      if (changed.length === 0 && forgotten.length === 0) return
      const puts = changed.map(([key, account]): [string, Uint8Array] => [
        key,
        writeAccount(account),
      ])
      try {
        await this.#store.write(puts, forgotten)
      } catch (err) {
        this.ledger.keepChanges(
          changed.map(([key]) => key),
          forgotten,
        )
        throw err
      }
    })
    // A failed flush is reported to its caller; the next one starts afresh.
    const flushing = this.#flushing
    this.#flushing = flushing.catch(() => {})
    return flushing
  }

  async close(): Promise<void> {
    clearInterval(this.#timer)
    await this.flush()
  }
}

const FIELDS = ['hourRecords', 'hourBytes', 'totalRecords', 'totalBytes', 'updatedAt'] as const

function writeAccount(account: Account): Uint8Array {
  const reportedAt = Number.isFinite(account.reportedAt) ? account.reportedAt : null
  return encoder.encode(JSON.stringify([...FIELDS.map((field) => account[field]), reportedAt]))
}

function readAccount(value: Uint8Array): Account | undefined {
  try {
    const fields = JSON.parse(decoder.decode(value)) as unknown
    if (!Array.isArray(fields) || fields.length !== FIELDS.length + 1) return undefined
    const numbers = fields.slice(0, FIELDS.length)
    if (!numbers.every((n) => typeof n === 'number' && Number.isFinite(n) && n >= 0)) {
      return undefined
    }
    const reportedAt = fields[FIELDS.length]
    const account = Object.fromEntries(FIELDS.map((field, i) => [field, numbers[i]])) as Account
    account.reportedAt = typeof reportedAt === 'number' ? reportedAt : Number.NEGATIVE_INFINITY
    return account
  } catch {
    return undefined
  }
}
