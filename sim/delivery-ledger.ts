/**
 * What the simulation sent and what arrived: every 1:1 and room message with its send time,
 * each receipt (a second receipt of one id is a duplicate), and the order each recipient saw
 * per sender. Emits `receipt` on every arrival, which is what waits hang on.
 */

export interface DirectRecord {
  kind: 'direct'
  id: string
  from: number
  to: number
  /** Position among the messages `from` sent to `to`, from 1. */
  order: number
  sentAt: number
  /** Receive times: one when delivered exactly once. */
  receivedAt: number[]
  /** Last delivery state the sender saw. */
  state?: string
}

export interface RoomRecord {
  kind: 'room'
  id: string
  room: string
  from: number
  sentAt: number
  /** Node index -> receive times. */
  receivedAt: Map<number, number[]>
  /** Members other than the author when it was sent: who should receive it. */
  expected: number[]
}

export interface LatencySummary {
  count: number
  min: number
  p50: number
  p90: number
  p99: number
  max: number
  mean: number
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]
}

export function summarize(values: number[]): LatencySummary {
  const sorted = [...values].sort((a, b) => a - b)
  const sum = sorted.reduce((total, value) => total + value, 0)
  return {
    count: sorted.length,
    min: sorted[0] ?? Number.NaN,
    p50: percentile(sorted, 50),
    p90: percentile(sorted, 90),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
    mean: sorted.length === 0 ? Number.NaN : sum / sorted.length,
  }
}

export class DeliveryLedger extends EventTarget {
  readonly direct = new Map<string, DirectRecord>()
  readonly room = new Map<string, RoomRecord>()
  /**
   * Receipts of ids not (yet) recorded as sent: on the memory transport a message can reach
   * its recipients before the sender's `send()` returns its id. Replayed when the send is
   * recorded; what is left at the end was never sent by the simulation.
   */
  private readonly early = new Map<string, Array<{ by: number; at: number }>>()
  private readonly sentPerPair = new Map<string, number>()
  /** `${from}>${to}` -> highest order the recipient has seen. */
  private readonly seenPerPair = new Map<string, number>()
  /** Messages that arrived after a later message of the same pair. */
  readonly outOfOrder: string[] = []

  recordDirectSend(id: string, from: number, to: number, sentAt: number): DirectRecord {
    const pair = `${from}>${to}`
    const order = (this.sentPerPair.get(pair) ?? 0) + 1
    this.sentPerPair.set(pair, order)
    const record: DirectRecord = { kind: 'direct', id, from, to, order, sentAt, receivedAt: [] }
    this.direct.set(id, record)
    for (const { by, at } of this.takeEarly(id)) this.recordDirectReceipt(id, by, at)
    return record
  }

  recordDirectReceipt(id: string, by: number, at: number): void {
    const record = this.direct.get(id)
    if (record == null || record.to !== by) {
      this.keepEarly(id, by, at)
      return
    }
    record.receivedAt.push(at)
    if (record.receivedAt.length === 1) {
      const pair = `${record.from}>${record.to}`
      const seen = this.seenPerPair.get(pair) ?? 0
      if (record.order < seen) this.outOfOrder.push(id)
      else this.seenPerPair.set(pair, record.order)
    }
    this.dispatchEvent(new CustomEvent('receipt', { detail: id }))
  }

  recordDirectState(id: string, state: string): void {
    const record = this.direct.get(id)
    if (record != null) record.state = state
  }

  recordRoomSend(id: string, room: string, from: number, sentAt: number, expected: number[]) {
    const record: RoomRecord = {
      kind: 'room',
      id,
      room,
      from,
      sentAt,
      receivedAt: new Map(),
      expected,
    }
    this.room.set(id, record)
    for (const { by, at } of this.takeEarly(id)) this.recordRoomReceipt(id, by, at)
    return record
  }

  recordRoomReceipt(id: string, by: number, at: number): void {
    const record = this.room.get(id)
    if (record == null) {
      this.keepEarly(id, by, at)
      return
    }
    const times = record.receivedAt.get(by) ?? []
    times.push(at)
    record.receivedAt.set(by, times)
    this.dispatchEvent(new CustomEvent('receipt', { detail: id }))
  }

  /** Receipts of messages the simulation has no record of sending. */
  get unknownReceipts(): number {
    let count = 0
    for (const receipts of this.early.values()) count += receipts.length
    return count
  }

  private keepEarly(id: string, by: number, at: number): void {
    const receipts = this.early.get(id) ?? []
    receipts.push({ by, at })
    this.early.set(id, receipts)
  }

  private takeEarly(id: string): Array<{ by: number; at: number }> {
    const receipts = this.early.get(id) ?? []
    this.early.delete(id)
    return receipts
  }

  /** Whether the message reached every recipient it should reach. */
  delivered(id: string): boolean {
    const direct = this.direct.get(id)
    if (direct != null) return direct.receivedAt.length > 0
    const room = this.room.get(id)
    if (room == null) return false
    return room.expected.every((member) => room.receivedAt.has(member))
  }

  /** First-receipt latencies, ms: one per direct message and per room recipient. */
  latencies(kind: 'direct' | 'room'): number[] {
    if (kind === 'direct') {
      return [...this.direct.values()]
        .filter((r) => r.receivedAt.length > 0)
        .map((r) => r.receivedAt[0] - r.sentAt)
    }
    const out: number[] = []
    for (const record of this.room.values()) {
      for (const member of record.expected) {
        const times = record.receivedAt.get(member)
        if (times != null) out.push(times[0] - record.sentAt)
      }
    }
    return out
  }

  /** Resolves once every id in `ids` is delivered; rejects after `timeoutMs`, naming how many are missing. */
  waitForDelivery(ids: Iterable<string>, timeoutMs: number): Promise<void> {
    const pending = new Set([...ids].filter((id) => !this.delivered(id)))
    if (pending.size === 0) return Promise.resolve()
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.removeEventListener('receipt', onReceipt)
        const sample = [...pending].slice(0, 5).join(', ')
        reject(
          new Error(
            `${pending.size} message(s) not delivered within ${timeoutMs} ms (e.g. ${sample})`,
          ),
        )
      }, timeoutMs)
      const onReceipt = (event: Event) => {
        const id = (event as CustomEvent<string>).detail
        if (!pending.has(id) || !this.delivered(id)) return
        pending.delete(id)
        if (pending.size > 0) return
        clearTimeout(timer)
        this.removeEventListener('receipt', onReceipt)
        resolve()
      }
      this.addEventListener('receipt', onReceipt)
    })
  }
}
