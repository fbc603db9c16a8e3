/**
 * Read marks and deletions that another device of our account made, applied here (own-device
 * sync, doc/accounts.md; own-device-sync.ts carries them). A mark names the conversation and
 * the newest text read (or record deleted) by the id every device of the account knows it
 * by: its own id on the device it went to first, a copy's `origin` on the others.
 *
 * Guarantees, and how:
 * - idempotent: a mark only lowers the unread count (never raises it) and deletes only what
 *   is no newer than the record it names, so taking it twice changes nothing more;
 * - nothing newer than the mark is touched: what arrived here after the named record stays
 *   unread and kept. A mark whose record is not here (not arrived yet, or deleted) covers the
 *   records stored here before the mark was sent (`sentAtMs`, the other device's clock);
 * - bounded: at most MAX_DEVICE_SYNC_SCAN records are walked back; a mark found nowhere in
 *   them and older than all of them changes nothing;
 * - no read receipt: the device where the user read sent it. The read marks of the lane move
 *   as if it had been sent here, so a later read here does not send it again.
 */
import { toHex } from '../../protocol/bytes.ts'
import { MAX_DEVICE_SYNC_SCAN } from '../../protocol/limits.ts'
import type { DeletedForMe } from './message-actions.ts'
import type { ConversationRecord, HistoryRecord } from './message-store.ts'
import type { LaneTransaction, PeerLane } from './peer-lane.ts'
import { checkRunning, type PipelineContext } from './pipeline-context.ts'

/** Where a mark falls in a conversation: the last record it covers. */
interface Boundary {
  index: number
  /** Texts from the peer after it (what may still be unread). */
  newerIn: number
  /** The record the mark names (else the last one stored before the mark was sent). */
  byId?: true
}

/** A mark as it arrived: the id it names, and when the other device sent it. */
export interface DeviceMark {
  upTo?: string
  sentAtMs: number
}

export class SyncedMarks {
  readonly #ctx: PipelineContext

  constructor(ctx: PipelineContext) {
    this.#ctx = ctx
  }

  /**
   * Another device read the conversation with `peer` up to the mark: the unread texts no
   * newer than it are read here. `unread`: the count, when it changed; `found`: whether the
   * text the mark names is here (else it may still come: own-device-sync.ts waits for it,
   * and with `keepAhead` the mark is kept on disk until then).
   */
  async takeRead(
    peer: Uint8Array,
    mark: DeviceMark,
    options: { keepAhead?: boolean } = {},
  ): Promise<{ unread: number | undefined; found: boolean }> {
    checkRunning(this.#ctx)
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx, state) => {
      const conversation = state.conversation
      const boundary = await this.#find(lane, tx, mark)
      const found = boundary?.byId === true
      // A mark whose text is not here yet waits for it on disk, in this batch; found, it goes.
      if (found || options.keepAhead === true) {
        tx.ops.push(this.#ctx.store.markAheadOp(lane.peerHex, found ? undefined : mark))
      }
      if (boundary == null || boundary.newerIn >= conversation.unread) {
        return { unread: undefined, found }
      }
      const unread = boundary.newerIn
      if (unread === 0) readAll(conversation)
      else conversation.unread = unread
      tx.conversationDirty = true
      return { unread, found }
    })
  }

  /** The read marks kept waiting for their text (`takeRead` with `keepAhead`), by peer (hex). */
  marksAhead(): Promise<Map<string, DeviceMark>> {
    return this.#ctx.store.marksAhead()
  }

  /** Marks everything from `peer` read without a receipt (see the file header). */
  async readQuietly(peer: Uint8Array): Promise<void> {
    checkRunning(this.#ctx)
    const lane = this.#ctx.lane(peer)
    await lane.run(async (tx, state) => {
      const conversation = state.conversation
      if (conversation.unread === 0 && conversation.readUpToSeq === conversation.expectedInSeq - 1)
        return
      readAll(conversation)
      tx.conversationDirty = true
    })
  }

  /**
   * Another device deleted the history with `peer` up to the mark: what is no newer than it
   * is deleted here, as `clearHistory` does. Returns how many records went, and the files
   * they carried.
   */
  async takeCleared(peer: Uint8Array, mark: DeviceMark): Promise<DeletedForMe> {
    checkRunning(this.#ctx)
    const store = this.#ctx.store
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx, state) => {
      const none = { deleted: 0, files: [] }
      const boundary = await this.#find(lane, tx, mark)
      if (boundary == null) return none
      const indexes = new Set([...(await store.historyIndexes(lane.peerHex)), ...tx.history.keys()])
      const kept: Array<[number, HistoryRecord]> = []
      const files: string[] = []
      let deleted = 0
      for (const index of indexes) {
        const record = tx.history.get(index) ?? (await store.history(lane.peerHex, index))
        if (index > boundary.index) {
          if (record != null) kept.push([index, record])
          continue
        }
        if (record?.attachment != null) files.push(record.attachment.fileId)
        tx.history.delete(index)
        state.recentHistory.delete(index)
        state.unackedHistory.delete(index)
        tx.ops.push(store.historyDeleteOp(lane.peerHex, index))
        deleted++
      }
      if (deleted === 0) return none
      // The feed says the history was cleared, then brings what stays again, so what derives
      // from it (the search index) keeps exactly the records kept.
      tx.feed.push({ kind: 'cleared' })
      for (const [index, record] of kept.sort((a, b) => a[0] - b[0])) {
        tx.history.set(index, record)
        tx.feed.push({ kind: 'added', index })
      }
      const conversation = state.conversation
      const unread = Math.min(conversation.unread, boundary.newerIn)
      if (unread === 0) readAll(conversation)
      else conversation.unread = unread
      tx.conversationDirty = true
      return { deleted, files }
    })
  }

  /**
   * The id every device of the account knows the newest record of the conversation by (a
   * text from the peer only, with `incoming`); undefined when there is none.
   */
  async newestId(peer: Uint8Array, incoming: boolean): Promise<string | undefined> {
    const lane = this.#ctx.lane(peer)
    return lane.run(async (tx) => {
      let found: string | undefined
      await this.#walk(lane, tx, (_index, record) => {
        if (record.keyChange != null || (incoming && record.direction !== 'in')) return false
        found = syncId(record)
        return true
      })
      return found
    })
  }

  /** The ids every device of the account knows messages `ids` of the conversation by. */
  async syncIds(peer: Uint8Array, ids: string[]): Promise<string[]> {
    const { store } = this.#ctx
    const peerHex = toHex(peer)
    const known: string[] = []
    for (const id of new Set(ids)) {
      const index = await store.recordIndex(peerHex, id)
      const record = index == null ? undefined : await store.history(peerHex, index)
      if (record != null) known.push(syncId(record))
    }
    return known
  }

  /** Where `mark` falls in the lane's history, newest first, within the walk's bound. */
  async #find(
    lane: PeerLane,
    tx: LaneTransaction,
    mark: DeviceMark,
  ): Promise<Boundary | undefined> {
    let newerIn = 0
    let byId: Boundary | undefined
    let byTime: Boundary | undefined
    await this.#walk(lane, tx, (index, record) => {
      if (mark.upTo != null && syncId(record) === mark.upTo) {
        byId = { index, newerIn, byId: true }
        return true
      }
      if (byTime == null && record.storedAt <= mark.sentAtMs) byTime = { index, newerIn }
      if (record.direction === 'in' && record.keyChange == null) newerIn++
      return false
    })
    return byId ?? byTime
  }

  /**
   * Visits the lane's records newest first (this batch's, then the stored ones) until `visit`
   * returns true or MAX_DEVICE_SYNC_SCAN records were seen.
   */
  async #walk(
    lane: PeerLane,
    tx: LaneTransaction,
    visit: (index: number, record: HistoryRecord) => boolean,
  ): Promise<void> {
    let seen = 0
    // This batch's records override the stored ones and come first when newer.
    const fresh = [...tx.history.entries()].sort((a, b) => b[0] - a[0])
    let next = 0
    const emit = (index: number, record: HistoryRecord): boolean => {
      seen++
      return visit(index, record)
    }
    let before: number | undefined
    while (seen < MAX_DEVICE_SYNC_SCAN) {
      const page = await this.#ctx.store.historyPage(lane.peerHex, 500, before)
      for (const { index, record } of page.reverse()) {
        while (next < fresh.length && fresh[next]![0] > index) {
          if (emit(...fresh[next++]!)) return
        }
        const mine = next < fresh.length && fresh[next]![0] === index ? fresh[next++]![1] : record
        if (emit(index, mine) || seen >= MAX_DEVICE_SYNC_SCAN) return
      }
      if (page.length === 0) break
      before = page.at(-1)!.index
    }
    while (next < fresh.length && seen < MAX_DEVICE_SYNC_SCAN) {
      if (emit(...fresh[next++]!)) return
    }
  }
}

/** The id every device of our account knows a record by (HistoryRecord.origin). */
export function syncId(record: HistoryRecord): string {
  return record.origin ?? record.id
}

/** Everything from the peer read, its receipt counted as sent (another device sent it). */
function readAll(conversation: ConversationRecord): void {
  conversation.unread = 0
  conversation.readUpToSeq = conversation.expectedInSeq - 1
  conversation.readReceiptSentUpTo = Math.max(
    conversation.readReceiptSentUpTo,
    conversation.readUpToSeq,
  )
}
