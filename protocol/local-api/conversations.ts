/** Conversations: the list of 1:1 chats and rooms, opening one, searching, muting, deleting. */
import { z } from 'zod'
import { MAX_HISTORY_PAGE } from '../limits.ts'
import { HistoryResponse, MessageStyle, MessageView } from './messages.ts'
import { CONVERSATION_API_PATHS } from './paths.ts'
import { RoomHistoryResponse, RoomMessageView } from './rooms.ts'
import { apiRoute, messageId, named, nonBlank, nonEmpty, queryCount } from './route.ts'

/** The start of a conversation's last message, for the list. */
export const MessagePreview = named(
  'MessagePreview',
  z.object({
    /** At most 100 characters, whitespace collapsed. */
    text: z.string(),
    mine: z.boolean(),
    sentAt: z.number(),
    /** Rooms: the author's peer id. */
    from: z.string().optional(),
    attachment: z.object({ name: z.string(), mime: z.string() }).optional(),
    style: MessageStyle.optional(),
  }),
)
export type MessagePreview = z.infer<typeof MessagePreview>

/** One conversation in the list: a 1:1 chat or a room. */
export const ConversationListItem = named(
  'ConversationListItem',
  z.object({
    kind: z.enum(['direct', 'room']),
    /** The peer id (direct) or the room id (room). */
    id: z.string(),
    /** The room's name; the peer id for a 1:1 chat. */
    name: z.string(),
    unread: z.number(),
    /** Messages stored but waiting for an earlier one before they are shown. */
    held: z.number(),
    /** This node's time of the last message (1:1), the author's (rooms); null when none. */
    lastMessageAt: z.number().nullable(),
    preview: MessagePreview.nullable(),
  }),
)
export type ConversationListItem = z.infer<typeof ConversationListItem>

export const ConversationListResponse = named(
  'ConversationListResponse',
  z.object({
    /** Most recent message first. */
    conversations: z.array(ConversationListItem),
  }),
)
export type ConversationListResponse = z.infer<typeof ConversationListResponse>

/** A conversation muted or unmuted: `direct:<peer id>` or `room:<room id>`. */
export const MuteConversationRequest = named(
  'MuteConversationRequest',
  z.object({
    conversation: nonEmpty(),
    muted: z.boolean(),
  }),
)
export type MuteConversationRequest = z.infer<typeof MuteConversationRequest>

export const MutedConversationsResponse = named(
  'MutedConversationsResponse',
  z.object({
    /** `direct:<peer id>` and `room:<room id>`, at most MAX_MUTED_CONVERSATIONS. */
    muted: z.array(z.string()),
  }),
)
export type MutedConversationsResponse = z.infer<typeof MutedConversationsResponse>

/** Exactly one of `peer` (a username, peer id or hex key) and `roomId`. */
export const OpenConversationRequest = named(
  'OpenConversationRequest',
  z
    .object({
      peer: nonBlank().optional(),
      roomId: nonBlank().optional(),
      /** Messages of the latest page. @default 50 */
      limit: z.number().int().min(1).optional(),
    })
    .refine((request) => (request.peer == null) !== (request.roomId == null), {
      message: 'name exactly one of "peer" and "roomId"',
    }),
)
export type OpenConversationRequest = z.infer<typeof OpenConversationRequest>

export const OpenConversationResponse = named(
  'OpenConversationResponse',
  z.union([
    z.object({
      kind: z.literal('direct'),
      conversation: ConversationListItem,
      history: HistoryResponse,
    }),
    z.object({
      kind: z.literal('room'),
      conversation: ConversationListItem,
      history: RoomHistoryResponse,
    }),
  ]),
)
export type OpenConversationResponse = z.infer<typeof OpenConversationResponse>

export const ConversationSearchHit = named(
  'ConversationSearchHit',
  z.union([
    z.object({ kind: z.literal('direct'), peerId: z.string(), message: MessageView }),
    z.object({ kind: z.literal('room'), roomId: z.string(), message: RoomMessageView }),
  ]),
)
export type ConversationSearchHit = z.infer<typeof ConversationSearchHit>

export const ConversationSearchResponse = named(
  'ConversationSearchResponse',
  z.object({
    query: z.string(),
    /** Newest first. */
    hits: z.array(ConversationSearchHit),
    /** Pass as `before` for older hits; null when there are none. */
    nextBefore: z.string().nullable(),
  }),
)
export type ConversationSearchResponse = z.infer<typeof ConversationSearchResponse>

export const DeleteConversationRequest = named(
  'DeleteConversationRequest',
  z.object({
    peer: nonBlank(),
    /**
     * Only these messages (delete for me), at most MAX_HISTORY_PAGE ids; absent: the whole
     * conversation.
     */
    ids: z.array(messageId()).min(1).max(MAX_HISTORY_PAGE).optional(),
  }),
)
export type DeleteConversationRequest = z.infer<typeof DeleteConversationRequest>

export const DeleteConversationResponse = named(
  'DeleteConversationResponse',
  z.object({
    peerId: z.string(),
    /** Messages deleted from this node (the peer keeps its copy). */
    deleted: z.number(),
  }),
)
export type DeleteConversationResponse = z.infer<typeof DeleteConversationResponse>

/** Another device of this account read a 1:1 conversation: its unread count here now. */
export const ConversationReadEvent = named(
  'ConversationReadEvent',
  z.object({ peerId: z.string(), unread: z.number().int().min(0) }),
)
export type ConversationReadEvent = z.infer<typeof ConversationReadEvent>

/**
 * Another device of this account deleted a 1:1 conversation's history: deleted here too, up to
 * the same message (what arrived here after it stays).
 */
export const ConversationClearedEvent = named(
  'ConversationClearedEvent',
  z.object({
    peerId: z.string(),
    /** Messages deleted from this node. */
    deleted: z.number().int().min(1),
  }),
)
export type ConversationClearedEvent = z.infer<typeof ConversationClearedEvent>

/** Conversations: 1:1 chats and rooms together. */
export const CONVERSATION_ROUTES = {
  list: apiRoute({
    method: 'GET',
    path: CONVERSATION_API_PATHS.list,
    summary: 'Conversations, most recent message first',
    response: ConversationListResponse,
  }),
  open: apiRoute({
    method: 'POST',
    path: CONVERSATION_API_PATHS.open,
    summary: 'Opens a conversation: its latest page, marked read',
    body: OpenConversationRequest,
    response: OpenConversationResponse,
    errors: ['forbidden'],
  }),
  search: apiRoute({
    method: 'GET',
    path: CONVERSATION_API_PATHS.search,
    summary: 'Searches the history of every conversation, newest first',
    query: z.object({
      /** The words to search for. */
      q: nonBlank(),
      limit: queryCount().optional(),
      /** The `nextBefore` of the newer hits. */
      before: z.string().optional(),
    }),
    response: ConversationSearchResponse,
  }),
  mutes: apiRoute({
    method: 'GET',
    path: CONVERSATION_API_PATHS.mutes,
    summary: 'Muted conversations',
    response: MutedConversationsResponse,
  }),
  mute: apiRoute({
    method: 'POST',
    path: CONVERSATION_API_PATHS.mute,
    summary: 'Mutes or unmutes a conversation',
    body: MuteConversationRequest,
    response: MutedConversationsResponse,
    errors: ['rate-limited'],
  }),
  delete: apiRoute({
    method: 'POST',
    path: CONVERSATION_API_PATHS.delete,
    summary:
      "Deletes a 1:1 conversation's history (or some of its messages) from this node and the account's other devices",
    body: DeleteConversationRequest,
    response: DeleteConversationResponse,
  }),
}
