/**
 * The relay's connection monitor: libp2p pings every connection and aborts one whose ping
 * goes unanswered. Simulation relays run without it (sim/sim-relays.ts), since a simulated
 * node's late answer is its shard's busy event loop, not a dead link.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p, PeerId } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { afterEach, expect, it } from 'vitest'
import { createRelay, type RelayNode } from '../../relay/index.ts'
import { SIMULATION_RELAY_OPTIONS, simulationRelayConfig } from '../../sim/sim-relays.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Pings every 200 ms, each given 200 ms. */
const FAST_MONITOR = {
  pingInterval: 200,
  pingTimeout: { minTimeout: 200, maxTimeout: 200 },
}

async function startRelay(connectionMonitor: typeof FAST_MONITOR & { enabled?: boolean }) {
  const dir = await makeTempDir('tokenim-relay-monitor-')
  const relay = await createRelay(
    simulationRelayConfig({ dataDir: dir.path, host: '127.0.0.1', peers: [] }),
    { connectionMonitor },
  )
  cleanups.push(async () => {
    await relay.stop()
    await dir.remove()
  })
  return relay
}

/** A peer that takes pings and never answers them, as a node whose event loop is stalled. */
async function stalledPeer(): Promise<{ host: Libp2p; pingsFrom: Set<string> }> {
  const host = await createLibp2p({
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    connectionMonitor: { enabled: false },
  })
  const pingsFrom = new Set<string>()
  await host.handle('/ipfs/ping/1.0.0', (_stream, connection) => {
    pingsFrom.add(connection.remotePeer.toString())
  })
  cleanups.push(async () => {
    await host.stop()
  })
  return { host, pingsFrom }
}

function dial(host: Libp2p, relay: RelayNode) {
  return host.dial(multiaddr(relay.multiaddrs().find((addr) => addr.includes('/tcp/'))!))
}

it('a relay aborts a connection whose pings go unanswered; a simulation relay keeps it', async () => {
  const simulated = await startRelay({
    ...FAST_MONITOR,
    ...SIMULATION_RELAY_OPTIONS.connectionMonitor,
  })
  const watching = await startRelay(FAST_MONITOR)
  const { host, pingsFrom } = await stalledPeer()
  // The simulation relay's link is the older: had its monitor run, it would have pinged
  // before the other relay's ping timed out.
  await dial(host, simulated)
  await dial(host, watching)
  await waitForEvent<PeerId>(host, 'peer:disconnect', {
    filter: (peer) => peer.equals(watching.peerId),
  })
  expect(pingsFrom.has(watching.peerId.toString())).toBe(true)
  expect(pingsFrom.has(simulated.peerId.toString())).toBe(false)
  expect(host.getConnections(simulated.peerId)).toHaveLength(1)
})
