/** Errors of the DHT write quotas. Each has a stable `name`. */
import { NetworkError } from '../errors.ts'

/** A put to this DHT server would overrun one of its writer's quotas: it is not stored. */
export class DhtQuotaExceededError extends NetworkError {
  override name = 'DhtQuotaExceededError'

  constructor(reason: string, account: string) {
    super(`refused to store a DHT record from ${account}: its quota (${reason}) is used up`)
  }
}
