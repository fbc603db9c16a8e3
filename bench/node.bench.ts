/**
 * A TokenIM node (libp2p host + LevelDB + local API) beside a bare libp2p host with the same
 * transports and services: time from start to ready, and resident memory once idle. Each
 * node runs in its own process so RSS is its own; the median of several runs is reported.
 */
import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import type { Benchmark } from './measure.ts'

const RUNS = Number(process.env.TOKENIM_BENCH_NODE_RUNS ?? 5)
const fixture = fileURLToPath(new URL('./fixtures/node-footprint.ts', import.meta.url))

interface Footprint {
  startMs: number
  rssBytes: number
}

function measure(mode: 'tokenim' | 'bare'): Promise<Footprint> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--expose-gc', ...process.execArgv, fixture, mode],
      { timeout: 60_000 },
      (error, stdout) => (error != null ? reject(error) : resolve(JSON.parse(stdout) as Footprint)),
    )
  })
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.floor(sorted.length / 2)]
}

const benchmark: Benchmark = {
  name: 'node',
  async run() {
    const tokenim: Footprint[] = []
    const bare: Footprint[] = []
    // Alternate so that machine load drifts onto both alike.
    for (let run = 0; run < RUNS; run++) {
      tokenim.push(await measure('tokenim'))
      bare.push(await measure('bare'))
    }
    const baselineName = 'bare libp2p, same services'
    return [
      {
        name: 'node start to ready',
        value: median(tokenim.map((f) => f.startMs)),
        unit: 'ms',
        baseline: { name: baselineName, value: median(bare.map((f) => f.startMs)) },
      },
      {
        name: 'node idle RSS',
        value: median(tokenim.map((f) => f.rssBytes)) / 2 ** 20,
        unit: 'MiB',
        baseline: { name: baselineName, value: median(bare.map((f) => f.rssBytes)) / 2 ** 20 },
      },
    ]
  },
}

export default benchmark
