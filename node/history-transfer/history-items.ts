/**
 * The holding device's history as the transfer carries it, and back: which records go (the
 * conversations the user sees, newest first, back to the chosen time), and how a record
 * becomes a HistoryItem (protocol/history-transfer.ts) and an item a record again.
 *
 * Guarantees, and how:
 * - a stable order, so a resumed transfer goes on where it stopped: conversations by peer key,
 *   records newest first by their index here; the cursor is the last record taken;
 * - what the user deleted is not there to go (deleted records are gone from history), and a
 *   text keeps the id every device of the account knows it by (`syncId`), so deletions and
 *   read marks synced later find it on the new device too;
 * - nothing secret of a file: an attachment goes as a reference (name, type, size, hash),
 *   without its key or bytes.
 */

import { bytesEqual, fromHex, toHex } from '../../protocol/bytes.ts'
import type { HistoryItem } from '../../protocol/history-transfer.ts'
import { MAX_HISTORY_PAGE } from '../../protocol/limits.ts'
import type { AttachmentView } from '../../protocol/local-api.ts'
import type { HistoryRecord, ImportedRecord, MessagePipeline } from '../messaging/index.ts'

/** Where a transfer stands on the holding device: the last record taken. */
export interface HistoryCursor {
  peer: Uint8Array
  index: number
}

export interface HistoryWalkInit {
  pipeline: Pick<MessagePipeline, 'conversationHeads' | 'recordsPage' | 'historyCount'>
  /** Conversations the user does not see (another device's, ours): not handed over. */
  hides(peer: Uint8Array): boolean
  /** This device's key: what an outgoing record sent here names as its sender. */
  myKey: Uint8Array
  sinceMs: number
  after?: HistoryCursor
}

/** The records to hand over, after the cursor, newest first within each conversation. */
export async function* historyItems(init: HistoryWalkInit): AsyncGenerator<HistoryItem> {
  const afterHex = init.after == null ? undefined : toHex(init.after.peer)
  for (const { peerHex, unread } of await init.pipeline.conversationHeads()) {
    if (afterHex != null && peerHex < afterHex) continue
    const peer = fromHex(peerHex)
    if (bytesEqual(peer, init.myKey) || init.hides(peer)) continue
    let before = peerHex === afterHex ? init.after!.index : undefined
    // The newest `unread` texts from the peer are the unread ones (a resumed conversation
    // counts from its cursor: those were in its first pages, taken already).
    let incoming = 0
    for (;;) {
      const page = await init.pipeline.recordsPage(peer, MAX_HISTORY_PAGE, before)
      if (page.length === 0) break
      for (const { index, record } of page.reverse()) {
        if (record.storedAt < init.sinceMs) break
        const counted = record.direction === 'in' && record.keyChange == null
        if (counted) incoming++
        if (record.keyChange != null || record.copyOf != null) continue
        yield itemOf(peer, index, record, counted && incoming <= unread, init.myKey)
      }
      const oldest = page.at(-1)!
      if (oldest.record.storedAt < init.sinceMs) break
      before = oldest.index
    }
  }
}

/**
 * About how many records `historyItems` brings with the same init, for progress: the records
 * kept after the cursor in the conversations it walks, counted by key without opening one
 * (so key-change lines, our copies and, for the last N days, older records count too). The
 * asker's total settles to what it took when the transfer is done.
 */
export async function estimateHistoryItems(init: HistoryWalkInit): Promise<number> {
  const afterHex = init.after == null ? undefined : toHex(init.after.peer)
  let count = 0
  for (const { peerHex } of await init.pipeline.conversationHeads()) {
    if (afterHex != null && peerHex < afterHex) continue
    const peer = fromHex(peerHex)
    if (bytesEqual(peer, init.myKey) || init.hides(peer)) continue
    count += await init.pipeline.historyCount(
      peer,
      peerHex === afterHex ? init.after!.index : undefined,
    )
  }
  return count
}

function itemOf(
  peer: Uint8Array,
  index: number,
  record: HistoryRecord,
  unread: boolean,
  myKey: Uint8Array,
): HistoryItem {
  const outgoing = record.direction === 'out'
  const item: HistoryItem = {
    peer: wire(peer),
    index,
    id: wire(fromHex(record.origin ?? record.id)),
    outgoing,
    sentFrom: wire(outgoing ? (record.sentFrom == null ? myKey : fromHex(record.sentFrom)) : empty),
    seq: record.seq,
    text: record.text,
    sentAtMs: record.sentAt,
    storedAtMs: record.storedAt,
    unread,
    replyTo: wire(record.replyTo == null ? empty : fromHex(record.replyTo)),
    editedAtMs: record.editedAt ?? 0,
    recalled: record.recalled === true,
    forwarded: record.forwarded === true,
    reactionOut: record.reactions?.out ?? '',
    reactionIn: record.reactions?.in ?? '',
  }
  if (record.style != null) {
    item.style = {
      bold: record.style.bold === true,
      italic: record.style.italic === true,
      size: record.style.size ?? 0,
      ...(record.style.color != null ? { color: record.style.color } : {}),
    }
  }
  const file = record.attachment
  if (file != null) {
    item.attachment = {
      fileId: wire(fromHex(file.fileId)),
      name: file.name,
      mime: file.mime,
      size: file.size,
      sha256: wire(fromHex(file.sha256)),
      width: file.width ?? 0,
      height: file.height ?? 0,
    }
  }
  return item
}

/** A record handed over, as this device keeps it (an attachment by reference only). */
export function importedRecordOf(item: HistoryItem): ImportedRecord {
  const record: HistoryRecord = {
    id: toHex(item.id),
    direction: item.outgoing ? 'out' : 'in',
    seq: item.seq,
    text: item.text,
    sentAt: item.sentAtMs,
    storedAt: item.storedAtMs,
  }
  if (item.outgoing) record.sentFrom = toHex(item.sentFrom)
  if (item.style != null) {
    const { bold, italic, color, size } = item.style
    record.style = {
      ...(bold ? { bold } : {}),
      ...(italic ? { italic } : {}),
      ...(color != null ? { color } : {}),
      ...(size !== 0 ? { size } : {}),
    }
  }
  const file = item.attachment
  if (file != null) {
    const reference: AttachmentReference = {
      fileId: toHex(file.fileId),
      name: file.name,
      mime: file.mime,
      size: file.size,
      sha256: toHex(file.sha256),
    }
    if (file.width !== 0) reference.width = file.width
    if (file.height !== 0) reference.height = file.height
    record.attachment = reference
  }
  if (item.replyTo.length !== 0) record.replyTo = toHex(item.replyTo)
  if (item.editedAtMs !== 0) record.editedAt = item.editedAtMs
  if (item.recalled) record.recalled = true
  if (item.forwarded) record.forwarded = true
  const reactions: Record<string, string> = {}
  if (item.reactionOut !== '') reactions.out = item.reactionOut
  if (item.reactionIn !== '') reactions.in = item.reactionIn
  if (Object.keys(reactions).length > 0) record.reactions = reactions
  return { record, unread: item.unread }
}

type AttachmentReference = Pick<AttachmentView, 'fileId' | 'name' | 'mime' | 'size' | 'sha256'> & {
  width?: number
  height?: number
}

const empty = new Uint8Array(0)

/** Bytes as the generated wire types name them. */
function wire(bytes: Uint8Array): HistoryItem['id'] {
  return bytes as HistoryItem['id']
}
