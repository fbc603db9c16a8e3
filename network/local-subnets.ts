/**
 * Whether an address sits on one of this machine's own IPv4 subnets (the home LAN, or
 * loopback): a peer there is one hop away, so a direct dial beats any relay.
 *
 * IPv6 addresses are never counted as local: home routers hand out global IPv6 prefixes that
 * are reachable across the internet anyway, and link-local ones need a zone to dial.
 */
import { networkInterfaces } from 'node:os'
import { tryGetNetConfig } from '@libp2p/utils'
import { CODE_P2P_CIRCUIT, type Multiaddr } from '@multiformats/multiaddr'

export interface Subnet {
  network: number
  mask: number
}

function ipv4ToNumber(address: string): number | undefined {
  const parts = address.split('.').map(Number)
  if (
    parts.length !== 4 ||
    parts.some((part) => !Number.isInteger(part) || part < 0 || part > 255)
  ) {
    return undefined
  }
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0
}

/**
 * How long a reading of the interfaces is reused: the dial sorter asks once per comparison,
 * and a laptop that changes networks is seen again within a second.
 */
const SUBNETS_TTL_MS = 1_000
let cached: { subnets: Subnet[]; readAt: number } | undefined

/** This machine's IPv4 subnets, read at most once a second (interfaces come and go). */
export function localSubnets(): Subnet[] {
  const now = Date.now()
  if (cached == null || now - cached.readAt >= SUBNETS_TTL_MS) {
    cached = { subnets: readSubnets(), readAt: now }
  }
  return cached.subnets
}

function readSubnets(): Subnet[] {
  const subnets: Subnet[] = []
  for (const entries of Object.values(networkInterfaces())) {
    for (const entry of entries ?? []) {
      if (entry.family !== 'IPv4' || entry.cidr == null) continue
      const prefix = Number(entry.cidr.split('/')[1])
      const address = ipv4ToNumber(entry.address)
      if (address == null) continue
      const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0
      subnets.push({ network: (address & mask) >>> 0, mask })
    }
  }
  return subnets
}

/** A direct (not relayed) IPv4 address on one of `subnets`. */
export function onLocalSubnet(address: Multiaddr, subnets: Subnet[]): boolean {
  if (address.getComponents().some((component) => component.code === CODE_P2P_CIRCUIT)) {
    return false
  }
  const config = tryGetNetConfig(address)
  if (config?.type !== 'ip4') return false
  const ip = ipv4ToNumber(config.host)
  return ip != null && subnets.some(({ network, mask }) => (ip & mask) >>> 0 === network)
}
