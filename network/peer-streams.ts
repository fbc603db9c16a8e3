/**
 * Reaching a peer: a stream over whatever connection we already have, relayed ones included,
 * or a dial that looks the peer's current addresses up when the ones we hold fail.
 *
 * - libp2p's dialer reuses only unlimited connections: while two nodes behind NAT share
 *   nothing but a relay's circuit (a limited connection), every `dialProtocol` opens one more
 *   circuit to the same address, which the connection manager aborts as a duplicate ("Remote
 *   closed connection during opening"). So an open connection is taken first, a direct one
 *   before a relayed one. Replacing a circuit by a direct connection is the job of hole
 *   punching and the LAN upgrade (direct-upgrade.ts), not of each protocol's dial.
 * - libp2p asks peer routing for addresses only when its peer store holds none, but what it
 *   holds may be stale (the peer restarted on other ports, or holds a reservation on another
 *   relay now) or useless from here (another home's LAN address). After a failed dial the
 *   peer's addresses are looked up in the DHT, bypassing the cache, and the dial tried once
 *   more.
 */
import type { AbortOptions, Connection, Libp2p, PeerId, Stream } from '@libp2p/interface'

export type PeerStreamHost = Pick<
  Libp2p,
  'getConnections' | 'dialProtocol' | 'dial' | 'peerRouting'
>

/** The best open connection to `peer`: unlimited before limited. */
export function openConnectionTo(
  host: Pick<Libp2p, 'getConnections'>,
  peer: PeerId,
): Connection | undefined {
  const open = host.getConnections(peer).filter((connection) => connection.status === 'open')
  return open.find((connection) => connection.limits == null) ?? open[0]
}

/** A stream of `protocol` to `peer`; the protocol must accept relayed connections. */
export async function openPeerStream(
  host: PeerStreamHost,
  peer: PeerId,
  protocol: string,
  options: AbortOptions = {},
): Promise<Stream> {
  const connection = openConnectionTo(host, peer)
  const streamOptions = { ...options, runOnLimitedConnection: true }
  if (connection != null) return connection.newStream(protocol, streamOptions)
  return withAddressLookup(host, peer, options, () =>
    host.dialProtocol(peer, protocol, streamOptions),
  )
}

/** A connection to `peer`: the open one, or a dial as `openPeerStream` makes it. */
export async function connectToPeer(
  host: PeerStreamHost,
  peer: PeerId,
  options: AbortOptions = {},
): Promise<Connection> {
  const connection = openConnectionTo(host, peer)
  if (connection != null) return connection
  return withAddressLookup(host, peer, options, () => host.dial(peer, options))
}

async function withAddressLookup<T>(
  host: PeerStreamHost,
  peer: PeerId,
  options: AbortOptions,
  dial: () => Promise<T>,
): Promise<T> {
  try {
    return await dial()
  } catch (err) {
    if ((err as Error).name === 'UnsupportedProtocolError') throw err
    try {
      await host.peerRouting.findPeer(peer, { ...options, useCache: false })
    } catch {
      throw err
    }
    return dial()
  }
}
