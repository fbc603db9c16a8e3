/**
 * Our own key statements stay findable in the DHT (doc/accounts.md, "The statement in the
 * DHT"): kad-dht holders drop a record 48 hours after it was last put, and a friend away for
 * longer must still find where the account went. So the node under the current key puts
 * every rotation and recovery of its chain again (rotation-dht.ts: each under its own DHT
 * key) once the DHT's routing table holds a peer, then every `intervalMs`, well inside the
 * 48 hours. A put that no holder confirms is only logged: the next round puts it again.
 */
import type { Logger } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { openKeyStatement } from '../../protocol/accounts/index.ts'
import { publishKeyRecovery, publishKeyRotation } from './rotation-dht.ts'

/** How often our key statements are put in the DHT again (holders keep them 48 hours). */
export const KEY_STATEMENT_REPUBLISH_INTERVAL_MS = 12 * 3_600_000

export interface OwnKeyStatements {
  rotations: Uint8Array[]
  recoveries: Uint8Array[]
}

export interface StatementRepublishParts {
  dht: KadDHT
  /** The account's statements now (the keystore's chain); undefined: none to keep. */
  statements(): Promise<OwnKeyStatements | undefined>
  log: Logger
  /** @default KEY_STATEMENT_REPUBLISH_INTERVAL_MS */
  intervalMs?: number
}

/** Puts every statement once; resolves with how many were confirmed by at least one holder. */
export async function republishOwnStatements(
  parts: Pick<StatementRepublishParts, 'dht' | 'statements' | 'log'>,
  signal?: AbortSignal,
): Promise<number> {
  const own = await parts.statements()
  if (own == null) return 0
  const puts = [
    ...own.rotations.map((record) =>
      publishKeyRotation(parts.dht, openKeyStatement('rotation', record), { signal }),
    ),
    ...own.recoveries.map((record) =>
      publishKeyRecovery(parts.dht, openKeyStatement('recovery', record), { signal }),
    ),
  ]
  let confirmed = 0
  for (const outcome of await Promise.allSettled(puts)) {
    if (outcome.status === 'fulfilled' && outcome.value.confirmed > 0) confirmed++
    else if (outcome.status === 'rejected' && signal?.aborted !== true) {
      parts.log('putting a key statement in the DHT again failed - %e', outcome.reason)
    }
  }
  return confirmed
}

/**
 * Starts the rounds: the first once the routing table holds a peer (at once if it does
 * already), then every interval. Returns the function that stops them.
 */
export function keepOwnStatementsPublished(parts: StatementRepublishParts): () => void {
  const controller = new AbortController()
  const table = (parts.dht as { routingTable?: EventTarget & { size: number } }).routingTable
  let timer: NodeJS.Timeout | undefined
  const round = () => {
    void republishOwnStatements(parts, controller.signal).then(
      (confirmed) => {
        if (confirmed > 0) parts.log('put %d of our key statements in the DHT again', confirmed)
      },
      (err) => parts.log('putting our key statements in the DHT again failed - %e', err),
    )
  }
  const start = () => {
    table?.removeEventListener('peer:add', start)
    if (controller.signal.aborted) return
    round()
    timer = setInterval(round, parts.intervalMs ?? KEY_STATEMENT_REPUBLISH_INTERVAL_MS)
    timer.unref()
  }
  if (table == null || table.size > 0) start()
  else table.addEventListener('peer:add', start)
  return () => {
    table?.removeEventListener('peer:add', start)
    clearInterval(timer)
    controller.abort()
  }
}
