/**
 * The multi-node simulation: relays and TokenIM nodes in one process or spread over shard
 * processes, faults on demand (kill, restart, partition, latency, loss, churn), a ledger of
 * every message, and scenario files run by `tokenim sim run`. See doc/simulation.md.
 *
 * @example
 * ```ts
 * import { createSimulation } from './sim/index.ts'
 *
 * const sim = await createSimulation({ relays: 2, nodes: 10, transport: 'memory' })
 * const id = await sim.sendDirect(0, 1, 'hello')
 * await sim.waitForDelivery([id], 10_000)
 * await sim.partition([0, 1, 2, 'r0'], [3, 4, 5, 'r1'])
 * await sim.heal()
 * await sim.stop()
 *
 * // The same network over two processes (both cores), on loopback TCP:
 * const sharded = await createSimulation({ relays: 2, nodes: 200, shards: 2 })
 * ```
 */
export {
  type DeliveryLedger,
  type DirectRecord,
  type LatencySummary,
  percentile,
  type RoomRecord,
  summarize,
} from './delivery-ledger.ts'
export * from './errors.ts'
export type { HostKind } from './host-pool.ts'
export type { LinkShape } from './link-faults.ts'
export { parseEndpoint, type ShardEndpoint } from './remote-shards.ts'
export { renderHtmlReport } from './report/html-report.ts'
export {
  type ExpectationResult,
  type MessageResult,
  type ShardSummary,
  type SimulationResults,
  summarizeShards,
  type TrafficResult,
} from './results.ts'
export { runScenarioFile, type ScenarioFileRun } from './scenario/run-file.ts'
export {
  type RunScenarioOptions,
  runScenario,
  type ScenarioProgress,
} from './scenario/run-scenario.ts'
export { parseScenario, type Scenario, scenarioSchema } from './scenario/schema.ts'
export { runRemoteShard } from './shard-service.ts'
export type { ShardNode, ShardPlacement, ShardUsage } from './sharded-nodes.ts'
export { SimNode, type SimTransport } from './sim-node.ts'
export {
  createSimulation,
  type Participant,
  type SimulatedNode,
  Simulation,
  type TimelineEntry,
} from './simulation.ts'
export {
  PRODUCT_TIMERS,
  SIMULATION_MESSAGING,
  SIMULATION_ROOMS,
  type SimulationInit,
} from './simulation-settings.ts'
