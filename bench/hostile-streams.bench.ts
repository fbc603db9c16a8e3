/**
 * A peer sending endless 0xff length prefixes (a fresh stream each time the target resets
 * the last, doc/security.md), against the same target left alone, in the same run:
 * - on a node's /tokenim/dm/1.0.0: the latency of honest messages to it (send to delivered,
 *   one after the other, from a peer in the node's process);
 * - on a relay's /tokenim/directory/1.0.0 and /tokenim/kad/1.0.0: the latency of honest
 *   username lookups from a node (in this process);
 * and what the target spent: peak RSS, heap after GC once the attack is over, event loop,
 * CPU. Each target runs in its own process (bench/fixtures/hostile-*.ts), so its memory and
 * CPU are its own; the attacker runs here.
 *
 *   npm run bench -- hostile
 *   TOKENIM_BENCH_ATTACK_MS=10000 npm run bench -- hostile   # longer windows
 *   TOKENIM_BENCH_ATTACK_MIBPS=32 npm run bench -- hostile   # a faster attacker
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { peerIdFromString } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { DHT_PROTOCOL, DIRECTORY_PROTOCOL, DM_PROTOCOL } from '../protocol/ids.ts'
import type { RelayNode } from '../relay/index.ts'
import { floodPrefixes } from '../test/helpers/hostile-peer.ts'
import { createNetwork, waitForRelay } from '../test/helpers/relay-network.ts'
import { startDhtPeer } from '../test/integration/mailbox-network.ts'
import type { ProcessUsage } from './fixtures/process-usage.ts'
import type { Benchmark, BenchmarkFigure } from './measure.ts'

const WINDOW_MS = Number(process.env.TOKENIM_BENCH_ATTACK_MS ?? 4_000)
const MIB = 1024 * 1024
/**
 * The attacker's uplink. On one machine an unbounded attacker also takes the CPU the target
 * would run on (its noise encryption of the flood), which no remote attacker does; 8 MiB/s
 * is a 64 Mbit/s uplink. TOKENIM_BENCH_ATTACK_MIBPS=Infinity floods as fast as it can.
 */
const RATE_MIB_PER_S = Number(process.env.TOKENIM_BENCH_ATTACK_MIBPS ?? 8)

type Window = ProcessUsage & { latencies?: number[] }

async function startTarget(name: 'hostile-target' | 'hostile-relay') {
  const fixture = fileURLToPath(new URL(`./fixtures/${name}.ts`, import.meta.url))
  const child: ChildProcess = spawn(
    process.execPath,
    ['--expose-gc', ...process.execArgv, fixture],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const nextLine = async () => {
    const { value, done } = await lines.next()
    if (done) throw new Error(`${name} exited early`)
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

/** Honest latencies, measured here, while the target measures what it spends. */
async function lookupsDuring(
  target: Awaited<ReturnType<typeof startTarget>>,
  lookup: () => Promise<unknown>,
): Promise<Window> {
  const latencies: number[] = []
  const until = performance.now() + WINDOW_MS
  const usage = target.measure(WINDOW_MS)
  while (performance.now() < until) {
    const started = performance.now()
    await lookup()
    latencies.push(performance.now() - started)
  }
  return { ...(await usage), latencies }
}

/**
 * Measures `window` quiet, then under the attack on `protocol`, then quiet again (does the
 * memory come back?), and returns the figures under `label`.
 */
async function compare(
  label: string,
  target: Awaited<ReturnType<typeof startTarget>>,
  protocol: string,
  window: () => Promise<Window>,
): Promise<BenchmarkFigure[]> {
  const mallory = await startDhtPeer({ dhtServer: false })
  try {
    const connection = await mallory.host.dial(multiaddr(target.address))
    const quiet = await window()
    const stopped = Promise.withResolvers<void>()
    const attack = floodPrefixes(
      mallory.host,
      connection.remotePeer,
      protocol,
      stopped.promise,
      () => {},
      RATE_MIB_PER_S * MIB,
    )
    const attackerCpu = process.cpuUsage()
    const attacked = await window()
    const attackerCpuUsed = process.cpuUsage(attackerCpu)
    stopped.resolve()
    const report = await attack
    const after = await window()
    const flood = `${((report.pushed / MIB) * (1000 / WINDOW_MS)).toFixed(0)} MiB/s of 0xff on ${protocol} (${report.streams} streams)`
    const attackerMs = (attackerCpuUsed.user + attackerCpuUsed.system) / 1000 / (WINDOW_MS / 1000)
    const quietName = 'no attack'
    return [
      {
        name: `${label}: latency p50, during ${flood}`,
        unit: 'ms',
        value: percentile(attacked.latencies!, 50),
        baseline: { name: quietName, value: percentile(quiet.latencies!, 50) },
      },
      {
        name: `${label}: latency p99, during the attack`,
        unit: 'ms',
        value: percentile(attacked.latencies!, 99),
        baseline: { name: quietName, value: percentile(quiet.latencies!, 99) },
      },
      {
        name: `${label}: answered, during the attack`,
        unit: '/s',
        value: attacked.latencies!.length / (WINDOW_MS / 1000),
        baseline: { name: quietName, value: quiet.latencies!.length / (WINDOW_MS / 1000) },
      },
      {
        name: `${label}: target peak RSS, during the attack`,
        unit: 'MiB',
        value: attacked.rssPeak / MIB,
        baseline: { name: quietName, value: quiet.rssPeak / MIB },
      },
      {
        name: `${label}: target heap after GC, once the attack is over`,
        unit: 'MiB',
        value: after.heapAfter / MIB,
        baseline: { name: 'before the attack', value: quiet.heapAfter / MIB },
      },
      {
        name: `${label}: target event loop busy, during the attack`,
        unit: '%',
        value: attacked.eventLoopBusy * 100,
        baseline: { name: quietName, value: quiet.eventLoopBusy * 100 },
      },
      {
        name: `${label}: target CPU, during the attack (the attacker's: ${attackerMs.toFixed(0)} ms/s)`,
        unit: 'ms/s',
        value: attacked.cpuMsPerSecond,
        baseline: { name: quietName, value: quiet.cpuMsPerSecond },
      },
    ]
  } finally {
    await mallory.remove()
  }
}

async function nodeFigures(): Promise<BenchmarkFigure[]> {
  const node = await startTarget('hostile-target')
  try {
    return await compare('honest DMs', node, DM_PROTOCOL, () => node.measure(WINDOW_MS))
  } finally {
    await node.stop()
  }
}

async function relayFigures(): Promise<BenchmarkFigure[]> {
  const relay = await startTarget('hostile-relay')
  const network = createNetwork()
  try {
    const [alice, bob] = await Promise.all([0, 1].map(() => network.node([relay.address])))
    // waitForRelay needs only the relay's peer id.
    const relayNode = { peerId: peerIdFromString(relay.address.split('/p2p/')[1]) } as RelayNode
    await Promise.all([alice, bob].map((node) => waitForRelay(node, relayNode)))
    await bob.directory.register('bob', { relay: relay.address })
    const lookup = () => alice.directory.lookup('bob')
    const figures: BenchmarkFigure[] = []
    for (const protocol of [DIRECTORY_PROTOCOL, DHT_PROTOCOL]) {
      figures.push(
        ...(await compare(
          `username lookups, the relay's ${protocol.split('/')[2]} attacked`,
          relay,
          protocol,
          () => lookupsDuring(relay, lookup),
        )),
      )
    }
    return figures
  } finally {
    await network.close()
    await relay.stop()
  }
}

export default {
  name: 'hostile-streams',
  async run(): Promise<BenchmarkFigure[]> {
    return [...(await nodeFigures()), ...(await relayFigures())]
  },
} satisfies Benchmark
