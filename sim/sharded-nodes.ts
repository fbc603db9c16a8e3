/**
 * The coordinator's side of a sharded simulation: the nodes are spread over shard processes
 * (node i in shard i mod N), each with its own event loop, heap and libuv thread pool; they
 * reach each other and the relays over TCP (loopback, or the addresses of the machines the
 * shards run on). Calls by node index go to that node's shard; partitions go to every shard;
 * ledger events come back over the line to the shard (`ShardChannel`): IPC for a forked
 * shard, a socket for one that joined from another machine or namespace.
 *
 * Child processes rather than worker threads: each shard's RSS and CPU can be read on its
 * own, LevelDB and crypto get a thread pool per shard instead of sharing one, and a shard
 * that crashes or runs out of memory cannot take the coordinator with it.
 */
import { fork } from 'node:child_process'
import type { ProfileSummary } from './cpu-profile.ts'
import { ENTRY_FLAGS, entryPoint } from './entry-points.ts'
import { ShardError, SimulationError } from './errors.ts'
import type {
  NodeEvent,
  NodeIdentity,
  NodeLinks,
  NodeOperations,
  NodePoolInit,
} from './host-pool.ts'
import { type ShardEndpoint, ShardListener } from './remote-shards.ts'
import type { ResourceSample } from './resource-sampler.ts'
import { childChannel, type ShardChannel } from './shard-channel.ts'

/** A shard's pool settings: those of `NodePool` but the faults, made from `seed` there. */
export type ShardInit = Omit<NodePoolInit, 'faults' | 'indexes'> & { seed: number }

export type ShardRequest =
  | { type: 'init'; id: number; init: ShardInit & { indexes: number[] } }
  | { type: 'usage'; id: number; gc: boolean }
  | { type: 'profile'; id: number; ms: number }
  | { type: 'call'; id: number; op: keyof NodeOperations; args: unknown[] }

export type ShardResponse =
  | { type: 'result'; id: number; value?: unknown; error?: { name: string; message: string } }
  | { type: 'event'; event: NodeEvent }

/** One shard process's resources since the previous sample. */
export interface ShardUsage extends ResourceSample {
  /** The shard's memory once its process was up, before any node started (after a GC). */
  startRssMb: number
  startHeapUsedMb: number
  /** Share of the time the shard's event loop was busy, %. */
  eventLoopPercent: number
  /** Nodes running in the shard. */
  running: number
}

/** A node of another process, as the coordinator tracks it. */
export class ShardNode {
  readonly index: number
  readonly peerId: string
  readonly publicKeyHex: string
  readonly shard: number
  running = false
  starts = 0

  constructor(identity: NodeIdentity, shard: number) {
    this.index = identity.index
    this.peerId = identity.peerId
    this.publicKeyHex = identity.publicKeyHex
    this.shard = shard
  }
}

/** A child process on this machine running one shard. */
function forkShard(): ShardChannel<ShardRequest, ShardResponse> {
  const child = fork(entryPoint('shard-process'), [], {
    execArgv: [...ENTRY_FLAGS, '--expose-gc', '--max-old-space-size=8192'],
    serialization: 'advanced',
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  })
  return childChannel(child)
}

/** Shards that join from other machines or namespaces (`tokenim sim shard`). */
export interface RemoteShardsInit {
  /** Where the coordinator listens for them. */
  endpoint: ShardEndpoint
  /** What each must show to join. */
  token: string
  count: number
  joinTimeoutMs: number
  /** Called once the coordinator listens, with where (the port the system chose for 0). */
  onListening?: (endpoint: ShardEndpoint) => void
  /**
   * The host each remote shard will name, in shard order, when the nodes a shard holds
   * depend on where it runs (a home behind NAT); shards then take their place by host.
   */
  expectedHosts?: string[]
}

/** Where a shard runs: forked on this machine, or joined from elsewhere; its nodes' address. */
export interface ShardPlacement {
  shard: number
  origin: 'forked' | 'joined'
  host: string
  nodes: number
}

class Shard {
  readonly index: number
  readonly placement: ShardPlacement
  private readonly channel: ShardChannel<ShardRequest, ShardResponse>
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (err: Error) => void }
  >()
  private nextId = 1
  private exitError?: ShardError
  readonly exited: Promise<void>

  constructor(
    placement: ShardPlacement,
    channel: ShardChannel<ShardRequest, ShardResponse>,
    onEvent: (event: NodeEvent) => void,
  ) {
    const index = placement.shard
    this.index = index
    this.placement = placement
    this.channel = channel
    channel.onMessage((message) => {
      if (message.type === 'event') {
        onEvent(message.event)
        return
      }
      const waiter = this.pending.get(message.id)
      if (waiter == null) return
      this.pending.delete(message.id)
      if (message.error == null) waiter.resolve(message.value)
      else waiter.reject(remoteError(index, message.error))
    })
    this.exited = new Promise((resolve) => {
      channel.onClose((reason) => {
        this.exitError ??= new ShardError(`shard ${index} ${reason}; its nodes are gone`)
        for (const waiter of this.pending.values()) waiter.reject(this.exitError)
        this.pending.clear()
        resolve()
      })
    })
  }

  request<T>(request: DistributiveOmit<ShardRequest, 'id'>): Promise<T> {
    if (this.exitError != null) return Promise.reject(this.exitError)
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      try {
        this.channel.send({ ...request, id } as ShardRequest)
      } catch (err) {
        this.pending.delete(id)
        reject(new ShardError(`shard ${this.index} cannot be reached: ${(err as Error).message}`))
      }
    })
  }

  call<K extends keyof NodeOperations>(
    op: K,
    ...args: Parameters<NodeOperations[K]>
  ): Promise<Awaited<ReturnType<NodeOperations[K]>>> {
    return this.request({ type: 'call', op, args })
  }

  /** Ends the line (the shard exits on it) and waits until it is gone. */
  async close(): Promise<void> {
    if (this.exitError == null) this.channel.close()
    await this.exited
  }
}

export class ShardedNodes implements NodeOperations {
  readonly handles: ShardNode[] = []
  private readonly shards: Shard[]

  private constructor(shards: Shard[]) {
    this.shards = shards
  }

  /**
   * Forks `shards` processes, less those that join from elsewhere (`remote`), and creates
   * nodes 0..nodes-1 in them (not started yet).
   */
  static async launch(
    init: ShardInit & {
      nodes: number
      shards: number
      remote?: RemoteShardsInit
      /** The nodes of each shard; node i in shard i mod shards when absent. */
      groups?: number[][]
    },
    onEvent: (event: NodeEvent) => void,
  ): Promise<ShardedNodes> {
    const { nodes, shards: count, remote, groups, ...shardInit } = init
    const forked = count - (remote?.count ?? 0)
    const nodesOf = (shard: number) => groups?.[shard] ?? indexesOf(shard, count, nodes)
    const placed = (shard: number, origin: ShardPlacement['origin'], host: string) => ({
      shard,
      origin,
      host,
      nodes: nodesOf(shard).length,
    })
    const shards = Array.from(
      { length: forked },
      (_, i) => new Shard(placed(i, 'forked', shardInit.listenHost), forkShard(), onEvent),
    )
    const sharded = new ShardedNodes(shards)
    let listener: ShardListener<ShardRequest, ShardResponse> | undefined
    try {
      if (remote != null) {
        listener = await ShardListener.listen(remote.endpoint, remote.token)
        remote.onListening?.(listener.endpoint())
        const joined = await listener.accept(remote.count, remote.joinTimeoutMs)
        const order = remote.expectedHosts
        if (order != null) joined.sort((a, b) => order.indexOf(a.host) - order.indexOf(b.host))
        for (const [i, { channel, host }] of joined.entries()) {
          shards.push(new Shard(placed(forked + i, 'joined', host), channel, onEvent))
        }
        const stranger = joined.find(({ host }, i) => order != null && order[i] !== host)
        if (stranger != null) {
          throw new ShardError(`a shard joined from ${stranger.host}, where none was expected`)
        }
      }
      const lists = await Promise.all(
        shards.map((shard) =>
          shard.request<NodeIdentity[]>({
            type: 'init',
            init: {
              ...shardInit,
              listenHost: shard.placement.host,
              seed: shardInit.seed + shard.index,
              indexes: nodesOf(shard.index),
            },
          }),
        ),
      )
      for (const [shard, list] of lists.entries()) {
        for (const identity of list)
          sharded.handles[identity.index] = new ShardNode(identity, shard)
      }
    } catch (err) {
      await sharded.close()
      throw err
    } finally {
      // Every shard is in: nobody else may join this run.
      listener?.close()
    }
    return sharded
  }

  /** Where each shard runs, and how many nodes it holds. */
  placement(): ShardPlacement[] {
    return this.shards.map((shard) => shard.placement)
  }

  async start(index: number): Promise<void> {
    const handle = this.handles[index]
    try {
      await this.shardOf(index).call('start', index)
    } finally {
      // A node that started but was not ready in time still runs in its shard.
      handle.running = true
      handle.starts++
    }
  }

  async kill(index: number): Promise<void> {
    // Going down from now on, as an in-process node is: traffic must not pick it meanwhile.
    this.handles[index].running = false
    await this.shardOf(index).call('kill', index)
  }

  directAddresses(index: number): Promise<string[]> {
    return this.shardOf(index).call('directAddresses', index)
  }

  learnAddresses(index: number, peerId: string, addresses: string[]): Promise<void> {
    return this.shardOf(index).call('learnAddresses', index, peerId, addresses)
  }

  connectedPeers(index: number): Promise<string[]> {
    return this.shardOf(index).call('connectedPeers', index)
  }

  nodeLinks(index: number): Promise<NodeLinks> {
    return this.shardOf(index).call('nodeLinks', index)
  }

  async partition(sides: string[][]): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.call('partition', sides)))
  }

  async heal(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.call('heal')))
  }

  sendDirect(index: number, toPublicKeyHex: string, text: string): Promise<string> {
    return this.shardOf(index).call('sendDirect', index, toPublicKeyHex, text)
  }

  register(index: number, name: string): Promise<void> {
    return this.shardOf(index).call('register', index, name)
  }

  createRoom(index: number, name: string): Promise<string> {
    return this.shardOf(index).call('createRoom', index, name)
  }

  joinRoom(index: number, roomId: string, viaPeerId: string): Promise<void> {
    return this.shardOf(index).call('joinRoom', index, roomId, viaPeerId)
  }

  roomMemberKeys(index: number, roomId: string): Promise<string[]> {
    return this.shardOf(index).call('roomMemberKeys', index, roomId)
  }

  waitForRoomMemberKeys(
    index: number,
    roomId: string,
    keys: string[],
    timeoutMs: number,
  ): Promise<void> {
    return this.shardOf(index).call('waitForRoomMemberKeys', index, roomId, keys, timeoutMs)
  }

  sendRoom(index: number, roomId: string, text: string): Promise<string> {
    return this.shardOf(index).call('sendRoom', index, roomId, text)
  }

  /** Each shard's memory, CPU and event-loop use since the previous call (after a GC if asked). */
  usage(options: { gc?: boolean } = {}): Promise<ShardUsage[]> {
    return Promise.all(
      this.shards.map((shard) =>
        shard.request<ShardUsage>({ type: 'usage', gc: options.gc === true }),
      ),
    )
  }

  /** A CPU profile of each shard over the same `ms`, summed up there. */
  profile(ms: number): Promise<ProfileSummary[]> {
    return Promise.all(
      this.shards.map((shard) => shard.request<ProfileSummary>({ type: 'profile', ms })),
    )
  }

  async stopAll(): Promise<void> {
    await Promise.all(this.shards.map((shard) => shard.call('stopAll').catch(() => undefined)))
    for (const handle of this.handles) if (handle != null) handle.running = false
  }

  /** Stops the nodes and ends the shard processes. */
  async close(): Promise<void> {
    await this.stopAll()
    await Promise.all(this.shards.map((shard) => shard.close()))
  }

  private shardOf(index: number): Shard {
    return this.shards[this.handles[index].shard]
  }
}

/** Nodes of shard `shard` among `count`: every count-th index, so that ranges mix shards. */
function indexesOf(shard: number, count: number, nodes: number): number[] {
  const out: number[] = []
  for (let i = shard; i < nodes; i += count) out.push(i)
  return out
}

/** The shard's SimulationErrors stay SimulationErrors; anything else is a ShardError. */
function remoteError(shard: number, error: { name: string; message: string }): Error {
  if (error.name === 'SimulationError') return new SimulationError(error.message)
  return new ShardError(`shard ${shard}: ${error.name}: ${error.message}`)
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never
