/**
 * The conversation list, opening a conversation, searching the local history and deleting a
 * conversation: one view over 1:1 chats (node/messaging) and rooms (node/rooms).
 *
 * The 1:1 history stays with messaging; this component reads it only through messaging's
 * interface. The search index follows messaging's history feed (node/messaging
 * history-feed.ts) as the reader `search`: each page's postings are written in one batch
 * with the reader's watermark, so a crash can never leave a message unindexed nor index it
 * twice, and the index catches up whenever messaging appends, and before every search.
 * Room messages are indexed from the rooms' internal events and, on start, from each room's
 * history.
 */
import type { Logger } from '@libp2p/interface'
import { MAX_HISTORY_PAGE } from '../../protocol/limits.ts'
import type {
  AttachmentState,
  AttachmentView,
  ConversationListItem,
  ConversationSearchHit,
  ConversationSearchResponse,
  ConversationSummary,
  HistoryResponse,
  MarkReadResponse,
  MessagePreview,
  MessageView,
  OpenConversationResponse,
  RoomHistoryResponse,
  RoomMessageView,
  RoomSummary,
} from '../../protocol/local-api.ts'
import { fillAttachmentStates } from '../attachments/attachment-states.ts'
import {
  FeedFollower,
  type HistoryChange,
  type HistoryEntry,
  type HistoryFeed,
} from '../messaging/index.ts'
import type { RecordBatchOp } from '../record-level.ts'
import { ServiceLifecycle } from '../service-lifecycle.ts'
import type { AppLevel } from '../storage.ts'
import {
  ConversationsStoppedError,
  InvalidConversationError,
  RoomsUnavailableError,
} from './errors.ts'
import { ConversationMutes } from './mutes.ts'
import { type IndexedDocument, SearchIndex } from './search-index.ts'

/** What a delete took away: how many texts, and the ids of the files they carried. */
export interface DeletedMessages {
  peerId: string
  deleted: number
  files: string[]
}

/** What this component needs of 1:1 messaging (node/messaging DirectMessages). */
export interface DirectMessagesPort {
  inbox(): Promise<ConversationSummary[]>
  history(peer: string, options?: { limit?: number; before?: number }): Promise<HistoryResponse>
  /** Marks the peer's texts read; the peer gets a read receipt unless they are turned off. */
  markRead(peer: string): Promise<MarkReadResponse>
  resolvePeer(to: string): Promise<Uint8Array>
  /** Deletes the conversation's history here; resolves with how many messages went. */
  clearHistory(peer: string): Promise<DeletedMessages>
  /** Deletes these messages here only (delete for me); resolves with how many went. */
  deleteForMe(peer: string, ids: string[]): Promise<DeletedMessages>
  /** What the history gained and lost, in order: the search index follows it. */
  readonly historyFeed: HistoryFeed
  /** The record a feed entry names, as the API shows it; undefined once deleted. */
  message(peerHex: string, index: number): Promise<MessageView | undefined>
  /** True for a conversation shown under another (another device of an account): not indexed. */
  hidden?(peerHex: string): boolean
}

/** What this component needs of rooms (node/rooms RoomService). */
export interface RoomsPort {
  listRooms(): RoomSummary[]
  history(roomId: string, options?: { limit?: number; before?: string }): RoomHistoryResponse
  markRead(roomId: string): RoomSummary
}

export interface ConversationsComponents {
  /** The sublevel this component owns (`storage.sublevel('conversations')`). */
  db: AppLevel
  messages: DirectMessagesPort
  rooms?: RoomsPort
  /**
   * Forgets files whose texts were deleted (attachments): those of `fileIds`, and with
   * `peerHex`, every file exchanged with that peer (its conversation was deleted).
   */
  forgetFiles?: (fileIds: string[], peerHex?: string) => Promise<unknown>
  /**
   * Rewrites the database's files without what was deleted: a deleted conversation must
   * leave the disk at once, not wait for LevelDB to compact it some day.
   */
  compact?: () => Promise<void>
  /** Where an attachment's transfer stands, for the views a client renders. */
  attachmentState?: (fileId: string) => Promise<AttachmentState | undefined>
  log: Logger
}

export interface ConversationsInit {
  /** History feed entries read and indexed per batch. @default 500 */
  indexBatchSize?: number
}

/** Characters of a message shown in the conversation list. */
export const PREVIEW_LENGTH = 100
const DEFAULT_PAGE = 50

export class Conversations {
  readonly #components: ConversationsComponents
  readonly #index: SearchIndex
  readonly #batchSize: number
  /** Index writes run one at a time (`exclusive`); stop() waits for the one under way. */
  readonly #lifecycle = new ServiceLifecycle(
    () => new ConversationsStoppedError('the conversation index is stopped'),
  )
  readonly #follower: FeedFollower
  /** Conversations the user muted (notifications are the web client's). */
  readonly mutes: ConversationMutes

  constructor(components: ConversationsComponents, init: ConversationsInit = {}) {
    this.#components = components
    this.#index = new SearchIndex(components.db)
    this.mutes = new ConversationMutes(components.db)
    this.#batchSize = init.indexBatchSize ?? 500
    this.#follower = new FeedFollower({
      feed: components.messages.historyFeed,
      name: 'search',
      take: (entries) => this.#indexEntries(entries),
      exclusive: (task) => this.#serial(task),
      pageSize: this.#batchSize,
      log: components.log,
    })
  }

  async start(): Promise<void> {
    if (!this.#lifecycle.start()) return
    // Per-peer watermarks of the index before it followed the feed: the feed took over.
    await this.#components.db.clear({ gt: 'm/', lt: 'm/~' })
    // Catches up in the background: a long history must not hold the node's start.
    this.#follower.start()
    void this.#indexRooms().catch((err: Error) =>
      this.#components.log.error('indexing room history failed: %s', err.message),
    )
  }

  async stop(): Promise<void> {
    await this.#follower.stop()
    await this.#lifecycle.stop()
  }

  /** A room message became visible: index it. */
  roomMessage(message: RoomMessageView): void {
    void this.#serial(async () => {
      const ops = await this.#index.addOps([roomDocument(message)])
      await this.#components.db.batch(ops)
    }).catch((err: Error) =>
      this.#components.log.error('indexing a room message failed: %s', err.message),
    )
  }

  /** Resolves once the index covers every 1:1 message stored before the call. */
  indexNow(): Promise<void> {
    return this.#follower.catchUp()
  }

  /** A page of the history feed: postings of new records, none left for cleared histories. */
  async #indexEntries(entries: HistoryChange[]): Promise<RecordBatchOp[]> {
    const ops: RecordBatchOp[] = []
    for (const peerHex of new Set(
      entries.flatMap((e) => (e.kind === 'cleared' ? [e.peerHex] : [])),
    )) {
      ops.push(...(await this.#index.removePrefixOps(`p:${peerHex}/`)))
    }
    // A record already indexed (the feed's first run takes the older history again) is left.
    const hidden = (peerHex: string) => this.#components.messages.hidden?.(peerHex) === true
    const added = entries.flatMap((e) =>
      e.kind === 'added' && !hidden(e.peerHex) ? [directDocument(e)] : [],
    )
    ops.push(...(await this.#index.addOps(added, { onlyNew: true })))
    // An edited or recalled message is indexed again under its words now (none, recalled).
    const changed = entries.flatMap((e) =>
      e.kind === 'changed' && !hidden(e.peerHex) ? [directDocument(e)] : [],
    )
    ops.push(...(await this.#index.addOps(changed)))
    const db = this.#components.db
    return ops.map((op) => ({ ...op, sublevel: db }))
  }

  async #indexRooms(): Promise<void> {
    const rooms = this.#components.rooms
    if (rooms == null) return
    for (const room of rooms.listRooms()) {
      let before: string | undefined
      do {
        if (!this.#lifecycle.running) return
        const page = rooms.history(room.roomId, { limit: this.#batchSize, before })
        const documents = page.messages.map(roomDocument)
        await this.#serial(async () => {
          const known = await Promise.all(documents.map(({ doc }) => this.#index.has(doc)))
          const fresh = documents.filter((_, i) => !known[i])
          if (fresh.length > 0) await this.#components.db.batch(await this.#index.addOps(fresh))
        })
        before = page.nextBefore ?? undefined
      } while (before != null)
    }
  }

  /** Every conversation, most recent message first, with unread counts and a preview. */
  async list(): Promise<ConversationListItem[]> {
    const direct = (await this.#components.messages.inbox())
      // A conversation deleted here stays in messaging (its counters must), but not in the list.
      .filter((summary) => summary.latest != null || summary.unread > 0 || summary.held > 0)
      .map(directItem)
    const rooms = (this.#components.rooms?.listRooms() ?? []).map(roomItem)
    return [...direct, ...rooms].sort(
      (a, b) => (b.lastMessageAt ?? -1) - (a.lastMessageAt ?? -1) || a.id.localeCompare(b.id),
    )
  }

  /** Marks the conversation read (sending read receipts for 1:1) and returns its latest page. */
  async open(
    target: { peer?: string; roomId?: string },
    options: { limit?: number } = {},
  ): Promise<OpenConversationResponse> {
    const limit = clampPage(options.limit)
    if (target.peer != null && target.roomId == null) {
      const messages = this.#components.messages
      await messages.markRead(target.peer)
      const history = await messages.history(target.peer, { limit })
      await this.#decorate(history.messages)
      const summary = (await messages.inbox()).find((s) => s.peerId === history.peerId)
      const conversation = directItem(
        summary ?? { peerId: history.peerId, unread: 0, held: history.held, latest: null },
      )
      return { kind: 'direct', conversation, history }
    }
    if (target.roomId != null && target.peer == null) {
      const rooms = this.#requireRooms()
      const summary = rooms.markRead(target.roomId)
      const history = rooms.history(target.roomId, { limit })
      await this.#decorate(history.messages)
      return { kind: 'room', conversation: roomItem(summary), history }
    }
    throw new InvalidConversationError('name either a peer or a room')
  }

  /**
   * Messages of every conversation that contain all the words of `query`, newest first.
   * Pass `nextBefore` of a page as `before` for the next one.
   */
  async search(
    query: string,
    options: { limit?: number; before?: string } = {},
  ): Promise<ConversationSearchResponse> {
    await this.indexNow()
    const limit = clampPage(options.limit)
    const hits: ConversationSearchHit[] = []
    const stale: string[] = []
    let before = options.before
    let next: string | null = null
    // Hits whose message is gone (deleted while the index lagged) are dropped and purged.
    do {
      const page = await this.#index.search(query, { limit: limit - hits.length, before })
      const resolved = await Promise.all(
        page.hits.map((hit) => this.#resolveHit(hit.doc, hit.extra)),
      )
      resolved.forEach((hit, i) => {
        if (hit == null) stale.push(page.hits[i].doc)
        else hits.push(hit)
      })
      next = page.next
      before = page.next ?? undefined
    } while (next != null && hits.length < limit)
    if (stale.length > 0) {
      await this.#serial(async () => this.#components.db.batch(await this.#index.removeOps(stale)))
    }
    await this.#decorate(hits.flatMap((hit) => (hit.kind === 'direct' ? [hit.message] : [])))
    return { query, hits, nextBefore: next }
  }

  async #resolveHit(doc: string, extra: unknown): Promise<ConversationSearchHit | undefined> {
    if (doc.startsWith('r:')) {
      const message = extra as RoomMessageView
      return { kind: 'room', roomId: message.roomId, message }
    }
    const slash = doc.indexOf('/')
    const message = await this.#components.messages.message(
      doc.slice(2, slash),
      Number(doc.slice(slash + 1)),
    )
    return message == null ? undefined : { kind: 'direct', peerId: message.peerId, message }
  }

  /**
   * Deletes a 1:1 conversation's history (or, with `ids`, those messages only), its search
   * entries and the files exchanged in it here, then compacts the database so that the deleted records are gone from its files;
   * the peer keeps theirs.
   */
  async deleteConversation(
    peer: string,
    ids?: string[],
  ): Promise<{ peerId: string; deleted: number }> {
    const messages = this.#components.messages
    const peerHex = Buffer.from(await messages.resolvePeer(peer)).toString('hex')
    if (ids != null) {
      // Delete for me: search hits of a deleted message are dropped (and purged) when met.
      const { peerId, deleted, files } = await messages.deleteForMe(peerHex, ids)
      if (files.length > 0) await this.#serial(async () => this.#components.forgetFiles?.(files))
      return { peerId, deleted }
    }
    const { peerId, deleted, files } = await messages.clearHistory(peerHex)
    // The feed carries the clear: once taken in, the conversation has no postings left.
    await this.indexNow()
    return this.#serial(async () => {
      await this.#components.forgetFiles?.(files, peerHex)
      await this.#components.compact?.()
      return { peerId, deleted }
    })
  }

  /**
   * Another device's delete was followed here (node/messaging own-device-sync.ts): forgets
   * the files of the texts it deleted and, for a whole history, compacts the database once the
   * index dropped their postings, as `deleteConversation` does.
   */
  async followDelete(files: string[], compact: boolean): Promise<void> {
    if (compact) await this.indexNow()
    await this.#serial(async () => {
      if (files.length > 0) await this.#components.forgetFiles?.(files)
      if (compact) await this.#components.compact?.()
    })
  }

  #decorate(messages: Array<{ attachment?: AttachmentView }>): Promise<void> {
    return fillAttachmentStates(messages, this.#components.attachmentState)
  }

  #requireRooms(): RoomsPort {
    const rooms = this.#components.rooms
    if (rooms == null) throw new RoomsUnavailableError('this node runs without rooms')
    return rooms
  }

  #serial<T>(task: () => Promise<T>): Promise<T> {
    return this.#lifecycle.exclusive(task)
  }
}

function directDocument({ peerHex, index, record }: HistoryEntry): IndexedDocument {
  const name = record.attachment?.name
  return {
    doc: `p:${peerHex}/${String(index).padStart(12, '0')}`,
    text: name == null ? record.text : `${record.text} ${name}`,
    at: record.storedAt,
  }
}

function roomDocument(message: RoomMessageView): IndexedDocument {
  return {
    doc: `r:${message.roomId}/${message.id}`,
    text: message.text,
    at: message.sentAt,
    extra: message,
  }
}

function directItem(summary: ConversationSummary): ConversationListItem {
  const latest = summary.latest
  return {
    kind: 'direct',
    id: summary.peerId,
    name: summary.peerId,
    unread: summary.unread,
    held: summary.held,
    lastMessageAt: latest?.storedAt ?? null,
    preview:
      latest == null
        ? null
        : preview(
            latest.text,
            latest.direction === 'out',
            latest.sentAt,
            latest.attachment,
            latest.style,
          ),
  }
}

function roomItem(room: RoomSummary): ConversationListItem {
  const last = room.lastMessage
  return {
    kind: 'room',
    id: room.roomId,
    name: room.name,
    unread: room.unread,
    held: room.held,
    lastMessageAt: room.lastMessageAt,
    preview:
      last == null
        ? null
        : {
            ...preview(last.text, last.mine, last.sentAt, last.attachment, last.style),
            from: last.authorPeerId,
          },
  }
}

function preview(
  text: string,
  mine: boolean,
  sentAt: number,
  attachment?: MessageView['attachment'],
  style?: MessageView['style'],
): MessagePreview {
  const flat = text.replace(/\s+/g, ' ').trim()
  const chars = Array.from(flat)
  const out: MessagePreview = {
    text: chars.length > PREVIEW_LENGTH ? `${chars.slice(0, PREVIEW_LENGTH - 1).join('')}…` : flat,
    mine,
    sentAt,
  }
  if (attachment != null) out.attachment = { name: attachment.name, mime: attachment.mime }
  if (style != null) out.style = style
  return out
}

function clampPage(limit: number | undefined): number {
  return Math.min(Math.max(1, limit ?? DEFAULT_PAGE), MAX_HISTORY_PAGE)
}
