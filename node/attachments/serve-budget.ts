/**
 * How many request windows of room files each peer may ask of us per minute
 * (ROOM_FILE_WINDOWS_PER_MINUTE): any member may fetch a room's file from any other, so what
 * one member can make us send is bounded per asker.
 *
 * How it is kept: a fixed one-minute window per peer, counted as requests come; the table
 * forgets windows that ended once it holds more than `maxPeers` entries, so a stream of
 * strangers cannot grow it without end (and strangers are refused before they count).
 */
export class ServeBudget {
  readonly #perMinute: number
  readonly #maxPeers: number
  readonly #clock: () => number
  readonly #windows = new Map<string, { start: number; used: number }>()

  constructor(perMinute: number, { maxPeers = 1024, clock = Date.now } = {}) {
    this.#perMinute = perMinute
    this.#maxPeers = maxPeers
    this.#clock = clock
  }

  /** Counts one request of `peer`; false when its budget for this minute is spent. */
  take(peer: string): boolean {
    const now = this.#clock()
    let window = this.#windows.get(peer)
    if (window == null || now - window.start >= 60_000) {
      if (window == null && this.#windows.size >= this.#maxPeers) this.#forgetEnded(now)
      window = { start: now, used: 0 }
      this.#windows.set(peer, window)
    }
    if (window.used >= this.#perMinute) return false
    window.used++
    return true
  }

  #forgetEnded(now: number): void {
    for (const [peer, window] of this.#windows) {
      if (now - window.start >= 60_000) this.#windows.delete(peer)
    }
  }
}
