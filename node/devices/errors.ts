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
