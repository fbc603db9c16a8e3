/** Errors of the device list component. Each has a stable `name`. */
import { NodeError } from '../errors.ts'

export class DevicesError extends NodeError {
  override name = 'DevicesError'
}

/** The device list was used before `start()` or after `stop()`. */
export class DevicesStoppedError extends DevicesError {
  override name = 'DevicesStoppedError'

  constructor() {
    super('the device list is not running: start the node first')
  }
}

/** A device name that is empty or longer than MAX_DEVICE_NAME_SIZE bytes of UTF-8. */
export class InvalidDeviceNameError extends DevicesError {
  override name = 'InvalidDeviceNameError'
}

/** The account's list names MAX_ACCOUNT_DEVICES devices already. */
export class DeviceListFullError extends DevicesError {
  override name = 'DeviceListFullError'
}

/** A mailbox copy for a device the newest list of its account no longer names (revoked). */
export class DeviceNoLongerListedError extends DevicesError {
  override name = 'DeviceNoLongerListedError'
}

/** No device of the account's list has that name or peer id (or more than one has the name). */
export class DeviceNotFoundError extends DevicesError {
  override name = 'DeviceNotFoundError'
}

/** This device, or the one running on the account key, cannot be revoked from here. */
export class DeviceRevokeRefusedError extends DevicesError {
  override name = 'DeviceRevokeRefusedError'
}

/** The device to link is in the account's list already. */
export class DeviceAlreadyListedError extends DevicesError {
  override name = 'DeviceAlreadyListedError'
}

/** A linked device started without the device list its link stored: link it again. */
export class LinkedDeviceListMissingError extends DevicesError {
  override name = 'LinkedDeviceListMissingError'

  constructor() {
    super('this linked device has no device list: link it again with "tokenim init --link CODE"')
  }
}

/** The list changed (a rename) while a device was being linked: link it again. */
export class LinkListChangedError extends DevicesError {
  override name = 'LinkListChangedError'

  constructor() {
    super("the account's device list changed during the link: start the link again")
  }
}

/**
 * A device link that did not complete. The subclasses' names travel in the link protocol's
 * REFUSED frame, so both devices report the same one.
 */
export class LinkError extends DevicesError {
  override name = 'LinkError'
}

/** The new device did not prove it holds the code's secret: a mistyped or foreign code. */
export class LinkCodeWrongError extends LinkError {
  override name = 'LinkCodeWrongError'
}

/** The code's 10 minutes are over: show a new one on the existing device. */
export class LinkCodeExpiredError extends LinkError {
  override name = 'LinkCodeExpiredError'
}

/** The code was used already (a code works once): show a new one on the existing device. */
export class LinkCodeUsedError extends LinkError {
  override name = 'LinkCodeUsedError'
}

/** The person said the two devices show different codes (or declined): nothing was handed over. */
export class LinkSasRefusedError extends LinkError {
  override name = 'LinkSasRefusedError'
}

/** No answer in time: the confirmation, a frame or the dial. */
export class LinkTimeoutError extends LinkError {
  override name = 'LinkTimeoutError'
}

/** The other device refused for another reason (its list is full, the device is listed, …). */
export class LinkRefusedError extends LinkError {
  override name = 'LinkRefusedError'
}

/** The other device broke the link protocol: an unexpected or invalid frame. */
export class LinkProtocolError extends LinkError {
  override name = 'LinkProtocolError'
}

const LINK_ERRORS = [
  LinkCodeWrongError,
  LinkCodeExpiredError,
  LinkCodeUsedError,
  LinkSasRefusedError,
  LinkTimeoutError,
  LinkRefusedError,
  LinkProtocolError,
]

/** The error a REFUSED frame names, with its message; an unknown name is a LinkRefusedError. */
export function linkErrorNamed(name: string, message: string): LinkError {
  const Known = LINK_ERRORS.find((kind) => new kind('').name === name) ?? LinkRefusedError
  return new Known(message)
}

/** A phrase given to authorise an action is not this account's. */
export class WrongPhraseError extends DevicesError {
  override name = 'WrongPhraseError'
}
