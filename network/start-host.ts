/**
 * Starting a host names the listen addresses that failed. libp2p reports them as
 * `UnsupportedListenAddressesError`, whose first line (all a CLI prints) names none; its
 * later lines hold `  <address>: <reason>` per address, which become a ListenFailedError.
 * Any other start error passes through unchanged.
 */
import { ListenFailedError, type ListenFailure } from './errors.ts'

const FAILED_ADDRESS_LINE = /^\s+(\/\S+): (.+)$/gm

export async function startHost(host: { start(): void | Promise<void> }): Promise<void> {
  try {
    await host.start()
  } catch (err) {
    throw listenFailureOf(err) ?? err
  }
}

/** The ListenFailedError an error of libp2p's listen step means, if it is one. */
export function listenFailureOf(err: unknown): ListenFailedError | undefined {
  if (!(err instanceof Error) || err.name !== 'UnsupportedListenAddressesError') return undefined
  const failures: ListenFailure[] = [...err.message.matchAll(FAILED_ADDRESS_LINE)].map(
    ([, address, reason]) => ({ address, reason }),
  )
  return failures.length > 0 ? new ListenFailedError(failures) : undefined
}
