/**
 * History another device of our account handed over (doc/accounts.md, "History on a new
 * device"), added to a conversation here: the records come newest first, and each goes just
 * below the lowest record the conversation holds, so the older history reads before what
 * arrived here (a conversation's own records start at FIRST_LIVE_INDEX, leaving the room).
 *
 * Guarantees, and how:
 * - once: a record whose id the conversation knows (its own id, or the id of the copy this
 *   device would have got of it) is not added again, so a transfer resumed from a page it had
 *   stored already, or one repeated later, adds nothing twice;
 * - in order: one batch in the conversation's lane places a page's records below everything
 *   there (records of the same batch included), newest first, so indexes follow the holder's;
 * - quiet: nothing is sent (no receipt, no copy: an outgoing record names the device that sent
 *   it, which the fan-out never copies) and no event per record; the history feed brings the
 *   records to the search index like any. Attachments come by reference only: no key, no
 *   bytes, so nothing is fetched for them.
 */
import { toHex } from '../../protocol/bytes.ts'
import { copyId } from './device-fan-out.ts'
import type { HistoryRecord } from './message-store.ts'
import { checkRunning, type PipelineContext } from './pipeline-context.ts'

/** A record handed over, and whether it was still unread on the device that held it. */
export interface ImportedRecord {
  record: HistoryRecord
  unread: boolean
}

/** What one page did to a conversation. */
export interface ImportOutcome {
  added: number
  /** Known here already (by id): a page taken twice, or history this device has. */
  known: number
  /** No index left below the conversation's first (a conversation from before the room was kept). */
  noRoom: number
}

export class ImportedHistory {
  readonly #ctx: PipelineContext

  constructor(ctx: PipelineContext) {
    this.#ctx = ctx
  }

  /** Adds `records` (newest first) to the conversation with `peer`, in one batch. */
  async add(peer: Uint8Array, records: ImportedRecord[]): Promise<ImportOutcome> {
    checkRunning(this.#ctx)
    const { store, myKey } = this.#ctx
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx, state) => {
      const outcome: ImportOutcome = { added: 0, known: 0, noRoom: 0 }
      const conversation = state.conversation
      const stored = await store.lowestIndex(lane.peerHex)
      let ceiling = Math.min(conversation.nextIndex, stored ?? Infinity, ...tx.history.keys())
      const ids = records.map(({ record }) => [record.id, toHex(copyId(record.id, myKey))])
      // Known here already, in one read: its id, this device's copy of it, or this batch's.
      const known = await store.knownIds(lane.peerHex, ids.flat())
      for (const [i, { record, unread }] of records.entries()) {
        if (ids[i]!.some((id) => known.has(id) || tx.indexes.has(id))) {
          outcome.known++
          continue
        }
        known.add(record.id)
        if (ceiling <= 1) {
          outcome.noRoom++
          continue
        }
        const index = --ceiling
        tx.history.set(index, record)
        tx.indexes.set(record.id, index)
        tx.ops.push(
          store.messageIndexOp(
            lane.peerHex,
            record.id,
            record.direction === 'in' ? { in: index } : index,
            true,
          ),
        )
        tx.feed.push({ kind: 'added', index })
        if (unread && record.direction === 'in') conversation.unread++
        conversation.lastActivity = Math.max(conversation.lastActivity, record.storedAt)
        outcome.added++
      }
      if (outcome.added > 0) tx.conversationDirty = true
      return outcome
    })
  }
}
