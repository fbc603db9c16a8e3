/** Errors of presence; each `name` is stable. */
import { NodeError } from '../errors.ts'

/** Presence was used after the node stopped. */
export class PresenceStoppedError extends NodeError {
  override name = 'PresenceStoppedError'
}

/** Typing is told to friends only. */
export class TypingFriendNotFoundError extends NodeError {
  override name = 'TypingFriendNotFoundError'
}
