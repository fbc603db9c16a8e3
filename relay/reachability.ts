/**
 * Whether a relay hands out an address that nodes beyond this machine or LAN can dial: the
 * first thing an operator needs to know, and the first thing that goes wrong (a server
 * whose public address is not on its interfaces, a relay behind NAT without `announce`).
 */
import { isPrivate } from '@libp2p/utils'
import { multiaddr } from '@multiformats/multiaddr'

/** A warning an operator can act on when no address is public, else undefined. */
export function reachabilityWarning(multiaddrs: string[]): string | undefined {
  if (multiaddrs.some((address) => !isPrivate(multiaddr(address)))) return undefined
  return 'this relay hands out only loopback or private addresses: nodes beyond this machine or LAN cannot reach it. On a public server check that its public address is on an interface; behind NAT forward the ports and list the public address under announce in relay.yaml'
}
