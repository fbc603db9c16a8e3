import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { createRelay, type RelayNode } from '../../relay/index.ts'
import {
  createNetwork,
  loopbackRelayConfig,
  type Network,
  pingOver,
  relayAddress,
  waitForCircuitAddress,
  waitForKnownAddress,
  waitForRelay,
  waitUntil,
} from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'

let network: Network
afterEach(async () => {
  await network?.close()
})

function connectedRelays(node: {
  status(): { relays: Array<{ peerId: string; connected: boolean }> }
}) {
  return node
    .status()
    .relays.filter((link) => link.connected)
    .map((link) => link.peerId)
}

describe('several relays', () => {
  it('keeps every node connected and reachable when one relay stops', async () => {
    network = createNetwork()
    const first = await network.relay()
    const second = await network.relay({ peers: [relayAddress(first)] })
    const relays = [relayAddress(first), relayAddress(second)]
    const alice = await network.node(relays)
    // Bob is reachable only through the relays' circuits.
    const bob = await network.node(relays, { listen: [] })
    for (const node of [alice, bob]) {
      await waitForRelay(node, first)
      await waitForRelay(node, second)
    }
    await waitForCircuitAddress(bob, second)
    await waitForKnownAddress(second.host, bob.host.peerId, (addr) =>
      addr.includes(`/p2p/${second.peerId}/p2p-circuit`),
    )

    const dropped = Promise.all(
      [alice, bob].map((node) =>
        waitForEvent(node.host.services.relayBootstrap, 'relay:disconnected', {
          filter: (peer: { equals(other: unknown): boolean }) => peer.equals(first.peerId),
        }),
      ),
    )
    await first.stop()
    await dropped

    for (const node of [alice, bob]) {
      expect(connectedRelays(node)).toEqual([second.peerId.toString()])
      const link = node.status().relays.find((l) => l.peerId === first.peerId.toString())
      expect(link).toMatchObject({ connected: false, circuitAddress: null })
    }
    // Alice still finds Bob through the DHT of the relay left, and reaches him through its circuit.
    const found = await alice.host.peerRouting.findPeer(bob.host.peerId, {
      useCache: false,
      signal: AbortSignal.timeout(15_000),
    })
    const throughSecond = found.multiaddrs
      .map(String)
      .filter((addr) => addr.includes(`/p2p/${second.peerId}/p2p-circuit`))
    expect(throughSecond.length).toBeGreaterThan(0)
    const connection = await alice.host.dial(
      multiaddr(`${throughSecond[0]}/p2p/${bob.host.peerId}`),
      { signal: AbortSignal.timeout(15_000) },
    )
    expect(connection.remoteAddr.toString()).toContain(`/p2p/${second.peerId}/p2p-circuit`)
    expect(await pingOver(connection)).toBe(true)
  })

  it('reconnects nodes to a restarted relay, which keeps its peer id, and renews the circuit', async () => {
    network = createNetwork()
    const dir = await makeTempDir('tokenim-relay-')
    let relay: RelayNode = await createRelay(loopbackRelayConfig(dir.path))
    const address = relayAddress(relay)
    const peerId = relay.peerId.toString()
    const alice = await network.node([address])
    const bob = await network.node([address], { listen: [] })
    await Promise.all([waitForRelay(alice, relay), waitForRelay(bob, relay)])
    await waitForCircuitAddress(bob, relay)

    const dropped = waitForEvent(bob.host, 'peer:disconnect')
    await relay.stop()
    await dropped
    expect(connectedRelays(bob)).toEqual([])
    await waitUntil(
      bob.host,
      'self:peer:update',
      () => !bob.host.getMultiaddrs().some((ma) => ma.toString().includes('/p2p-circuit')),
      'circuit address withdrawn',
    )

    // Same data dir and port: the same relay comes back.
    const port = multiaddr(address)
      .getComponents()
      .find((c) => c.name === 'tcp')!.value
    const reconnected = Promise.all(
      [alice, bob].map((node) =>
        waitForEvent(node.host.services.relayBootstrap, 'relay:connected', { timeoutMs: 20_000 }),
      ),
    )
    relay = await createRelay(
      loopbackRelayConfig(dir.path, { listen: [`/ip4/127.0.0.1/tcp/${port}`] }),
    )
    try {
      expect(relay.peerId.toString()).toBe(peerId)
      await reconnected
      expect(connectedRelays(alice)).toEqual([peerId])
      expect(connectedRelays(bob)).toEqual([peerId])
      // Bob holds a reservation again, so he is reachable through the restarted relay.
      const circuit = await waitForCircuitAddress(bob, relay)
      const connection = await alice.host.dial(multiaddr(circuit), {
        signal: AbortSignal.timeout(15_000),
      })
      expect(connection.remotePeer.equals(bob.host.peerId)).toBe(true)
      expect(await pingOver(connection)).toBe(true)
    } finally {
      await relay.stop()
      await dir.remove()
    }
  })
})
