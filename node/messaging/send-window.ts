/**
 * The send window of one DM channel (dm-channels.ts): how many envelope bytes may be sent and
 * not yet acked, and the sends that wait for room.
 *
 * Guarantees, and how they are kept:
 * - At most `maxBytes` of envelopes sent and unacked: a send reserves its framed size before
 *   it writes (`reserve`) and an ack frees it (`acked`). One envelope larger than the whole
 *   window still goes, alone, so no size can block a channel forever.
 * - Sends go in the order they asked: waiting sends are admitted first come, first served,
 *   and a send that asks while others wait queues behind them even if it would fit.
 * - A peer that acks nothing does not hold sends forever: once sends have waited
 *   `stallTimeoutMs` with no ack meanwhile, every waiting send is refused (false), and the
 *   pipeline turns to the mailbox. `close()` refuses them too and names what stays unacked.
 */

export interface SendWindowInit {
  maxBytes: number
  stallTimeoutMs: number
  /** Called when waiting sends give up for want of acks, with how many they were. */
  onStall(waiting: number): void
  /** Milliseconds, monotonic. @default performance.now */
  now?: () => number
}

export class SendWindow {
  readonly #init: SendWindowInit
  /** Framed size of each envelope sent and not acked yet, by message id (hex). */
  readonly #unacked = new Map<string, number>()
  #unackedBytes = 0
  /**
   * Sends waiting for room, first come first served, from `#waitingHead` on: a burst queues
   * thousands, and shifting the array per ack would copy them all each time.
   */
  #waiting: Array<{ bytes: number; admit: (admitted: boolean) => void }> = []
  #waitingHead = 0
  /** Runs while sends wait; when it fires, sends give up unless an ack came meanwhile. */
  #stallTimer: ReturnType<typeof setTimeout> | undefined
  #lastAckAt = 0

  constructor(init: SendWindowInit) {
    this.#init = init
  }

  /** Nothing sent and unacked, nobody waiting to send. */
  get idle(): boolean {
    return this.#unacked.size === 0 && this.#waitingCount() === 0
  }

  /**
   * Reserves `bytes` for the envelope `id`, at once or when acks make room. False when the
   * window closed, or stalled, first.
   */
  async reserve(id: string, bytes: number): Promise<boolean> {
    if (!(await this.#room(bytes))) return false
    this.#unacked.set(id, (this.#unacked.get(id) ?? 0) + bytes)
    return true
  }

  /** Frees the room of envelope `id` and admits the sends that now fit; false for an id not sent. */
  acked(id: string): boolean {
    const bytes = this.#unacked.get(id)
    if (bytes == null) return false
    this.#unacked.delete(id)
    this.#unackedBytes -= bytes
    this.#lastAckAt = this.#now()
    for (;;) {
      const next = this.#waiting[this.#waitingHead]
      if (next == null || !this.#fits(next.bytes)) break
      this.#waitingHead++
      this.#unackedBytes += next.bytes
      next.admit(true)
    }
    if (this.#waitingHead > 1024 && this.#waitingHead * 2 > this.#waiting.length) {
      this.#waiting = this.#waiting.slice(this.#waitingHead)
      this.#waitingHead = 0
    }
    return true
  }

  /** Refuses every waiting send and returns the ids of envelopes no ack will come for. */
  close(): string[] {
    clearTimeout(this.#stallTimer)
    this.#stallTimer = undefined
    this.#refuseWaiting()
    const unacked = [...this.#unacked.keys()]
    this.#unacked.clear()
    this.#unackedBytes = 0
    return unacked
  }

  #room(bytes: number): Promise<boolean> {
    if (this.#waitingCount() === 0 && this.#fits(bytes)) {
      this.#unackedBytes += bytes
      return Promise.resolve(true)
    }
    return new Promise<boolean>((admit) => {
      this.#waiting.push({ bytes, admit })
      this.#stallTimer ??= this.#watchForStall(this.#init.stallTimeoutMs)
    })
  }

  #watchForStall(delayMs: number): ReturnType<typeof setTimeout> {
    const timer = setTimeout(() => {
      this.#stallTimer = undefined
      if (this.#waitingCount() === 0) return
      const sinceAck = this.#now() - this.#lastAckAt
      if (sinceAck < this.#init.stallTimeoutMs) {
        this.#stallTimer = this.#watchForStall(this.#init.stallTimeoutMs - sinceAck)
        return
      }
      this.#init.onStall(this.#waitingCount())
      this.#refuseWaiting()
    }, delayMs)
    timer.unref?.()
    return timer
  }

  #waitingCount(): number {
    return this.#waiting.length - this.#waitingHead
  }

  /** An envelope larger than the whole window still goes, alone. */
  #fits(bytes: number): boolean {
    return this.#unackedBytes === 0 || this.#unackedBytes + bytes <= this.#init.maxBytes
  }

  #refuseWaiting(): void {
    const waiting = this.#waiting.slice(this.#waitingHead)
    this.#waiting = []
    this.#waitingHead = 0
    for (const waiter of waiting) waiter.admit(false)
  }

  #now(): number {
    return this.#init.now?.() ?? performance.now()
  }
}
