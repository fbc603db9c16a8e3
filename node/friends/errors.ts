/**
 * Errors of friends and friend requests. Each has a stable `name` (matched by the local API,
 * the CLI and tests) and a message that tells the user what to do.
 */
import { NodeError } from '../errors.ts'

export class FriendsError extends NodeError {
  override name = 'FriendsError'
}

/** A friend request to our own identity. */
export class FriendSelfError extends FriendsError {
  override name = 'FriendSelfError'
}

/** A request to someone who is already a friend. */
export class AlreadyFriendsError extends FriendsError {
  override name = 'AlreadyFriendsError'
}

/** A second request to someone who has not answered the first yet. */
export class DuplicateFriendRequestError extends FriendsError {
  override name = 'DuplicateFriendRequestError'
}

/** A username the directory does not know. */
export class UserNotFoundError extends FriendsError {
  override name = 'UserNotFoundError'
}

/** A request to someone we blocked. */
export class PeerBlockedError extends FriendsError {
  override name = 'PeerBlockedError'
}

/** Accepting or rejecting a request that is not pending. */
export class FriendRequestNotFoundError extends FriendsError {
  override name = 'FriendRequestNotFoundError'
}

/** Removing someone who is neither a friend nor asked by us. */
export class FriendNotFoundError extends FriendsError {
  override name = 'FriendNotFoundError'
}

/** A note over MAX_FRIEND_NOTE_LENGTH characters. */
export class InvalidFriendNoteError extends FriendsError {
  override name = 'InvalidFriendNoteError'
}

/** Something that is not a username, a peer id or a hex Ed25519 key. */
export class InvalidPeerError extends FriendsError {
  override name = 'InvalidPeerError'
}

/** Friends were used before the node started them, or after they stopped. */
export class FriendsStoppedError extends FriendsError {
  override name = 'FriendsStoppedError'
}
