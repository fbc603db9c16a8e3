/**
 * The acceptance run of the simulation: 50 TokenIM nodes and 2 relays in this process, 1:1
 * traffic on 60 conversations, each starting its session under the faults, while nodes crash
 * and return and the network splits in two and heals. Every message must arrive exactly
 * once, in order, within the deadline.
 */
import { expect, it } from 'vitest'
import { runScenario } from '../../sim/index.ts'
import { parseScenario } from '../../sim/scenario/schema.ts'

const scenario = parseScenario(`
name: network-50
network: { relays: 2, nodes: 50, transport: memory, startConcurrency: 10 }
duration: 30s
drain: 60s
traffic:
  direct: { rate: 4, pairs: 60 }
faults:
  - at: 3s
    churn: { count: 3, down: 4s, every: 10s, until: 20s }
  - at: 8s
    partition: { a: ['0-24', r0], b: ['25-49', r1] }
  - at: 18s
    heal: true
expect:
  allDelivered: true
  exactlyOnce: true
  inOrder: true
  deadline: 80s
`)

it('50 nodes, 2 relays, churn and a partition: every message once, in order, in time', async () => {
  const results = await runScenario(scenario)
  const failed = results.expectations.filter((e) => !e.passed)
  expect(failed, JSON.stringify(failed)).toEqual([])
  expect(results.direct.sent).toBeGreaterThan(80)
  expect(results.direct.delivered).toBe(results.direct.sent)
  expect(results.timeline.map((e) => e.kind)).toEqual(
    expect.arrayContaining(['kill', 'restart', 'partition', 'heal']),
  )
  expect(results.settings.syncWrites).toBe(false)
}, 240_000)
