/**
 * A simulation behind NAT routers (root): two homes, one behind a port-preserving NAT and
 * one behind a symmetric NAT, two nodes on a public host and the relay on another, each
 * group a shard process in its own namespace. Messages cross every boundary: within a LAN,
 * from home to home through the routers, and between a home and the public host.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSimulation, type Simulation } from '../../sim/index.ts'
import { labSupported } from '../../sim/lab/nat-lab.ts'

const support = labSupported()
let sim: Simulation

beforeAll(async () => {
  if (!support.ok) throw new Error(support.reason)
  sim = await createSimulation({
    relays: 1,
    nodes: 6,
    transport: 'tcp',
    startConcurrency: 2,
    nat: {
      homes: [
        { nodes: [0, 1], nat: 'port-preserving' },
        { nodes: [2, 3], nat: 'symmetric' },
      ],
    },
  })
}, 180_000)

afterAll(async () => {
  await sim?.stop()
}, 60_000)

it('puts each group in its own place: the public host, then one LAN per home', () => {
  expect(sim.shardPlacement()).toEqual([
    { shard: 0, origin: 'joined', host: expect.stringMatching(/^20\.0\.0\./), nodes: 2 },
    { shard: 1, origin: 'joined', host: '192.168.1.10', nodes: 2 },
    { shard: 2, origin: 'joined', host: '192.168.2.10', nodes: 2 },
  ])
})

it('delivers within a LAN, from home to home through both NATs, and to the public host', async () => {
  const pairs: Array<[number, number]> = [
    [0, 1],
    [0, 2],
    [3, 1],
    [4, 2],
    [3, 5],
  ]
  const ids: string[] = []
  for (const [from, to] of pairs) ids.push(await sim.sendDirect(from, to, `${from} to ${to}`))
  await sim.waitForDelivery(ids, 90_000)
  expect(ids.map((id) => sim.ledger.direct.get(id)!.receivedAt.length)).toEqual(ids.map(() => 1))
}, 120_000)
