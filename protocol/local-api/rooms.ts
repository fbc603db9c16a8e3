/** Group rooms (doc/rooms.md). */
import { z } from 'zod'
import { AttachmentView } from './files.ts'
import { KeyChangeView, MessageStyle, QuoteView, ReactionView } from './messages.ts'
import { API_PATHS } from './paths.ts'
import { PersonProfile } from './profiles.ts'
import { apiRoute, named, nonEmpty, queryCount } from './route.ts'

/** A member's standing in a room. */
export const RoomRole = z.enum(['owner', 'admin', 'member'])
export type RoomRole = z.infer<typeof RoomRole>

export const RoomMemberView = named(
  'RoomMemberView',
  z.object({
    /** Ed25519 public key, hex. */
    publicKey: z.string(),
    peerId: z.string(),
    role: RoomRole,
    /**
     * Whether the member is online, as the friend list says (presence goes to friends only);
     * true for this account; null for anyone else, and in `room:members` events.
     */
    online: z.boolean().nullable(),
    /**
     * The member's own profile (display name, avatar) as this node holds it: a friend's, one
     * a room carried (doc/rooms.md, "Names and faces of members"), or ours; absent while none
     * is held, and in `room:members` events.
     */
    profile: PersonProfile.optional(),
  }),
)
export type RoomMemberView = z.infer<typeof RoomMemberView>

/** One room message, as every member shows it. */
export const RoomMessageView = named(
  'RoomMessageView',
  z.object({
    roomId: z.string(),
    /** The event id: SHA-256 of the signed event, hex. */
    id: z.string(),
    /** The author's public key, hex. */
    author: z.string(),
    authorPeerId: z.string(),
    text: z.string(),
    /** The author's clock, ms since the Unix epoch (shown; never used for order). */
    sentAt: z.number(),
    /** Lamport clock; history is ordered by (lamport, author, id). */
    lamport: z.number(),
    mine: z.boolean(),
    /**
     * Set on the line a member's key change leaves in the room (its MOVE_KEY): `author` is the
     * new key, `text` says it in words.
     */
    keyChange: KeyChangeView.optional(),
    /** Message actions (doc/message-actions.md), as in MessageView; quotes name `from`. */
    replyTo: QuoteView.optional(),
    editedAt: z.number().optional(),
    recalled: z.boolean().optional(),
    /** One per member who reacted, with `from`. */
    reactions: z.array(ReactionView).optional(),
    forwarded: z.boolean().optional(),
    /** How the author styled the text; absent: the default look. */
    style: MessageStyle.optional(),
    /**
     * A file for the members, fetched from any member who holds it (`state` filled by the
     * history route; `transfer:*` events name the room).
     */
    attachment: AttachmentView.optional(),
    /** Account keys (hex) of the members the text mentions. */
    mentions: z.array(z.string()).optional(),
    /** The text mentions us: shown highlighted, notified even in a muted room. */
    mentionsMe: z.boolean().optional(),
  }),
)
export type RoomMessageView = z.infer<typeof RoomMessageView>

export const RoomSummary = named(
  'RoomSummary',
  z.object({
    /** 64 hex digits: the id of the room's signed CREATE event. */
    roomId: z.string(),
    name: z.string(),
    inviteOnly: z.boolean(),
    /** Our role, or null once we left or were removed. */
    role: RoomRole.nullable(),
    members: z.number(),
    /** Unread messages from others. */
    unread: z.number(),
    /** Messages waiting for a key or an earlier event before they can be shown. */
    held: z.number(),
    lastMessage: RoomMessageView.nullable(),
    /** sentAt of the last message, for the conversation list; null when there is none. */
    lastMessageAt: z.number().nullable(),
  }),
)
export type RoomSummary = z.infer<typeof RoomSummary>

export const RoomListResponse = named(
  'RoomListResponse',
  z.object({
    /** Most recent activity first. */
    rooms: z.array(RoomSummary),
  }),
)
export type RoomListResponse = z.infer<typeof RoomListResponse>

export const CreateRoomRequest = named(
  'CreateRoomRequest',
  z.object({
    name: nonEmpty(),
    /** Joining needs an invite code (not just the room id). @default false */
    inviteOnly: z.boolean().optional(),
  }),
)
export type CreateRoomRequest = z.infer<typeof CreateRoomRequest>

export const CreateRoomResponse = named(
  'CreateRoomResponse',
  z.object({
    roomId: z.string(),
    /** base64url invite code: room id, the invite secret (invite-only rooms) and our key. */
    invite: z.string(),
    room: RoomSummary,
  }),
)
export type CreateRoomResponse = z.infer<typeof CreateRoomResponse>

export const JoinRoomRequest = named(
  'JoinRoomRequest',
  z.object({
    /** A room id (open rooms) or an invite code. */
    room: nonEmpty(),
    /** Peer ids of members to ask for the room, besides the inviter the code names. */
    via: z.array(z.string()).optional(),
  }),
)
export type JoinRoomRequest = z.infer<typeof JoinRoomRequest>

export const RoomRequest = named(
  'RoomRequest',
  z.object({
    roomId: nonEmpty(),
  }),
)
export type RoomRequest = z.infer<typeof RoomRequest>

export const RoomMemberRequest = named(
  'RoomMemberRequest',
  z.object({
    roomId: nonEmpty(),
    /** The member's peer id or hex public key. */
    member: nonEmpty(),
  }),
)
export type RoomMemberRequest = z.infer<typeof RoomMemberRequest>

export const RoomRoleRequest = named(
  'RoomRoleRequest',
  RoomMemberRequest.extend({
    role: z.enum(['admin', 'member']),
  }),
)
export type RoomRoleRequest = z.infer<typeof RoomRoleRequest>

export const RenameRoomRequest = named(
  'RenameRoomRequest',
  z.object({
    roomId: nonEmpty(),
    name: nonEmpty(),
  }),
)
export type RenameRoomRequest = z.infer<typeof RenameRoomRequest>

export const SendRoomMessageRequest = named(
  'SendRoomMessageRequest',
  z.object({
    roomId: nonEmpty(),
    text: nonEmpty(),
    /** The id of the room message this one answers. */
    replyTo: eventId().optional(),
    /** Forwarded from another conversation. */
    forwarded: z.boolean().optional(),
    style: MessageStyle.optional(),
    /** Members the text mentions: their account keys (hex) or peer ids. */
    mentions: z.array(nonEmpty()).optional(),
  }),
)
export type SendRoomMessageRequest = z.infer<typeof SendRoomMessageRequest>

/**
 * An action on room message `id` (doc/message-actions.md): `POST /v1/rooms/messages/edit`
 * with `text` (our own), `/recall` (ours, within RECALL_WINDOW_MS), `/react` with `emoji`
 * ('' removes ours). Each answers the message as it is now; `room:updated` follows on every
 * member's node.
 */
export const RoomMessageActionRequest = named(
  'RoomMessageActionRequest',
  z.object({
    roomId: nonEmpty(),
    id: eventId(),
    text: z.string().optional(),
    emoji: z.string().optional(),
  }),
)
export type RoomMessageActionRequest = z.infer<typeof RoomMessageActionRequest>

/** A room event id: 64 hex digits. */
function eventId() {
  return z.string().regex(/^[0-9a-f]{64}$/, 'a room message id is 64 hex digits')
}

export const RoomInviteResponse = named(
  'RoomInviteResponse',
  z.object({
    roomId: z.string(),
    invite: z.string(),
  }),
)
export type RoomInviteResponse = z.infer<typeof RoomInviteResponse>

export const RoomMembersResponse = named(
  'RoomMembersResponse',
  z.object({
    roomId: z.string(),
    name: z.string(),
    members: z.array(RoomMemberView),
  }),
)
export type RoomMembersResponse = z.infer<typeof RoomMembersResponse>

/** Another device of this account read a room: its unread count here now. */
export const RoomReadEvent = named(
  'RoomReadEvent',
  z.object({ roomId: z.string(), unread: z.number().int().min(0) }),
)
export type RoomReadEvent = z.infer<typeof RoomReadEvent>

export type RoomMembersChange = RoomMembersResponse

export const RoomHistoryResponse = named(
  'RoomHistoryResponse',
  z.object({
    roomId: z.string(),
    /** Oldest first, in the room's total order. */
    messages: z.array(RoomMessageView),
    held: z.number(),
    unread: z.number(),
    /**
     * The id of this page's oldest message: pass it as `before` for the page of older ones;
     * null when there is none. Messages that arrive late take their place without shifting it.
     */
    nextBefore: z.string().nullable(),
  }),
)
export type RoomHistoryResponse = z.infer<typeof RoomHistoryResponse>

/** Group rooms. */
export const ROOM_ROUTES = {
  list: apiRoute({
    method: 'GET',
    path: API_PATHS.rooms,
    summary: 'Rooms, most recent activity first',
    response: RoomListResponse,
  }),
  create: apiRoute({
    method: 'POST',
    path: API_PATHS.rooms,
    summary: 'Creates a room',
    body: CreateRoomRequest,
    response: CreateRoomResponse,
  }),
  join: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsJoin,
    summary: 'Joins a room by its id (open rooms) or an invite code',
    body: JoinRoomRequest,
    response: RoomSummary,
    errors: ['conflict', 'forbidden'],
  }),
  invite: apiRoute({
    method: 'GET',
    path: API_PATHS.roomsInvite,
    summary: "A room's invite code",
    query: z.object({ room: nonEmpty() }),
    response: RoomInviteResponse,
    errors: ['forbidden'],
  }),
  members: apiRoute({
    method: 'GET',
    path: API_PATHS.roomsMembers,
    summary: "A room's members and their roles",
    query: z.object({ room: nonEmpty() }),
    response: RoomMembersResponse,
    errors: ['forbidden'],
  }),
  remove: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsRemove,
    summary: 'Removes a member (admins)',
    body: RoomMemberRequest,
    response: RoomMembersResponse,
    errors: ['forbidden'],
  }),
  role: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsRole,
    summary: "Changes a member's role (the owner)",
    body: RoomRoleRequest,
    response: RoomMembersResponse,
    errors: ['forbidden'],
  }),
  rename: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsRename,
    summary: 'Renames a room (admins)',
    body: RenameRoomRequest,
    response: RoomSummary,
    errors: ['forbidden'],
  }),
  send: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsMessages,
    summary: 'Sends a message to a room',
    body: SendRoomMessageRequest,
    response: RoomMessageView,
    errors: ['forbidden', 'rate-limited'],
  }),
  edit: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsMessagesEdit,
    summary: 'Edits our room message',
    body: RoomMessageActionRequest.extend({ text: z.string() }),
    response: RoomMessageView,
    errors: ['forbidden', 'not-found'],
  }),
  recall: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsMessagesRecall,
    summary: 'Recalls our room message, within the recall window',
    body: RoomMessageActionRequest,
    response: RoomMessageView,
    errors: ['forbidden', 'not-found'],
  }),
  react: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsMessagesReact,
    summary: 'Sets or removes our reaction to a room message',
    body: RoomMessageActionRequest.extend({ emoji: z.string() }),
    response: RoomMessageView,
    errors: ['forbidden', 'not-found'],
  }),
  history: apiRoute({
    method: 'GET',
    path: API_PATHS.roomsMessages,
    summary: "A page of a room's history, in the room's order",
    query: z.object({
      room: nonEmpty(),
      limit: queryCount().optional(),
      /** The `nextBefore` (a message id) of the newer page. */
      before: z.string().optional(),
    }),
    response: RoomHistoryResponse,
    errors: ['forbidden'],
  }),
  read: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsRead,
    summary: 'Marks a room read',
    body: RoomRequest,
    response: RoomSummary,
    errors: ['forbidden'],
  }),
  // Last, so that a walk over the routes in order finds the room it made still joined.
  leave: apiRoute({
    method: 'POST',
    path: API_PATHS.roomsLeave,
    summary: 'Leaves a room',
    body: RoomRequest,
    response: RoomSummary,
    errors: ['forbidden'],
  }),
}
