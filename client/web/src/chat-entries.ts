/**
 * One shape for what the chat pane shows, whether it came from a 1:1 history, a room's, or a
 * live event; and how pages and live messages merge into the list without duplicates.
 */

import { MAX_STYLE_FONT_SIZE, MIN_STYLE_FONT_SIZE } from '../../../protocol/limits.ts'
import type {
  AttachmentView,
  CallView,
  DeliveryState,
  KeyChangeView,
  MessageStyle,
  MessageView,
  QueuedReason,
  QuoteView,
  ReactionView,
  RoomMessageView,
} from '../../../protocol/local-api.ts'

export interface ChatEntry {
  id: string
  mine: boolean
  /** Who wrote it: the peer (1:1) or the author (rooms). */
  from: string
  text: string
  sentAt: number
  style?: MessageStyle
  /** Outgoing 1:1 messages only. */
  state?: DeliveryState
  failure?: string
  /** While `state` is `queued`: why, as the latest history page said. */
  queuedReason?: QueuedReason
  attachment?: AttachmentView
  /** A notice, not a message: the peer (1:1) or a member (rooms) changed its key. */
  keyChange?: KeyChangeView
  /** Message actions (1:1): what it answers, edited, recalled, reactions. */
  replyTo?: QuoteView
  editedAt?: number
  recalled?: boolean
  reactions?: ReactionView[]
  forwarded?: boolean
  /** Rooms: the text mentions us (shown highlighted). */
  mentionsMe?: boolean
  /** A line, not a message: a voice call that ended (doc/calls.md). */
  call?: CallView
}

export function entryOfMessage(message: MessageView): ChatEntry {
  return {
    id: message.id,
    mine: message.direction === 'out',
    from: message.peerId,
    text: message.text,
    sentAt: message.sentAt,
    style: message.style,
    state: message.state,
    failure: message.failure,
    queuedReason: message.queuedReason,
    attachment: message.attachment,
    keyChange: message.keyChange,
    replyTo: message.replyTo,
    editedAt: message.editedAt,
    recalled: message.recalled,
    reactions: message.reactions,
    forwarded: message.forwarded,
  }
}

/**
 * `entries` with a changed message (edited, recalled, reacted to) in its place; one not
 * loaded is left out. A reply keeps the fuller quote a history page gave it.
 */
export function withUpdate(entries: readonly ChatEntry[], changed: ChatEntry): ChatEntry[] {
  return entries.map((entry) =>
    entry.id === changed.id
      ? { ...changed, replyTo: entry.replyTo ?? changed.replyTo, queuedReason: entry.queuedReason }
      : entry,
  )
}

export function entryOfRoomMessage(message: RoomMessageView): ChatEntry {
  return {
    id: message.id,
    mine: message.mine,
    from: message.authorPeerId,
    text: message.text,
    sentAt: message.sentAt,
    style: message.style,
    attachment: message.attachment,
    mentionsMe: message.mentionsMe,
    keyChange: message.keyChange,
    replyTo: message.replyTo,
    editedAt: message.editedAt,
    recalled: message.recalled,
    reactions: message.reactions,
    forwarded: message.forwarded,
  }
}

/**
 * `entries` with `incoming` merged in: a known id is replaced where it stands, new ones go
 * after (`at: 'end'`, live messages and the latest page) or before (`at: 'start'`, an older
 * page), in the order given.
 */
export function mergeEntries(
  entries: readonly ChatEntry[],
  incoming: readonly ChatEntry[],
  at: 'start' | 'end',
): ChatEntry[] {
  const byId = new Map(incoming.map((entry) => [entry.id, entry]))
  const merged = entries.map((entry) => {
    const update = byId.get(entry.id)
    if (update == null) return entry
    byId.delete(entry.id)
    return update
  })
  const added = incoming.filter((entry) => byId.has(entry.id))
  return at === 'end' ? [...merged, ...added] : [...added, ...merged]
}

/**
 * A conversation's first page with what reached the view while the page was on its way
 * (messages stored after the node read it, whose events came first): the page, then those
 * it does not hold, in their order.
 */
export function withFirstPage(
  page: readonly ChatEntry[],
  meanwhile: readonly ChatEntry[],
): ChatEntry[] {
  const inPage = new Set(page.map((entry) => entry.id))
  return [...page, ...meanwhile.filter((entry) => !inPage.has(entry.id))]
}

/** The line an ended call leaves, named apart from messages' ids. */
export function entryOfCall(call: CallView): ChatEntry {
  return {
    id: `call-${call.callId}`,
    mine: call.direction === 'out',
    from: call.peerId,
    text: '',
    sentAt: call.startedAt,
    call,
  }
}

/**
 * `entries` with the lines of `calls` in their place by time: each before the first message
 * sent after the call started (a line already shown is moved, not doubled).
 */
export function withCalls(entries: readonly ChatEntry[], calls: readonly CallView[]): ChatEntry[] {
  const lines = calls.map(entryOfCall)
  const ids = new Set(lines.map((line) => line.id))
  const result = entries.filter((entry) => !ids.has(entry.id))
  for (const line of lines) {
    const at = result.findIndex((entry) => entry.sentAt > line.sentAt)
    result.splice(at === -1 ? result.length : at, 0, line)
  }
  return result
}

/** Order of delivery states: a late event never moves a message back. */
const STATE_RANK: Record<DeliveryState, number> = {
  queued: 0,
  stored: 1,
  delivered: 2,
  read: 3,
  failed: 4,
}

export function withState(
  entries: readonly ChatEntry[],
  id: string,
  state: DeliveryState,
  failure?: string,
): ChatEntry[] {
  return entries.map((entry) =>
    entry.id === id && (entry.state == null || STATE_RANK[state] >= STATE_RANK[entry.state])
      ? {
          ...entry,
          state,
          failure,
          queuedReason: state === 'queued' ? entry.queuedReason : undefined,
        }
      : entry,
  )
}

const COLOUR = /^#[0-9a-f]{6}$/i

/** The CSS for a message's style; values outside the contract are ignored, never rendered. */
export function cssOfStyle(style: MessageStyle | undefined): Record<string, string> {
  const css: Record<string, string> = {}
  if (style == null) return css
  if (style.bold === true) css.fontWeight = '700'
  if (style.italic === true) css.fontStyle = 'italic'
  if (typeof style.color === 'string' && COLOUR.test(style.color)) css.color = style.color
  if (
    typeof style.size === 'number' &&
    style.size >= MIN_STYLE_FONT_SIZE &&
    style.size <= MAX_STYLE_FONT_SIZE
  ) {
    css.fontSize = `${style.size}pt`
  }
  return css
}
