/** How we reach a peer now, read off our open connections to it (see PeerReach). */
import type { Libp2p, PeerId } from '@libp2p/interface'
import { CODE_P2P, CODE_P2P_CIRCUIT } from '@multiformats/multiaddr'
import type { PeerReach } from '../protocol/local-api.ts'
import { openConnectionTo } from './peer-streams.ts'

export function peerReach(host: Pick<Libp2p, 'getConnections'>, peer: PeerId): PeerReach {
  const connection = openConnectionTo(host, peer)
  if (connection == null) return { via: 'mailbox' }
  const address = connection.remoteAddr.toString()
  if (connection.limits == null) return { via: 'direct', address }
  // <relay address>/p2p/<relay>/p2p-circuit/p2p/<peer>: the relay is the last /p2p before the circuit.
  const components = connection.remoteAddr.getComponents()
  const circuit = components.findIndex((component) => component.code === CODE_P2P_CIRCUIT)
  const relay = components
    .slice(0, circuit < 0 ? 0 : circuit)
    .findLast((component) => component.code === CODE_P2P)?.value
  return { via: 'relay', relay, address }
}
