/**
 * One size of the scale run (sim/scale.ts): starts N nodes (plus two relays), in this process
 * or spread over shard processes, then measures start-up time, memory per node, idle CPU (per
 * shard), one round of 1:1 messages between random pairs and a round of room messages in
 * rooms of the sizes given (room-round.ts), and stops them. The nodes are full TokenIM nodes,
 * or bare libp2p hosts with the same stack (bare-host.ts), measured the same way: the
 * baseline printed beside them.
 */
import { performance } from 'node:perf_hooks'
import { type ProfileSummary, recordProfile, summarizeProfile } from './cpu-profile.ts'
import { summarize } from './delivery-ledger.ts'
import type { HostKind } from './host-pool.ts'
import { memorySnapshot } from './resource-sampler.ts'
import { type RoomFigures, roomRound } from './room-round.ts'
import { createSimulation, type Simulation } from './simulation.ts'
import { PRODUCT_TIMERS } from './simulation-settings.ts'

export interface ScaleRunInit {
  hosts: HostKind
  nodes: number
  shards: number
  /** Each relay in a process of its own (their memory then outside the per-node figures). */
  relayProcesses: boolean
  /** Nodes each process starts at once. */
  concurrency: number
  /** How long the network idles while its CPU is measured. */
  idleMs: number
  /** After the idle measurement, a CPU profile of every process this long (0: none). */
  profileMs: number
  /** 1:1 messages, each between a random pair. */
  messages: number
  /** Members of each room of the room round (none: no round). */
  roomSizes: number[]
  roomMessages: number
  roomTimeoutMs: number
  /** Told of start-up and of each step. */
  onProgress?: (line: string) => void
}

export interface ScaleRow {
  hosts: HostKind
  nodes: number
  relays: number
  shards: number
  startupS: number
  /** During start-up, % of one core and % of event-loop time: this process, then each shard. */
  startupCpuPercent: number[]
  startupLoopPercent: number[]
  /** Nodes that came up (all of them unless start-up failed). */
  nodesUp: number
  perNodeRssMb: number
  perNodeHeapMb: number
  rssMb: number
  /** This process's CPU at idle: the whole network, or the relays and harness with shards. */
  idleCpuPercent: number
  /** Per shard at idle: CPU and event-loop use, % of one core. */
  shardIdleCpuPercent: number[]
  shardIdleLoopPercent: number[]
  /** Per shard while the messages were on their way. */
  shardSendCpuPercent: number[]
  /** Where each process's idle time went: this one first, then each shard. */
  profiles?: Array<{ process: string } & ProfileSummary>
  delivered: string
  p50Ms: number
  p99Ms: number
  /** Per room of the room round: members, receipts expected and received, latencies. */
  rooms: RoomFigures[]
  stopS: number
  error?: string
}

const RELAYS = 2
const DELIVERY_TIMEOUT_MS = 120_000

export async function measureScale(init: ScaleRunInit): Promise<ScaleRow> {
  const { nodes, shards } = init
  const progress = (line: string) => init.onProgress?.(line)
  global.gc?.()
  const before = memorySnapshot()
  const started = Date.now()
  let sim: Simulation | undefined
  const row: ScaleRow = {
    hosts: init.hosts,
    nodes,
    relays: RELAYS,
    shards,
    startupS: 0,
    startupCpuPercent: [],
    startupLoopPercent: [],
    nodesUp: 0,
    perNodeRssMb: 0,
    perNodeHeapMb: 0,
    rssMb: 0,
    idleCpuPercent: 0,
    shardIdleCpuPercent: [],
    shardIdleLoopPercent: [],
    shardSendCpuPercent: [],
    delivered: '',
    p50Ms: 0,
    p99Ms: 0,
    rooms: [],
    stopS: 0,
  }
  const what = init.hosts === 'bare' ? 'bare libp2p hosts' : 'nodes'
  const startCpu = process.cpuUsage()
  const startLoop = performance.eventLoopUtilization()
  try {
    progress(`starting ${nodes} ${what} in ${shards} process(es) and ${RELAYS} relays...`)
    sim = await createSimulation({
      hosts: init.hosts,
      nodes,
      relays: RELAYS,
      shards,
      transport: shards > 1 ? 'tcp' : 'memory',
      relayProcesses: init.relayProcesses,
      startConcurrency: init.concurrency,
      readyTimeoutMs: 180_000,
      onNodeUp: (up) => {
        row.nodesUp = up
        if (up % 50 === 0)
          progress(`  ${up} up after ${Math.round((Date.now() - started) / 1_000)} s`)
      },
      ...PRODUCT_TIMERS,
    })
    row.startupS = (Date.now() - started) / 1_000
    global.gc?.()
    const after = memorySnapshot()
    // Each shard grew from its empty process: that growth is its nodes'.
    const shardMemory = await sim.shardUsage({ gc: true })
    // The shards' first sample covers their whole start-up.
    row.startupCpuPercent = [
      Math.round(cpuPercentSince(startCpu, row.startupS * 1_000)),
      ...shardMemory.map((s) => Math.round(s.cpuPercent)),
    ]
    row.startupLoopPercent = [
      Math.round(performance.eventLoopUtilization(startLoop).utilization * 100),
      ...shardMemory.map((s) => Math.round(s.eventLoopPercent)),
    ]
    const sum = (values: number[]) => values.reduce((a, b) => a + b, 0)
    const counted = nodes + (init.relayProcesses ? 0 : RELAYS)
    // This process's growth counts while it holds nodes or relays; holding neither (shards
    // and relay processes), it grew by the harness alone, which is no node's.
    const here = shards === 1 || !init.relayProcesses ? 1 : 0
    row.rssMb = Math.round(after.rssMb + sum(shardMemory.map((s) => s.rssMb)))
    row.perNodeRssMb = round(
      (here * (after.rssMb - before.rssMb) + sum(shardMemory.map((s) => s.rssMb - s.startRssMb))) /
        counted,
    )
    row.perNodeHeapMb = round(
      (here * (after.heapUsedMb - before.heapUsedMb) +
        sum(shardMemory.map((s) => s.heapUsedMb - s.startHeapUsedMb))) /
        counted,
    )
    const cpu = process.cpuUsage()
    const idleStart = performance.now()
    await sim.shardUsage()
    await new Promise((resolve) => setTimeout(resolve, init.idleMs))
    row.idleCpuPercent = round(cpuPercentSince(cpu, performance.now() - idleStart))
    const idle = await sim.shardUsage()
    // To 0.1%: a small network idles below 1% of a core.
    row.shardIdleCpuPercent = idle.map((s) => Math.round(s.cpuPercent * 10) / 10)
    row.shardIdleLoopPercent = idle.map((s) => Math.round(s.eventLoopPercent * 10) / 10)
    if (init.profileMs > 0) {
      progress(`profiling every process for ${init.profileMs / 1_000} s...`)
      const [own, shardProfiles] = await Promise.all([
        recordProfile(init.profileMs).then(summarizeProfile),
        sim.profileShards(init.profileMs),
      ])
      row.profiles = [
        { process: shards > 1 ? 'parent (relays)' : 'all', ...own },
        ...shardProfiles.map((summary, i) => ({ process: `shard ${i}`, ...summary })),
      ]
    }
    progress(`${nodes} ${what} up in ${row.startupS} s; sending ${init.messages} messages...`)
    await sim.shardUsage() // the next sample covers the sending only
    const ids: string[] = []
    for (let m = 0; m < init.messages; m++) {
      const from = Math.floor(sim.random() * nodes)
      const to = (from + 1 + Math.floor(sim.random() * (nodes - 1))) % nodes
      ids.push(await sim.sendDirect(from, to, `scale ${m}`))
    }
    await sim.waitForDelivery(ids, DELIVERY_TIMEOUT_MS).catch(() => undefined)
    row.shardSendCpuPercent = (await sim.shardUsage()).map((s) => Math.round(s.cpuPercent))
    const latencies = summarize(sim.ledger.latencies('direct'))
    row.delivered = `${latencies.count}/${init.messages}`
    row.p50Ms = Math.round(latencies.p50)
    row.p99Ms = Math.round(latencies.p99)
    if (init.roomSizes.length > 0) {
      progress(`rooms of ${init.roomSizes.join(', ')} members...`)
      row.rooms = await roomRound(sim, {
        sizes: init.roomSizes,
        messagesPerRoom: init.roomMessages,
        timeoutMs: init.roomTimeoutMs,
        onProgress: (line) => progress(`  ${line}`),
      })
    }
  } catch (err) {
    row.error = (err as Error).message
  } finally {
    const stopping = Date.now()
    await sim?.stop()
    row.stopS = (Date.now() - stopping) / 1_000
  }
  return row
}

/**
 * The figures to read side by side, one line per row (TokenIM, then its bare baseline):
 * nodes up and time up, memory per node, idle CPU per shard (this process's without
 * shards), 1:1 delivery and latency.
 */
export function comparisonTable(rows: ScaleRow[]) {
  return rows.map((row) => ({
    nodes: row.nodes,
    hosts: row.hosts,
    up: `${row.nodesUp}/${row.nodes}`,
    'up in s': row.startupS,
    'MiB/node': row.perNodeRssMb,
    'idle CPU %': (row.shardIdleCpuPercent.length > 0
      ? row.shardIdleCpuPercent
      : [row.idleCpuPercent]
    ).join('/'),
    '1:1': row.delivered,
    'p50 ms': row.p50Ms,
    'p99 ms': row.p99Ms,
    ...(row.error == null ? {} : { error: row.error }),
  }))
}

/**
 * TokenIM's figures over its baseline's, as one line: memory per node, idle CPU (all
 * processes of the network summed), time up, 1:1 p50.
 */
export function ratioLine(tokenim: ScaleRow, bare: ScaleRow): string {
  const idle = (row: ScaleRow) =>
    row.shardIdleCpuPercent.reduce((a, b) => a + b, 0) || row.idleCpuPercent
  const ratio = (a: number, b: number) => (b > 0 ? `${(a / b).toFixed(2)}×` : 'n/a')
  return (
    `${tokenim.nodes} nodes, TokenIM / bare libp2p: memory per node ` +
    `${ratio(tokenim.perNodeRssMb, bare.perNodeRssMb)}, idle CPU ` +
    `${ratio(idle(tokenim), idle(bare))}, time up ${ratio(tokenim.startupS, bare.startupS)}, ` +
    `1:1 p50 ${ratio(tokenim.p50Ms, bare.p50Ms)}`
  )
}

/** One line per room of each row: its network's size and kind of host first. */
export function roomTable(rows: ScaleRow[]) {
  return rows.flatMap((row) =>
    row.rooms.map((room) => ({ nodes: row.nodes, hosts: row.hosts, ...room })),
  )
}

/** This process's CPU since `since` over `elapsedMs`, in % of one core. */
function cpuPercentSince(since: NodeJS.CpuUsage, elapsedMs: number): number {
  const used = process.cpuUsage(since)
  return ((used.user + used.system) / 1_000 / Math.max(1, elapsedMs)) * 100
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}
