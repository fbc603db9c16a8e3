/**
 * The results of a scenario run: counts, latency percentiles, losses, duplicates, order,
 * memory and CPU, the fault timeline, every message, and the verdict of each expectation.
 * Written as results.json and drawn by report/html-report.ts.
 */
import { type LatencySummary, summarize } from './delivery-ledger.ts'
import type { NodeLinks } from './host-pool.ts'
import type { ResourceSample, ResourceSampler } from './resource-sampler.ts'
import type { Scenario } from './scenario/schema.ts'
import type { ShardPlacement, ShardUsage } from './sharded-nodes.ts'
import type { Simulation, TimelineEntry } from './simulation.ts'

export interface ExpectationResult {
  name: string
  passed: boolean
  /** What was measured against what was expected. */
  detail: string
}

export interface MessageResult {
  id: string
  kind: 'direct' | 'room'
  from: number
  /** Recipient node (direct) or the expected recipients (room). */
  to: number[]
  /** ms since the simulation started. */
  sentAt: number
  /** Latency of each receipt, ms, per recipient; more than one per recipient is a duplicate. */
  receipts: Array<{ by: number; latencyMs: number }>
  /** Recipients that never got it. */
  missing: number[]
}

export interface TrafficResult {
  sent: number
  /** Messages that reached every recipient. */
  delivered: number
  /** Messages some recipient never got. */
  lost: number
  /** Extra receipts of a message already received. */
  duplicates: number
  outOfOrder: number
  latency: LatencySummary
  /** Latency counts per bucket (upper bounds in ms). */
  histogram: Array<{ upToMs: number; count: number }>
}

export interface MemoryFigures {
  rssMb: number
  heapUsedMb: number
}

export interface SimulationResults {
  scenario: { name: string; description?: string; seed: number }
  settings: {
    relays: number
    nodes: number
    transport: string
    /** Processes the nodes ran in (1: this one). */
    shards: number
    /** Per shard: forked here or joined from another machine or namespace, and where. */
    placement: ShardPlacement[]
    /** Messaging writes were not synced to disk (faster; see doc/simulation.md). */
    syncWrites: boolean
    collectIntervalMs?: number
    retryIntervalMs?: number
    ackTimeoutMs?: number
    node: string
  }
  timing: { startupMs: number; trafficMs: number; drainMs: number; totalMs: number }
  direct: TrafficResult
  room: TrafficResult | null
  errors: {
    send: Array<{ at: number; message: string }>
    faults: Array<{ at: number; message: string }>
  }
  /**
   * Links between nodes open when the traffic ended, direct or through a relay (a circuit),
   * each counted at both ends: behind NAT, how many paths the relays carry.
   */
  links: NodeLinks
  memory: {
    baseline: MemoryFigures
    afterStart: MemoryFigures
    peakRssMb: number
    /** (RSS after start − RSS before) / (nodes + relays): one process holds them all. */
    perNodeRssMb: number
    perNodeHeapMb: number
    method: string
  }
  cpu: { meanPercent: number; peakPercent: number; note: string }
  /** With shards: each shard process's samples (memory, CPU, event loop), once a second. */
  shards: ShardUsage[][]
  /**
   * Every time in the results (`at`, `sentAt`, `second`) is on the scenario's clock: 0 is the
   * moment traffic started, the zero of each fault's `at`; start-up and warm-up come before it.
   */
  samples: ResourceSample[]
  timeline: TimelineEntry[]
  /** Per second of the run, start-up included: messages sent and first receipts in it. */
  deliveryOverTime: Array<{ second: number; sent: number; delivered: number }>
  messages: MessageResult[]
  expectations: ExpectationResult[]
  passed: boolean
}

const HISTOGRAM_BOUNDS = [5, 10, 25, 50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000]

export function collectResults(input: {
  scenario: Scenario
  sim: Simulation
  sampler: ResourceSampler
  shardSamples: ShardUsage[][]
  memory: SimulationResults['memory']['baseline'] extends infer M
    ? { baseline: M; afterStart: M }
    : never
  timing: SimulationResults['timing']
  sendErrors: Array<{ at: number; message: string }>
  faultErrors: Array<{ at: number; message: string }>
  links: NodeLinks
}): SimulationResults {
  const { scenario, sim, sampler, shardSamples } = input
  // Every time in the results is on the simulation's clock, whose zero a scenario's `at` uses.
  const origin = sim.clockOrigin
  const onClock = <T extends { at: number }>(sample: T): T => ({
    ...sample,
    at: sample.at - origin,
  })
  const messages: MessageResult[] = []
  for (const record of sim.ledger.direct.values()) {
    messages.push({
      id: record.id,
      kind: 'direct',
      from: record.from,
      to: [record.to],
      sentAt: record.sentAt - origin,
      receipts: record.receivedAt.map((at) => ({ by: record.to, latencyMs: at - record.sentAt })),
      missing: record.receivedAt.length === 0 ? [record.to] : [],
    })
  }
  for (const record of sim.ledger.room.values()) {
    const receipts: MessageResult['receipts'] = []
    for (const [by, times] of record.receivedAt) {
      for (const at of times) receipts.push({ by, latencyMs: at - record.sentAt })
    }
    messages.push({
      id: record.id,
      kind: 'room',
      from: record.from,
      to: record.expected,
      sentAt: record.sentAt - origin,
      receipts,
      missing: record.expected.filter((member) => !record.receivedAt.has(member)),
    })
  }
  const direct = trafficResult(
    messages.filter((m) => m.kind === 'direct'),
    sim.ledger.outOfOrder.length,
  )
  const roomMessages = messages.filter((m) => m.kind === 'room')
  const room = scenario.traffic.room == null ? null : trafficResult(roomMessages, 0)
  const samples = sampler.samples.map(onClock)
  const participants = scenario.network.nodes + scenario.network.relays
  // Growth of each shard from its empty process to its first sample, once every node was up.
  const shardGrowth = (value: (s: ShardUsage) => number, start: (s: ShardUsage) => number) =>
    shardSamples.reduce(
      (sum, list) => sum + (list[0] == null ? 0 : value(list[0]) - start(list[0])),
      0,
    )
  const memory = {
    ...input.memory,
    peakRssMb: Math.max(...samples.map((s) => s.rssMb)),
    perNodeRssMb:
      (input.memory.afterStart.rssMb -
        input.memory.baseline.rssMb +
        shardGrowth(
          (s) => s.rssMb,
          (s) => s.startRssMb,
        )) /
      participants,
    perNodeHeapMb:
      (input.memory.afterStart.heapUsedMb -
        input.memory.baseline.heapUsedMb +
        shardGrowth(
          (s) => s.heapUsedMb,
          (s) => s.startHeapUsedMb,
        )) /
      participants,
    method:
      shardSamples.length === 0
        ? 'every node and relay runs in this one process: per-node figures are the growth of RSS and V8 heap from before the network started to once every node was up, divided by nodes + relays'
        : 'relays in this process, nodes in shard processes: per-node figures are the growth of this process and of each shard (from its empty process) to once every node was up, divided by nodes + relays; peak RSS is this process only',
  }
  const cpuValues = samples.slice(1).map((s) => s.cpuPercent)
  const results: SimulationResults = {
    scenario: { name: scenario.name, description: scenario.description, seed: scenario.seed },
    settings: {
      relays: scenario.network.relays,
      nodes: scenario.network.nodes,
      transport: scenario.network.transport,
      shards: scenario.network.shards,
      placement: sim.shardPlacement(),
      syncWrites: sim.messaging.syncWrites !== false,
      collectIntervalMs: sim.messaging.collectIntervalMs,
      retryIntervalMs: sim.messaging.retryIntervalMs,
      ackTimeoutMs: sim.messaging.ackTimeoutMs,
      node: process.version,
    },
    timing: input.timing,
    direct,
    room,
    errors: { send: input.sendErrors, faults: input.faultErrors },
    links: input.links,
    memory,
    cpu: {
      meanPercent: cpuValues.reduce((a, b) => a + b, 0) / Math.max(1, cpuValues.length),
      peakPercent: Math.max(0, ...cpuValues),
      note:
        shardSamples.length === 0
          ? 'one process runs every node and relay: this is the whole network, in % of one core'
          : 'this process only (relays and the harness), in % of one core; each shard is in shards',
    },
    shards: shardSamples.map((list) => list.map(onClock)),
    samples,
    timeline: sim.timeline,
    deliveryOverTime: deliveryOverTime(messages),
    messages,
    expectations: [],
    passed: true,
  }
  results.expectations = checkExpectations(scenario, results)
  results.passed = results.expectations.every((e) => e.passed)
  return results
}

export interface ShardSummary {
  shard: number
  /** Nodes running at the last sample. */
  running: number
  peakRssMb: number
  /** Means over the samples after the first (each covers the second before it). */
  meanCpuPercent: number
  meanEventLoopPercent: number
}

/** One line per shard process from its samples. */
export function summarizeShards(shards: ShardUsage[][]): ShardSummary[] {
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / Math.max(1, values.length)
  return shards.map((samples, shard) => ({
    shard,
    running: samples.at(-1)?.running ?? 0,
    peakRssMb: Math.max(0, ...samples.map((s) => s.rssMb)),
    meanCpuPercent: mean(samples.slice(1).map((s) => s.cpuPercent)),
    meanEventLoopPercent: mean(samples.slice(1).map((s) => s.eventLoopPercent)),
  }))
}

function trafficResult(messages: MessageResult[], outOfOrder: number): TrafficResult {
  const firstLatencies: number[] = []
  let duplicates = 0
  for (const message of messages) {
    const seen = new Set<number>()
    for (const receipt of message.receipts) {
      if (seen.has(receipt.by)) duplicates++
      else {
        seen.add(receipt.by)
        firstLatencies.push(receipt.latencyMs)
      }
    }
  }
  const lost = messages.filter((m) => m.missing.length > 0).length
  const histogram = HISTOGRAM_BOUNDS.map((upToMs) => ({ upToMs, count: 0 }))
  histogram.push({ upToMs: Number.POSITIVE_INFINITY, count: 0 })
  for (const latency of firstLatencies) histogram.find((b) => latency <= b.upToMs)!.count++
  return {
    sent: messages.length,
    delivered: messages.length - lost,
    lost,
    duplicates,
    outOfOrder,
    latency: summarize(firstLatencies),
    histogram,
  }
}

function deliveryOverTime(messages: MessageResult[]): SimulationResults['deliveryOverTime'] {
  const buckets = new Map<number, { sent: number; delivered: number }>()
  const bucket = (second: number) => {
    let entry = buckets.get(second)
    if (entry == null) {
      entry = { sent: 0, delivered: 0 }
      buckets.set(second, entry)
    }
    return entry
  }
  for (const message of messages) {
    bucket(Math.floor(message.sentAt / 1_000)).sent++
    const seen = new Set<number>()
    for (const receipt of message.receipts) {
      if (seen.has(receipt.by)) continue
      seen.add(receipt.by)
      bucket(Math.floor((message.sentAt + receipt.latencyMs) / 1_000)).delivered++
    }
  }
  const first = Math.min(0, ...buckets.keys())
  const last = Math.max(0, ...buckets.keys())
  return Array.from({ length: last - first + 1 }, (_, i) => ({
    second: first + i,
    ...(buckets.get(first + i) ?? { sent: 0, delivered: 0 }),
  }))
}

function checkExpectations(scenario: Scenario, results: SimulationResults): ExpectationResult[] {
  const expect = scenario.expect
  const out: ExpectationResult[] = []
  const kinds = [
    ['1:1', results.direct],
    ['room', results.room],
  ] as const
  for (const [label, traffic] of kinds) {
    if (traffic == null || traffic.sent === 0) continue
    if (expect.allDelivered) {
      out.push({
        name: `${label}: every message delivered`,
        passed: traffic.lost === 0,
        detail: `${traffic.delivered}/${traffic.sent} delivered, ${traffic.lost} lost`,
      })
    }
    if (expect.exactlyOnce) {
      out.push({
        name: `${label}: exactly once`,
        passed: traffic.duplicates === 0,
        detail: `${traffic.duplicates} duplicate receipt(s)`,
      })
    }
    if (expect.inOrder && label === '1:1') {
      out.push({
        name: '1:1: in order per conversation',
        passed: traffic.outOfOrder === 0,
        detail: `${traffic.outOfOrder} message(s) arrived after a later one`,
      })
    }
    if (expect.deadline != null) {
      const late = results.messages.filter(
        (m) =>
          (m.kind === 'direct') === (label === '1:1') &&
          (m.missing.length > 0 || m.receipts.some((r) => r.latencyMs > expect.deadline!)),
      ).length
      out.push({
        name: `${label}: each delivered within ${expect.deadline} ms`,
        passed: late === 0,
        detail: `${late} message(s) late or never delivered; slowest ${round(traffic.latency.max)} ms`,
      })
    }
  }
  if (expect.p99LatencyMs != null) {
    const p99 = results.direct.latency.p99
    out.push({
      name: `1:1: p99 latency below ${expect.p99LatencyMs} ms`,
      passed: results.direct.sent > 0 && p99 < expect.p99LatencyMs,
      detail: `p99 ${round(p99)} ms over ${results.direct.latency.count} deliveries`,
    })
  }
  if (expect.roomP99LatencyMs != null) {
    const p99 = results.room?.latency.p99 ?? Number.NaN
    out.push({
      name: `room: p99 latency below ${expect.roomP99LatencyMs} ms`,
      passed: p99 < expect.roomP99LatencyMs,
      detail: `p99 ${round(p99)} ms over ${results.room?.latency.count ?? 0} receipts`,
    })
  }
  if (results.direct.sent + (results.room?.sent ?? 0) === 0) {
    out.push({ name: 'traffic was sent', passed: false, detail: 'no message was sent' })
  }
  return out
}

function round(value: number): number {
  return Math.round(value * 10) / 10
}
