/**
 * How far one machine goes: starts N full TokenIM nodes (plus two relays) for each N given,
 * in this process or spread over shard processes, then measures start-up time, memory per
 * node, idle CPU (per shard), one round of 1:1 messages between random pairs, and a round of
 * room messages in rooms of the sizes given (sim/room-round.ts). Timers
 * are the product's defaults (not the short ones of scenarios), writes unsynced. Results go
 * to stdout as a table and to sim-results/scale-<time>.json.
 *
 *   npm run sim:scale                          # N = 100, 250, 500 in this process
 *   npm run sim:scale -- 500 1000              # the Ns to try, in order
 *   npm run sim:scale -- --shards 2 500 1000   # nodes in 2 shard processes (loopback TCP)
 *   npm run sim:scale -- --concurrency 24 500  # nodes each process starts at once (16)
 *   npm run sim:scale -- --profile 15 500      # and a 15 s CPU profile of each process at idle
 *   npm run sim:scale -- --relay-processes --shards 2 1000   # each relay in a process of its own
 *   npm run sim:scale -- --rooms 10,50 --room-messages 10 250  # room sizes (0: none), posts per room
 *
 * With --relay-processes the relays' memory is in their own processes, outside the per-node
 * figures (which then count nodes only).
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { parseArgs } from 'node:util'
import {
  type ProfileSummary,
  printProfileSummary,
  recordProfile,
  summarizeProfile,
} from './cpu-profile.ts'
import { summarize } from './delivery-ledger.ts'
import { memorySnapshot } from './resource-sampler.ts'
import { type RoomFigures, roomRound } from './room-round.ts'
import { createSimulation, type Simulation } from './simulation.ts'
import { PRODUCT_TIMERS } from './simulation-settings.ts'

const { values: options, positionals } = parseArgs({
  options: {
    shards: { type: 'string', default: '1' },
    /** Nodes each process starts at once. */
    concurrency: { type: 'string', default: '16' },
    /** After the idle measurement, profile every process for this many seconds (0: not). */
    profile: { type: 'string', default: '0' },
    'relay-processes': { type: 'boolean', default: false },
    /** Members of each room of the room round, comma-separated; 0 for no room round. */
    rooms: { type: 'string', default: '10,50' },
    /** Messages posted in each room, each by a random member. */
    'room-messages': { type: 'string', default: '10' },
  },
  allowPositionals: true,
})
const shards = Number(options.shards)
const sizes = positionals.map(Number).filter((n) => n > 0)
const plan = sizes.length > 0 ? sizes : [100, 250, 500]
const IDLE_MS = 10_000
const MESSAGES = 200
const roomSizes = options.rooms
  .split(',')
  .map(Number)
  .filter((n) => n > 1)
const ROOM_TIMEOUT_MS = 120_000

interface ScaleRow {
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

const rows: ScaleRow[] = []
for (const nodes of plan) {
  const relays = 2
  global.gc?.()
  const before = memorySnapshot()
  const started = Date.now()
  let sim: Simulation | undefined
  const row: ScaleRow = {
    nodes,
    relays,
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
  const startCpu = process.cpuUsage()
  const startLoop = performance.eventLoopUtilization()
  try {
    process.stderr.write(
      `starting ${nodes} nodes in ${shards} process(es) and ${relays} relays...\n`,
    )
    sim = await createSimulation({
      nodes,
      relays,
      shards,
      transport: shards > 1 ? 'tcp' : 'memory',
      relayProcesses: options['relay-processes'],
      startConcurrency: Number(options.concurrency),
      readyTimeoutMs: 180_000,
      onNodeUp: (up) => {
        row.nodesUp = up
        if (up % 50 === 0) {
          process.stderr.write(`  ${up} up after ${Math.round((Date.now() - started) / 1_000)} s\n`)
        }
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
    row.rssMb = Math.round(after.rssMb + sum(shardMemory.map((s) => s.rssMb)))
    row.perNodeRssMb = round(
      (after.rssMb - before.rssMb + sum(shardMemory.map((s) => s.rssMb - s.startRssMb))) /
        (nodes + (options['relay-processes'] ? 0 : relays)),
    )
    row.perNodeHeapMb = round(
      (after.heapUsedMb -
        before.heapUsedMb +
        sum(shardMemory.map((s) => s.heapUsedMb - s.startHeapUsedMb))) /
        (nodes + (options['relay-processes'] ? 0 : relays)),
    )
    const cpu = process.cpuUsage()
    const idleStart = performance.now()
    await sim.shardUsage()
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
    row.idleCpuPercent = round(cpuPercentSince(cpu, performance.now() - idleStart))
    const idle = await sim.shardUsage()
    row.shardIdleCpuPercent = idle.map((s) => Math.round(s.cpuPercent))
    row.shardIdleLoopPercent = idle.map((s) => Math.round(s.eventLoopPercent))
    const profileMs = Number(options.profile) * 1_000
    if (profileMs > 0) {
      process.stderr.write(`profiling every process for ${options.profile} s...\n`)
      const [own, shardProfiles] = await Promise.all([
        recordProfile(profileMs).then(summarizeProfile),
        sim.profileShards(profileMs),
      ])
      row.profiles = [
        { process: shards > 1 ? 'parent (relays)' : 'all', ...own },
        ...shardProfiles.map((summary, i) => ({ process: `shard ${i}`, ...summary })),
      ]
      for (const profile of row.profiles) {
        console.log(`\n${nodes} nodes, ${profile.process}:`)
        printProfileSummary(profile, 8)
      }
    }
    process.stderr.write(`${nodes} up in ${row.startupS} s; sending ${MESSAGES} messages...\n`)
    await sim.shardUsage() // the next sample covers the sending only
    const ids: string[] = []
    for (let m = 0; m < MESSAGES; m++) {
      const from = Math.floor(sim.random() * nodes)
      const to = (from + 1 + Math.floor(sim.random() * (nodes - 1))) % nodes
      ids.push(await sim.sendDirect(from, to, `scale ${m}`))
    }
    await sim.waitForDelivery(ids, 120_000).catch(() => undefined)
    row.shardSendCpuPercent = (await sim.shardUsage()).map((s) => Math.round(s.cpuPercent))
    const latencies = summarize(sim.ledger.latencies('direct'))
    row.delivered = `${latencies.count}/${MESSAGES}`
    row.p50Ms = Math.round(latencies.p50)
    row.p99Ms = Math.round(latencies.p99)
    if (roomSizes.length > 0) {
      process.stderr.write(`rooms of ${roomSizes.join(', ')} members...\n`)
      row.rooms = await roomRound(sim, {
        sizes: roomSizes,
        messagesPerRoom: Number(options['room-messages']),
        timeoutMs: ROOM_TIMEOUT_MS,
        onProgress: (line) => process.stderr.write(`  ${line}\n`),
      })
    }
  } catch (err) {
    row.error = (err as Error).message
  } finally {
    const stopping = Date.now()
    await sim?.stop()
    row.stopS = (Date.now() - stopping) / 1_000
  }
  rows.push(row)
  console.table([withoutProfiles(row)])
  console.table(roomTable([row]))
  if (row.error != null) break
}
console.table(rows.map(withoutProfiles))
console.table(roomTable(rows))

/** The row as a table shows it: the profiles and rooms are printed on their own. */
function withoutProfiles({
  profiles: _,
  rooms: __,
  ...shown
}: ScaleRow): Omit<ScaleRow, 'profiles' | 'rooms'> {
  return shown
}

/** One line per room of each row: its network's size first. */
function roomTable(of: ScaleRow[]): Array<{ nodes: number } & RoomFigures> {
  return of.flatMap((row) => row.rooms.map((room) => ({ nodes: row.nodes, ...room })))
}

/** This process's CPU since `since` over `elapsedMs`, in % of one core. */
function cpuPercentSince(since: NodeJS.CpuUsage, elapsedMs: number): number {
  const used = process.cpuUsage(since)
  return ((used.user + used.system) / 1_000 / Math.max(1, elapsedMs)) * 100
}

function round(value: number): number {
  return Math.round(value * 100) / 100
}

await mkdir('sim-results', { recursive: true })
const path = `sim-results/scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`
await writeFile(path, `${JSON.stringify({ node: process.version, rows }, null, 2)}\n`)
process.stderr.write(`written ${path}\n`)
