/** Errors of the history transfer between an account's devices. Each has a stable `name`. */
import { NodeError } from '../errors.ts'

export class HistoryTransferError extends NodeError {
  override name = 'HistoryTransferError'
}

/**
 * The asking device is not a current device of this account's list (a stranger, a revoked
 * device), or this device was revoked: nothing is handed over.
 */
export class HistoryTransferRevokedError extends HistoryTransferError {
  override name = 'HistoryTransferRevokedError'
}

/** The asking device has a transfer running with this device already. */
export class HistoryTransferBusyError extends HistoryTransferError {
  override name = 'HistoryTransferBusyError'
}

/** The asking device started more than HISTORY_TRANSFER_ASKS_PER_MINUTE transfers a minute. */
export class HistoryTransferRateLimitedError extends HistoryTransferError {
  override name = 'HistoryTransferRateLimitedError'
}

/** The other device broke the protocol (a bad frame, a frame out of turn). */
export class HistoryTransferProtocolError extends HistoryTransferError {
  override name = 'HistoryTransferProtocolError'
}

/** No other current device of the account has that name or peer id. */
export class HistoryDeviceNotFoundError extends HistoryTransferError {
  override name = 'HistoryDeviceNotFoundError'
}

/** The transfer component was used before `start()` or after `stop()`. */
export class HistoryTransferStoppedError extends HistoryTransferError {
  override name = 'HistoryTransferStoppedError'

  constructor() {
    super('the history transfer is not running: start the node first')
  }
}

const REFUSALS: Record<string, new (message: string) => HistoryTransferError> = {
  HistoryTransferRevokedError,
  HistoryTransferBusyError,
  HistoryTransferRateLimitedError,
  HistoryTransferProtocolError,
}

/** The error a REFUSED frame names, as this side's own typed error. */
export function refusalNamed(name: string): HistoryTransferError {
  const Refusal = REFUSALS[name] ?? HistoryTransferProtocolError
  return new Refusal(`the other device refused the history transfer (${name})`)
}
