/**
 * A person's profile as friends and rooms see it (social.proto `FriendProfile`): a display
 * name and an optional avatar, versioned, in a SignedRecord under FRIEND_PROFILE_DOMAIN signed
 * by the account key. It travels end-to-end encrypted as a FRIEND_PROFILE friend message.
 *
 * Guarantees: `openFriendProfile` returns only a record whose signature verifies, whose size,
 * name and avatar are within the limits (protocol/limits.ts) and whose avatar is a real PNG,
 * JPEG or WebP header (protocol/avatar-image.ts); whose key signed it is returned for the
 * caller to match against the sender. `newerProfile` is the one rule for which of two
 * records of the same account wins: the higher version, and never two records under one.
 */
import { type AvatarType, checkAvatar } from './avatar-image.ts'
import { bytesEqual } from './bytes.ts'
import { decodeMessage, encodeMessage, openSignedRecord, signRecord } from './codec.ts'
import type { Ed25519KeyPair } from './crypto/index.ts'
import { MalformedMessageError } from './errors.ts'
import { FRIEND_PROFILE_DOMAIN } from './ids.ts'
import { MAX_FRIEND_DISPLAY_NAME_LENGTH, MAX_FRIEND_PROFILE_SIZE } from './limits.ts'
import { FriendProfile } from './proto/social.ts'

export interface FriendProfileValue {
  /** Grows with each change: a receiver keeps the highest it has seen. */
  version: number
  /** '' when the person set none. */
  displayName: string
  avatar?: Uint8Array
}

export interface OpenedFriendProfile extends FriendProfileValue {
  /** The key that signed it: the account's key, which the caller matches to the sender. */
  account: Uint8Array
  avatarType?: AvatarType
}

/** `name` trimmed; MalformedMessageError when over MAX_FRIEND_DISPLAY_NAME_LENGTH characters. */
export function checkDisplayName(name: string): string {
  const trimmed = name.trim()
  if (trimmed.length > MAX_FRIEND_DISPLAY_NAME_LENGTH) {
    throw new MalformedMessageError(
      `a display name is at most ${MAX_FRIEND_DISPLAY_NAME_LENGTH} characters, got ${trimmed.length}`,
    )
  }
  if (/\p{Cc}/u.test(trimmed)) {
    throw new MalformedMessageError('a display name has no control characters')
  }
  return trimmed
}

/** Encodes and signs a profile; throws as `openFriendProfile` would refuse it. */
export function signFriendProfile(account: Ed25519KeyPair, value: FriendProfileValue): Uint8Array {
  checkValue(value)
  const payload = encodeMessage(
    FriendProfile,
    {
      version: value.version,
      displayName: value.displayName,
      avatar: (value.avatar ?? new Uint8Array(0)) as FriendProfile['avatar'],
    },
    { maxSize: MAX_FRIEND_PROFILE_SIZE, what: 'friend profile' },
  )
  return signRecord(account, payload, FRIEND_PROFILE_DOMAIN, { maxSize: MAX_FRIEND_PROFILE_SIZE })
}

/**
 * Verifies and decodes a signed profile. Throws OversizedMessageError, MalformedMessageError,
 * InvalidSignatureError or InvalidAvatarError; never returns a record it would refuse.
 */
export function openFriendProfile(bytes: Uint8Array): OpenedFriendProfile {
  const record = openSignedRecord(bytes, FRIEND_PROFILE_DOMAIN, MAX_FRIEND_PROFILE_SIZE)
  const decoded = decodeMessage(FriendProfile, record.payload, {
    maxSize: MAX_FRIEND_PROFILE_SIZE,
    what: 'friend profile',
  })
  const value: OpenedFriendProfile = {
    account: record.publicKey,
    version: decoded.version,
    displayName: decoded.displayName,
  }
  if (decoded.avatar.length > 0) value.avatar = decoded.avatar
  value.avatarType = checkValue(value)
  if (value.avatarType == null) delete value.avatarType
  return value
}

/**
 * Whether `incoming` replaces `held`, both opened for the same account: 'newer' (take it),
 * 'same' (the same record again: nothing to do) or 'refused' (a lower version, a replay, or
 * another record under the version held).
 */
export function newerProfile(
  held: { version: number; record: Uint8Array } | undefined,
  incoming: { version: number; record: Uint8Array },
): 'newer' | 'same' | 'refused' {
  if (held == null || incoming.version > held.version) return 'newer'
  if (incoming.version === held.version && bytesEqual(incoming.record, held.record)) return 'same'
  return 'refused'
}

function checkValue(value: FriendProfileValue): AvatarType | undefined {
  if (!Number.isSafeInteger(value.version) || value.version < 1) {
    throw new MalformedMessageError('a profile version is a positive integer')
  }
  if (checkDisplayName(value.displayName) !== value.displayName) {
    throw new MalformedMessageError('a display name has no leading or trailing spaces')
  }
  return value.avatar == null ? undefined : checkAvatar(value.avatar).type
}
