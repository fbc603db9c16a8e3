/** Group rooms (doc/rooms.md). */
import { z } from 'zod'
import { KeyChangeView } from './messages.ts'
import { named } from './route.ts'

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
    /** Whether the member is online; null until presence is known. */
    online: z.boolean().nullable(),
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
    name: z.string(),
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
    room: z.string(),
    /** Peer ids of members to ask for the room, besides the inviter the code names. */
    via: z.array(z.string()).optional(),
  }),
)
export type JoinRoomRequest = z.infer<typeof JoinRoomRequest>

export const RoomRequest = named(
  'RoomRequest',
  z.object({
    roomId: z.string(),
  }),
)
export type RoomRequest = z.infer<typeof RoomRequest>

export const RoomMemberRequest = named(
  'RoomMemberRequest',
  z.object({
    roomId: z.string(),
    /** The member's peer id or hex public key. */
    member: z.string(),
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
    roomId: z.string(),
    name: z.string(),
  }),
)
export type RenameRoomRequest = z.infer<typeof RenameRoomRequest>

export const SendRoomMessageRequest = named(
  'SendRoomMessageRequest',
  z.object({
    roomId: z.string(),
    text: z.string(),
  }),
)
export type SendRoomMessageRequest = z.infer<typeof SendRoomMessageRequest>

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
