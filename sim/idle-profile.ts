/**
 * What an idle node costs: starts N nodes (default 100) and 2 relays in this process with
 * the product's timers, lets them settle, records a CPU profile for a while (default 15 s)
 * with no traffic, and prints where the time went (see cpu-profile.ts). Writes the .cpuprofile
 * (open it in Chrome DevTools) and a JSON summary to sim-results/.
 *
 *   npm run sim:profile
 *   npm run sim:profile -- --nodes 50 --seconds 10
 */
import { mkdir, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import { printProfileSummary, recordProfile, summarizeProfile } from './cpu-profile.ts'
import { delay } from './host-pool.ts'
import { createSimulation } from './simulation.ts'
import { PRODUCT_TIMERS } from './simulation-settings.ts'

const { values } = parseArgs({
  options: {
    nodes: { type: 'string', default: '100' },
    seconds: { type: 'string', default: '15' },
    settle: { type: 'string', default: '10' },
  },
})
const nodes = Number(values.nodes)
const profileMs = Number(values.seconds) * 1_000

process.stderr.write(`starting ${nodes} nodes and 2 relays...\n`)
const sim = await createSimulation({
  nodes,
  relays: 2,
  transport: 'memory',
  startConcurrency: 16,
  readyTimeoutMs: 180_000,
  ...PRODUCT_TIMERS,
})
try {
  process.stderr.write(`up; settling ${values.settle} s, then profiling ${values.seconds} s...\n`)
  await delay(Number(values.settle) * 1_000)
  const profile = await recordProfile(profileMs)
  const summary = { nodes, relays: 2, profileMs, ...summarizeProfile(profile) }
  printProfileSummary(summary)
  await mkdir('sim-results', { recursive: true })
  const stamp = new Date().toISOString().replace(/[:.]/g, '-')
  await writeFile(`sim-results/idle-${nodes}-${stamp}.cpuprofile`, JSON.stringify(profile))
  await writeFile(
    `sim-results/idle-${nodes}-${stamp}.json`,
    `${JSON.stringify(summary, null, 2)}\n`,
  )
  process.stderr.write(`written sim-results/idle-${nodes}-${stamp}.{cpuprofile,json}\n`)
} finally {
  await sim.stop()
}
