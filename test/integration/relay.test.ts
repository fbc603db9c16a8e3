import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { NODE_VERSION } from '../../node/index.ts'
import { createRelay, loadRelayConfig } from '../../relay/index.ts'
import { promtoolCheckMetrics } from '../helpers/promtool.ts'
import {
  createNetwork,
  type Network,
  pingOver,
  relayAddress,
  waitForCircuitAddress,
  waitForKnownAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

let network: Network
afterEach(async () => {
  await network?.close()
})

describe('relay', () => {
  it('starts from a YAML config with a persistent identity, and serves /health and /metrics', async () => {
    network = createNetwork()
    const dir = await makeTempDir('tokenim-relay-')
    const configPath = join(dir.path, 'relay.yaml')
    await writeFile(
      configPath,
      [
        'dataDir: data',
        'listen: [/ip4/127.0.0.1/tcp/0]',
        'allowPrivateAddresses: true',
        'limits: { maxConnections: 50 }',
        'circuitRelay: { durationLimit: 2m, dataLimit: 256KiB }',
        'metrics: { port: 0 }',
        'log: { level: silent }',
      ].join('\n'),
    )
    const config = await loadRelayConfig(configPath)
    expect(config.dataDir).toBe(join(dir.path, 'data'))
    expect(config.circuitRelay.durationLimit).toBe(120_000)
    expect(config.circuitRelay.dataLimit).toBe(256 * 1024)

    const first = await createRelay(config)
    const peerId = first.peerId.toString()
    const status = first.status()
    expect(status.multiaddrs.every((addr) => addr.endsWith(`/p2p/${peerId}`))).toBe(true)

    const health = (await (await fetch(status.healthUrl!)).json()) as Record<string, unknown>
    expect(health).toMatchObject({ ok: true, peerId, connections: 0 })
    const metrics = await (await fetch(status.metricsUrl!)).text()
    expect(metrics).toContain('tokenim_relay_connections{direction="inbound"} 0')
    expect(metrics).toContain('libp2p_')
    expect(metrics).toContain(
      `tokenim_relay_build_info{version="${NODE_VERSION}",runtime="${process.version}"} 1`,
    )
    expect(health.version).toBe(NODE_VERSION)
    // Prometheus' own linter, from Debian's prometheus package (.ci/run installs it).
    const lint = await promtoolCheckMetrics(metrics)
    expect(lint, lint.output).toMatchObject({ code: 0, output: '' })

    await expect(createRelay(config)).rejects.toMatchObject({ name: 'DataDirLockedError' })
    await first.stop()
    const again = await createRelay(config)
    expect(again.peerId.toString()).toBe(peerId)
    await again.stop()
    await dir.remove()
  })

  it("gives a node's own relays, and only them, the standing to send it gossipsub peer exchange", async () => {
    network = createNetwork()
    const relay = await network.relay()
    const stranger = await network.relay()
    const node = await network.node([relayAddress(relay)])
    await waitForRelay(node, relay)
    await node.host.dial(stranger.host.getMultiaddrs()[0]!)
    // The score and its thresholds are not part of gossipsub's public interface.
    const pubsub = node.host.services.pubsub as unknown as {
      getScore(peerId: string): number
      opts: { scoreThresholds: { acceptPXThreshold: number } }
    }
    const { acceptPXThreshold } = pubsub.opts.scoreThresholds
    expect(pubsub.getScore(relay.peerId.toString())).toBeGreaterThanOrEqual(acceptPXThreshold)
    expect(pubsub.getScore(stranger.peerId.toString())).toBeLessThan(acceptPXThreshold)
  })

  it('lets two nodes bootstrap from it and find each other through the DHT', async () => {
    network = createNetwork()
    const relay = await network.relay()
    const alice = await network.node([relayAddress(relay)])
    const bob = await network.node([relayAddress(relay)])
    await Promise.all([waitForRelay(alice, relay), waitForRelay(bob, relay)])
    expect(alice.status().relays).toEqual([
      expect.objectContaining({ peerId: relay.peerId.toString(), connected: true }),
    ])
    expect(alice.host.getConnections(bob.host.peerId)).toHaveLength(0)
    // The relay answers lookups for Bob once identify has told it his addresses.
    await waitForKnownAddress(relay.host, bob.host.peerId, () => true)

    const found = await alice.host.peerRouting.findPeer(bob.host.peerId, {
      signal: AbortSignal.timeout(15_000),
    })
    expect(found.id.equals(bob.host.peerId)).toBe(true)
    expect(found.multiaddrs.length).toBeGreaterThan(0)
    const rtt = await alice.host.services.ping.ping(bob.host.peerId)
    expect(rtt).toBeGreaterThanOrEqual(0)
    expect(relay.health().peers).toBe(2)
  })

  it('keeps a node without a direct address reachable through its circuit', async () => {
    network = createNetwork()
    const relay = await network.relay()
    const alice = await network.node([relayAddress(relay)])
    // Bob listens nowhere: like a node behind NAT, it can only be reached through the relay.
    const bob = await network.node([relayAddress(relay)], { listen: [] })
    const circuit = await waitForCircuitAddress(bob, relay)
    expect(bob.host.getMultiaddrs().every((ma) => ma.toString().includes('/p2p-circuit'))).toBe(
      true,
    )
    expect(relay.host.services.circuitRelay.reservations.has(bob.host.peerId)).toBe(true)
    await waitForRelay(alice, relay)
    await waitForKnownAddress(relay.host, bob.host.peerId, (addr) =>
      addr.includes(`/p2p/${relay.peerId}/p2p-circuit`),
    )

    const found = await alice.host.peerRouting.findPeer(bob.host.peerId, {
      signal: AbortSignal.timeout(15_000),
    })
    expect(found.multiaddrs.map(String).every((addr) => circuit.startsWith(addr))).toBe(true)
    const connection = await alice.host.dial(multiaddr(circuit))
    expect(connection.remotePeer.equals(peerIdFromString(bob.peerId))).toBe(true)
    expect(connection.remoteAddr.toString()).toContain('/p2p-circuit')
    expect(await pingOver(connection)).toBe(true)

    expect(relay.status().circuits).toBe(1)
    const metrics = await (await fetch(relay.status().metricsUrl!)).text()
    expect(metrics).toContain('tokenim_relay_circuits 1')
    expect(metrics).toContain(`tokenim_relay_reservations ${relay.status().reservations}`)
    expect(metrics).toMatch(
      /libp2p_data_transfer_bytes_total\{protocol="[^"]*relay[^"]*stop sent"\} \d+/,
    )
  })

  it('rejects relay addresses without a peer id when the node starts', async () => {
    network = createNetwork()
    const relay = await network.relay()
    const withoutId = multiaddr(relayAddress(relay)).decapsulateCode(421).toString()
    await expect(network.node([withoutId])).rejects.toMatchObject({
      name: 'InvalidConfigError',
      message: expect.stringContaining('/p2p/'),
    })
  })

  it('reads relays from the node config file', async () => {
    network = createNetwork()
    const relay = await network.relay()
    const node = await network.node([], { configFileRelays: [relayAddress(relay)] })
    await waitForRelay(node, relay)
    expect(node.status().relays.map((link) => link.address)).toEqual([relayAddress(relay)])
  })
})
