/**
 * A whole TokenIM network in one process: R relays on loopback TCP and N TokenIM nodes
 * (loopback TCP or the in-memory transport), each in its own temp data dir, with faults on
 * demand and a ledger of every message sent and received.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { multiaddr } from '@multiformats/multiaddr'
import { generateIdentity } from '../node/identity/index.ts'
import type { DirectMessagesInit } from '../node/messaging/index.ts'
import type { RoomServiceInit } from '../node/rooms/index.ts'
import type { TokenimNode } from '../node/tokenim-node.ts'
import { createRelay, parseRelayConfig, type RelayNode } from '../relay/index.ts'
import { DeliveryLedger } from './delivery-ledger.ts'
import { SimulationError } from './errors.ts'
import { LinkFaults, type LinkShape } from './link-faults.ts'
import { seededRandom } from './random.ts'
import { SIMULATION_CONNECTION_LIMITS, SimNode, type SimTransport } from './sim-node.ts'
import { waitFor } from './wait.ts'

export interface SimulationInit {
  /** @default 1 */
  relays?: number
  nodes: number
  /** How nodes reach each other; relays always listen on loopback TCP. @default 'memory' */
  transport?: SimTransport
  /** Messaging settings, over the simulation's defaults (`SIMULATION_MESSAGING`). */
  messaging?: DirectMessagesInit
  /** Room settings, over `SIMULATION_ROOMS`. */
  roomOptions?: RoomServiceInit
  /** @default 500 */
  gossipHeartbeatMs?: number
  /** Seed of the random choices (churn victims, loss). @default 1 */
  seed?: number
  /** Nodes started at once. @default 8 */
  startConcurrency?: number
  /** Longest wait for one node to reach its relays. @default 30000 */
  readyTimeoutMs?: number
  /** Keep the data dirs after `stop()` (to look at them). @default false */
  keepDataDirs?: boolean
}

/**
 * Simulation defaults: unsynced writes (a simulated crash cannot lose the page cache, and
 * fsync per message would measure the disk, not the network), and short timers so that
 * retries and mailbox collection happen within a run.
 */
export const SIMULATION_MESSAGING: DirectMessagesInit = {
  syncWrites: false,
  ackTimeoutMs: 3_000,
  collectIntervalMs: 15_000,
  retryIntervalMs: 2_000,
  dialTimeoutMs: 5_000,
}

export const SIMULATION_ROOMS: RoomServiceInit = {
  syncIntervalMs: 2_000,
  keyRetryIntervalMs: 1_000,
  requestTimeoutMs: 5_000,
  minSyncGapMs: 500,
}

/** A participant of a fault: a node index, or `r<i>` for relay i. */
export type Participant = number | `r${number}`

export interface TimelineEntry {
  /** ms since the simulation started. */
  at: number
  kind: 'kill' | 'restart' | 'partition' | 'heal' | 'latency' | 'loss' | 'note'
  detail: string
}

export class Simulation {
  readonly relays: RelayNode[] = []
  readonly nodes: SimNode[] = []
  readonly ledger = new DeliveryLedger()
  readonly faults: LinkFaults
  readonly timeline: TimelineEntry[] = []
  readonly random: () => number
  readonly startedAt = Date.now()
  readonly transport: SimTransport
  readonly messaging: DirectMessagesInit
  private readonly init: SimulationInit
  private readonly runId = randomBytes(4).toString('hex')
  private root = ''
  /** `${a}-${b}` of node pairs whose addresses were exchanged. */
  private readonly friends = new Set<string>()
  private stopped = false

  constructor(init: SimulationInit) {
    if (!Number.isInteger(init.nodes) || init.nodes < 1) {
      throw new SimulationError(`nodes must be a positive integer, got ${init.nodes}`)
    }
    this.init = init
    this.transport = init.transport ?? 'memory'
    this.random = seededRandom(init.seed ?? 1)
    this.faults = new LinkFaults(this.random)
    this.messaging = { ...SIMULATION_MESSAGING, ...init.messaging }
  }

  /** ms since the simulation was created. */
  now(): number {
    return Date.now() - this.startedAt
  }

  async start(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), 'tokenim-sim-'))
    for (let i = 0; i < (this.init.relays ?? 1); i++) {
      const peers = this.relays.map((relay) => relayAddress(relay))
      const relay = await createRelay(
        parseRelayConfig({
          dataDir: join(this.root, `relay-${i}`),
          listen: ['/ip4/127.0.0.1/tcp/0'],
          allowPrivateAddresses: true,
          peers,
          limits: SIMULATION_CONNECTION_LIMITS,
          circuitRelay: { maxReservations: 100_000 },
          metrics: { enabled: false },
          health: { enabled: false },
          log: { level: 'silent' },
          directory: {
            rateLimits: { registrationsPerPeerPerHour: 1_000, lookupsPerPeerPerMinute: 100_000 },
          },
        }),
      )
      this.relays.push(relay)
    }
    const relays = this.relays.map((relay) => relayAddress(relay))
    for (let i = 0; i < this.init.nodes; i++) {
      this.nodes.push(
        new SimNode({
          index: i,
          identity: generateIdentity(),
          dataDir: join(this.root, `node-${i}`),
          relays,
          transport: this.transport,
          runId: this.runId,
          faults: this.faults,
          messaging: this.messaging,
          rooms: { ...SIMULATION_ROOMS, ...this.init.roomOptions },
          gossipHeartbeatMs: this.init.gossipHeartbeatMs ?? 500,
        }),
      )
    }
    for (const node of this.nodes) this.track(node)
    await inBatches(this.nodes, this.init.startConcurrency ?? 8, (node) => this.bringUp(node))
  }

  /** The running TokenimNode of node `i`. */
  node(i: number): TokenimNode {
    return this.simNode(i).node
  }

  simNode(i: number): SimNode {
    const node = this.nodes[i]
    if (node == null)
      throw new SimulationError(`no node ${i}: the simulation has ${this.nodes.length}`)
    return node
  }

  /** Abrupt stop of node `i` (connections aborted, then its components stopped). */
  async kill(i: number): Promise<void> {
    const node = this.simNode(i)
    if (!node.running) return
    this.mark('kill', `node ${i}`)
    await node.kill()
  }

  /** Starts node `i` again on the same identity and data dir (kills it first if running). */
  async restart(i: number): Promise<void> {
    const node = this.simNode(i)
    if (node.running) await node.kill()
    this.mark('restart', `node ${i}`)
    await this.bringUp(node)
  }

  /**
   * Cuts every link between the two groups (nodes by index, relays as `r<i>`), open
   * connections included, until `heal()`. Participants in neither group reach both sides.
   * Relays keep their links to each other: the gater lives in the nodes.
   */
  async partition(groupA: Participant[], groupB: Participant[]): Promise<void> {
    const a = groupA.map((p) => this.peerIdOf(p))
    const b = groupB.map((p) => this.peerIdOf(p))
    this.faults.partition([a, b])
    this.mark('partition', `${describeGroup(groupA)} | ${describeGroup(groupB)}`)
    const closing: Array<Promise<void>> = []
    for (const node of this.nodes) {
      if (!node.running) continue
      for (const connection of node.node.host.getConnections()) {
        if (this.faults.blocked(node.peerId, connection.remotePeer.toString())) {
          closing.push(connection.close().catch(() => connection.abort(new Error('partitioned'))))
        }
      }
    }
    await Promise.all(closing)
  }

  heal(): void {
    this.faults.heal()
    this.mark('heal', 'all links restored')
  }

  /** Latency on node-to-node links (memory transport only; TCP loopback cannot be shaped here). */
  setLatency(latencyMs: number, jitterMs = 0): void {
    this.requireShaping('latency')
    this.faults.setShape({ latencyMs, jitterMs })
    this.mark('latency', `${latencyMs} ms ± ${jitterMs} ms`)
  }

  /** Chunk loss, seen as retransmission delay (memory transport only). */
  setLoss(loss: number, retransmitMs?: number): void {
    this.requireShaping('loss')
    if (!(loss >= 0 && loss < 1)) throw new SimulationError(`loss must be in [0, 1), got ${loss}`)
    this.faults.setShape(retransmitMs == null ? { loss } : { loss, retransmitMs })
    this.mark('loss', `${loss * 100}%`)
  }

  linkShape(): LinkShape {
    return this.faults.currentShape()
  }

  /**
   * Churn: `count` running nodes picked at random (never those in `spare`) are killed, then
   * restarted after `downMs`. Resolves once all are back.
   */
  async churn(options: { count: number; downMs: number; spare?: number[] }): Promise<number[]> {
    const spare = new Set(options.spare ?? [])
    const candidates = this.nodes.filter((n) => n.running && !spare.has(n.index))
    const victims: number[] = []
    while (victims.length < options.count && candidates.length > 0) {
      const [picked] = candidates.splice(Math.floor(this.random() * candidates.length), 1)
      victims.push(picked.index)
    }
    await Promise.all(victims.map((i) => this.kill(i)))
    await delay(options.downMs)
    await Promise.all(victims.map((i) => this.restart(i)))
    return victims
  }

  /**
   * Exchanges the two nodes' addresses, as two people swapping contact cards would: each
   * can then dial the other directly. Messaging between strangers still works (the mailbox
   * inbox), only slower.
   */
  async befriend(a: number, b: number): Promise<void> {
    const key = a < b ? `${a}-${b}` : `${b}-${a}`
    const nodeA = this.simNode(a)
    const nodeB = this.simNode(b)
    if (nodeA.running && nodeB.running) await introduce(nodeA, nodeB)
    this.friends.add(key)
  }

  /** Registers `name` for node `i` on a relay's directory (first relay unless named). */
  async register(i: number, name: string): Promise<void> {
    await this.node(i).directory.register(name)
  }

  /**
   * Sends a 1:1 text from node `a` to node `b` and records it; returns the message id.
   * Befriends the pair first if it was not.
   */
  async sendDirect(a: number, b: number, text: string): Promise<string> {
    if (a === b) throw new SimulationError('a node cannot message itself')
    const key = a < b ? `${a}-${b}` : `${b}-${a}`
    if (!this.friends.has(key)) await this.befriend(a, b)
    const sentAt = Date.now()
    const { id } = await this.node(a).messages.send(this.simNode(b).publicKeyHex, text)
    this.ledger.recordDirectSend(id, a, b, sentAt)
    return id
  }

  /** Node `owner` creates an open room; returns its id. */
  async createRoom(owner: number, name: string): Promise<string> {
    const { roomId } = await this.simNode(owner).rooms.create(name)
    return roomId
  }

  /** Node `i` joins the room, through `via` (a member) whose address it learns first. */
  async joinRoom(i: number, roomId: string, via: number): Promise<void> {
    await introduce(this.simNode(i), this.simNode(via))
    await this.simNode(i).rooms.join(roomId, { via: [this.simNode(via).peerId] })
  }

  /** Members of the room as node indexes, as `i` sees them. */
  roomMembers(i: number, roomId: string): number[] {
    const keys = new Set(
      this.simNode(i)
        .rooms.members(roomId)
        .members.map((m) => m.publicKey),
    )
    return this.nodes.filter((n) => keys.has(n.publicKeyHex)).map((n) => n.index)
  }

  /** Resolves once each of `members` lists exactly `members` in the room (`room:members` events). */
  async waitForRoomMembers(roomId: string, members: number[], timeoutMs = 30_000): Promise<void> {
    const expected = [...members].sort((a, b) => a - b).join(',')
    const sees = (i: number) =>
      this.simNode(i).running &&
      this.roomMembers(i, roomId)
        .sort((a, b) => a - b)
        .join(',') === expected
    await Promise.all(
      members.map((i) =>
        waitFor(
          this.simNode(i),
          'room:members',
          () => sees(i),
          `node ${i} sees the room's ${members.length} members`,
          timeoutMs,
        ),
      ),
    )
  }

  /** Node `i` posts in the room; every other member at that moment should receive it. */
  async sendRoom(i: number, roomId: string, text: string): Promise<string> {
    const sentAt = Date.now()
    const expected = this.roomMembers(i, roomId).filter((member) => member !== i)
    const view = await this.simNode(i).rooms.send(roomId, text)
    this.ledger.recordRoomSend(view.id, roomId, i, sentAt, expected)
    return view.id
  }

  /** Resolves once every id is delivered (to all its recipients); rejects after the deadline. */
  waitForDelivery(ids: Iterable<string>, timeoutMs = 30_000): Promise<void> {
    return this.ledger.waitForDelivery(ids, timeoutMs)
  }

  /** Adds a line to the fault timeline (shown in reports). */
  mark(kind: TimelineEntry['kind'], detail: string): void {
    this.timeline.push({ at: this.now(), kind, detail })
  }

  /** Stops every node and relay and removes the data dirs. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    this.faults.setShape({ latencyMs: 0, jitterMs: 0, loss: 0 })
    await inBatches(this.nodes, 16, (node) => node.stop().catch(() => undefined))
    for (const relay of [...this.relays].reverse()) await relay.stop().catch(() => undefined)
    if (this.init.keepDataDirs !== true && this.root !== '') {
      await rm(this.root, { recursive: true, force: true })
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  private async bringUp(node: SimNode): Promise<void> {
    await node.start()
    const timeoutMs = this.init.readyTimeoutMs ?? 30_000
    const bootstrap = node.node.host.services.relayBootstrap
    const reachable = this.relays.filter(
      (r) => !this.faults.blocked(node.peerId, r.peerId.toString()),
    )
    await waitFor(
      bootstrap,
      'relay:connected',
      () =>
        reachable.every((relay) =>
          node.node
            .status()
            .relays.some((link) => link.peerId === relay.peerId.toString() && link.connected),
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
    if (reachable.length > 0) await publishPrekeys(node, Date.now() + timeoutMs)
    // Friends learn the new node's addresses again (a TCP restart may change nothing, but
    // the peer store of a restarted node starts from its own datastore).
    for (const key of this.friends) {
      const [a, b] = key.split('-').map(Number)
      if (a !== node.index && b !== node.index) continue
      const other = this.nodes[a === node.index ? b : a]
      if (other.running) await introduce(node, other)
    }
  }

  private track(node: SimNode): void {
    node.addEventListener('message:received', (evt) => {
      const view = (evt as CustomEvent<{ id: string }>).detail
      this.ledger.recordDirectReceipt(view.id, node.index, Date.now())
    })
    node.addEventListener('message:state', (evt) => {
      const change = (evt as CustomEvent<{ id: string; state: string }>).detail
      this.ledger.recordDirectState(change.id, change.state)
    })
    node.addEventListener('room:message', (evt) => {
      const view = (evt as CustomEvent<{ id: string; mine: boolean }>).detail
      if (!view.mine) this.ledger.recordRoomReceipt(view.id, node.index, Date.now())
    })
  }

  private peerIdOf(participant: Participant): string {
    if (typeof participant === 'number') return this.simNode(participant).peerId
    const relay = this.relays[Number(participant.slice(1))]
    if (relay == null)
      throw new SimulationError(`no relay ${participant}: the simulation has ${this.relays.length}`)
    return relay.peerId.toString()
  }

  private requireShaping(what: string): void {
    if (this.transport !== 'memory') {
      throw new SimulationError(
        `${what} can only be simulated on the memory transport; this simulation uses TCP`,
      )
    }
  }
}

/** Starts a simulation: relays first, then the nodes, each connected to every relay. */
export async function createSimulation(init: SimulationInit): Promise<Simulation> {
  const simulation = new Simulation(init)
  try {
    await simulation.start()
  } catch (err) {
    await simulation.stop()
    throw err
  }
  return simulation
}

/** The relay's TCP address with /p2p/<peer id>. */
export function relayAddress(relay: RelayNode): string {
  const address = relay.multiaddrs().find((addr) => addr.includes('/tcp/') && !addr.includes('/ws'))
  if (address == null) throw new SimulationError('the relay has no TCP address')
  return address
}

async function introduce(a: SimNode, b: SimNode): Promise<void> {
  const addressesOf = (node: SimNode) =>
    node.directAddresses().map((addr) => multiaddr(addr.replace(/\/p2p\/[^/]+$/, '')))
  await a.node.host.peerStore.merge(b.node.host.peerId, { multiaddrs: addressesOf(b) })
  await b.node.host.peerStore.merge(a.node.host.peerId, { multiaddrs: addressesOf(a) })
}

interface RoutingTable extends EventTarget {
  size: number
}

function routingTableOf(node: SimNode): RoutingTable {
  return (node.node.host.services.dht as unknown as { routingTable: RoutingTable }).routingTable
}

/**
 * TokenimNode publishes its prekey bundle as it starts, before the relay bootstrap has
 * connected to any DHT server, so that first publication reaches nobody and the next is an
 * hour away. The simulation publishes again once the node has a DHT server to put it on.
 */
async function publishPrekeys(node: SimNode, deadline: number): Promise<void> {
  let last = 'no DHT server confirmed the record'
  while (Date.now() < deadline) {
    const signal = AbortSignal.timeout(Math.max(1, deadline - Date.now()))
    try {
      if ((await node.node.prekeyService.publish({ signal })).confirmed > 0) return
    } catch (err) {
      last = (err as Error).message
    }
    // Give a busy DHT a moment rather than asking again at once.
    await delay(Math.min(500, Math.max(0, deadline - Date.now())))
  }
  // Without a bundle in the DHT nobody could start a session with this node for an hour.
  throw new SimulationError(`node ${node.index} could not publish its prekeys: ${last}`)
}

function describeGroup(group: Participant[]): string {
  return group.length > 12 ? `${group.slice(0, 12).join(',')}… (${group.length})` : group.join(',')
}

/**
 * Runs `task` on every item, `size` at a time. After a failure no new item starts; the
 * first error is thrown once the tasks under way have settled, so that nothing is still
 * starting while the caller cleans up.
 */
async function inBatches<T>(items: T[], size: number, task: (item: T) => Promise<void>) {
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

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms))
}
