/**
 * A sharded simulation: 16 nodes in 2 shard processes (node i in shard i mod 2) and 1 relay in
 * this process, all on loopback TCP. Messages between shards arrive exactly once and in
 * order, a node killed in one shard gets what was sent from the other once it restarts, a
 * partition whose sides span both shards is enforced by the gaters of both and heals.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSimulation, parseScenario, runScenario, Simulation } from '../../sim/index.ts'

let sim: Simulation
beforeAll(async () => {
  sim = await createSimulation({ relays: 1, nodes: 16, shards: 2, startConcurrency: 4 })
}, 90_000)
afterAll(async () => {
  await sim?.stop()
}, 60_000)

function receipts(ids: string[]): number[] {
  return ids.map((id) => sim.ledger.direct.get(id)!.receivedAt.length)
}

describe('createSimulation with shards', () => {
  it('spreads the nodes over two shard processes on TCP', async () => {
    expect(sim.transport).toBe('tcp')
    expect(sim.nodes).toHaveLength(16)
    const usage = await sim.shardUsage()
    expect(usage.map((shard) => shard.running)).toEqual([8, 8])
    expect(usage.every((shard) => shard.rssMb > 0)).toBe(true)
    const profiles = await sim.profileShards(300)
    expect(profiles).toHaveLength(2)
    expect(profiles.every((profile) => profile.totalMs > 0)).toBe(true)
  })

  it('delivers messages across shards exactly once, in order', async () => {
    const ids: string[] = []
    for (let n = 0; n < 5; n++) {
      ids.push(await sim.sendDirect(0, 1, `0 to 1, #${n}`))
      ids.push(await sim.sendDirect(3, 6, `3 to 6, #${n}`))
    }
    await sim.waitForDelivery(ids, 30_000)
    expect(receipts(ids)).toEqual(ids.map(() => 1))
    expect(sim.ledger.outOfOrder).toEqual([])
  }, 45_000)

  it('a node killed in one shard gets what the other shard sent once it restarts', async () => {
    await sim.befriend(4, 5)
    await sim.kill(5)
    expect(sim.handle(5).running).toBe(false)
    const ids = [await sim.sendDirect(4, 5, 'one'), await sim.sendDirect(4, 5, 'two')]
    await sim.restart(5)
    expect(sim.handle(5)).toMatchObject({ running: true, starts: 2 })
    await sim.waitForDelivery(ids, 45_000)
    expect(receipts(ids)).toEqual([1, 1])
    expect(sim.ledger.outOfOrder).toEqual([])
  }, 60_000)

  it('churn kills and restarts random nodes; they are reachable again', async () => {
    const victims = await sim.churn({ count: 2, downMs: 500, spare: [0, 1, 2, 3, 4, 5, 6] })
    expect(victims).toHaveLength(2)
    expect(
      victims.map((i) => sim.handle(i)).every((node) => node.running && node.starts === 2),
    ).toBe(true)
    const ids = await Promise.all(victims.map((i) => sim.sendDirect(0, i, `after churn to ${i}`)))
    await sim.waitForDelivery(ids, 45_000)
    expect(receipts(ids)).toEqual([1, 1])
  }, 60_000)

  it('a partition spanning both shards cuts links across it; after the heal, messages arrive', async () => {
    const left = [0, 1, 2, 3, 4, 5, 6, 7]
    const right = [8, 9, 10, 11, 12, 13, 14, 15]
    await sim.waitForDelivery([await sim.sendDirect(2, 9, 'before')], 30_000)
    expect(await sim.connectedPeers(2)).toContain(sim.handle(9).peerId)
    await sim.partition(left, right)
    const rightPeers = new Set(right.map((i) => sim.handle(i).peerId))
    for (const i of left) {
      const across = (await sim.connectedPeers(i)).filter((peer) => rightPeers.has(peer))
      expect(across, `node ${i}`).toEqual([])
    }
    const during = await sim.sendDirect(2, 9, 'during the partition')
    await sim.heal()
    await sim.waitForDelivery([during], 45_000)
    expect(receipts([during])).toEqual([1])
    expect(sim.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['partition', 'heal']))
  }, 60_000)

  it('room messages reach members in both shards', async () => {
    const roomId = await sim.createRoom(10, 'sharded room')
    await sim.joinRoom(11, roomId, 10)
    await sim.joinRoom(12, roomId, 10)
    await sim.waitForRoomMembers(roomId, [10, 11, 12])
    const id = await sim.sendRoom(11, roomId, 'hello from shard 1')
    expect(sim.ledger.room.get(id)!.expected.sort()).toEqual([10, 12])
    await sim.waitForDelivery([id], 30_000)
  }, 60_000)

  it("passes a shard's failure back as a ShardError naming the shard and the original error", async () => {
    await expect(sim.roomMembers(2, 'no-such-room')).rejects.toMatchObject({
      name: 'ShardError',
      message: expect.stringMatching(/^shard 0: \w+Error: /),
    })
  })

  it('refuses what needs one process, with a SimulationError', () => {
    expect(() => sim.node(0)).toThrowError(/runs in shard 0, another process/)
    expect(() => sim.setLatency(10)).toThrowError(/only be simulated on the memory transport/)
    expect(() => new Simulation({ nodes: 4, shards: 2, transport: 'memory' })).toThrowError(
      expect.objectContaining({ name: 'SimulationError' }),
    )
  })
})

it('a sharded scenario run samples each shard and keeps its expectations', async () => {
  const results = await runScenario(
    parseScenario(`
name: sharded-small
network: { relays: 1, nodes: 6, transport: tcp, shards: 2 }
duration: 4s
drain: 45s
traffic: { direct: { rate: 3 } }
faults: [{ at: 1s, kill: [3] }, { at: 2s, restart: [3] }]
`),
  )
  // A message to the killed node may wait for its next mailbox collection (15 s).
  const missing = results.messages.filter((m) => m.missing.length > 0)
  expect(
    results.expectations.filter((e) => !e.passed),
    JSON.stringify(missing),
  ).toEqual([])
  expect(results.direct.delivered).toBe(results.direct.sent)
  expect(results.settings.shards).toBe(2)
  expect(results.shards).toHaveLength(2)
  expect(results.shards.every((samples) => samples.length > 0 && samples[0].rssMb > 0)).toBe(true)
  // Each shard grew from its empty process as its nodes started.
  for (const [first] of results.shards) expect(first.rssMb).toBeGreaterThan(first.startRssMb)
}, 90_000)
