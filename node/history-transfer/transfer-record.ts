/**
 * Where this device's history transfer stands, kept in the component's own sublevel
 * (`history`, sealed at rest like every app sublevel):
 *
 *   transfer    TransferRecord: the choice, the device asked, the cursor, the counts
 *
 * Written after each page is stored (synced when the state changes), so a transfer cut off
 * (the other device away, a relay's data limit, this node stopped) goes on from its last
 * page; a page stored but not yet counted here (a crash before the write reached the disk)
 * comes again and is found by id (node/messaging/imported-history.ts).
 */
import type { HistoryChoice, HistoryTransferStatus } from '../../protocol/local-api.ts'
import { peerIdOf } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'

export interface TransferRecord {
  state: HistoryTransferStatus['state']
  choice: HistoryChoice
  /** The device asked, its key in hex. */
  from?: string
  sinceMs: number
  /** The last record taken: its conversation (hex key) and its index on the other device. */
  after?: { peer: string; index: number }
  taken: number
  total: number
  error?: { name: string; message: string }
}

const KEY = 'transfer'
const SYNC = { sync: true } as const

export const NO_TRANSFER: TransferRecord = {
  state: 'none',
  choice: 'none',
  sinceMs: 0,
  taken: 0,
  total: 0,
}

export class TransferRecordStore {
  readonly #db: AppLevel

  constructor(db: AppLevel) {
    this.#db = db
  }

  async load(): Promise<TransferRecord> {
    const value = await this.#db.get(KEY)
    return value == null
      ? { ...NO_TRANSFER }
      : (JSON.parse(decoder.decode(value)) as TransferRecord)
  }

  save(record: TransferRecord, options: { sync: boolean } = SYNC): Promise<void> {
    return this.#db.put(KEY, encoder.encode(JSON.stringify(record)), options)
  }
}

/** The record as the local API shows it. */
export function transferStatus(record: TransferRecord): HistoryTransferStatus {
  const status: HistoryTransferStatus = {
    state: record.state,
    taken: record.taken,
    total: Math.max(record.total, record.taken),
  }
  if (record.from != null) {
    status.from = peerIdOf({ publicKey: Buffer.from(record.from, 'hex') }).toString()
    status.since = record.sinceMs
  }
  if (record.error != null) status.error = record.error
  return status
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()
