/**
 * Keeps a node's DHT queries from waiting on kad-dht's first self-query for long.
 *
 * kad-dht holds every query (get, put, closest peers) until its first self-query has run,
 * so that they start from a filled routing table. Later self-queries end after 5 s; the
 * first has no deadline: it ends when its lookup does, each request bounded only by
 * kad-dht's adaptive timeout, which grows towards 60 s as requests fail. On a slow link or
 * a busy machine every query a starting node makes meanwhile (its prekey bundle's put, a
 * mailbox collection) ends at its own timeout having asked nobody. So once the routing
 * table has held a peer for FIRST_SELF_QUERY_WAIT_MS, the held queries are let go: they
 * run on the table as it stands (kad-dht still makes each wait for a peer in it), and the
 * self-query goes on filling it.
 */
import type { Logger } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'

/** Longest wait for the first self-query, counted from the first peer in the table. */
export const FIRST_SELF_QUERY_WAIT_MS = 10_000

/** The parts of kad-dht's KadDHT this needs, which its interface does not show. */
interface KadInternals {
  routingTable?: EventTarget & { size: number }
  /** The promise every query waits on; undefined once the first self-query has run. */
  querySelf?: { initialQuerySelfHasRun?: { resolve(): void } }
}

export interface FirstSelfQueryParts {
  dht: KadDHT
  log: Logger
  /** @default FIRST_SELF_QUERY_WAIT_MS */
  waitMs?: number
}

/** Starts watching; returns the function that stops it. */
export function boundFirstSelfQueryWait(parts: FirstSelfQueryParts): () => void {
  const { routingTable: table, querySelf } = parts.dht as unknown as KadInternals
  if (table == null || querySelf == null) return () => {}
  const waitMs = parts.waitMs ?? FIRST_SELF_QUERY_WAIT_MS
  let timer: NodeJS.Timeout | undefined
  const release = () => {
    const pending = querySelf.initialQuerySelfHasRun
    if (pending == null) return
    parts.log('first DHT self-query still running after %d ms; queries go ahead', waitMs)
    pending.resolve()
  }
  const arm = () => {
    if (timer != null || table.size === 0) return
    table.removeEventListener('peer:add', arm)
    timer = setTimeout(release, waitMs)
    timer.unref()
  }
  table.addEventListener('peer:add', arm)
  arm()
  return () => {
    clearTimeout(timer)
    table.removeEventListener('peer:add', arm)
  }
}
