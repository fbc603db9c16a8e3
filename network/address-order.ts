/**
 * The order in which a node dials a peer's addresses: a neighbour on our own subnet first,
 * then public addresses, then relays' circuits, then private addresses of other networks.
 *
 * libp2p's default order puts every public address first, and a relay's circuit address is
 * public while a LAN neighbour's 192.168.x is not: two people on one home network would talk
 * through a relay across the internet. Their LAN address wins here; a circuit still beats a
 * private address of some other network, which from here leads nowhere or to a stranger.
 */
import type { Address } from '@libp2p/interface'
import { isPrivate, reliableTransportsFirst } from '@libp2p/utils'
import { CODE_P2P_CIRCUIT, type Multiaddr } from '@multiformats/multiaddr'
import { localSubnets, onLocalSubnet, type Subnet } from './local-subnets.ts'

function rank(address: Multiaddr, subnets: Subnet[]): number {
  if (address.getComponents().some((component) => component.code === CODE_P2P_CIRCUIT)) return 2
  if (onLocalSubnet(address, subnets)) return 0
  return isPrivate(address) ? 3 : 1
}

/** An `AddressSorter` (a compare function) for libp2p's connection manager. */
export function reachableAddressesFirst(a: Address, b: Address): -1 | 0 | 1 {
  const subnets = localSubnets()
  const order =
    rank(a.multiaddr, subnets) - rank(b.multiaddr, subnets) ||
    reliableTransportsFirst(a.multiaddr, b.multiaddr)
  return order < 0 ? -1 : order > 0 ? 1 : 0
}
