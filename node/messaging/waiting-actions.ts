/**
 * Message actions waiting for their target (doc/accounts.md, "Actions across devices"). An
 * action that comes from the device that wrote to us in the same conversation always finds
 * its target (it is ordered after it, doc/message-actions.md); one from another device of an
 * account may come first: the peer's phone reacts to a text our laptop copied to this device,
 * and the copy is still in the mailbox. Such an action waits here, keyed by the conversation
 * it acts in, and is applied when a record it names is shown there.
 *
 * Guarantees, and how:
 * - nothing taken in is lost: an action is written here in the batch that took it in (its ack
 *   follows that write) and deleted in the batch that applies it; `load` reads them back at
 *   start, and memory follows a batch that fails (`tx.undo`);
 * - bounded: at most MAX_WAITING_ACTIONS over all conversations (past it the oldest goes, with
 *   a log line), and one older than WAITING_ACTION_MAX_AGE_MS is dropped at start;
 * - cheap for every other batch: the targets waited for are a set in memory.
 */
import type { Logger } from '@libp2p/interface'
import { MAX_WAITING_ACTIONS, WAITING_ACTION_MAX_AGE_MS } from '../../protocol/limits.ts'
import type { BatchOp } from './durable-writer.ts'
import type { MessageStore, WaitingAction } from './message-store.ts'
import type { LaneTransaction } from './peer-lane.ts'

export class WaitingActions {
  readonly #store: MessageStore
  readonly #log: Logger
  /** By conversation (the peer's key in hex), in arrival order. */
  readonly #byPeer = new Map<string, WaitingAction[]>()

  constructor(store: MessageStore, log: Logger) {
    this.#store = store
    this.#log = log
  }

  /** Reads what waited when the node stopped; returns the ops that drop those too old. */
  async load(now = Date.now()): Promise<BatchOp[]> {
    const expired: BatchOp[] = []
    for (const [peerHex, action] of await this.#store.waitingActions()) {
      if (now - action.storedAt > WAITING_ACTION_MAX_AGE_MS) {
        expired.push(this.#store.waitingActionDeleteOp(peerHex, action.id))
        continue
      }
      this.#add(peerHex, action)
    }
    for (const list of this.#byPeer.values()) list.sort((a, b) => a.storedAt - b.storedAt)
    if (expired.length > 0) this.#log('dropped %d actions that waited too long', expired.length)
    return expired
  }

  /** Conversations (hex) with actions waiting. */
  peers(): string[] {
    return [...this.#byPeer.keys()]
  }

  /** The actions waiting in a conversation, in arrival order. */
  of(peerHex: string): readonly WaitingAction[] {
    return this.#byPeer.get(peerHex) ?? []
  }

  /** True when an action in the conversation waits for the record known by `syncId`. */
  awaits(peerHex: string, syncId: string): boolean {
    return this.#byPeer.get(peerHex)?.some((action) => action.target === syncId) ?? false
  }

  /** Keeps `action` waiting in the conversation, written with `tx`. */
  keep(tx: LaneTransaction, peerHex: string, action: WaitingAction): void {
    if (this.#count() >= MAX_WAITING_ACTIONS) this.#dropOldest(tx)
    this.#add(peerHex, action)
    tx.ops.push(this.#store.waitingActionOp(peerHex, action))
    tx.undo.push(() => this.#remove(peerHex, action.id))
    this.#log('%s on %s waits for its target in %s', action.type, action.target, peerHex)
  }

  /** The action was applied (or can never be): it waits no more, deleted with `tx`. */
  drop(tx: LaneTransaction, peerHex: string, id: string): void {
    const action = this.#remove(peerHex, id)
    tx.ops.push(this.#store.waitingActionDeleteOp(peerHex, id))
    if (action != null) tx.undo.push(() => this.#add(peerHex, action))
  }

  #dropOldest(tx: LaneTransaction): void {
    let oldest: { peerHex: string; action: WaitingAction } | undefined
    for (const [peerHex, list] of this.#byPeer) {
      const first = list[0]
      if (first != null && (oldest == null || first.storedAt < oldest.action.storedAt)) {
        oldest = { peerHex, action: first }
      }
    }
    if (oldest == null) return
    this.#log(
      'over %d actions wait for their target: dropped the oldest, %s on %s',
      MAX_WAITING_ACTIONS,
      oldest.action.type,
      oldest.action.target,
    )
    this.drop(tx, oldest.peerHex, oldest.action.id)
  }

  #count(): number {
    let count = 0
    for (const list of this.#byPeer.values()) count += list.length
    return count
  }

  #add(peerHex: string, action: WaitingAction): void {
    const list = this.#byPeer.get(peerHex) ?? []
    if (list.some((kept) => kept.id === action.id)) return
    list.push(action)
    this.#byPeer.set(peerHex, list)
  }

  #remove(peerHex: string, id: string): WaitingAction | undefined {
    const list = this.#byPeer.get(peerHex)
    const at = list?.findIndex((action) => action.id === id) ?? -1
    if (list == null || at < 0) return undefined
    const [action] = list.splice(at, 1)
    if (list.length === 0) this.#byPeer.delete(peerHex)
    return action
  }
}
