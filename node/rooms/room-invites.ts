/**
 * Invite codes: the ones we hand out, and reading one (or a bare room id) to join with.
 *
 * Guarantees, and how they are kept:
 * - An invite-only room's invite (it carries the invite secret) is handed out only by its
 *   owner and admins who hold the secret; an open room's invite is the room id and a hint of
 *   whom to ask (us).
 * - A join carries an invite proof exactly when the code held the secret: the proof signs
 *   (room id, our key) with the invite key, so it is good for us alone.
 * - A join is refused before any op is written when we were removed (banned), or when an
 *   invite-only room is joined without an invite and we are not a member already.
 */
import { toHex } from '../../protocol/bytes.ts'
import { ed25519KeyPairFromSeed } from '../../protocol/crypto/index.ts'
import {
  decodeInvite,
  encodeInvite,
  makeInviteProof,
  parseRoomId,
  type RoomInvite,
} from '../../protocol/rooms/index.ts'
import { InviteRequiredError, RoomPermissionError } from './errors.ts'
import type { RoomRuntime } from './room-runtime.ts'

/** What a join starts from. */
export interface JoinTicket {
  roomId: Uint8Array
  roomIdHex: string
  /** The member who made the invite: asked for the room first. */
  inviter?: Uint8Array
  /** The invite secret (invite-only rooms). */
  secret?: Uint8Array
  /** Our invite proof, made with the secret. */
  proof?: Uint8Array
}

/** Reads a room id (open rooms) or an invite code; `self` is our identity key. */
export function readJoinTicket(roomOrInvite: string, self: Uint8Array): JoinTicket {
  const parsedId = parseRoomId(roomOrInvite)
  const invite: RoomInvite = parsedId == null ? decodeInvite(roomOrInvite) : { roomId: parsedId }
  const secret = invite.secret
  return {
    roomId: invite.roomId,
    roomIdHex: toHex(invite.roomId),
    inviter: invite.inviter,
    secret,
    proof:
      secret != null
        ? makeInviteProof(ed25519KeyPairFromSeed(secret), invite.roomId, self)
        : undefined,
  }
}

/** Throws when we may not join `room` with `ticket`. */
export function checkMayJoin(room: RoomRuntime, ticket: JoinTicket, selfHex: string): void {
  const state = room.log.membership()
  if (state.banned.has(selfHex)) {
    throw new RoomPermissionError(
      `you were removed from room ${ticket.roomIdHex}: only its owner or an admin can add you back`,
    )
  }
  if (state.inviteOnly && ticket.proof == null && !state.members.has(selfHex)) {
    throw new InviteRequiredError(
      `room ${ticket.roomIdHex} is invite-only: join it with an invite code from one of its admins`,
    )
  }
}

/** The invite code we hand out for `room`; `self` is our identity key. */
export function inviteCode(room: RoomRuntime, self: Uint8Array, selfHex: string): string {
  const state = room.log.membership()
  if (!state.inviteOnly) return encodeInvite({ roomId: room.log.roomId, inviter: self })
  if (room.meta.inviteSeed == null || state.members.get(selfHex)?.role === 'member') {
    throw new RoomPermissionError(
      'only the owner and admins hand out invites to an invite-only room',
    )
  }
  return encodeInvite({
    roomId: room.log.roomId,
    secret: new Uint8Array(Buffer.from(room.meta.inviteSeed, 'base64')),
    inviter: self,
  })
}

/**
 * Our proof of `room`'s invite when we hold its secret, else undefined: sync requests carry
 * it, so an invite-only room answers us even where our key is new (after a key move).
 */
export function ownInviteProof(room: RoomRuntime, self: Uint8Array): Uint8Array | undefined {
  const seed = room.meta.inviteSeed
  if (seed == null) return undefined
  const invite = ed25519KeyPairFromSeed(new Uint8Array(Buffer.from(seed, 'base64')))
  return makeInviteProof(invite, room.log.roomId, self)
}
