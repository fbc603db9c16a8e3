/**
 * What hole punching may cost: a peer reached through a relay can ask us to send SYNs to an
 * address of its choosing, so punches are counted. At most one punch with a peer at a time,
 * `perPeer` per `periodMs` with one peer, `concurrent` with anyone at once, and `maxPeers`
 * peers remembered (past it, new peers are refused until old starts expire).
 */
import { PunchRefusedError } from './errors.ts'

export interface PunchBudgetInit {
  perPeer: number
  periodMs: number
  concurrent: number
  maxPeers: number
  now?: () => number
}

export class PunchBudget {
  private readonly active = new Set<string>()
  /** Each peer's punch start times within the period. */
  private readonly starts = new Map<string, number[]>()
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
    const now = this.now()
    this.forgetBefore(now - this.init.periodMs)
    const starts = this.starts.get(peer) ?? []
    if (starts.length >= this.init.perPeer) {
      throw new PunchRefusedError(
        `${starts.length} punches with this peer in the last ${this.init.periodMs / 1000} s`,
      )
    }
    if (starts.length === 0 && this.starts.size >= this.init.maxPeers) {
      throw new PunchRefusedError(`punches with ${this.starts.size} peers in the period`)
    }
    starts.push(now)
    this.starts.set(peer, starts)
    this.active.add(peer)
  }

  /** The punch with `peer` ended (it still counts against the period). */
  release(peer: string): void {
    this.active.delete(peer)
  }

  private forgetBefore(cutoff: number): void {
    for (const [peer, starts] of this.starts) {
      const kept = starts.filter((start) => start > cutoff)
      if (kept.length === 0) this.starts.delete(peer)
      else this.starts.set(peer, kept)
    }
  }
}
