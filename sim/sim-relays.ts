/**
 * The relays of a simulation: in the coordinator's process (the default), or each in a
 * process of its own, on this machine or inside a network namespace (a public host of a NAT
 * lab), so that they keep their own event loop however busy the nodes are. Either way a
 * simulation sees the same three things of a relay: its peer id, its TCP address and a way to
 * stop it. Relay i peers with relays 0..i-1 so that their DHTs form one.
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { createRelay, parseRelayConfig, type RelayConfig, type RelayNode } from '../relay/index.ts'
import { ENTRY_FLAGS, entryPoint } from './entry-points.ts'
import { SimulationError } from './errors.ts'
import type { LabHost } from './lab/nat-lab.ts'
import { SIMULATION_CONNECTION_LIMITS } from './sim-node.ts'

export interface SimRelay {
  readonly peerId: string
  /** The TCP multiaddr ending in /p2p/<peer id>. */
  readonly address: string
  stop(): Promise<void>
}

/** What a relay process is told, as JSON in its one argument. */
export interface RelayProcessInit {
  dataDir: string
  host: string
  peers: string[]
}

/** A relay tuned for a simulation: many peers from one address, quiet, no metrics. */
export function simulationRelayConfig(init: RelayProcessInit): RelayConfig {
  return parseRelayConfig({
    dataDir: init.dataDir,
    listen: [`/ip4/${init.host}/tcp/0`],
    allowPrivateAddresses: true,
    peers: init.peers,
    limits: SIMULATION_CONNECTION_LIMITS,
    circuitRelay: { maxReservations: 100_000 },
    // Simulated nodes share few addresses: only the per-peer quotas apply.
    dhtQuotas: { perIpMultiplier: 100_000 },
    metrics: { enabled: false },
    health: { enabled: false },
    log: { level: 'silent' },
    directory: {
      rateLimits: { registrationsPerPeerPerHour: 1_000, lookupsPerPeerPerMinute: 100_000 },
    },
  })
}

/**
 * No connection monitor, as on the nodes: it pings every connection each 10 s and aborts
 * those whose ping takes over 5 s, which a shard's busy event loop does (at 1,000 nodes
 * on two cores, hundreds of aborts a minute), and every abort sends a node back through
 * its start (reservations, identify, DHT) while its DHT requests fail.
 */
export const SIMULATION_RELAY_OPTIONS = { connectionMonitor: { enabled: false } }

/** The relay's TCP address with /p2p/<peer id>. */
export function relayAddress(relay: RelayNode): string {
  const address = relay.multiaddrs().find((addr) => addr.includes('/tcp/') && !addr.includes('/ws'))
  if (address == null) throw new SimulationError('the relay has no TCP address')
  return address
}

/** `count` relays in this process, listening on `host`. */
export async function startRelaysHere(
  count: number,
  root: string,
  host: string,
): Promise<SimRelay[]> {
  const relays: SimRelay[] = []
  for (let i = 0; i < count; i++) {
    const relay = await createRelay(
      simulationRelayConfig({
        dataDir: join(root, `relay-${i}`),
        host,
        peers: relays.map((r) => r.address),
      }),
      SIMULATION_RELAY_OPTIONS,
    )
    relays.push({
      peerId: relay.peerId.toString(),
      address: relayAddress(relay),
      stop: () => relay.stop(),
    })
  }
  return relays
}

/** Where a relay process runs: its address, and how a command starts there. */
export type RelayPlace = Pick<LabHost, 'address' | 'spawn'>

/** `count` places on this machine (no namespace), listening on `address`. */
export function localPlaces(count: number, address: string): RelayPlace[] {
  const place: RelayPlace = {
    address,
    spawn: (argv) => spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'] }),
  }
  return Array.from({ length: count }, () => place)
}

/** One relay per place, each in a process of its own. */
export async function startRelayProcesses(places: RelayPlace[], root: string): Promise<SimRelay[]> {
  const relays: SimRelay[] = []
  for (const [i, host] of places.entries()) {
    const init: RelayProcessInit = {
      dataDir: join(root, `relay-${i}`),
      host: host.address,
      peers: relays.map((r) => r.address),
    }
    const child = host.spawn([
      process.execPath,
      ...ENTRY_FLAGS,
      entryPoint('relay-process'),
      JSON.stringify(init),
    ])
    relays.push(await relayStarted(child, i))
  }
  return relays
}

/** Waits for the relay process's first line, `{ peerId, address }`, or its failure. */
function relayStarted(child: ChildProcess, index: number): Promise<SimRelay> {
  let stderr = ''
  child.stderr?.on('data', (chunk) => {
    stderr = `${stderr}${chunk}`.slice(-2_000)
  })
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! })
    lines.once('line', (line) => {
      const { peerId, address } = JSON.parse(line) as { peerId: string; address: string }
      resolve({
        peerId,
        address,
        async stop() {
          if (child.exitCode == null && child.signalCode == null) child.kill('SIGTERM')
          await exited
        },
      })
    })
    child.once('exit', (code, signal) =>
      reject(
        new SimulationError(
          `relay ${index} exited (${signal ?? `code ${code}`}) before it listened: ${stderr.trim()}`,
        ),
      ),
    )
  })
}
