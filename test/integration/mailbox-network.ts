/**
 * A DHT network of real libp2p hosts (network/host.ts) on loopback TCP, each with its own
 * LevelDB in a temp dir, for the mailbox and prekey tests and benchmark. Readiness is
 * waited on through the routing tables' `peer:add` events, never with sleeps.
 */
import { join } from 'node:path'
import PQueue from 'p-queue'
import { createHost, type Host, type HostInit } from '../../network/host.ts'
import { generateIdentity, type Identity, toLibp2pPrivateKey } from '../../node/identity/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

export interface DhtPeer {
  identity: Identity
  host: Host
  storage: Storage
  /** Stops the host and closes the database (idempotent); the folder stays until `remove`. */
  stop(): Promise<void>
  remove(): Promise<void>
}

/** Many hosts on 127.0.0.1 would trip the per-host inbound limits meant for the internet. */
const SIMULATION_LIMITS = {
  maxConnections: 1000,
  inboundConnectionThreshold: 100_000,
  maxIncomingPendingConnections: 1000,
}

export interface DhtPeerOptions {
  /** Extra DHT namespaces (the benchmark's raw baseline). */
  dhtValidators?: HostInit['dhtValidators']
  dhtSelectors?: HostInit['dhtSelectors']
}

export async function startDhtPeer(
  options: DhtPeerOptions & { dhtServer: boolean; identity?: Identity },
): Promise<DhtPeer> {
  const identity = options.identity ?? generateIdentity()
  const dir = await makeTempDir('tokenim-dht-')
  const storage = await openStorage(join(dir.path, 'db'))
  const host = await createHost({
    privateKey: toLibp2pPrivateKey(identity),
    datastore: storage.datastore,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    dhtServer: options.dhtServer,
    allowPrivateAddresses: true,
    connectionLimits: SIMULATION_LIMITS,
    dhtValidators: options.dhtValidators,
    dhtSelectors: options.dhtSelectors,
    // Its pings time out when many nodes share one event loop, and it then closes the link.
    connectionMonitor: { enabled: false },
  })
  await host.start()
  let stopping: Promise<void> | undefined
  const stop = () => {
    stopping ??= (async () => {
      await host.stop()
      await storage.close()
    })()
    return stopping
  }
  return {
    identity,
    host,
    storage,
    stop,
    remove: async () => {
      await stop()
      await dir.remove()
    },
  }
}

interface RoutingTable extends EventTarget {
  size: number
}

export function routingTableOf(host: Host): RoutingTable {
  return (host.services.dht as unknown as { routingTable: RoutingTable }).routingTable
}

/** Resolves once `host`'s routing table holds at least `size` peers. */
export function routingTableFilled(host: Host, size: number, timeoutMs = 20_000): Promise<void> {
  const table = routingTableOf(host)
  if (table.size >= size) return Promise.resolve()
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      table.removeEventListener('peer:add', onAdd)
      reject(new Error(`routing table has ${table.size} peers, not ${size}, after ${timeoutMs} ms`))
    }, timeoutMs)
    const onAdd = () => {
      if (table.size < size) return
      clearTimeout(timer)
      table.removeEventListener('peer:add', onAdd)
      resolve()
    }
    table.addEventListener('peer:add', onAdd)
  })
}

/**
 * Dials from each peer to `degree` others (each server to its ring successors, each client
 * to the first servers), then waits until every routing table holds the servers it dialled
 * or was dialled by.
 */
export async function connectPeers(
  servers: DhtPeer[],
  clients: DhtPeer[] = [],
  degree = servers.length,
): Promise<void> {
  const links = new Map<DhtPeer, Set<DhtPeer>>()
  const link = (a: DhtPeer, b: DhtPeer) => {
    if (!links.has(a)) links.set(a, new Set())
    links.get(a)!.add(b)
  }
  // Dozens of handshakes at once in one process can outlast the upgrade timeout: a few at a time.
  const queue = new PQueue({ concurrency: 16 })
  const dials: Array<Promise<unknown>> = []
  const dial = (from: DhtPeer, to: DhtPeer) => dials.push(queue.add(() => dialWithRetry(from, to)))
  servers.forEach((server, i) => {
    for (let step = 1; step <= Math.min(degree, servers.length - 1); step++) {
      const other = servers[(i + step) % servers.length]
      if (links.get(server)?.has(other) || links.get(other)?.has(server)) continue
      link(server, other)
      link(other, server)
      dial(server, other)
    }
  })
  for (const client of clients) {
    for (const server of servers.slice(0, Math.min(degree, servers.length))) {
      link(client, server)
      dial(client, server)
    }
  }
  await Promise.all(dials)
  // Routing tables list the servers each peer is connected to (clients are never listed).
  // Under load kad-dht drops some new contacts whose verification ping timed out, so wait
  // for most of them: lookups find the rest.
  await Promise.all(
    [...links].map(([peer, others]) => {
      const linkedServers = [...others].filter((other) => servers.includes(other)).length
      return routingTableFilled(peer.host, Math.max(1, Math.ceil(linkedServers * 0.6)))
    }),
  )
}

async function dialWithRetry(from: DhtPeer, to: DhtPeer, attempts = 3): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await from.host.dial(to.host.getMultiaddrs()[0])
      return
    } catch (err) {
      if (attempt >= attempts) throw err
    }
  }
}

export async function startDhtNetwork(
  serverCount: number,
  clientCount = 0,
  options: DhtPeerOptions & { degree?: number } = {},
): Promise<{ servers: DhtPeer[]; clients: DhtPeer[]; removeAll(): Promise<void> }> {
  const { degree, ...peerOptions } = options
  const servers = await Promise.all(
    Array.from({ length: serverCount }, () => startDhtPeer({ ...peerOptions, dhtServer: true })),
  )
  const clients = await Promise.all(
    Array.from({ length: clientCount }, () => startDhtPeer({ ...peerOptions, dhtServer: false })),
  )
  const removeAll = async () => {
    await Promise.all([...servers, ...clients].map((peer) => peer.remove()))
  }
  try {
    await connectPeers(servers, clients, degree)
  } catch (err) {
    await removeAll()
    throw err
  }
  return { servers, clients, removeAll }
}
