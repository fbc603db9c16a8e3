/**
 * How far one machine goes: starts N full TokenIM nodes (plus relays) in this process for
 * each N given (two relays), then measures start-up time, memory per node, idle CPU, and one round of
 * 1:1 messages between random pairs. Timers are the product's defaults (not the short ones
 * of scenarios), writes unsynced. Results go to stdout as a table and to
 * sim-results/scale-<time>.json.
 *
 *   npm run sim:scale               # N = 100, 250, 500
 *   npm run sim:scale -- 500 1000   # the Ns to try, in order
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { summarize } from './delivery-ledger.ts'
import { memorySnapshot } from './resource-sampler.ts'
import { createSimulation, type Simulation } from './simulation.ts'

const sizes = process.argv
  .slice(2)
  .map(Number)
  .filter((n) => n > 0)
const plan = sizes.length > 0 ? sizes : [100, 250, 500]
const IDLE_MS = 10_000
const MESSAGES = 200

interface ScaleRow {
  nodes: number
  relays: number
  startupS: number
  perNodeRssMb: number
  perNodeHeapMb: number
  rssMb: number
  idleCpuPercent: number
  delivered: string
  p50Ms: number
  p99Ms: number
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
    startupS: 0,
    perNodeRssMb: 0,
    perNodeHeapMb: 0,
    rssMb: 0,
    idleCpuPercent: 0,
    delivered: '',
    p50Ms: 0,
    p99Ms: 0,
    stopS: 0,
  }
  try {
    process.stderr.write(`starting ${nodes} nodes and ${relays} relays...\n`)
    sim = await createSimulation({
      nodes,
      relays,
      transport: 'memory',
      startConcurrency: 16,
      readyTimeoutMs: 180_000,
      messaging: { collectIntervalMs: 30_000, retryIntervalMs: 30_000, ackTimeoutMs: 5_000 },
      roomOptions: { syncIntervalMs: 30_000, keyRetryIntervalMs: 10_000 },
      gossipHeartbeatMs: 1_000,
    })
    row.startupS = (Date.now() - started) / 1_000
    global.gc?.()
    const after = memorySnapshot()
    row.rssMb = Math.round(after.rssMb)
    row.perNodeRssMb = round((after.rssMb - before.rssMb) / (nodes + relays))
    row.perNodeHeapMb = round((after.heapUsedMb - before.heapUsedMb) / (nodes + relays))
    const cpu = process.cpuUsage()
    const idleStart = performance.now()
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
    const used = process.cpuUsage(cpu)
    row.idleCpuPercent = round(
      ((used.user + used.system) / 1_000 / (performance.now() - idleStart)) * 100,
    )
    process.stderr.write(`${nodes} up in ${row.startupS} s; sending ${MESSAGES} messages...\n`)
    const ids: string[] = []
    for (let m = 0; m < MESSAGES; m++) {
      const from = Math.floor(sim.random() * nodes)
      const to = (from + 1 + Math.floor(sim.random() * (nodes - 1))) % nodes
      ids.push(await sim.sendDirect(from, to, `scale ${m}`))
    }
    await sim.waitForDelivery(ids, 120_000).catch(() => undefined)
    const latencies = summarize(sim.ledger.latencies('direct'))
    row.delivered = `${latencies.count}/${MESSAGES}`
    row.p50Ms = Math.round(latencies.p50)
    row.p99Ms = Math.round(latencies.p99)
  } catch (err) {
    row.error = (err as Error).message
  } finally {
    const stopping = Date.now()
    await sim?.stop()
    row.stopS = (Date.now() - stopping) / 1_000
  }
  rows.push(row)
  console.table([row])
  if (row.error != null) break
}
console.table(rows)

function round(value: number): number {
  return Math.round(value * 100) / 100
}

await mkdir('sim-results', { recursive: true })
const path = `sim-results/scale-${new Date().toISOString().replace(/[:.]/g, '-')}.json`
await writeFile(path, `${JSON.stringify({ node: process.version, rows }, null, 2)}\n`)
process.stderr.write(`written ${path}\n`)
