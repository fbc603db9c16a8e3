/**
 * Errors raised by pure protocol code. Each has a stable `name` that callers and tests
 * match on, and a message a person can act on.
 */
/**
 * Whether `error` is none of TokenIM's named errors but one of JavaScript's own (TypeError,
 * …) or not an Error at all: thrown by a bug, never on purpose.
 */
export function isUnexpectedError(error: unknown): boolean {
  return !(error instanceof Error) || JAVASCRIPT_ERROR_NAMES.has(error.name)
}

const JAVASCRIPT_ERROR_NAMES = new Set([
  'Error',
  'TypeError',
  'RangeError',
  'ReferenceError',
  'SyntaxError',
  'EvalError',
  'URIError',
  'AggregateError',
])

export class ProtocolError extends Error {
  override name = 'ProtocolError'
}

/** Bytes that do not decode as the expected message. */
export class MalformedMessageError extends ProtocolError {
  override name = 'MalformedMessageError'
}

/** Input larger than the documented limit for its kind. */
export class OversizedMessageError extends ProtocolError {
  override name = 'OversizedMessageError'
}

/** An avatar that is not a PNG, JPEG or WebP image within MAX_AVATAR_DIMENSION pixels a side. */
export class InvalidAvatarError extends ProtocolError {
  override name = 'InvalidAvatarError'
}

/** AEAD authentication failed: wrong key, or the ciphertext, nonce or associated data changed. */
export class DecryptionError extends ProtocolError {
  override name = 'DecryptionError'
}

/** A signature did not verify against the claimed public key. */
export class InvalidSignatureError extends ProtocolError {
  override name = 'InvalidSignatureError'
}

/** A key of the wrong length or an unusable value (such as a low-order X25519 point). */
export class InvalidKeyError extends ProtocolError {
  override name = 'InvalidKeyError'
}

/** A ratchet message whose key was already used: a replay or a duplicate delivery. Drop it. */
export class DuplicateMessageError extends ProtocolError {
  override name = 'DuplicateMessageError'
}

/**
 * A ratchet message older than the keys the session still holds: either already decrypted,
 * or skipped so long ago that its key was discarded to respect the skipped-key cap.
 */
export class StaleMessageError extends ProtocolError {
  override name = 'StaleMessageError'
}

/** A ratchet message that would need more skipped message keys than the session allows. */
export class TooManySkippedMessagesError extends ProtocolError {
  override name = 'TooManySkippedMessagesError'
}

/** A session-start message names a prekey we do not have (already used, rotated or never ours). */
export class UnknownPrekeyError extends ProtocolError {
  override name = 'UnknownPrekeyError'
}

/** A session-start message for a different session than the one it was given to. */
export class SessionMismatchError extends ProtocolError {
  override name = 'SessionMismatchError'
}

/** A DHT record stored under a key that does not belong to it (the key is not its hash). */
export class RecordKeyMismatchError extends ProtocolError {
  override name = 'RecordKeyMismatchError'
}

/** A DHT record past its expiry time. */
export class ExpiredRecordError extends ProtocolError {
  override name = 'ExpiredRecordError'
}

/**
 * A DHT record whose times make no sense: written in the future (beyond the allowed clock
 * skew), expiring before it was written, or living longer than its kind allows.
 */
export class RecordTimestampError extends ProtocolError {
  override name = 'RecordTimestampError'
}

/**
 * A DHT record that may not replace the one already stored under its key (a mailbox slot's
 * first deposit or its tombstone, a newer prekey bundle).
 */
export class RecordConflictError extends ProtocolError {
  override name = 'RecordConflictError'
}

/**
 * A stream broke TokenIM's framing (a varint length prefix, then that many bytes): no honest
 * peer does, so the stream is reset at once and the peer penalised.
 */
export class FramingError extends ProtocolError {
  override name = 'FramingError'
}

/** A length prefix with more varint bytes than the protocol's largest frame needs. */
export class FramePrefixTooLongError extends FramingError {
  override name = 'FramePrefixTooLongError'
}

/** A length prefix announcing a frame larger than the protocol allows. */
export class OversizedFrameError extends FramingError {
  override name = 'OversizedFrameError'
}
