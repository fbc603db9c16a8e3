/**
 * Errors of the pure room code. Each has a stable `name`; peers' bad input raises the
 * protocol-wide errors of protocol/errors.ts (MalformedMessageError, InvalidSignatureError...).
 */
import { ProtocolError } from '../errors.ts'

/** A room message under a sender key this member was never given (or no longer holds). */
export class UnknownSenderKeyError extends ProtocolError {
  override name = 'UnknownSenderKeyError'
}

/** A sender-key message whose key was already used or dropped: a replay or an old duplicate. */
export class SenderKeyReplayError extends ProtocolError {
  override name = 'SenderKeyReplayError'
}

/** A sender-key message further ahead than MAX_ROOM_KEY_SKIP: refused rather than derive that many keys. */
export class SenderKeyTooFarAheadError extends ProtocolError {
  override name = 'SenderKeyTooFarAheadError'
}

/** An invite code that does not parse: cut short, altered, or not a TokenIM invite. */
export class InvalidInviteError extends ProtocolError {
  override name = 'InvalidInviteError'
}

/** A MOVE_KEY whose key statements do not move any account to its author. */
export class InvalidKeyMoveError extends ProtocolError {
  override name = 'InvalidKeyMoveError'
}

/** A DEVICES op whose device list does not open, or does not name its author. */
export class InvalidRoomDevicesError extends ProtocolError {
  override name = 'InvalidRoomDevicesError'
}
