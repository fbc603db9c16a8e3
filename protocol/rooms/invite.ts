/**
 * Invite codes: what a person pastes to join a room. base64url of
 * `version (1) || room id (32) || flags (1) || [invite secret (32)] || [inviter key (32)]`.
 * The invite secret is the Ed25519 seed whose public key the room's CREATE event names: it
 * signs the joiner's key into an invite proof. The inviter key only says whom to ask for the
 * room's history first; it is a hint, not an authority.
 */
import { fromHex } from '../bytes.ts'
import { ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH } from '../crypto/index.ts'
import { InvalidInviteError } from './errors.ts'
import { ROOM_ID_LENGTH } from './room-event.ts'

const INVITE_VERSION = 1
const HAS_SECRET = 0b01
const HAS_INVITER = 0b10

export interface RoomInvite {
  roomId: Uint8Array
  /** The invite secret (an Ed25519 seed), for invite-only rooms. */
  secret?: Uint8Array
  /** A member to ask for the room first. */
  inviter?: Uint8Array
}

export function encodeInvite(invite: RoomInvite): string {
  const flags =
    (invite.secret != null ? HAS_SECRET : 0) | (invite.inviter != null ? HAS_INVITER : 0)
  return Buffer.concat([
    Buffer.of(INVITE_VERSION),
    invite.roomId,
    Buffer.of(flags),
    invite.secret ?? new Uint8Array(0),
    invite.inviter ?? new Uint8Array(0),
  ]).toString('base64url')
}

/** Throws InvalidInviteError for anything but a well-formed invite code. */
export function decodeInvite(code: string): RoomInvite {
  if (!/^[A-Za-z0-9_-]+$/.test(code)) {
    throw new InvalidInviteError('an invite code has only letters, digits, "-" and "_"')
  }
  const bytes = new Uint8Array(Buffer.from(code, 'base64url'))
  if (bytes[0] !== INVITE_VERSION || bytes.length < 2 + ROOM_ID_LENGTH) {
    throw new InvalidInviteError('this is not a TokenIM invite code, or one from a newer version')
  }
  const flags = bytes[1 + ROOM_ID_LENGTH]
  const expected =
    2 +
    ROOM_ID_LENGTH +
    (flags & HAS_SECRET ? ED25519_SEED_LENGTH : 0) +
    (flags & HAS_INVITER ? ED25519_PUBLIC_KEY_LENGTH : 0)
  if ((flags & ~(HAS_SECRET | HAS_INVITER)) !== 0 || bytes.length !== expected) {
    throw new InvalidInviteError('the invite code is cut short or altered: copy it again')
  }
  let offset = 2 + ROOM_ID_LENGTH
  const take = (length: number) => {
    offset += length
    return bytes.slice(offset - length, offset)
  }
  return {
    roomId: bytes.slice(1, 1 + ROOM_ID_LENGTH),
    secret: flags & HAS_SECRET ? take(ED25519_SEED_LENGTH) : undefined,
    inviter: flags & HAS_INVITER ? take(ED25519_PUBLIC_KEY_LENGTH) : undefined,
  }
}

/** A room id as people and the API see it: 64 hex digits. */
export function parseRoomId(text: string): Uint8Array | undefined {
  return /^[0-9a-f]{64}$/i.test(text) ? fromHex(text.toLowerCase()) : undefined
}
