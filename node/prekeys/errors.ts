/** Errors of the prekey service. Each has a stable `name`. */
import { NodeError } from '../errors.ts'

export class PrekeyError extends NodeError {
  override name = 'PrekeyError'
}

/** The prekey service was used before `start()` or after `stop()`. */
export class PrekeyServiceNotStartedError extends PrekeyError {
  override name = 'PrekeyServiceNotStartedError'

  constructor() {
    super('the prekey service is not running: start the node (or the service) first')
  }
}

/** No valid bundle for the peer in the DHT: it never published, or has been offline too long. */
export class PrekeyBundleNotFoundError extends PrekeyError {
  override name = 'PrekeyBundleNotFoundError'

  constructor(peer: string) {
    super(
      `no valid prekey bundle for ${peer} in the DHT; it may not have been online for two days. Send a contact request to its inbox, or try again when it is online.`,
    )
  }
}
