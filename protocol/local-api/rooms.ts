/** Group rooms (doc/rooms.md). */
import type { KeyChangeView } from './messages.ts'

/** A member's standing in a room. */
export type RoomRole = 'owner' | 'admin' | 'member'

export interface RoomMemberView {
  /** Ed25519 public key, hex. */
  publicKey: string
  peerId: string
  role: RoomRole
  /** Whether the member is online; null until presence is known. */
  online: boolean | null
}

/** One room message, as every member shows it. */
export interface RoomMessageView {
  roomId: string
  /** The event id: SHA-256 of the signed event, hex. */
  id: string
  /** The author's public key, hex. */
  author: string
  authorPeerId: string
  text: string
  /** The author's clock, ms since the Unix epoch (shown; never used for order). */
  sentAt: number
  /** Lamport clock; history is ordered by (lamport, author, id). */
  lamport: number
  mine: boolean
  /**
   * Set on the line a member's key change leaves in the room (its MOVE_KEY): `author` is the
   * new key, `text` says it in words.
   */
  keyChange?: KeyChangeView
}

export interface RoomSummary {
  /** 64 hex digits: the id of the room's signed CREATE event. */
  roomId: string
  name: string
  inviteOnly: boolean
  /** Our role, or null once we left or were removed. */
  role: RoomRole | null
  members: number
  /** Unread messages from others. */
  unread: number
  /** Messages waiting for a key or an earlier event before they can be shown. */
  held: number
  lastMessage: RoomMessageView | null
  /** sentAt of the last message, for the conversation list; null when there is none. */
  lastMessageAt: number | null
}

export interface RoomListResponse {
  /** Most recent activity first. */
  rooms: RoomSummary[]
}

export interface CreateRoomRequest {
  name: string
  /** Joining needs an invite code (not just the room id). @default false */
  inviteOnly?: boolean
}

export interface CreateRoomResponse {
  roomId: string
  /** base64url invite code: room id, the invite secret (invite-only rooms) and our key. */
  invite: string
  room: RoomSummary
}

export interface JoinRoomRequest {
  /** A room id (open rooms) or an invite code. */
  room: string
  /** Peer ids of members to ask for the room, besides the inviter the code names. */
  via?: string[]
}

export interface RoomRequest {
  roomId: string
}

export interface RoomMemberRequest {
  roomId: string
  /** The member's peer id or hex public key. */
  member: string
}

export interface RoomRoleRequest extends RoomMemberRequest {
  role: 'admin' | 'member'
}

export interface RenameRoomRequest {
  roomId: string
  name: string
}

export interface SendRoomMessageRequest {
  roomId: string
  text: string
}

export interface RoomInviteResponse {
  roomId: string
  invite: string
}

export interface RoomMembersResponse {
  roomId: string
  name: string
  members: RoomMemberView[]
}

export type RoomMembersChange = RoomMembersResponse

export interface RoomHistoryResponse {
  roomId: string
  /** Oldest first, in the room's total order. */
  messages: RoomMessageView[]
  held: number
  unread: number
  /**
   * The id of this page's oldest message: pass it as `before` for the page of older ones;
   * null when there is none. Messages that arrive late take their place without shifting it.
   */
  nextBefore: string | null
}
