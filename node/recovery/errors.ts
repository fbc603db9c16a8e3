/** Errors of recovery through friends. Each has a stable `name`. */
import { NodeError } from '../errors.ts'

export class RecoverySharesError extends NodeError {
  override name = 'RecoverySharesError'
}

/** A split that cannot be made: a threshold out of 2..n, too many friends, or someone not a friend. */
export class InvalidRecoveryFriendsError extends RecoverySharesError {
  override name = 'InvalidRecoveryFriendsError'
}

/** No recovery request waits under that id (answered already, dropped, or never made). */
export class RecoveryRequestNotFoundError extends RecoverySharesError {
  override name = 'RecoveryRequestNotFoundError'
}

/** Fewer friends released their share than the threshold asks for. */
export class NotEnoughSharesError extends RecoverySharesError {
  override name = 'NotEnoughSharesError'
}
