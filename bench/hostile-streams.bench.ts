/**
 * A peer sending endless 0xff length prefixes on /tokenim/dm/1.0.0 (a fresh stream each time
 * the target resets the last, doc/security.md), against the same target left alone, in the
 * same run: the latency of honest messages to the target (send to delivered, one after the
 * other), and the target's peak RSS and CPU time. The target runs in its own process
 * (bench/fixtures/hostile-target.ts), so its memory and CPU are its own; the attacker runs
 * here.
 *
 *   npm run bench -- hostile
 *   TOKENIM_BENCH_ATTACK_MS=10000 npm run bench -- hostile   # longer windows
 *   TOKENIM_BENCH_ATTACK_MIBPS=32 npm run bench -- hostile   # a faster attacker
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { multiaddr } from '@multiformats/multiaddr'
import { DM_PROTOCOL } from '../protocol/ids.ts'
import { floodPrefixes } from '../test/helpers/hostile-peer.ts'
import { startDhtPeer } from '../test/integration/mailbox-network.ts'
import type { Benchmark, BenchmarkFigure } from './measure.ts'

const WINDOW_MS = Number(process.env.TOKENIM_BENCH_ATTACK_MS ?? 4_000)
const MIB = 1024 * 1024
/**
 * The attacker's uplink. On one machine an unbounded attacker also takes the CPU the target
 * would run on (its noise encryption of the flood), which no remote attacker does; 8 MiB/s
 * is a 64 Mbit/s uplink. TOKENIM_BENCH_ATTACK_MIBPS=Infinity floods as fast as it can.
 */
const RATE_MIB_PER_S = Number(process.env.TOKENIM_BENCH_ATTACK_MIBPS ?? 8)
const fixture = fileURLToPath(new URL('./fixtures/hostile-target.ts', import.meta.url))

interface Window {
  latencies: number[]
  rssPeak: number
  cpuMsPerSecond: number
  heapAfter: number
  eventLoopBusy: number
}

async function startTarget() {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--expose-gc', ...process.execArgv, fixture],
    {
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  )
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const nextLine = async () => {
    const { value, done } = await lines.next()
    if (done) throw new Error('the target exited early')
    return JSON.parse(value as string)
  }
  const { address } = (await nextLine()) as { address: string }
  return {
    address,
    async measure(ms: number): Promise<Window> {
      child.stdin!.write(`measure ${ms}\n`)
      return (await nextLine()) as Window
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.stdin!.end()
      await exited
    },
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]
}

export default {
  name: 'hostile-streams',
  async run(): Promise<BenchmarkFigure[]> {
    const target = await startTarget()
    const mallory = await startDhtPeer({ dhtServer: false })
    try {
      const address = multiaddr(target.address)
      const connection = await mallory.host.dial(address)
      const quiet = await target.measure(WINDOW_MS)
      const stopped = Promise.withResolvers<void>()
      const attack = floodPrefixes(
        mallory.host,
        connection.remotePeer,
        DM_PROTOCOL,
        stopped.promise,
        () => {},
        RATE_MIB_PER_S * MIB,
      )
      const attackerCpu = process.cpuUsage()
      const attacked = await target.measure(WINDOW_MS)
      const attackerCpuUsed = process.cpuUsage(attackerCpu)
      stopped.resolve()
      const report = await attack
      // The same window once more with no attack: does the memory come back?
      const after = await target.measure(WINDOW_MS)
      const flood = `${((report.pushed / MIB) * (1000 / WINDOW_MS)).toFixed(0)} MiB/s of 0xff on ${report.streams} streams`
      return [
        {
          name: `honest DM latency p50, during ${flood}`,
          unit: 'ms',
          value: percentile(attacked.latencies, 50),
          baseline: { name: 'no attack', value: percentile(quiet.latencies, 50) },
        },
        {
          name: 'honest DM latency p99, during the attack',
          unit: 'ms',
          value: percentile(attacked.latencies, 99),
          baseline: { name: 'no attack', value: percentile(quiet.latencies, 99) },
        },
        {
          name: 'honest DMs delivered, during the attack',
          unit: 'msgs/s',
          value: attacked.latencies.length / (WINDOW_MS / 1000),
          baseline: { name: 'no attack', value: quiet.latencies.length / (WINDOW_MS / 1000) },
        },
        {
          name: 'target peak RSS, during the attack',
          unit: 'MiB',
          value: attacked.rssPeak / MIB,
          baseline: { name: 'no attack', value: quiet.rssPeak / MIB },
        },
        {
          name: 'target heap after GC, once the attack is over',
          unit: 'MiB',
          value: after.heapAfter / MIB,
          baseline: { name: 'before the attack', value: quiet.heapAfter / MIB },
        },
        {
          name: 'target event loop busy, during the attack',
          unit: '%',
          value: attacked.eventLoopBusy * 100,
          baseline: { name: 'no attack', value: quiet.eventLoopBusy * 100 },
        },
        {
          name: `target CPU, during the attack (the attacker's: ${((attackerCpuUsed.user + attackerCpuUsed.system) / 1000 / (WINDOW_MS / 1000)).toFixed(0)} ms/s)`,
          unit: 'ms/s',
          value: attacked.cpuMsPerSecond,
          baseline: { name: 'no attack', value: quiet.cpuMsPerSecond },
        },
      ]
    } finally {
      await mallory.remove()
      await target.stop()
    }
  },
} satisfies Benchmark
