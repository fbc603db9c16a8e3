/**
 * Errors of direct messaging. Each has a stable `name` (matched by the local API, the CLI and
 * tests) and a message that tells the user what to do.
 */
import { NodeError } from '../errors.ts'

export class MessagingError extends NodeError {
  override name = 'MessagingError'
}

/** `to` is not a peer id, a public key, or a username the directory knows. */
export class RecipientNotFoundError extends MessagingError {
  override name = 'RecipientNotFoundError'
}

/** A message to ourselves, or a key that is not an Ed25519 public key. */
export class InvalidRecipientError extends MessagingError {
  override name = 'InvalidRecipientError'
}

/** A text over MAX_DM_TEXT_SIZE, or empty. */
export class InvalidMessageTextError extends MessagingError {
  override name = 'InvalidMessageTextError'
}

/** Messaging was used before the node started it, or after it stopped. */
export class MessagingStoppedError extends MessagingError {
  override name = 'MessagingStoppedError'
}

/** No text of ours with that id in the conversation. */
export class MessageNotFoundError extends MessagingError {
  override name = 'MessageNotFoundError'
}

/** An action only a message's author may take (edit, recall), or on a recalled message. */
export class ActionPermissionError extends MessagingError {
  override name = 'ActionPermissionError'
}

/** A recall asked for after RECALL_WINDOW_MS: the peer would not honour it. */
export class RecallTooLateError extends MessagingError {
  override name = 'RecallTooLateError'
}

/** Another device of the account revoked this one: it sends nothing as the account any more. */
export class DeviceRevokedError extends MessagingError {
  override name = 'DeviceRevokedError'

  constructor() {
    super('this device was revoked by its account: it can no longer send messages as the account')
  }
}

/**
 * The attachments store was asked for a sent file before the node built it (at start): the
 * fan-out takes the feed page again later rather than copy the text without its file.
 */
export class SentFilesUnavailableError extends MessagingError {
  override name = 'SentFilesUnavailableError'
}
