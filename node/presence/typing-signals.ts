/**
 * Typing indicators between friends (doc/friends.md, "Typing"). Our user's "writing to X"
 * rides on the presence heartbeats to X: a heartbeat goes at once when it starts or stops,
 * and each heartbeat carries it until TYPING_IDLE_MS after the client last said so, so a
 * closed tab stops it by itself. A friend is shown typing while its heartbeats say so, and
 * not once it is offline. With the setting off we neither tell ours nor show theirs, as the
 * classic messengers do. Only friends are tracked (the caller checks), so both maps are
 * bounded by the friend list. Pure bookkeeping: no I/O, no timers.
 */
import { TYPING_IDLE_MS } from '../../protocol/limits.ts'

export class TypingSignals {
  readonly #now: () => number
  /** Friend (hex) to when our typing to it lapses. */
  readonly #ownUntil = new Map<string, number>()
  /** Friends (hex) shown typing. */
  readonly #shown = new Set<string>()
  #enabled = true

  constructor(now: () => number = Date.now) {
    this.#now = now
  }

  get enabled(): boolean {
    return this.#enabled
  }

  /**
   * Turns the indicators on or off. Returns what turning off withdrew: the friends we had
   * told we were typing (a heartbeat must say we stopped) and those shown typing.
   */
  setEnabled(enabled: boolean): { told: string[]; shown: string[] } {
    this.#enabled = enabled
    if (enabled) return { told: [], shown: [] }
    const told = [...this.#ownUntil.keys()].filter((hex) => this.isTypingTo(hex))
    const shown = [...this.#shown]
    this.#ownUntil.clear()
    this.#shown.clear()
    return { told, shown }
  }

  /** Our user is (or stopped) writing to `hex`. True when heartbeats must say so now. */
  mark(hex: string, typing: boolean): boolean {
    if (!this.#enabled) return false
    const was = this.isTypingTo(hex)
    if (typing) this.#ownUntil.set(hex, this.#now() + TYPING_IDLE_MS)
    else this.#ownUntil.delete(hex)
    return was !== typing
  }

  /** Whether our heartbeats to `hex` say we are typing. */
  isTypingTo(hex: string): boolean {
    const until = this.#ownUntil.get(hex)
    if (until == null) return false
    if (until > this.#now()) return true
    this.#ownUntil.delete(hex)
    return false
  }

  /** What a heartbeat of `hex` said: the change to show, if any. */
  heard(hex: string, typing: boolean): boolean | undefined {
    const show = typing && this.#enabled
    if (show === this.#shown.has(hex)) return undefined
    if (show) this.#shown.add(hex)
    else this.#shown.delete(hex)
    return show
  }

  /** `hex` went offline or is no friend any more: true when it was shown typing. */
  forget(hex: string): boolean {
    this.#ownUntil.delete(hex)
    return this.#shown.delete(hex)
  }
}
