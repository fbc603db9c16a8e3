/**
 * The coordinator's side of a sharded simulation: the nodes are spread over child processes
 * (node i in shard i mod N), each with its own event loop, heap and libuv thread pool; they
 * reach each other and the relays over loopback TCP. Calls by node index go to that node's
 * shard; partitions go to every shard; ledger events come back over the IPC channel.
 *
 * Child processes rather than worker threads: each shard's RSS and CPU can be read on its
 * own, LevelDB and crypto get a thread pool per shard instead of sharing one, and a shard
 * that crashes or runs out of memory cannot take the coordinator with it.
 */
import { type ChildProcess, fork } from 'node:child_process'
import { extname } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { ProfileSummary } from './cpu-profile.ts'
import { ShardError, SimulationError } from './errors.ts'
import type { NodeEvent, NodeIdentity, NodeOperations, NodePoolInit } from './node-pool.ts'
import type { ResourceSample } from './resource-sampler.ts'

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

const here = fileURLToPath(import.meta.url)
// Beside this file: shard-process.ts from the sources, shard-process.js once built.
const entry = fileURLToPath(new URL(`./shard-process${extname(here)}`, import.meta.url))
const typeScriptFlags =
  extname(here) === '.ts'
    ? ['--experimental-transform-types', '--disable-warning=ExperimentalWarning']
    : []

class Shard {
  readonly index: number
  private readonly child: ChildProcess
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (err: Error) => void }
  >()
  private nextId = 1
  private exitError?: ShardError
  readonly exited: Promise<void>

  constructor(index: number, onEvent: (event: NodeEvent) => void) {
    this.index = index
    this.child = fork(entry, [], {
      execArgv: [...typeScriptFlags, '--expose-gc', '--max-old-space-size=8192'],
      serialization: 'advanced',
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    })
    this.child.on('message', (message: ShardResponse) => {
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
      this.child.once('exit', (code, signal) => {
        this.exitError = new ShardError(
          `shard ${index} exited (${signal ?? `code ${code}`}); its nodes are gone`,
        )
        for (const waiter of this.pending.values()) waiter.reject(this.exitError)
        this.pending.clear()
        resolve()
      })
    })
    this.child.once('error', (err) => {
      for (const waiter of this.pending.values()) {
        waiter.reject(new ShardError(`shard ${index} failed: ${err.message}`))
      }
      this.pending.clear()
    })
  }

  request<T>(request: DistributiveOmit<ShardRequest, 'id'>): Promise<T> {
    if (this.exitError != null) return Promise.reject(this.exitError)
    const id = this.nextId++
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject })
      try {
        this.child.send({ ...request, id } as ShardRequest)
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

  /** Closes the channel (the shard exits on it) and waits for the exit. */
  async close(): Promise<void> {
    if (this.exitError == null && this.child.connected) this.child.disconnect()
    await this.exited
  }
}

export class ShardedNodes implements NodeOperations {
  readonly handles: ShardNode[] = []
  private readonly shards: Shard[]

  private constructor(shards: Shard[]) {
    this.shards = shards
  }

  /** Forks `shards` processes and creates nodes 0..nodes-1 in them (not started yet). */
  static async launch(
    init: ShardInit & { nodes: number; shards: number },
    onEvent: (event: NodeEvent) => void,
  ): Promise<ShardedNodes> {
    const { nodes, shards: count, ...shardInit } = init
    const shards = Array.from({ length: count }, (_, i) => new Shard(i, onEvent))
    const sharded = new ShardedNodes(shards)
    try {
      const lists = await Promise.all(
        shards.map((shard) =>
          shard.request<NodeIdentity[]>({
            type: 'init',
            init: {
              ...shardInit,
              seed: shardInit.seed + shard.index,
              indexes: indexesOf(shard.index, count, nodes),
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
    }
    return sharded
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
