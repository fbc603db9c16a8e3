/**
 * The simulated nodes that live in one process (all of them, or one shard's), driven by node
 * index: start until ready, kill, addresses, partitions, 1:1 and room traffic. The
 * coordinator reaches a pool directly or, for a shard, through its child process; both sides
 * speak `NodeOperations`.
 */
import { join } from 'node:path'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { generateIdentity } from '../node/identity/index.ts'
import type { DirectMessagesInit } from '../node/messaging/index.ts'
import type { RoomServiceInit } from '../node/rooms/index.ts'
import { SimulationError } from './errors.ts'
import type { LinkFaults } from './link-faults.ts'
import { SimNode, type SimTransport } from './sim-node.ts'
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

/** Operations on nodes by index; the same for an in-process pool and a shard's proxy. */
/** Open connections between nodes, by path. */
export interface NodeLinks {
  direct: number
  relayed: number
}

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

export interface NodePoolInit {
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

export class NodePool implements NodeOperations {
  readonly faults: LinkFaults
  private readonly nodes = new Map<number, SimNode>()
  private readonly relayPeerIds: string[]
  private readonly readyTimeoutMs: number

  constructor(init: NodePoolInit, onEvent: (event: NodeEvent) => void) {
    this.faults = init.faults
    this.readyTimeoutMs = init.readyTimeoutMs
    this.relayPeerIds = init.relays.map((address) => address.replace(/^.*\/p2p\//, ''))
    for (const index of init.indexes) {
      const node = new SimNode({
        index,
        identity: generateIdentity(),
        dataDir: join(init.root, `node-${index}`),
        relays: init.relays,
        transport: init.transport,
        listenHost: init.listenHost,
        runId: init.runId,
        faults: this.faults,
        messaging: init.messaging,
        rooms: init.rooms,
        gossipHeartbeatMs: init.gossipHeartbeatMs,
      })
      forwardEvents(node, onEvent)
      this.nodes.set(index, node)
    }
  }

  /** The pool's nodes, in index order. */
  simNodes(): SimNode[] {
    return [...this.nodes.values()]
  }

  identities(): NodeIdentity[] {
    return this.simNodes().map(({ index, peerId, publicKeyHex }) => ({
      index,
      peerId,
      publicKeyHex,
    }))
  }

  simNode(index: number): SimNode {
    const node = this.nodes.get(index)
    if (node == null) throw new SimulationError(`no node ${index} in this process`)
    return node
  }

  async start(index: number): Promise<void> {
    const node = this.simNode(index)
    await node.start()
    const timeoutMs = this.readyTimeoutMs
    const bootstrap = node.node.host.services.relayBootstrap
    const reachable = this.relayPeerIds.filter((relay) => !this.faults.blocked(node.peerId, relay))
    await waitFor(
      bootstrap,
      'relay:connected',
      () =>
        reachable.every((relay) =>
          node.node.status().relays.some((link) => link.peerId === relay && link.connected),
        ),
      `node ${node.index} connected to its relays`,
      timeoutMs,
    )
    // DHT queries start from the routing table, which lists a relay only once identify has
    // told the node it is a DHT server: a moment after the connection.
    const table = routingTableOf(node)
    await waitFor(
      table,
      'peer:add',
      () => table.size >= Math.min(reachable.length, 1),
      `node ${node.index} has a DHT server in its routing table`,
      timeoutMs,
    )
    // A node cut off from every relay has nowhere to publish; it still comes up.
    if (reachable.length > 0) await prekeysConfirmed(node, timeoutMs)
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
    await node.node.host.peerStore.merge(peerIdFromString(peerId), {
      multiaddrs: addresses.map((addr) => multiaddr(addr.replace(/\/p2p\/[^/]+$/, ''))),
    })
  }

  async connectedPeers(index: number): Promise<string[]> {
    const node = this.simNode(index)
    if (!node.running) return []
    return node.node.host.getConnections().map((connection) => connection.remotePeer.toString())
  }

  async nodeLinks(index: number): Promise<NodeLinks> {
    const links = { direct: 0, relayed: 0 }
    const node = this.simNode(index)
    if (!node.running) return links
    for (const connection of node.node.host.getConnections()) {
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
      for (const connection of node.node.host.getConnections()) {
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

  async sendDirect(index: number, toPublicKeyHex: string, text: string): Promise<string> {
    const { id } = await this.simNode(index).node.messages.send(toPublicKeyHex, text)
    return id
  }

  async register(index: number, name: string): Promise<void> {
    await this.simNode(index).node.directory.register(name)
  }

  async createRoom(index: number, name: string): Promise<string> {
    const { roomId } = await this.simNode(index).rooms.create(name)
    return roomId
  }

  async joinRoom(index: number, roomId: string, viaPeerId: string): Promise<void> {
    await this.simNode(index).rooms.join(roomId, { via: [viaPeerId] })
  }

  async roomMemberKeys(index: number, roomId: string): Promise<string[]> {
    return this.simNode(index)
      .rooms.members(roomId)
      .members.map((m) => m.publicKey)
  }

  async waitForRoomMemberKeys(
    index: number,
    roomId: string,
    keys: string[],
    timeoutMs: number,
  ): Promise<void> {
    const node = this.simNode(index)
    const expected = [...keys].sort().join(',')
    const sees = () =>
      node.running &&
      node.rooms
        .members(roomId)
        .members.map((m) => m.publicKey)
        .sort()
        .join(',') === expected
    await waitFor(
      node,
      'room:members',
      sees,
      `node ${index} sees the room's ${keys.length} members`,
      timeoutMs,
    )
  }

  async sendRoom(index: number, roomId: string, text: string): Promise<string> {
    const view = await this.simNode(index).rooms.send(roomId, text)
    return view.id
  }

  async stopAll(): Promise<void> {
    this.faults.setShape({ latencyMs: 0, jitterMs: 0, loss: 0 })
    await inBatches(this.simNodes(), 16, (node) => node.stop().catch(() => undefined))
  }
}

function forwardEvents(node: SimNode, onEvent: (event: NodeEvent) => void): void {
  const index = node.index
  node.addEventListener('message:received', (evt) => {
    const { id } = (evt as CustomEvent<{ id: string }>).detail
    onEvent({ kind: 'message:received', index, id, at: Date.now() })
  })
  node.addEventListener('message:state', (evt) => {
    const { id, state } = (evt as CustomEvent<{ id: string; state: string }>).detail
    onEvent({ kind: 'message:state', index, id, state })
  })
  node.addEventListener('room:message', (evt) => {
    const { id, mine } = (evt as CustomEvent<{ id: string; mine: boolean }>).detail
    if (!mine) onEvent({ kind: 'room:message', index, id, at: Date.now() })
  })
}

interface RoutingTable extends EventTarget {
  size: number
}

function routingTableOf(node: SimNode): RoutingTable {
  return (node.node.host.services.dht as unknown as { routingTable: RoutingTable }).routingTable
}

/**
 * TokenimNode publishes its prekey bundle again once it identifies a DHT server, and keeps
 * trying while nobody takes it; a node counts as ready once a DHT peer confirmed it, since
 * without that nobody could start a session with it.
 */
async function prekeysConfirmed(node: SimNode, timeoutMs: number): Promise<void> {
  const prekeys = node.node.prekeyService
  await waitFor(
    prekeys,
    'prekeys:published',
    () => prekeys.bundleConfirmed,
    `node ${node.index} had its prekey bundle confirmed by a DHT server`,
    timeoutMs,
  )
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
