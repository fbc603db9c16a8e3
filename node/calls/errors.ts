/** Errors of voice calls (doc/calls.md); each `name` is stable. */
import { NodeError } from '../errors.ts'

export class CallError extends NodeError {
  override name = 'CallError'
}

/** No call of this id is ringing or under way here. */
export class CallNotFoundError extends CallError {
  override name = 'CallNotFoundError'
}

/** The step does not fit the call's state (accepting a call we placed, say). */
export class CallStateConflictError extends CallError {
  override name = 'CallStateConflictError'
}

/** Another call rings or is under way: one call at a time. */
export class CallAlreadyActiveError extends CallError {
  override name = 'CallAlreadyActiveError'
}

/** Only friends are called. */
export class CallPermissionError extends CallError {
  override name = 'CallPermissionError'
}
