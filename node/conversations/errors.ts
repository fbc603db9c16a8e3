/** Errors of the conversation list, history search and deletion; each `name` is stable. */
import { NodeError } from '../errors.ts'

export class ConversationError extends NodeError {
  override name = 'ConversationError'
}

/** A search with no word in it (only spaces, punctuation or symbols). */
export class InvalidSearchQueryError extends ConversationError {
  override name = 'InvalidSearchQueryError'
}

/** A request that names neither a peer nor a room, or both. */
export class InvalidConversationError extends ConversationError {
  override name = 'InvalidConversationError'
}

/** Rooms were asked for, but this node runs without them. */
export class RoomsUnavailableError extends ConversationError {
  override name = 'RoomsUnavailableError'
}

/** The conversation index was used after the node stopped. */
export class ConversationsStoppedError extends ConversationError {
  override name = 'ConversationsStoppedError'
}

/** A mute that would go over MAX_MUTED_CONVERSATIONS, or names no conversation. */
export class InvalidMuteError extends ConversationError {
  override name = 'InvalidMuteError'
}
