/**
 * Entry point of one shard: a child process that holds a `NodePool` of some of the
 * simulation's nodes, answers the coordinator's calls over the IPC channel, and sends back
 * each node's ledger events. Exits when the coordinator disconnects.
 */
import { performance } from 'node:perf_hooks'
import { recordProfile, summarizeProfile } from './cpu-profile.ts'
import { LinkFaults } from './link-faults.ts'
import { type NodeEvent, NodePool } from './node-pool.ts'
import { seededRandom } from './random.ts'
import { memorySnapshot, ResourceSampler } from './resource-sampler.ts'
import type { ShardRequest, ShardResponse, ShardUsage } from './sharded-nodes.ts'

let pool: NodePool | undefined
let sampler: ResourceSampler | undefined
let startMemory = memorySnapshot()
let loop = performance.eventLoopUtilization()

/** The process runs with --expose-gc: memory figures are taken after a collection. */
const collectGarbage = () => (globalThis as { gc?: () => void }).gc?.()
const send = (message: ShardResponse) => process.send?.(message)

process.on('disconnect', () => process.exit(0))
process.on('message', (message: ShardRequest) => {
  void answer(message).then(send, (err: Error) =>
    send({
      type: 'result',
      id: message.id,
      error: { name: err.name ?? 'Error', message: err.message ?? String(err) },
    }),
  )
})

async function answer(request: ShardRequest): Promise<ShardResponse> {
  if (request.type === 'init') {
    const { seed, ...init } = request.init
    const faults = new LinkFaults(seededRandom(seed))
    pool = new NodePool({ ...init, faults }, (event: NodeEvent) => send({ type: 'event', event }))
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
  const operation = pool[request.op] as (...args: unknown[]) => Promise<unknown>
  const value = await operation.apply(pool, request.args)
  return { type: 'result', id: request.id, value }
}
