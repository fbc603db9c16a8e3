/**
 * The scale run's baseline, for real at a tiny size: 6 bare libp2p hosts (the stack of a
 * TokenIM node's host, none of its services) in 2 shard processes and 2 relays in processes
 * of their own, as the scale series runs them, measured as sim:scale measures TokenIM nodes:
 * all up, memory per node, idle CPU per shard, 1:1 echoes between random pairs delivered
 * with a latency, and a gossipsub room whose posts reach every member.
 */
import { expect, it } from 'vitest'
import { comparisonTable, measureScale } from '../../sim/scale-run.ts'

it('measures bare libp2p hosts the way it measures TokenIM nodes', async () => {
  const row = await measureScale({
    hosts: 'bare',
    nodes: 6,
    shards: 2,
    relayProcesses: true,
    concurrency: 6,
    idleMs: 1_000,
    profileMs: 0,
    messages: 10,
    roomSizes: [4],
    roomMessages: 3,
    roomTimeoutMs: 20_000,
  })
  expect(row.error).toBeUndefined()
  expect(row.nodesUp).toBe(6)
  expect(row.startupS).toBeGreaterThan(0)
  // Per node: each shard's growth after a collection (shards run with --expose-gc).
  expect(row.perNodeRssMb).toBeGreaterThan(0)
  expect(row.perNodeHeapMb).toBeGreaterThan(0)
  // Every shard's hosts keep timers (gossipsub heartbeats, DHT upkeep) running at idle.
  expect(row.shardIdleCpuPercent).toHaveLength(2)
  expect(row.shardIdleCpuPercent.every((percent) => percent > 0)).toBe(true)
  expect(row.shardIdleLoopPercent.every((percent) => percent > 0)).toBe(true)
  expect(row.delivered).toBe('10/10')
  expect(row.p50Ms).toBeGreaterThan(0)
  expect(row.p99Ms).toBeGreaterThanOrEqual(row.p50Ms)
  const [room] = row.rooms
  expect(room).toMatchObject({ members: 4, joinFailed: 0, messages: 3, expected: 9, received: 9 })
  expect(room.error).toBeUndefined()
  expect(room.p90Ms).toBeGreaterThan(0)
  expect(comparisonTable([row])[0]).toMatchObject({ hosts: 'bare', up: '6/6', '1:1': '10/10' })
}, 60_000)
