/**
 * Memory per simulated node: N full TokenIM nodes in one process (the simulation of sim/,
 * default N = 50, TOKENIM_BENCH_SIM_NODES to change) beside N bare libp2p hosts with the same
 * stack, joined to the relay the same way (sim/bare-host.ts), in the same run. Each side runs
 * in its own process, so the growth of that process's RSS and heap divided by N is the figure
 * (the relay's share included on both sides).
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Benchmark } from './measure.ts'

const NODES = Number(process.env.TOKENIM_BENCH_SIM_NODES ?? 50)
const fixture = fileURLToPath(new URL('./fixtures/sim-footprint.ts', import.meta.url))

interface Footprint {
  rssPerNode: number
  heapPerNode: number
}

function measure(mode: 'tokenim' | 'bare'): Promise<Footprint> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', ...process.execArgv, fixture, mode, String(NODES)],
      { timeout: 300_000, maxBuffer: 1 << 20 },
      (error, stdout) => (error != null ? reject(error) : resolve(JSON.parse(stdout) as Footprint)),
    )
  })
}

const benchmark: Benchmark = {
  name: 'sim-scale',
  async run() {
    const tokenim = await measure('tokenim')
    const bare = await measure('bare')
    const baselineName = `bare libp2p host, same stack, memory transport (N=${NODES})`
    const mib = (bytes: number) => bytes / 2 ** 20
    return [
      {
        name: `simulated TokenIM node RSS per node (N=${NODES})`,
        value: mib(tokenim.rssPerNode),
        unit: 'MiB',
        baseline: { name: baselineName, value: mib(bare.rssPerNode) },
      },
      {
        name: `simulated TokenIM node heap per node (N=${NODES})`,
        value: mib(tokenim.heapPerNode),
        unit: 'MiB',
        baseline: { name: baselineName, value: mib(bare.heapPerNode) },
      },
    ]
  },
}

export default benchmark
