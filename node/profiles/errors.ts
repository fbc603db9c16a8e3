/** Errors of the profile component. Each has a stable `name`. */
import { NodeError } from '../errors.ts'

export class ProfilesError extends NodeError {
  override name = 'ProfilesError'
}

/** The profile component was used before `start()` or after `stop()`. */
export class ProfilesStoppedError extends ProfilesError {
  override name = 'ProfilesStoppedError'

  constructor() {
    super('profiles are not running: start the node first')
  }
}

/** A display name over MAX_FRIEND_DISPLAY_NAME_LENGTH characters, or with control characters. */
export class InvalidDisplayNameError extends ProfilesError {
  override name = 'InvalidDisplayNameError'
}
