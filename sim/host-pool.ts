/**
 * The hosts of a simulation that live in one process (all of them, or one shard's), driven by
 * index: what any libp2p host in a simulation answers (addresses, connections, partitions,
 * stopping), whichever kind of node runs on it: a full TokenIM node (node-pool.ts) or a bare
 * libp2p host, the scale run's baseline (bare-pool.ts). The coordinator reaches a pool
 * directly or, for a shard, through its child process; both sides speak `NodeOperations`.
 */
import type { Libp2p } from '@libp2p/interface'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import type { DirectMessagesInit } from '../node/messaging/index.ts'
import type { RoomServiceInit } from '../node/rooms/index.ts'
import { SimulationError } from './errors.ts'
import type { LinkFaults } from './link-faults.ts'
import type { SimTransport } from './sim-node.ts'
import { waitFor } from './wait.ts'

/** What the coordinator needs to know of a node without reaching into its process. */
export interface NodeIdentity {
  index: number
  peerId: string
  publicKeyHex: string
}

/** A ledger-relevant event of one node, with the time it happened there. */
export type NodeEvent =
  | { kind: 'message:received'; index: number; id: string; at: number }
  | { kind: 'message:state'; index: number; id: string; state: string }
  | { kind: 'room:message'; index: number; id: string; at: number }

/** Open connections between nodes, by path. */
export interface NodeLinks {
  direct: number
  relayed: number
}

/** Operations on nodes by index; the same for an in-process pool and a shard's proxy. */
export interface NodeOperations {
  /** Starts node `index` and resolves once it is ready (relays, DHT server, prekeys). */
  start(index: number): Promise<void>
  /** Abrupt stop: connections aborted, then the node stops. */
  kill(index: number): Promise<void>
  directAddresses(index: number): Promise<string[]>
  /** Puts `addresses` of `peerId` in node `index`'s peer store. */
  learnAddresses(index: number, peerId: string, addresses: string[]): Promise<void>
  /** Peer ids of node `index`'s open connections. */
  connectedPeers(index: number): Promise<string[]>
  /** Node `index`'s open links to other nodes (relays left out), direct or through a relay. */
  nodeLinks(index: number): Promise<NodeLinks>
  /** Peers (by peer id) on each side; links across are refused and open ones closed. */
  partition(sides: string[][]): Promise<void>
  heal(): Promise<void>
  sendDirect(index: number, toPublicKeyHex: string, text: string): Promise<string>
  register(index: number, name: string): Promise<void>
  createRoom(index: number, name: string): Promise<string>
  joinRoom(index: number, roomId: string, viaPeerId: string): Promise<void>
  /** Public keys (hex) of the room's members as node `index` sees them. */
  roomMemberKeys(index: number, roomId: string): Promise<string[]>
  /** Resolves once node `index` sees exactly `keys` as the room's members. */
  waitForRoomMemberKeys(
    index: number,
    roomId: string,
    keys: string[],
    timeoutMs: number,
  ): Promise<void>
  sendRoom(index: number, roomId: string, text: string): Promise<string>
  /** Stops every node of the pool. */
  stopAll(): Promise<void>
}

/**
 * What runs on each host: a full TokenIM node, or a bare libp2p host with the same stack and
 * none of TokenIM's services (the scale run's baseline).
 */
export type HostKind = 'tokenim' | 'bare'

export interface NodePoolInit {
  /** @default 'tokenim' */
  hosts?: HostKind
  /** Global indexes of the nodes this pool holds. */
  indexes: number[]
  /** Folder under which each node gets `node-<index>`. */
  root: string
  /** Relay addresses with /p2p/<peer id>. */
  relays: string[]
  transport: SimTransport
  /** The IPv4 address TCP nodes listen on (loopback unless shards span machines). */
  listenHost: string
  runId: string
  messaging: DirectMessagesInit
  rooms: RoomServiceInit
  gossipHeartbeatMs: number
  readyTimeoutMs: number
  /** The partition table and link shape the nodes consult; a shard makes its own. */
  faults: LinkFaults
}

/** One host of a pool, as the pool drives it. */
export interface PooledHost extends NodeIdentity {
  readonly running: boolean
  /** Starts since creation. */
  readonly starts: number
  /** The running libp2p host. */
  readonly host: Libp2p
  /** The host's own dialable addresses (no circuits). */
  directAddresses(): string[]
  start(): Promise<void>
  kill(): Promise<void>
  stop(): Promise<void>
}

/** The operations every kind of host answers the same way; the rest is the kind's own. */
export abstract class HostPool<T extends PooledHost> {
  readonly faults: LinkFaults
  protected readonly nodes = new Map<number, T>()
  protected readonly relayPeerIds: string[]
  protected readonly readyTimeoutMs: number

  constructor(init: NodePoolInit) {
    this.faults = init.faults
    this.readyTimeoutMs = init.readyTimeoutMs
    this.relayPeerIds = init.relays.map((address) => address.replace(/^.*\/p2p\//, ''))
  }

  /** The pool's nodes, in index order. */
  simNodes(): T[] {
    return [...this.nodes.values()]
  }

  identities(): NodeIdentity[] {
    return this.simNodes().map(({ index, peerId, publicKeyHex }) => ({
      index,
      peerId,
      publicKeyHex,
    }))
  }

  simNode(index: number): T {
    const node = this.nodes.get(index)
    if (node == null) throw new SimulationError(`no node ${index} in this process`)
    return node
  }

  /** Relays node `index` may reach (those no partition cuts it from). */
  protected reachableRelays(node: T): string[] {
    return this.relayPeerIds.filter((relay) => !this.faults.blocked(node.peerId, relay))
  }

  /**
   * Resolves once `node` has a DHT server in its routing table. DHT queries start from that
   * table, which lists a relay only once identify has told the node it is a DHT server: a
   * moment after the connection.
   */
  protected async dhtServerKnown(node: T, reachable: string[]): Promise<void> {
    const table = routingTableOf(node.host)
    await waitFor(
      table,
      'peer:add',
      () => table.size >= Math.min(reachable.length, 1),
      `node ${node.index} has a DHT server in its routing table`,
      this.readyTimeoutMs,
    )
  }

  async kill(index: number): Promise<void> {
    await this.simNode(index).kill()
  }

  async directAddresses(index: number): Promise<string[]> {
    return this.simNode(index).directAddresses()
  }

  async learnAddresses(index: number, peerId: string, addresses: string[]): Promise<void> {
    const node = this.simNode(index)
    if (!node.running) return
    await node.host.peerStore.merge(peerIdFromString(peerId), {
      multiaddrs: addresses.map((addr) => multiaddr(addr.replace(/\/p2p\/[^/]+$/, ''))),
    })
  }

  async connectedPeers(index: number): Promise<string[]> {
    const node = this.simNode(index)
    if (!node.running) return []
    return node.host.getConnections().map((connection) => connection.remotePeer.toString())
  }

  async nodeLinks(index: number): Promise<NodeLinks> {
    const links = { direct: 0, relayed: 0 }
    const node = this.simNode(index)
    if (!node.running) return links
    for (const connection of node.host.getConnections()) {
      if (this.relayPeerIds.includes(connection.remotePeer.toString())) continue
      if (connection.remoteAddr.toString().includes('/p2p-circuit')) links.relayed++
      else links.direct++
    }
    return links
  }

  async partition(sides: string[][]): Promise<void> {
    this.faults.partition(sides)
    const closing: Array<Promise<void>> = []
    for (const node of this.nodes.values()) {
      if (!node.running) continue
      for (const connection of node.host.getConnections()) {
        if (this.faults.blocked(node.peerId, connection.remotePeer.toString())) {
          closing.push(connection.close().catch(() => connection.abort(new Error('partitioned'))))
        }
      }
    }
    await Promise.all(closing)
  }

  async heal(): Promise<void> {
    this.faults.heal()
  }

  async stopAll(): Promise<void> {
    this.faults.setShape({ latencyMs: 0, jitterMs: 0, loss: 0 })
    await inBatches(this.simNodes(), 16, (node) => node.stop().catch(() => undefined))
  }
}

interface RoutingTable extends EventTarget {
  size: number
}

/** kad-dht's routing table of `host` (service `dht`), which announces each peer it adds. */
function routingTableOf(host: Libp2p): RoutingTable {
  const services = host.services as { dht: unknown }
  return (services.dht as { routingTable: RoutingTable }).routingTable
}

/**
 * Runs `task` on every item, `size` at a time. After a failure no new item starts; the
 * first error is thrown once the tasks under way have settled, so that nothing is still
 * starting while the caller cleans up.
 */
export async function inBatches<T>(items: T[], size: number, task: (item: T) => Promise<void>) {
  const queue = [...items]
  let failure: { error: unknown } | undefined
  const workers = Array.from({ length: Math.min(size, queue.length) }, async () => {
    for (let item = queue.shift(); item != null && failure == null; item = queue.shift()) {
      try {
        await task(item)
      } catch (error) {
        failure ??= { error }
      }
    }
  })
  await Promise.all(workers)
  if (failure != null) throw failure.error
}

export function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
