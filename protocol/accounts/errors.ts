/**
 * Errors of the account records (device certificates and lists, key rotation and recovery
 * statements). Each has a stable `name`. Bytes that do not decode, or signatures that do not
 * verify, raise the protocol-wide errors of protocol/errors.ts; these say what is wrong with
 * a record that decodes and is signed.
 */
import { InvalidSignatureError, MalformedMessageError, ProtocolError } from '../errors.ts'

/**
 * A record whose signature verifies but whose signer may not make it: a certificate or list
 * not signed by the account it names, a rotation not signed by its old and new keys, a
 * recovery not signed by its new key.
 */
export class WrongSignerError extends InvalidSignatureError {
  override name = 'WrongSignerError'
}

/**
 * A device certificate or device list that breaks a rule of its format: a key of the wrong
 * length, an empty or too long name, a version 0, no device, a device listed twice or both
 * listed and revoked, a commitment that is not a SHA-256 digest.
 */
export class InvalidDeviceRecordError extends MalformedMessageError {
  override name = 'InvalidDeviceRecordError'
}

/**
 * A rotation or recovery statement that breaks a rule of its format: a key of the wrong
 * length, sequence 0, a commitment that is not a SHA-256 digest, a recovery that does not
 * move the commitment.
 */
export class InvalidKeyStatementError extends MalformedMessageError {
  override name = 'InvalidKeyStatementError'
}

/** More statements handed to the key-chain resolver than MAX_KEY_STATEMENTS. */
export class TooManyKeyStatementsError extends ProtocolError {
  override name = 'TooManyKeyStatementsError'
}

/** A device-link code that is not one: bad text, a bad field, too many addresses. */
export class InvalidLinkCodeError extends MalformedMessageError {
  override name = 'InvalidLinkCodeError'
}
