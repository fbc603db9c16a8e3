/**
 * The dial order: a neighbour on one of our subnets first (loopback stands in for the LAN
 * here: it is a subnet of every machine), then public addresses, then relays' circuits, then
 * private addresses of networks we are not on.
 */
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { reachableAddressesFirst } from '../../network/address-order.ts'
import { localSubnets, onLocalSubnet } from '../../network/local-subnets.ts'

const peer = '12D3KooWKpcV1fCTPS53QNrv9annArvoTnv1opoD6uZ7ZkLVSGo5'
const relay = '12D3KooWHUV7WEAxLTTTnmthyWxjSQmhgTKGkN3fnjjAjaBfZRoH'

describe('dial order', () => {
  it('puts our subnet, then public, then circuits, then foreign private addresses', () => {
    const addresses = [
      `/ip4/198.18.7.7/tcp/4001/p2p/${peer}`,
      `/ip4/20.0.0.10/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${peer}`,
      `/ip4/20.0.0.101/tcp/4001/ws/p2p/${peer}`,
      `/ip4/20.0.0.101/tcp/4001/p2p/${peer}`,
      `/ip4/127.0.0.1/tcp/4001/p2p/${peer}`,
    ].map((text) => ({ multiaddr: multiaddr(text), isCertified: false }))
    const sorted = addresses.sort(reachableAddressesFirst).map((a) => a.multiaddr.toString())
    expect(sorted).toEqual([
      `/ip4/127.0.0.1/tcp/4001/p2p/${peer}`,
      `/ip4/20.0.0.101/tcp/4001/p2p/${peer}`,
      `/ip4/20.0.0.101/tcp/4001/ws/p2p/${peer}`,
      `/ip4/20.0.0.10/tcp/4001/p2p/${relay}/p2p-circuit/p2p/${peer}`,
      `/ip4/198.18.7.7/tcp/4001/p2p/${peer}`,
    ])
  })

  it('ranks a direct QUIC address by where it leads, like TCP, and before any circuit', () => {
    const addresses = [
      `/ip4/20.0.0.10/udp/4001/quic-v1/p2p/${relay}/p2p-circuit/p2p/${peer}`,
      `/ip4/192.168.77.3/udp/4001/quic-v1/p2p/${peer}`,
      `/ip4/20.0.0.101/udp/51234/quic-v1/p2p/${peer}`,
      `/ip4/20.0.0.101/tcp/4001/p2p/${peer}`,
      `/ip4/127.0.0.1/udp/4001/quic-v1/p2p/${peer}`,
    ].map((text) => ({ multiaddr: multiaddr(text), isCertified: false }))
    const sorted = addresses.sort(reachableAddressesFirst).map((a) => a.multiaddr.toString())
    expect(sorted).toEqual([
      `/ip4/127.0.0.1/udp/4001/quic-v1/p2p/${peer}`,
      // Within one rank libp2p's order stands: TCP, then the rest.
      `/ip4/20.0.0.101/tcp/4001/p2p/${peer}`,
      `/ip4/20.0.0.101/udp/51234/quic-v1/p2p/${peer}`,
      `/ip4/20.0.0.10/udp/4001/quic-v1/p2p/${relay}/p2p-circuit/p2p/${peer}`,
      `/ip4/192.168.77.3/udp/4001/quic-v1/p2p/${peer}`,
    ])
  })

  it('never counts a circuit or an IPv6 address as a neighbour', () => {
    const subnets = localSubnets()
    expect(onLocalSubnet(multiaddr('/ip4/127.0.0.1/tcp/1'), subnets)).toBe(true)
    expect(
      onLocalSubnet(
        multiaddr(`/ip4/127.0.0.1/tcp/1/p2p/${relay}/p2p-circuit/p2p/${peer}`),
        subnets,
      ),
    ).toBe(false)
    expect(onLocalSubnet(multiaddr('/ip6/::1/tcp/1'), subnets)).toBe(false)
  })
})
