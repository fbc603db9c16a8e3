/**
 * What a shard does, whichever line it is on (IPC from a forked child, a socket from another
 * machine or namespace): holds a `NodePool` of some of the simulation's nodes, answers the
 * coordinator's calls, and sends back each node's ledger events. Resolves once the line
 * ends, after stopping its nodes.
 */
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { recordProfile, summarizeProfile } from './cpu-profile.ts'
import { CoordinatorUnreachableError } from './errors.ts'
import type { NodeEvent, NodeOperations } from './host-pool.ts'
import { LinkFaults } from './link-faults.ts'
import { createPool } from './node-pool.ts'
import { seededRandom } from './random.ts'
import { joinCoordinator, type ShardEndpoint, type ShardHello } from './remote-shards.ts'
import { memorySnapshot, ResourceSampler } from './resource-sampler.ts'
import type { ShardChannel } from './shard-channel.ts'
import type { ShardRequest, ShardResponse, ShardUsage } from './sharded-nodes.ts'

export interface ShardServiceOptions {
  /** The folder for the nodes' data dirs, when not the coordinator's (another machine). */
  root?: string
}

export function serveShard(
  channel: ShardChannel<ShardResponse, ShardRequest>,
  options: ShardServiceOptions = {},
): Promise<string> {
  let pool: ReturnType<typeof createPool> | undefined
  let sampler: ResourceSampler | undefined
  let startMemory = memorySnapshot()
  let loop = performance.eventLoopUtilization()
  /** The process runs with --expose-gc where it can: memory figures follow a collection. */
  const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.()
  const send = (message: ShardResponse) => channel.send(message)

  const answer = async (request: ShardRequest): Promise<ShardResponse> => {
    if (request.type === 'init') {
      const { seed, ...init } = request.init
      const faults = new LinkFaults(seededRandom(seed))
      pool = createPool({ ...init, root: options.root ?? init.root, faults }, (event: NodeEvent) =>
        send({ type: 'event', event }),
      )
      collectGarbage()
      startMemory = memorySnapshot()
      sampler = new ResourceSampler()
      sampler.sample()
      loop = performance.eventLoopUtilization()
      return { type: 'result', id: request.id, value: pool.identities() }
    }
    if (pool == null || sampler == null) throw new Error('the shard was not initialised')
    if (request.type === 'profile') {
      const summary = summarizeProfile(await recordProfile(request.ms))
      return { type: 'result', id: request.id, value: summary }
    }
    if (request.type === 'usage') {
      if (request.gc) collectGarbage()
      const sample = sampler.sample()
      const busy = performance.eventLoopUtilization(loop)
      loop = performance.eventLoopUtilization()
      const usage: ShardUsage = {
        ...sample,
        startRssMb: startMemory.rssMb,
        startHeapUsedMb: startMemory.heapUsedMb,
        eventLoopPercent: busy.utilization * 100,
        running: pool.simNodes().filter((node) => node.running).length,
      }
      return { type: 'result', id: request.id, value: usage }
    }
    const operation = (pool as NodeOperations)[request.op] as (
      ...args: unknown[]
    ) => Promise<unknown>
    const value = await operation.apply(pool, request.args)
    return { type: 'result', id: request.id, value }
  }

  channel.onMessage((request) => {
    void answer(request).then(send, (err: Error) =>
      send({
        type: 'result',
        id: request.id,
        error: { name: err.name ?? 'Error', message: err.message ?? String(err) },
      }),
    )
  })
  return new Promise((resolve) => {
    channel.onClose((reason) => {
      void (pool?.stopAll() ?? Promise.resolve()).finally(() => resolve(reason))
    })
  })
}

/** How often a shard tries again to reach a coordinator that is not listening yet. */
const JOIN_RETRY_MS = 1_000

/**
 * A shard on another machine or namespace (`tokenim sim shard`): joins the coordinator at
 * `endpoint` (trying again for up to `waitMs` while it cannot be reached, as when both
 * start together in a cluster), keeps its nodes' data in a temp folder of its own, and
 * returns once the coordinator ends the run, with why.
 */
export async function runRemoteShard(
  endpoint: ShardEndpoint,
  hello: ShardHello,
  options: { waitMs?: number; onJoined?: () => void } = {},
): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'tokenim-shard-'))
  try {
    const giveUpAt = Date.now() + (options.waitMs ?? 0)
    let channel: ShardChannel<ShardResponse, ShardRequest> | undefined
    while (channel == null) {
      try {
        channel = await joinCoordinator<ShardResponse, ShardRequest>(endpoint, hello)
      } catch (err) {
        if (!(err instanceof CoordinatorUnreachableError) || Date.now() + JOIN_RETRY_MS > giveUpAt)
          throw err
        await new Promise((resolve) => setTimeout(resolve, JOIN_RETRY_MS))
      }
    }
    options.onJoined?.()
    return await serveShard(channel, { root })
  } finally {
    await rm(root, { recursive: true, force: true })
  }
}
