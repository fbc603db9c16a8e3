/**
 * The calls with each peer, as the conversation shows them ("missed call", "call, 2:13"):
 * one sealed record per peer in the calls sublevel, rewritten whole when a call ends, at most
 * MAX_CALL_LOG_PER_PEER calls (the oldest go first). Writes run one at a time, so two calls
 * ending together both stay. Nothing of a call's media or signalling is kept.
 */
import { MAX_CALL_LOG_PER_PEER } from '../../protocol/limits.ts'
import type { AppLevel } from '../storage.ts'
import type { CallState } from './call-state.ts'

export class CallLog {
  readonly #db: AppLevel
  readonly #maxPerPeer: number
  #writes: Promise<unknown> = Promise.resolve()

  constructor(db: AppLevel, maxPerPeer = MAX_CALL_LOG_PER_PEER) {
    this.#db = db
    this.#maxPerPeer = maxPerPeer
  }

  /** The ended calls with `peer` (hex key), oldest first. */
  async list(peer: string): Promise<CallState[]> {
    await this.#writes
    return this.#read(peer)
  }

  /** Keeps an ended call. */
  add(call: CallState): Promise<void> {
    const write = this.#writes.then(async () => {
      const calls = [...(await this.#read(call.peer)), call].slice(-this.#maxPerPeer)
      await this.#db.put(keyOf(call.peer), new TextEncoder().encode(JSON.stringify(calls)))
    })
    this.#writes = write.catch(() => undefined)
    return write
  }

  async #read(peer: string): Promise<CallState[]> {
    const stored = await this.#db.get(keyOf(peer))
    return stored == null ? [] : (JSON.parse(new TextDecoder().decode(stored)) as CallState[])
  }
}

function keyOf(peer: string): string {
  return `log/${peer}`
}
