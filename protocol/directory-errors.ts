/**
 * Errors of the username directory, one class per failure a user can meet. Each carries the
 * stable wire `code` a relay sends (see DirectoryFailure in protocol/proto/directory.proto),
 * so the same class is rebuilt on the node and shown by the client.
 */
import { ProtocolError } from './errors.ts'

export type DirectoryErrorCode =
  | 'invalid'
  | 'reserved'
  | 'taken'
  | 'expired'
  | 'rate-limited'
  | 'not-found'
  | 'unauthorized'
  | 'already-registered'
  | 'bad-request'
  | 'unavailable'
  | 'verification-required'

export class DirectoryError extends ProtocolError {
  override name = 'DirectoryError'
  readonly code: DirectoryErrorCode = 'bad-request'
}

export type InvalidNameReason =
  | 'empty'
  | 'too-short'
  | 'too-long'
  | 'character'
  | 'edge-punctuation'
  | 'double-punctuation'

/** The name breaks a rule of protocol/username.ts; `reason` says which. */
export class InvalidNameError extends DirectoryError {
  override name = 'InvalidNameError'
  override readonly code = 'invalid'
  readonly reason: InvalidNameReason | 'unknown'

  constructor(reason: InvalidNameReason | 'unknown', message: string) {
    super(message)
    this.reason = reason
  }
}

/** The name (or its skeleton) is on the reserved list. */
export class ReservedNameError extends DirectoryError {
  override name = 'ReservedNameError'
  override readonly code = 'reserved'
}

/** Someone else holds this name, or one that looks the same. */
export class NameTakenError extends DirectoryError {
  override name = 'NameTakenError'
  override readonly code = 'taken'
}

/** The name's record expired and its owner has not renewed it (yet). */
export class NameExpiredError extends DirectoryError {
  override name = 'NameExpiredError'
  override readonly code = 'expired'
}

/** Too many requests, or locked out after repeated failures; retry after `retryAfterMs`. */
export class RateLimitedError extends DirectoryError {
  override name = 'RateLimitedError'
  override readonly code = 'rate-limited'
  readonly retryAfterMs: number

  constructor(message: string, retryAfterMs: number) {
    super(message)
    this.retryAfterMs = retryAfterMs
  }
}

/** No relay and no DHT record knows this name. */
export class NameNotFoundError extends DirectoryError {
  override name = 'NameNotFoundError'
  override readonly code = 'not-found'
}

/** The claim was not proven: bad signature, wrong key, insufficient proof of work, bad invite. */
export class ClaimRefusedError extends DirectoryError {
  override name = 'ClaimRefusedError'
  override readonly code = 'unauthorized'
}

/** This identity already holds another name on this relay; release it first. */
export class AlreadyRegisteredError extends DirectoryError {
  override name = 'AlreadyRegisteredError'
  override readonly code = 'already-registered'
}

/**
 * The relay grants names only after a sign-up verification (an e-mail or phone code, an
 * OpenID login) and the claim carried none; `methods` lists those it accepts, any one.
 */
export class VerificationRequiredError extends DirectoryError {
  override name = 'VerificationRequiredError'
  override readonly code = 'verification-required'
  readonly methods: string[]

  constructor(message: string, methods: string[] = []) {
    super(message)
    this.methods = methods
  }
}

/** A malformed or out-of-order directory message. */
export class DirectoryRequestError extends DirectoryError {
  override name = 'DirectoryRequestError'
  override readonly code = 'bad-request'
}

/** A signed record that does not answer the question asked: another name, relay or signer. */
export class UntrustedRecordError extends DirectoryError {
  override name = 'UntrustedRecordError'
  override readonly code = 'bad-request'
}

/** No relay could be reached and the DHT had no answer either. */
export class DirectoryUnavailableError extends DirectoryError {
  override name = 'DirectoryUnavailableError'
  override readonly code = 'unavailable'
}

/** A wire failure as the error class it stands for. */
export function directoryErrorFromFailure(
  code: string,
  message: string,
  retryAfterMs = 0,
): DirectoryError {
  switch (code as DirectoryErrorCode) {
    case 'invalid':
      return new InvalidNameError('unknown', message)
    case 'reserved':
      return new ReservedNameError(message)
    case 'taken':
      return new NameTakenError(message)
    case 'expired':
      return new NameExpiredError(message)
    case 'rate-limited':
      return new RateLimitedError(message, retryAfterMs)
    case 'not-found':
      return new NameNotFoundError(message)
    case 'unauthorized':
      return new ClaimRefusedError(message)
    case 'already-registered':
      return new AlreadyRegisteredError(message)
    case 'unavailable':
      return new DirectoryUnavailableError(message)
    case 'verification-required':
      return new VerificationRequiredError(message)
    default:
      return new DirectoryRequestError(message)
  }
}
