/** Conversations: the list of 1:1 chats and rooms, opening one, searching, muting, deleting. */
import type { HistoryResponse, MessageStyle, MessageView } from './messages.ts'
import type { RoomHistoryResponse, RoomMessageView } from './rooms.ts'

/** One conversation in the list: a 1:1 chat or a room. */
export interface ConversationListItem {
  kind: 'direct' | 'room'
  /** The peer id (direct) or the room id (room). */
  id: string
  /** The room's name; the peer id for a 1:1 chat. */
  name: string
  unread: number
  /** Messages stored but waiting for an earlier one before they are shown. */
  held: number
  /** This node's time of the last message (1:1), the author's (rooms); null when none. */
  lastMessageAt: number | null
  preview: MessagePreview | null
}

/** The start of a conversation's last message, for the list. */
export interface MessagePreview {
  /** At most 100 characters, whitespace collapsed. */
  text: string
  mine: boolean
  sentAt: number
  /** Rooms: the author's peer id. */
  from?: string
  attachment?: { name: string; mime: string }
  style?: MessageStyle
}

export interface ConversationListResponse {
  /** Most recent message first. */
  conversations: ConversationListItem[]
}

/** A conversation muted or unmuted: `direct:<peer id>` or `room:<room id>`. */
export interface MuteConversationRequest {
  conversation: string
  muted: boolean
}

export interface MutedConversationsResponse {
  /** `direct:<peer id>` and `room:<room id>`, at most MAX_MUTED_CONVERSATIONS. */
  muted: string[]
}

/** Exactly one of `peer` (a username, peer id or hex key) and `roomId`. */
export interface OpenConversationRequest {
  peer?: string
  roomId?: string
  /** Messages of the latest page. @default 50 */
  limit?: number
}

export type OpenConversationResponse =
  | { kind: 'direct'; conversation: ConversationListItem; history: HistoryResponse }
  | { kind: 'room'; conversation: ConversationListItem; history: RoomHistoryResponse }

export type ConversationSearchHit =
  | { kind: 'direct'; peerId: string; message: MessageView }
  | { kind: 'room'; roomId: string; message: RoomMessageView }

export interface ConversationSearchResponse {
  query: string
  /** Newest first. */
  hits: ConversationSearchHit[]
  /** Pass as `before` for older hits; null when there are none. */
  nextBefore: string | null
}

export interface DeleteConversationRequest {
  peer: string
}

export interface DeleteConversationResponse {
  peerId: string
  /** Messages deleted from this node (the peer keeps its copy). */
  deleted: number
}
