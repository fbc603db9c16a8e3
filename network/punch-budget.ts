/**
 * What hole punching may cost: a peer reached through a relay can ask us to send SYNs to an
 * address of its choosing, so punches are counted. At most one punch with a peer at a time,
 * `concurrent` with anyone at once, and after `failuresPerPeer` failed punches with a peer
 * within `periodMs`, none with it until the oldest is older than that; `maxPeers` peers
 * with failures are remembered (past it, punches with others wait for old failures to
 * expire). A punch that gave a direct connection reached the very peer that asked (noise
 * checked it), so it costs nothing: a friend who restarts often still gets punched to.
 */
import { PunchRefusedError } from './errors.ts'

export interface PunchBudgetInit {
  failuresPerPeer: number
  periodMs: number
  concurrent: number
  maxPeers: number
  now?: () => number
}

export class PunchBudget {
  private readonly active = new Set<string>()
  /** Each peer's failed punches (when they ended) within the period. */
  private readonly failures = new Map<string, number[]>()
  private readonly now: () => number

  constructor(private readonly init: PunchBudgetInit) {
    this.now = init.now ?? Date.now
  }

  /** Takes a punch with `peer`, or throws PunchRefusedError saying why not. */
  take(peer: string): void {
    if (this.active.has(peer)) throw new PunchRefusedError('a punch with this peer is under way')
    if (this.active.size >= this.init.concurrent) {
      throw new PunchRefusedError(`${this.init.concurrent} punches are under way`)
    }
    this.forgetBefore(this.now() - this.init.periodMs)
    const failures = this.failures.get(peer) ?? []
    if (failures.length >= this.init.failuresPerPeer) {
      throw new PunchRefusedError(
        `${failures.length} punches with this peer failed in the last ${this.init.periodMs / 1000} s`,
      )
    }
    if (failures.length === 0 && this.failures.size >= this.init.maxPeers) {
      throw new PunchRefusedError(`punches with ${this.failures.size} peers failed in the period`)
    }
    this.active.add(peer)
  }

  /** The punch with `peer` ended; a failed one counts against the peer for the period. */
  release(peer: string, succeeded: boolean): void {
    this.active.delete(peer)
    if (succeeded) return
    this.failures.set(peer, [...(this.failures.get(peer) ?? []), this.now()])
  }

  private forgetBefore(cutoff: number): void {
    for (const [peer, failures] of this.failures) {
      const kept = failures.filter((failure) => failure > cutoff)
      if (kept.length === 0) this.failures.delete(peer)
      else this.failures.set(peer, kept)
    }
  }
}
