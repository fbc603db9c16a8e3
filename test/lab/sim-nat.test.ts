/**
 * A simulation behind NAT routers (root): two homes, one behind a port-preserving NAT and
 * one behind a symmetric NAT, two nodes on a public host and the relay on another, each
 * group a shard process in its own namespace. Messages cross every boundary: within a LAN,
 * from home to home through the routers, and between a home and the public host; a
 * scenario behind NAT with a partition from the relay passes and reports relayed links.
 */
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSimulation, parseScenario, runScenario, type Simulation } from '../../sim/index.ts'
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

it('runs a scenario behind NAT: homes partitioned from the relay and healed, links reported', async () => {
  const scenario = parseScenario(`
name: nat-small
network:
  relays: 1
  nodes: 6
  transport: tcp
  nat: { homes: [{ nodes: ['0-1'] }, { nodes: ['2-3'], nat: symmetric }] }
duration: 6s
drain: 45s
traffic: { direct: { rate: 3 } }
faults:
  - { at: 1s, partition: { a: ['0-1'], b: [r0] } }
  - { at: 3s, heal: true }
`)
  const results = await runScenario(scenario)
  expect(results.expectations.filter((e) => !e.passed)).toEqual([])
  expect(results.direct.sent).toBeGreaterThan(0)
  expect(results.settings.placement.map((p) => p.host)).toEqual([
    expect.stringMatching(/^20\.0\.0\./),
    '192.168.1.10',
    '192.168.2.10',
  ])
  // Between homes there is no other way than through the relay.
  const crossHome = results.messages.some((m) => {
    const home = (node: number) => (node < 2 ? 0 : node < 4 ? 1 : 2)
    return home(m.from) !== home(m.to[0])
  })
  expect(crossHome).toBe(true)
  expect(results.links.relayed).toBeGreaterThan(0)
}, 240_000)
