/**
 * One simulated user: a real TokenimNode (host, directory, relay bootstrap, prekeys, mailbox,
 * 1:1 messaging, rooms, friends) in a temp data dir, started, killed and restarted on the
 * same identity, data dir and listen address.
 */
import type { Connection, Libp2p } from '@libp2p/interface'
import { memory } from '@libp2p/memory'
import { tcp } from '@libp2p/tcp'
import type { Identity } from '../node/identity/index.ts'
import { peerIdOf } from '../node/identity/index.ts'
import type { DirectMessagesInit } from '../node/messaging/index.ts'
import { createNodeLogger, type NodeLogger } from '../node/node-log.ts'
import type { RoomService, RoomServiceInit } from '../node/rooms/index.ts'
import { TokenimNode } from '../node/tokenim-node.ts'
import type { MessageStateChange, MessageView, RoomMessageView } from '../protocol/local-api.ts'
import type { LinkFaults } from './link-faults.ts'

export type SimTransport = 'tcp' | 'memory'

/** Loopback puts every peer on one address: the per-host inbound limits would refuse them. */
export const SIMULATION_CONNECTION_LIMITS = {
  maxConnections: 2_000,
  inboundConnectionThreshold: 1_000_000,
  maxIncomingPendingConnections: 1_000,
}

/** How every host of a simulation, TokenIM node or bare, reaches the others. */
export function simulationHostOptions(init: {
  peerId: string
  transport: SimTransport
  faults: LinkFaults
  gossipHeartbeatMs: number
}) {
  return {
    // Relays listen on TCP; nodes reach each other in memory when asked to.
    transports:
      init.transport === 'memory' ? [init.faults.shapeTransport(memory()), tcp()] : [tcp()],
    connectionGater: init.faults.gaterFor(init.peerId),
    gossipOptions: { heartbeatInterval: init.gossipHeartbeatMs },
    // Hundreds of nodes share one event loop: a late ping is load, not a dead peer.
    connectionMonitor: { enabled: false },
  }
}

/** The listen address of simulated node `index`: in memory, or TCP on `listenHost`. */
export function simulationListen(
  init: Pick<SimNodeInit, 'index' | 'transport' | 'listenHost' | 'runId'>,
): string {
  return init.transport === 'memory'
    ? `/memory/${init.runId}-node-${init.index}`
    : `/ip4/${init.listenHost}/tcp/0`
}

export interface SimNodeInit {
  index: number
  identity: Identity
  dataDir: string
  relays: string[]
  transport: SimTransport
  /** The IPv4 address to listen on with TCP. */
  listenHost: string
  /** Prefix of memory listen addresses, unique per simulation. */
  runId: string
  faults: LinkFaults
  messaging: DirectMessagesInit
  rooms: RoomServiceInit
  gossipHeartbeatMs: number
}

export interface SimNodeEvents {
  'message:received': CustomEvent<MessageView>
  'message:state': CustomEvent<MessageStateChange>
  'room:message': CustomEvent<RoomMessageView>
  'room:members': CustomEvent<unknown>
}

/**
 * With DEBUG set (DEBUG=tokenim:prekeys, …), the components it names log as text lines on
 * stderr, each with `node=<index>`, so that one node's story can be followed among hundreds.
 * `SIM_DEBUG_NODES=60-99,216` keeps DEBUG to those nodes (DEBUG=libp2p:kad-dht* for all of
 * 1,000 would drown the machine): the others get a logger that writes nothing. Without
 * DEBUG, nodes log nowhere.
 */
let debugLog: NodeLogger | undefined
let silentLog: NodeLogger | undefined
let debugNodes: Set<number> | undefined
function nodeLogger(index: number): NodeLogger | undefined {
  if ((process.env.DEBUG ?? '') === '') return undefined
  debugNodes ??= nodeList(process.env.SIM_DEBUG_NODES ?? '')
  if (debugNodes.size > 0 && !debugNodes.has(index)) {
    if (silentLog == null) {
      const silent = createNodeLogger({ level: 'silent' })
      // The components DEBUG names ask for a child at debug: it stays silent.
      silent.child = (() => silent) as unknown as NodeLogger['child']
      silentLog = silent
    }
    return silentLog
  }
  debugLog ??= createNodeLogger({ level: 'warn', format: 'text' })
  return debugLog.child({ node: index })
}

/** `60-99,216` as node indexes. */
export function nodeList(text: string): Set<number> {
  const nodes = new Set<number>()
  for (const part of text.split(',')) {
    const [from, to = from] = part.split('-').map((n) => Number(n.trim()))
    if (part.trim() === '' || !Number.isInteger(from) || !Number.isInteger(to)) continue
    for (let i = from; i <= to; i++) nodes.add(i)
  }
  return nodes
}

export class SimNode extends EventTarget {
  readonly index: number
  readonly identity: Identity
  readonly peerId: string
  readonly publicKeyHex: string
  readonly dataDir: string
  private readonly init: SimNodeInit
  private current?: TokenimNode
  private listen: string
  /** Starts since creation: 1 after the first start, 2 after a restart... */
  starts = 0

  constructor(init: SimNodeInit) {
    super()
    this.init = init
    this.index = init.index
    this.identity = init.identity
    this.peerId = peerIdOf(init.identity).toString()
    this.publicKeyHex = Buffer.from(init.identity.publicKey).toString('hex')
    this.dataDir = init.dataDir
    this.listen = simulationListen(init)
  }

  get running(): boolean {
    return this.current != null
  }

  /** The running TokenimNode. */
  get node(): TokenimNode {
    if (this.current == null) throw new Error(`node ${this.index} is not running`)
    return this.current
  }

  /** The running node's libp2p host. */
  get host(): TokenimNode['host'] {
    return this.node.host
  }

  get rooms(): RoomService {
    return this.node.rooms
  }

  async start(): Promise<void> {
    if (this.current != null) return
    const { transport } = this.init
    const logger = nodeLogger(this.index)
    // The peer id ties this node's lines to a relay's log, which names peers.
    logger?.warn({ peer: this.peerId }, 'simulated node starting')
    const node = new TokenimNode({
      dataDir: this.dataDir,
      identity: this.identity,
      listen: [this.listen],
      apiPort: false,
      allowPrivateAddresses: true,
      connectionLimits: SIMULATION_CONNECTION_LIMITS,
      relays: this.init.relays,
      relayRedial: { initialDelayMs: 200, maxDelayMs: 2_000 },
      logger,
      messaging: this.init.messaging,
      rooms: this.init.rooms,
      hostOptions: simulationHostOptions({ ...this.init, peerId: this.peerId }),
    })
    node.addEventListener('message:received', (evt) => this.forward('message:received', evt))
    node.addEventListener('message:state', (evt) => this.forward('message:state', evt))
    node.addEventListener('room:message', (evt) => this.forward('room:message', evt))
    node.addEventListener('room:members', (evt) => this.forward('room:members', evt))
    await node.start()
    this.current = node
    this.starts++
    // A restart listens where the node listened before, as a real node keeps its port.
    const tcpAddress = node.host
      .getMultiaddrs()
      .map((ma) => ma.toString())
      .find(
        (addr) =>
          addr.startsWith(`/ip4/${this.init.listenHost}/tcp/`) && !addr.includes('/p2p-circuit'),
      )
    if (transport === 'tcp' && tcpAddress != null)
      this.listen = tcpAddress.replace(/\/p2p\/.*$/, '')
  }

  /** The node's own dialable addresses (no circuits), for peers to put in their address book. */
  directAddresses(): string[] {
    return this.current == null ? [] : directAddressesOf(this.current.host)
  }

  /**
   * Abrupt stop: every connection is aborted first (peers see a reset, not a goodbye), then
   * the components stop. In one process nothing can die mid-write the way `kill -9` does;
   * LevelDB still closes cleanly.
   */
  async kill(): Promise<void> {
    const node = this.current
    if (node == null) return
    abortConnections(node.host)
    await this.stop()
  }

  async stop(): Promise<void> {
    const node = this.current
    if (node == null) return
    this.current = undefined
    await node.stop()
  }

  private forward(type: keyof SimNodeEvents, evt: Event): void {
    const detail = (evt as CustomEvent<{ data: unknown }>).detail.data
    this.dispatchEvent(new CustomEvent(type, { detail }))
  }
}

/** `host`'s own dialable addresses: no circuits. */
export function directAddressesOf(host: Libp2p): string[] {
  return host
    .getMultiaddrs()
    .map((ma) => ma.toString())
    .filter((addr) => !addr.includes('/p2p-circuit'))
}

/** A simulated crash: every connection aborted, so that peers see a reset, not a goodbye. */
export function abortConnections(host: Libp2p): void {
  for (const connection of host.getConnections() as Connection[]) {
    connection.abort(new Error('simulated crash'))
  }
}
