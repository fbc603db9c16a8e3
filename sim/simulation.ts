/**
 * A whole TokenIM network: R relays and N TokenIM nodes, each in its own temp data dir,
 * either in this process (loopback TCP or the in-memory transport) or spread over shard
 * processes (TCP: on this machine, on others, or behind the NAT routers of a lab), with
 * faults on demand and a ledger of every message sent and received. Its settings and their
 * defaults are in simulation-settings.ts.
 */
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { TokenimNode } from '../node/tokenim-node.ts'
import type { ProfileSummary } from './cpu-profile.ts'
import { DeliveryLedger } from './delivery-ledger.ts'
import { SimulationError } from './errors.ts'
import {
  delay,
  type HostKind,
  inBatches,
  type NodeEvent,
  type NodeLinks,
  type NodeOperations,
} from './host-pool.ts'
import { LinkFaults, type LinkShape } from './link-faults.ts'
import { buildNatNetwork, type NatHome, type NatNetwork } from './nat-network.ts'
import { createPool, NodePool } from './node-pool.ts'
import { seededRandom } from './random.ts'
import {
  ShardedNodes,
  type ShardNode,
  type ShardPlacement,
  type ShardUsage,
} from './sharded-nodes.ts'
import type { SimNode, SimTransport } from './sim-node.ts'
import { localPlaces, type SimRelay, startRelayProcesses, startRelaysHere } from './sim-relays.ts'
import {
  SIMULATION_MESSAGING,
  SIMULATION_ROOMS,
  type SimulationInit,
} from './simulation-settings.ts'

/** Member links a bare host makes when it joins a room (see `joinRoom`). */
const BARE_ROOM_LINKS = 4

/** A participant of a fault: a node index, or `r<i>` for relay i. */
export type Participant = number | `r${number}`

export interface TimelineEntry {
  /** ms on the simulation's clock (`Simulation.now()`). */
  at: number
  kind: 'kill' | 'restart' | 'partition' | 'heal' | 'latency' | 'loss' | 'note'
  detail: string
}

/** A simulated node as the coordinator sees it, in this process or in a shard. */
export type SimulatedNode = Pick<
  SimNode,
  'index' | 'peerId' | 'publicKeyHex' | 'running' | 'starts'
>

export class Simulation {
  readonly relays: SimRelay[] = []
  /** Every node by index: `SimNode`s in this process, `ShardNode`s with shards. */
  readonly nodes: SimulatedNode[] = []
  readonly ledger = new DeliveryLedger()
  /** The partition table (and, on the memory transport, link shape) of this process's nodes. */
  readonly faults: LinkFaults
  readonly timeline: TimelineEntry[] = []
  readonly random: () => number
  readonly startedAt = Date.now()
  private origin = this.startedAt
  readonly transport: SimTransport
  readonly shards: number
  readonly messaging: NonNullable<SimulationInit['messaging']>
  private readonly init: SimulationInit
  private readonly runId = randomBytes(4).toString('hex')
  private root = ''
  private pool?: ReturnType<typeof createPool>
  private sharded?: ShardedNodes
  private natNetwork?: NatNetwork
  /** `${a}-${b}` of node pairs whose addresses were exchanged. */
  private readonly friends = new Set<string>()
  private stopped = false
  /** Where relays and TCP nodes of this process listen. */
  private readonly listenHost: string
  readonly hosts: HostKind
  /** Members of each room, by the simulation's own count: bare hosts keep none. */
  private readonly bareRooms?: Map<string, number[]>

  constructor(init: SimulationInit) {
    if (!Number.isInteger(init.nodes) || init.nodes < 1) {
      throw new SimulationError(`nodes must be a positive integer, got ${init.nodes}`)
    }
    this.shards = init.nat == null ? (init.shards ?? 1) : natShards(init.nodes, init.nat.homes)
    if (init.nat != null && (init.transport === 'memory' || init.remoteShards != null)) {
      throw new SimulationError(
        'a simulation behind NAT runs over TCP, with its own shards: no memory transport, no remoteShards',
      )
    }
    if (!Number.isInteger(this.shards) || this.shards < 1 || this.shards > init.nodes) {
      throw new SimulationError(
        `shards must be an integer from 1 to the number of nodes (${init.nodes}), got ${init.shards}`,
      )
    }
    this.transport = init.transport ?? (this.shards > 1 ? 'tcp' : 'memory')
    if (this.shards > 1 && this.transport === 'memory') {
      throw new SimulationError(
        'the memory transport does not cross processes: use transport "tcp" with shards',
      )
    }
    if (init.remoteShards != null && init.remoteShards.count > this.shards) {
      throw new SimulationError(
        `${init.remoteShards.count} remote shards but shards is ${this.shards}: remote shards are counted in shards`,
      )
    }
    this.listenHost = init.remoteShards?.host ?? '127.0.0.1'
    this.hosts = init.hosts ?? 'tokenim'
    if (this.hosts === 'bare') this.bareRooms = new Map()
    this.init = init
    this.random = seededRandom(init.seed ?? 1)
    this.faults = new LinkFaults(this.random)
    this.messaging = { ...SIMULATION_MESSAGING, ...init.messaging }
  }

  /**
   * ms on the simulation's clock: since it was created, until `startScenarioClock()` moves
   * the zero (so that fault times read the same as a scenario's `at`).
   */
  now(): number {
    return Date.now() - this.clockOrigin
  }

  /** The wall-clock time `now()` counts from. */
  get clockOrigin(): number {
    return this.origin
  }

  /** Makes this moment the clock's zero; what the timeline holds already moves before it. */
  startScenarioClock(): void {
    const shift = Date.now() - this.origin
    for (const entry of this.timeline) entry.at -= shift
    this.origin += shift
  }

  async start(): Promise<void> {
    this.root = await mkdtemp(join(tmpdir(), 'tokenim-sim-'))
    const relayCount = this.init.relays ?? 1
    if (this.init.nat != null) {
      this.natNetwork = await buildNatNetwork({
        homes: this.init.nat.homes,
        nodes: this.init.nodes,
        relays: relayCount,
        root: this.root,
      })
      this.relays.push(...this.natNetwork.relays)
    } else if (this.init.relayProcesses === true) {
      const places = localPlaces(relayCount, this.listenHost)
      this.relays.push(...(await startRelayProcesses(places, this.root)))
    } else {
      this.relays.push(...(await startRelaysHere(relayCount, this.root, this.listenHost)))
    }
    const settings = {
      hosts: this.hosts,
      root: this.root,
      relays: this.relays.map((relay) => relay.address),
      transport: this.transport,
      listenHost: this.listenHost,
      runId: this.runId,
      messaging: this.messaging,
      rooms: { ...SIMULATION_ROOMS, ...this.init.roomOptions },
      gossipHeartbeatMs: this.init.gossipHeartbeatMs ?? 500,
      readyTimeoutMs: this.init.readyTimeoutMs ?? 30_000,
    }
    const onEvent = (event: NodeEvent) => this.record(event)
    if (this.shards > 1 || this.init.remoteShards != null || this.natNetwork != null) {
      this.sharded = await ShardedNodes.launch(
        {
          ...settings,
          seed: this.init.seed ?? 1,
          nodes: this.init.nodes,
          shards: this.shards,
          remote: this.natNetwork?.remote ?? this.init.remoteShards,
          groups: this.natNetwork?.groups,
        },
        onEvent,
      )
      this.nodes.push(...this.sharded.handles)
    } else {
      const indexes = Array.from({ length: this.init.nodes }, (_, i) => i)
      this.pool = createPool({ ...settings, indexes, faults: this.faults }, onEvent)
      this.nodes.push(...this.pool.simNodes())
    }
    // Each shard starts `startConcurrency` nodes at once, as one process would.
    const concurrency = (this.init.startConcurrency ?? 8) * this.shards
    let up = 0
    await inBatches(this.nodes, concurrency, async (node) => {
      await this.bringUp(node.index)
      this.init.onNodeUp?.(++up, this.nodes.length)
    })
  }

  /** The running TokenimNode of node `i` (in-process simulations only). */
  node(i: number): TokenimNode {
    return this.simNode(i).node
  }

  /** The in-process wrapper of node `i`; a sharded node lives in another process. */
  simNode(i: number): SimNode {
    const handle = this.handle(i)
    if (this.pool == null) {
      throw new SimulationError(
        `node ${i} runs in shard ${(handle as ShardNode).shard}, another process: use the Simulation's methods, not the node itself`,
      )
    }
    if (!(this.pool instanceof NodePool)) {
      throw new SimulationError(`node ${i} is a bare libp2p host, not a TokenIM node`)
    }
    return this.pool.simNode(i)
  }

  /** Node `i` as the coordinator tracks it (in this process or a shard). */
  handle(i: number): SimulatedNode {
    const node = this.nodes[i]
    if (node == null)
      throw new SimulationError(`no node ${i}: the simulation has ${this.nodes.length}`)
    return node
  }

  /** Abrupt stop of node `i` (connections aborted, then its components stopped). */
  async kill(i: number): Promise<void> {
    if (!this.handle(i).running) return
    this.mark('kill', `node ${i}`)
    await this.backend.kill(i)
  }

  /** Starts node `i` again on the same identity and data dir (kills it first if running). */
  async restart(i: number): Promise<void> {
    if (this.handle(i).running) await this.backend.kill(i)
    this.mark('restart', `node ${i}`)
    await this.bringUp(i)
  }

  /**
   * Cuts every link between the two groups (nodes by index, relays as `r<i>`), open
   * connections included, until `heal()`. Participants in neither group reach both sides.
   * Relays keep their links to each other: the gater lives in the nodes.
   */
  async partition(groupA: Participant[], groupB: Participant[]): Promise<void> {
    const sides = [groupA.map((p) => this.peerIdOf(p)), groupB.map((p) => this.peerIdOf(p))]
    this.faults.partition(sides)
    this.mark('partition', `${describeGroup(groupA)} | ${describeGroup(groupB)}`)
    await this.backend.partition(sides)
  }

  /** Lifts the partition; in this process at once, in shards once the promise resolves. */
  async heal(): Promise<void> {
    this.faults.heal()
    this.mark('heal', 'all links restored')
    await this.backend.heal()
  }

  /** Peer ids of node `i`'s open connections (relays included). */
  connectedPeers(i: number): Promise<string[]> {
    return this.backend.connectedPeers(i)
  }

  /** Links between nodes now open, summed over every node (each link counted at both ends). */
  async nodeLinks(): Promise<NodeLinks> {
    const all = await Promise.all(this.nodes.map((node) => this.backend.nodeLinks(node.index)))
    return all.reduce(
      (sum, links) => ({ direct: sum.direct + links.direct, relayed: sum.relayed + links.relayed }),
      { direct: 0, relayed: 0 },
    )
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
    if (this.handle(a).running && this.handle(b).running) await this.introduce(a, b)
    this.friends.add(key)
  }

  /** Registers `name` for node `i` on a relay's directory (first relay unless named). */
  async register(i: number, name: string): Promise<void> {
    await this.backend.register(i, name)
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
    const id = await this.backend.sendDirect(a, this.handle(b).publicKeyHex, text)
    this.ledger.recordDirectSend(id, a, b, sentAt)
    return id
  }

  /** Node `owner` creates an open room; returns its id. */
  async createRoom(owner: number, name: string): Promise<string> {
    const roomId = await this.backend.createRoom(owner, name)
    this.bareRooms?.set(roomId, [owner])
    return roomId
  }

  /** Node `i` joins the room, through `via` (a member) whose address it learns first. */
  async joinRoom(i: number, roomId: string, via: number): Promise<void> {
    await this.introduce(i, via)
    await this.backend.joinRoom(i, roomId, this.handle(via).peerId)
    const bareMembers = this.bareRooms?.get(roomId)
    if (bareMembers == null) return
    // A TokenIM member dials other members until it holds 6 connections (the room service's
    // membersToDial), its two relays counted: a bare member links to as many.
    const others = bareMembers.filter((member) => member !== via)
    for (let links = 1; links < BARE_ROOM_LINKS && others.length > 0; links++) {
      const [other] = others.splice(Math.floor(this.random() * others.length), 1)
      await this.introduce(i, other)
      await this.backend.joinRoom(i, roomId, this.handle(other).peerId)
    }
    bareMembers.push(i)
  }

  /**
   * Members of the room as node indexes, as `i` sees them; bare hosts know no members, so
   * for them the simulation's own list of who joined.
   */
  async roomMembers(i: number, roomId: string): Promise<number[]> {
    const bareMembers = this.bareRooms?.get(roomId)
    if (bareMembers != null) return [...bareMembers]
    const keys = new Set(await this.backend.roomMemberKeys(i, roomId))
    return this.nodes.filter((n) => keys.has(n.publicKeyHex)).map((n) => n.index)
  }

  /** Resolves once each of `members` lists exactly `members` in the room (`room:members` events). */
  async waitForRoomMembers(roomId: string, members: number[], timeoutMs = 30_000): Promise<void> {
    const keys = members.map((i) => this.handle(i).publicKeyHex)
    await Promise.all(
      members.map((i) => this.backend.waitForRoomMemberKeys(i, roomId, keys, timeoutMs)),
    )
  }

  /** Node `i` posts in the room; every other member at that moment should receive it. */
  async sendRoom(i: number, roomId: string, text: string): Promise<string> {
    const expected = (await this.roomMembers(i, roomId)).filter((member) => member !== i)
    const sentAt = Date.now()
    const id = await this.backend.sendRoom(i, roomId, text)
    this.ledger.recordRoomSend(id, roomId, i, sentAt, expected)
    return id
  }

  /** Resolves once every id is delivered (to all its recipients); rejects after the deadline. */
  waitForDelivery(ids: Iterable<string>, timeoutMs = 30_000): Promise<void> {
    return this.ledger.waitForDelivery(ids, timeoutMs)
  }

  /**
   * Each shard's memory, CPU and event-loop use since the previous call (after a GC if
   * asked); empty when every node is in this process.
   */
  async shardUsage(options: { gc?: boolean } = {}): Promise<ShardUsage[]> {
    return this.sharded == null ? [] : this.sharded.usage(options)
  }

  /** Where each shard runs (forked here or joined from elsewhere) and its nodes' address. */
  shardPlacement(): ShardPlacement[] {
    return this.sharded?.placement() ?? []
  }

  /** A CPU profile of each shard over the same `ms`, summed up (`[]` without shards). */
  async profileShards(ms: number): Promise<ProfileSummary[]> {
    return this.sharded == null ? [] : this.sharded.profile(ms)
  }

  /** Adds a line to the fault timeline (shown in reports). */
  mark(kind: TimelineEntry['kind'], detail: string): void {
    this.timeline.push({ at: this.now(), kind, detail })
  }

  /** Stops every node and relay, ends the shard processes and removes the data dirs. */
  async stop(): Promise<void> {
    if (this.stopped) return
    this.stopped = true
    await this.pool?.stopAll()
    await this.sharded?.close()
    for (const relay of [...this.relays].reverse()) await relay.stop().catch(() => undefined)
    await this.natNetwork?.destroy()
    if (this.init.keepDataDirs !== true && this.root !== '') {
      await rm(this.root, { recursive: true, force: true })
    }
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.stop()
  }

  private get backend(): NodeOperations {
    const backend = this.sharded ?? this.pool
    if (backend == null) throw new SimulationError('the simulation has not started')
    return backend
  }

  private async bringUp(i: number): Promise<void> {
    await this.backend.start(i)
    // Friends learn the new node's addresses again (a TCP restart may change nothing, but
    // the peer store of a restarted node starts from its own datastore).
    for (const key of this.friends) {
      const [a, b] = key.split('-').map(Number)
      if (a !== i && b !== i) continue
      const other = a === i ? b : a
      if (this.nodes[other].running) await this.introduce(i, other)
    }
  }

  /** Puts each node's direct addresses in the other's peer store. */
  private async introduce(a: number, b: number): Promise<void> {
    const [addressesA, addressesB] = await Promise.all([
      this.backend.directAddresses(a),
      this.backend.directAddresses(b),
    ])
    await Promise.all([
      this.backend.learnAddresses(a, this.handle(b).peerId, addressesB),
      this.backend.learnAddresses(b, this.handle(a).peerId, addressesA),
    ])
  }

  private record(event: NodeEvent): void {
    if (event.kind === 'message:received') {
      this.ledger.recordDirectReceipt(event.id, event.index, event.at)
    } else if (event.kind === 'message:state') {
      this.ledger.recordDirectState(event.id, event.state)
    } else {
      this.ledger.recordRoomReceipt(event.id, event.index, event.at)
    }
  }

  private peerIdOf(participant: Participant): string {
    if (typeof participant === 'number') return this.handle(participant).peerId
    const relay = this.relays[Number(participant.slice(1))]
    if (relay == null)
      throw new SimulationError(`no relay ${participant}: the simulation has ${this.relays.length}`)
    return relay.peerId
  }

  private requireShaping(what: string): void {
    if (this.transport !== 'memory') {
      throw new SimulationError(
        `${what} can only be simulated on the memory transport (not across shards); this simulation uses TCP`,
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

/** One shard per home, and one for the nodes outside every home (if any). */
function natShards(nodes: number, homes: NatHome[]): number {
  const inHomes = homes.reduce((sum, home) => sum + home.nodes.length, 0)
  return homes.length + (inHomes < nodes ? 1 : 0)
}

function describeGroup(group: Participant[]): string {
  return group.length > 12 ? `${group.slice(0, 12).join(',')}… (${group.length})` : group.join(',')
}
