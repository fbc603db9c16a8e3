/**
 * Keeps a node's DHT routing table from staying empty while it is connected to a relay.
 *
 * kad-dht puts a DHT server in the routing table only after a ping it answers in time, and
 * tries only when identify reports the DHT protocol or when one of our queries hears from
 * the server. A node whose first pings to its relays were late (a busy relay, a slow link, a
 * loaded machine) is left with an empty table: with no peer to ask it runs no query, so it
 * never tries again until a link drops, and every DHT get and put it makes waits in vain
 * (its prekey bundle reaches nobody). While the table is empty and a relay is connected,
 * the connected relays are added again (kad-dht pings each first), after
 * ROUTING_TABLE_REFILL_FIRST_MS, then twice as long each time up to
 * ROUTING_TABLE_REFILL_MAX_MS; a relay that connects, or a table that empties, starts over.
 */
import type { Logger } from '@libp2p/interface'
import type { KadDHT } from '@libp2p/kad-dht'
import { peerIdFromString } from '@libp2p/peer-id'
import type { RelayBootstrap } from './bootstrap.ts'

/** First wait for kad-dht to fill the table itself, after a relay connects. */
export const ROUTING_TABLE_REFILL_FIRST_MS = 5_000
/** Longest wait between two refills of a table that stays empty. */
const ROUTING_TABLE_REFILL_MAX_MS = 60_000

interface RoutingTable extends EventTarget {
  size: number
  add(peer: ReturnType<typeof peerIdFromString>): Promise<void>
}

export interface RoutingTableRefillParts {
  dht: KadDHT
  relays: RelayBootstrap
  log: Logger
  /** @default ROUTING_TABLE_REFILL_FIRST_MS */
  firstDelayMs?: number
}

/** Starts watching; returns the function that stops it. */
export function keepRoutingTableFilled(parts: RoutingTableRefillParts): () => void {
  const table = (parts.dht as unknown as { routingTable?: RoutingTable }).routingTable
  if (table == null) return () => {}
  const firstDelayMs = parts.firstDelayMs ?? ROUTING_TABLE_REFILL_FIRST_MS
  let delayMs = firstDelayMs
  let timer: NodeJS.Timeout | undefined
  let stopped = false

  const connectedRelays = () => parts.relays.status().filter((link) => link.connected)
  const schedule = () => {
    if (stopped || timer != null || table.size > 0 || connectedRelays().length === 0) return
    timer = setTimeout(refill, delayMs)
    timer.unref()
    delayMs = Math.min(delayMs * 2, ROUTING_TABLE_REFILL_MAX_MS)
  }
  const refill = async () => {
    timer = undefined
    if (stopped || table.size > 0) return
    const relays = connectedRelays()
    parts.log('DHT routing table still empty; adding our %d connected relay(s)', relays.length)
    await Promise.allSettled(relays.map((link) => table.add(peerIdFromString(link.peerId))))
    schedule()
  }
  const startOver = () => {
    delayMs = firstDelayMs
    schedule()
  }
  const onRemove = () => {
    if (table.size === 0) startOver()
  }
  parts.relays.addEventListener('relay:connected', startOver)
  table.addEventListener('peer:remove', onRemove)
  schedule()
  return () => {
    stopped = true
    clearTimeout(timer)
    parts.relays.removeEventListener('relay:connected', startOver)
    table.removeEventListener('peer:remove', onRemove)
  }
}
