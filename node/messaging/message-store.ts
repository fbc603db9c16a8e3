/**
 * What direct messaging keeps in LevelDB, beside the sessions (session-store.ts), in one
 * sublevel so that a message, its conversation counters and the session state it moved are
 * committed in one atomic batch:
 *
 *   c/<peer>              ConversationRecord: seq counters, read marks, unread and held counts
 *   h/<peer>/<index>      HistoryRecord, in display order (each direction in seq order)
 *   i/<peer>/<id>         'in' | 'in:<index>' | 'out:<index>': dedup of received ids (with the
 *                         history index once shown), lookup of sent ones
 *   w/<peer>/<seq>        HeldRecord: a text that waits for an earlier one
 *   o/<peer>/<id>         OutboxEntry: sent but not yet acknowledged by the peer's node
 *   r/<peer>/<seq>        [seq, history index] of each of our texts sent in one write, the
 *                         first with that seq, for read receipts (one record per write, not per
 *                         text: each is sealed; releases before wrote the index of one text)
 *   a/<peer>              a read mark from another device of our account whose text is not
 *                         here yet (own-device-sync.ts): { upTo, sentAtMs }
 *   x/<peer>/<id>         WaitingAction: a message action on a text this conversation does
 *                         not show yet (waiting-actions.ts), by the action's own id
 *   y/<peer>/<id>         SentAction: our action whose copies for the other devices are not
 *                         all queued yet (message-actions.ts), by the action's own id
 *
 * <peer> is the peer's Ed25519 key in hex; numbers are zero-padded so keys sort by value.
 */

import { toHex } from '../../protocol/bytes.ts'
import type { OutboxEntryFields } from '../../protocol/dm-outbox.ts'
import type {
  AttachmentView,
  DeliveryState,
  MailboxReplicas,
  MessageView,
} from '../../protocol/local-api.ts'
import type { ActionType } from '../../protocol/message-actions.ts'
import { type AttachmentContent, styleToView, type TextStyle } from '../../protocol/rich-content.ts'
import { peerIdOf } from '../identity/index.ts'
import type { AppLevel } from '../storage.ts'
import type { BatchOp } from './durable-writer.ts'

export interface ConversationRecord {
  /** The seq our next text to the peer gets. */
  nextOutSeq: number
  /** The seq of the peer's next text to show; later ones are held until it comes. */
  expectedInSeq: number
  /** The peer's texts up to this seq are marked read here. */
  readUpToSeq: number
  /** The last read receipt we queued for the peer. */
  readReceiptSentUpTo: number
  /** The peer said it read our texts up to this seq. */
  peerReadUpToSeq: number
  unread: number
  held: number
  /** Index of the next history record. */
  nextIndex: number
  /** Orders the outbox. */
  nextOutboxOrder: number
  /** True once anything from the peer decrypted: it knows us, so the pairwise mailbox works. */
  heardFrom: boolean
  lastActivity: number
}

export interface HistoryRecord {
  id: string
  direction: 'in' | 'out'
  seq: number
  text: string
  sentAt: number
  storedAt: number
  state?: DeliveryState
  replicas?: MailboxReplicas
  failure?: string
  style?: TextStyle
  attachment?: StoredAttachment
  /** The line that says the peer changed its key (conversation-move.ts). */
  keyChange?: { previousPeerId: string; fingerprint: string }
  /** On a copy for another device of an account (device-fan-out.ts): the text it copies. */
  copyOf?: { peer: string; id: string }
  /** On a copy from one of our own devices: the peer (hex key) our account sent it to. */
  sentTo?: string
  /** Sent by our account from another of its devices (hex key): shown as ours. */
  sentFrom?: string
  /**
   * On a copy that arrived for this device of our account: the id (hex) of the text it
   * copies, which the account's devices name it by when they sync (own-device-sync.ts).
   */
  origin?: string
  /** The id of the message this one answers. */
  replyTo?: string
  /** Its author edited it, at this time of the author's clock. */
  editedAt?: number
  /** Its author recalled it: its text, style and file are gone from the record. */
  recalled?: true
  /** One emoji per side: 'out' ours, 'in' the peer's. */
  reactions?: Record<string, string>
  /** Its sender forwarded it from another conversation. */
  forwarded?: true
}

export interface HeldRecord {
  id: string
  seq: number
  text: string
  sentAt: number
  storedAt: number
  style?: TextStyle
  attachment?: StoredAttachment
  /** See HistoryRecord.sentTo. */
  sentTo?: string
  /** See HistoryRecord.origin. */
  origin?: string
  replyTo?: string
  forwarded?: true
  /** An action on an earlier message (message-actions.ts), applied when its turn comes. */
  action?: StoredAction
}

/** An action as a held record keeps it: the target's id in hex. */
export interface StoredAction {
  type: ActionType
  target: string
  emoji?: string
}

/**
 * A message action kept until its target is shown (waiting-actions.ts): it came from another
 * device of an account, which may have had the target before this device.
 */
export interface WaitingAction {
  /** The action's own message id, which names it in the store. */
  id: string
  /** The id every device of the account knows the target by (a copy's origin). */
  target: string
  type: ActionType
  /** An edit's new words ('' for the others). */
  text: string
  emoji?: string
  /** When it was sent, on its author's clock. */
  sentAt: number
  /** 'out': our own account acted, on another of its devices; 'in': the peer did. */
  who: 'in' | 'out'
  /** When it arrived here. */
  storedAt: number
}

/** Our action whose copies for the other devices of both accounts are still to queue. */
export interface SentAction {
  /** The action's own message id: its copies' ids derive from it (device-fan-out.ts). */
  id: string
  type: ActionType
  /** The id every device of both accounts knows the target by. */
  target: string
  text: string
  emoji?: string
  sentAt: number
}

/**
 * An attachment (protocol/rich-content.ts) as history keeps it: ids and hashes in hex, key
 * and inline bytes in base64. The recipient's copy keeps the key: its transfer needs it.
 */
export interface StoredAttachment {
  fileId: string
  name: string
  mime: string
  size: number
  sha256: string
  key?: string
  chunkSize?: number
  inline?: string
  width?: number
  height?: number
}

export function storedAttachment(content: AttachmentContent): StoredAttachment {
  const stored: StoredAttachment = {
    fileId: toHex(content.fileId),
    name: content.name,
    mime: content.mime,
    size: content.size,
    sha256: toHex(content.sha256),
  }
  if (content.key != null) stored.key = Buffer.from(content.key).toString('base64')
  if (content.chunkSize != null) stored.chunkSize = content.chunkSize
  if (content.inline != null) stored.inline = Buffer.from(content.inline).toString('base64')
  if (content.width != null) stored.width = content.width
  if (content.height != null) stored.height = content.height
  return stored
}

/** A history record as the local API shows it (no key, no inline bytes). */
export function messageView(peerId: string, record: HistoryRecord): MessageView {
  const out: MessageView = {
    id: record.id,
    peerId,
    direction: record.direction,
    seq: record.seq,
    text: record.text,
    sentAt: record.sentAt,
    storedAt: record.storedAt,
  }
  if (record.state != null) out.state = record.state
  if (record.replicas != null) out.replicas = record.replicas
  if (record.failure != null) out.failure = record.failure
  if (record.style != null) out.style = styleToView(record.style)
  if (record.keyChange != null) out.keyChange = record.keyChange
  if (record.replyTo != null) out.replyTo = { id: record.replyTo }
  if (record.editedAt != null) out.editedAt = record.editedAt
  if (record.recalled === true) out.recalled = true
  if (record.forwarded === true) out.forwarded = true
  if (record.reactions != null) {
    out.reactions = Object.entries(record.reactions).map(([who, emoji]) => ({
      emoji,
      mine: who === 'out',
    }))
  }
  if (record.sentFrom != null) {
    out.sentFrom = peerIdOf({ publicKey: Buffer.from(record.sentFrom, 'hex') }).toString()
  }
  if (record.attachment != null) out.attachment = attachmentView(record.attachment)
  return out
}

/** A stored attachment as the local API shows it (no key, no inline bytes); rooms' too. */
export function attachmentView(attachment: StoredAttachment): AttachmentView {
  const view: AttachmentView = {
    fileId: attachment.fileId,
    name: attachment.name,
    mime: attachment.mime,
    size: attachment.size,
    sha256: attachment.sha256,
    inline: attachment.inline != null,
  }
  if (attachment.width != null) view.width = attachment.width
  if (attachment.height != null) view.height = attachment.height
  return view
}

/** One of the texts a bundle carries. */
/** An outbox entry is stored as the outbox rules read it (protocol/dm-outbox.ts). */
export type OutboxEntry = OutboxEntryFields

/**
 * The index a new conversation's first record gets. The indexes below it stay free for the
 * history another device of the account hands over later (imported-history.ts), which is
 * older than anything that arrives here and so is shown before it. 12 digits, like every
 * index key.
 */
export const FIRST_LIVE_INDEX = 100_000_000_000

export function newConversation(): ConversationRecord {
  return {
    nextOutSeq: 1,
    expectedInSeq: 1,
    readUpToSeq: 0,
    readReceiptSentUpTo: 0,
    peerReadUpToSeq: 0,
    unread: 0,
    held: 0,
    nextIndex: FIRST_LIVE_INDEX,
    nextOutboxOrder: 1,
    heardFrom: false,
    lastActivity: 0,
  }
}

export class MessageStore {
  readonly #db: AppLevel

  constructor(db: AppLevel) {
    this.#db = db
  }

  async conversation(peer: string): Promise<ConversationRecord | undefined> {
    return readJson(await this.#db.get(`c/${peer}`))
  }

  conversationOp(peer: string, record: ConversationRecord): BatchOp {
    return putJson(`c/${peer}`, record)
  }

  /** Every conversation, keyed by peer. */
  async conversations(): Promise<Map<string, ConversationRecord>> {
    const out = new Map<string, ConversationRecord>()
    for await (const [key, value] of this.#db.iterator({ gt: 'c/', lt: 'c/~' })) {
      out.set(key.slice(2), readJson(value)!)
    }
    return out
  }

  async history(peer: string, index: number): Promise<HistoryRecord | undefined> {
    return readJson(await this.#db.get(historyKey(peer, index)))
  }

  /** The records at these places, in one read; undefined where one is gone. */
  async histories(
    places: Array<{ peer: string; index: number }>,
  ): Promise<Array<HistoryRecord | undefined>> {
    const values = await this.#db.getMany(places.map(({ peer, index }) => historyKey(peer, index)))
    return values.map((value) => readJson<HistoryRecord>(value))
  }

  /** `fresh`: a record at a new index, never written before. */
  historyOp(peer: string, index: number, record: HistoryRecord, fresh = false): BatchOp {
    return { type: 'put', key: historyKey(peer, index), value: jsonBytes(record), fresh }
  }

  /** The peers (hex) whose history records `ops` write or delete directly. */
  historyPeersOf(ops: Array<{ key: string; sublevel?: unknown }>): Set<string> {
    const peers = new Set<string>()
    for (const op of ops) {
      if (op.sublevel == null && op.key.startsWith('h/')) {
        peers.add(op.key.slice(2, op.key.indexOf('/', 2)))
      }
    }
    return peers
  }

  historyDeleteOp(peer: string, index: number): BatchOp {
    return { type: 'del', key: historyKey(peer, index) }
  }

  /** Indexes of every history record kept for the peer, ascending. */
  async historyIndexes(peer: string): Promise<number[]> {
    const out: number[] = []
    for await (const key of this.#db.keys({ gt: `h/${peer}/`, lt: `h/${peer}/~` })) {
      out.push(Number(key.slice(key.lastIndexOf('/') + 1)))
    }
    return out
  }

  /** The lowest index of a record kept for the peer; undefined when none is. */
  async lowestIndex(peer: string): Promise<number | undefined> {
    const [key] = await this.#db.keys({ gt: `h/${peer}/`, lt: `h/${peer}/~`, limit: 1 }).all()
    return key == null ? undefined : Number(key.slice(key.lastIndexOf('/') + 1))
  }

  /** How many records are kept for the peer before `before` (exclusive): keys only, none opened. */
  async historyCount(peer: string, before?: number): Promise<number> {
    let count = 0
    const lt = before == null ? `h/${peer}/~` : historyKey(peer, before)
    for await (const _ of this.#db.keys({ gt: `h/${peer}/`, lt })) count++
    return count
  }

  /** Up to `limit` records before `before` (exclusive), oldest first, with their indexes. */
  async historyPage(
    peer: string,
    limit: number,
    before?: number,
  ): Promise<Array<{ index: number; record: HistoryRecord }>> {
    const page: Array<{ index: number; record: HistoryRecord }> = []
    const lt = before == null ? `h/${peer}/~` : historyKey(peer, before)
    for await (const [key, value] of this.#db.iterator({
      gt: `h/${peer}/`,
      lt,
      reverse: true,
      limit,
    })) {
      page.push({ index: Number(key.slice(key.lastIndexOf('/') + 1)), record: readJson(value)! })
    }
    return page.reverse()
  }

  /** 'in' for a received text (shown or held), the history index of a sent one. */
  async messageIndex(peer: string, id: string): Promise<'in' | number | undefined> {
    const value = await this.#db.get(`i/${peer}/${id}`)
    if (value == null) return undefined
    const text = decoder.decode(value)
    return text.startsWith('in') ? 'in' : Number(text.slice('out:'.length))
  }

  /** Which of `ids` the conversation knows (shown, held, or sent), in one read. */
  async knownIds(peer: string, ids: string[]): Promise<Set<string>> {
    const values = await this.#db.getMany(ids.map((id) => `i/${peer}/${id}`))
    return new Set(ids.filter((_, i) => values[i] != null))
  }

  /**
   * The history index of a text either way, once shown; undefined for one held, unknown, or
   * received before received texts had their index kept.
   */
  async recordIndex(peer: string, id: string): Promise<number | undefined> {
    const value = await this.#db.get(`i/${peer}/${id}`)
    if (value == null) return undefined
    const text = decoder.decode(value)
    return text === 'in' ? undefined : Number(text.slice(text.indexOf(':') + 1))
  }

  /** `{ in: index }`: a received text shown at that index; `fresh`: an id new here. */
  messageIndexOp(
    peer: string,
    id: string,
    value: 'in' | number | { in: number },
    fresh = false,
  ): BatchOp {
    const text =
      value === 'in' ? 'in' : typeof value === 'number' ? `out:${value}` : `in:${value.in}`
    return { type: 'put', key: `i/${peer}/${id}`, value: encoder.encode(text), fresh }
  }

  async held(peer: string): Promise<Map<number, HeldRecord>> {
    const out = new Map<number, HeldRecord>()
    for await (const value of this.#db.values({ gt: `w/${peer}/`, lt: `w/${peer}/~` })) {
      const record = readJson<HeldRecord>(value)!
      out.set(record.seq, record)
    }
    return out
  }

  heldOp(peer: string, record: HeldRecord): BatchOp {
    return putJson(`w/${peer}/${pad(record.seq)}`, record)
  }

  heldDeleteOp(peer: string, seq: number): BatchOp {
    return { type: 'del', key: `w/${peer}/${pad(seq)}` }
  }

  /** Every outbox entry, grouped by peer, each group in send order. */
  async outbox(): Promise<Map<string, OutboxEntry[]>> {
    const out = new Map<string, OutboxEntry[]>()
    for await (const [key, value] of this.#db.iterator({ gt: 'o/', lt: 'o/~' })) {
      const peer = key.slice(2, key.indexOf('/', 2))
      const entries = out.get(peer) ?? []
      entries.push(readJson<OutboxEntry>(value)!)
      out.set(peer, entries)
    }
    for (const entries of out.values()) entries.sort((a, b) => a.order - b.order)
    return out
  }

  outboxOp(peer: string, entry: OutboxEntry): BatchOp {
    return putJson(`o/${peer}/${entry.id}`, entry)
  }

  outboxDeleteOp(peer: string, id: string): BatchOp {
    return { type: 'del', key: `o/${peer}/${id}` }
  }

  /**
   * The record of our texts sent in one write, `sent` in seq order. Seqs only grow, so the
   * texts of one record come after those of every record with a lower first seq.
   */
  /** Read marks waiting for their text, by peer (hex). */
  async marksAhead(): Promise<Map<string, { upTo?: string; sentAtMs: number }>> {
    const out = new Map<string, { upTo?: string; sentAtMs: number }>()
    for await (const [key, value] of this.#db.iterator({ gt: 'a/', lt: 'a/~' })) {
      out.set(key.slice(2), readJson(value)!)
    }
    return out
  }

  /** Keeps a read mark waiting for its text; undefined: drops the one kept. */
  markAheadOp(peer: string, mark: { upTo?: string; sentAtMs: number } | undefined): BatchOp {
    return mark == null ? { type: 'del', key: `a/${peer}` } : putJson(`a/${peer}`, mark)
  }

  /** Every message action waiting for its target, with the conversation (hex) it waits in. */
  waitingActions(): Promise<Array<[peer: string, action: WaitingAction]>> {
    return this.#byPeer<WaitingAction>('x/')
  }

  waitingActionOp(peer: string, action: WaitingAction): BatchOp {
    return putJson(`x/${peer}/${action.id}`, action)
  }

  waitingActionDeleteOp(peer: string, id: string): BatchOp {
    return { type: 'del', key: `x/${peer}/${id}` }
  }

  /** Every action of ours whose copies are still to queue, with its conversation (hex). */
  copiesDue(): Promise<Array<[peer: string, sent: SentAction]>> {
    return this.#byPeer<SentAction>('y/')
  }

  copiesDueOp(peer: string, sent: SentAction): BatchOp {
    return putJson(`y/${peer}/${sent.id}`, sent)
  }

  copiesQueuedOp(peer: string, id: string): BatchOp {
    return { type: 'del', key: `y/${peer}/${id}` }
  }

  /** The records under `<prefix><peer>/<id>`, each with its peer (hex). */
  async #byPeer<T>(prefix: string): Promise<Array<[peer: string, record: T]>> {
    const out: Array<[string, T]> = []
    for await (const [key, value] of this.#db.iterator({ gt: prefix, lt: `${prefix}~` })) {
      out.push([key.slice(prefix.length, key.indexOf('/', prefix.length)), readJson<T>(value)!])
    }
    return out
  }

  sentSeqsOp(peer: string, sent: Array<[seq: number, index: number]>): BatchOp {
    return putJson(`r/${peer}/${pad(sent[0][0])}`, sent)
  }

  /** History indexes of our texts with seq in (after, upTo], ascending. */
  async sentIndexes(peer: string, after: number, upTo: number): Promise<number[]> {
    const out: number[] = []
    // Newest record first, down to the one that holds seq after + 1 (or an earlier one).
    for await (const [key, value] of this.#db.iterator({
      gt: `r/${peer}/`,
      lte: `r/${peer}/${pad(upTo)}`,
      reverse: true,
    })) {
      const first = Number(key.slice(key.lastIndexOf('/') + 1))
      const sent = readJson<Array<[number, number]> | number>(value)!
      // A record of the older form: the index of the one text with the key's seq.
      const pairs: Array<[number, number]> = typeof sent === 'number' ? [[first, sent]] : sent
      for (let i = pairs.length - 1; i >= 0; i--) {
        const [seq, index] = pairs[i]
        if (seq > after && seq <= upTo) out.push(index)
      }
      if (first <= after + 1) break
    }
    return out.reverse()
  }
}

const encoder = new TextEncoder()
const decoder = new TextDecoder()

function pad(value: number): string {
  return String(value).padStart(12, '0')
}

function historyKey(peer: string, index: number): string {
  return `h/${peer}/${pad(index)}`
}

function putJson(key: string, value: unknown): BatchOp {
  return { type: 'put', key, value: jsonBytes(value) }
}

function jsonBytes(value: unknown): Uint8Array {
  return encoder.encode(JSON.stringify(value))
}

function readJson<T>(value: Uint8Array | undefined): T | undefined {
  return value == null ? undefined : (JSON.parse(decoder.decode(value)) as T)
}
