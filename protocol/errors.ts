/**
 * Errors raised by pure protocol code. Each has a stable `name` that callers and tests
 * match on, and a message a person can act on.
 */
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
