/**
 * The programmatic API on a small network: 1:1 and room delivery recorded in the ledger,
 * a partition that refuses connections across it and heals, a killed node that gets what
 * was sent while it was down, the scale run's room round (sim/room-round.ts), and latency
 * shaping on the memory transport.
 */
import { peerIdFromString } from '@libp2p/peer-id'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createSimulation, Simulation } from '../../sim/index.ts'
import { roomRound } from '../../sim/room-round.ts'

let sim: Simulation
beforeAll(async () => {
  sim = await createSimulation({ relays: 1, nodes: 6, transport: 'memory' })
}, 60_000)
afterAll(async () => {
  await sim?.stop()
})

describe('createSimulation', () => {
  it('delivers a 1:1 message once and records its latency', async () => {
    const id = await sim.sendDirect(0, 1, 'hello')
    await sim.waitForDelivery([id], 20_000)
    const record = sim.ledger.direct.get(id)!
    expect(record).toMatchObject({ from: 0, to: 1, order: 1 })
    expect(record.receivedAt).toHaveLength(1)
    expect(sim.ledger.latencies('direct')[0]).toBeGreaterThanOrEqual(0)
  })

  it('a partition refuses links across it; after the heal, what was sent arrives', async () => {
    await sim.sendDirect(0, 3, 'before') // the pair is acquainted and connected
    await sim.partition([0, 1, 2], [3, 4, 5])
    const three = peerIdFromString(sim.simNode(3).peerId)
    expect(sim.node(0).host.getConnections(three)).toHaveLength(0)
    await expect(sim.node(0).host.dial(three)).rejects.toThrow()
    const during = await sim.sendDirect(0, 3, 'during the partition')
    sim.heal()
    await sim.node(0).host.dial(three)
    await sim.waitForDelivery([during], 40_000)
    expect(sim.timeline.map((e) => e.kind)).toEqual(expect.arrayContaining(['partition', 'heal']))
  }, 60_000)

  it('a killed node gets what was sent while it was down once it restarts', async () => {
    await sim.befriend(5, 4)
    await sim.kill(4)
    expect(sim.simNode(4).running).toBe(false)
    const ids = [await sim.sendDirect(5, 4, 'one'), await sim.sendDirect(5, 4, 'two')]
    await sim.restart(4)
    await sim.waitForDelivery(ids, 45_000)
    expect(ids.map((id) => sim.ledger.direct.get(id)!.receivedAt.length)).toEqual([1, 1])
    expect(sim.ledger.outOfOrder).toEqual([])
  }, 60_000)

  it('room messages reach every member', async () => {
    const roomId = await sim.createRoom(0, 'api test')
    await sim.joinRoom(1, roomId, 0)
    await sim.joinRoom(2, roomId, 0)
    await sim.waitForRoomMembers(roomId, [0, 1, 2])
    const id = await sim.sendRoom(0, roomId, 'hello room')
    expect(sim.ledger.room.get(id)!.expected.sort()).toEqual([1, 2])
    await sim.waitForDelivery([id], 30_000)
  }, 60_000)

  it('registers a username that other nodes look up', async () => {
    await sim.register(1, 'sim-alice')
    const found = await sim.node(2).directory.lookup('sim-alice')
    expect(found.publicKey).toBe(sim.simNode(1).publicKeyHex)
  }, 30_000)

  it('adds latency on the memory transport', async () => {
    sim.setLatency(150)
    try {
      const id = await sim.sendDirect(1, 2, 'slow link')
      await sim.waitForDelivery([id], 20_000)
      const record = sim.ledger.direct.get(id)!
      expect(record.receivedAt[0] - record.sentAt).toBeGreaterThanOrEqual(150)
    } finally {
      sim.setLatency(0)
    }
  }, 30_000)

  it("the scale run's room round: a room per size, every receipt counted with its latency", async () => {
    const figures = await roomRound(sim, { sizes: [3, 5], messagesPerRoom: 2, timeoutMs: 45_000 })
    expect(figures.map((f) => f.error)).toEqual([undefined, undefined])
    expect(
      figures.map(({ members, joinFailed, messages, expected, received }) => ({
        members,
        joinFailed,
        messages,
        expected,
        received,
      })),
    ).toEqual([
      { members: 3, joinFailed: 0, messages: 2, expected: 4, received: 4 },
      { members: 5, joinFailed: 0, messages: 2, expected: 8, received: 8 },
    ])
    for (const row of figures) {
      expect(row.p50Ms).toBeGreaterThanOrEqual(0)
      expect(row.p99Ms).toBeGreaterThanOrEqual(row.p50Ms)
      expect(row.formS).toBeGreaterThan(0)
    }
  }, 120_000)

  it('refuses latency on TCP, and unknown nodes, with a SimulationError', () => {
    const tcpSim = new Simulation({ nodes: 1, transport: 'tcp' })
    expect(() => tcpSim.setLatency(10)).toThrowError(/only be simulated on the memory transport/)
    expect(() => sim.simNode(99)).toThrowError(expect.objectContaining({ name: 'SimulationError' }))
  })
})

describe('createSimulation over loopback TCP', () => {
  it('delivers, and a restarted node listens on its old port', async () => {
    const tcp = await createSimulation({ relays: 1, nodes: 3, transport: 'tcp' })
    try {
      const first = await tcp.sendDirect(0, 1, 'over tcp')
      await tcp.waitForDelivery([first], 20_000)
      const before = tcp.simNode(1).directAddresses()
      expect(before.some((addr) => addr.startsWith('/ip4/127.0.0.1/tcp/'))).toBe(true)
      await tcp.restart(1)
      expect(tcp.simNode(1).directAddresses()).toEqual(before)
      const second = await tcp.sendDirect(0, 1, 'after the restart')
      await tcp.waitForDelivery([second], 30_000)
    } finally {
      await tcp.stop()
    }
  }, 60_000)
})
