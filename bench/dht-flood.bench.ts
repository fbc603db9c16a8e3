/**
 * A storage flood against a relay's DHT, with the default write quotas and, as the baseline
 * in the same run, with quotas too large to matter (how a relay was before them): one peer
 * puts DHT_FLOOD_RECORDS valid 96 KiB mailbox deposits under fresh slot keys, then provides
 * DHT_FLOOD_PROVIDERS random ids, while an honest peer from the same address deposits a
 * 1 KiB envelope every HONEST_EVERY_MS. Figures: what the relay holds after the flood, how long the
 * flood took, and the honest deposit's latency (put until the relay confirms) during the
 * flood beside the same with no flood.
 *
 *   DHT_FLOOD_RECORDS=300 DHT_FLOOD_PROVIDERS=1229 npm run bench -- dht-flood
 */
import { putRecord } from '../node/mailbox/dht-records.ts'
import {
  depositWriter,
  joinRelay,
  provideRandom,
  providerHoldings,
  recordHolding,
  startStoringRelay,
} from '../test/helpers/dht-flood.ts'
import { makeTempDir } from '../test/helpers/temp-dir.ts'
import { startDhtPeer } from '../test/integration/mailbox-network.ts'
import { type Benchmark, type BenchmarkFigure, percentile } from './measure.ts'

const FLOOD_RECORDS = Number(process.env.DHT_FLOOD_RECORDS ?? 300)
const FLOOD_PROVIDERS = Number(process.env.DHT_FLOOD_PROVIDERS ?? 1229)
const QUIET_DEPOSITS = 30
const FLOOD_ENVELOPE = 96 * 1024 - 64
const HONEST_ENVELOPE = 1024
const QUERY = { timeoutMs: 10_000 }
/**
 * The honest peer deposits one envelope this often: a busy sender, but one that stays within
 * its own hourly quota over a flood of about a minute (a tight loop would flood too).
 */
const HONEST_EVERY_MS = 200
const UNBOUNDED = {
  recordsPerPeerPerHour: 1e9,
  bytesPerPeerPerHour: 1e15,
  recordsPerPeer: 1e9,
  bytesPerPeer: 1e15,
}
const MIB = 1024 * 1024

interface FloodRun {
  /** What the relay holds of the flood afterwards. */
  stored: { records: number; providers: number; bytes: number }
  floodMs: number
  quiet: number[]
  during: number[]
  /** Honest deposits the relay did not confirm during the flood. */
  honestLost: number
}

async function floodRun(dhtQuotas: Record<string, number>): Promise<FloodRun> {
  const dir = await makeTempDir('tokenim-bench-flood-')
  const { relay, store } = await startStoringRelay(dir.path, {
    dhtQuotas,
    metrics: { enabled: false },
    health: { enabled: false },
  })
  const [flooder, honest] = await Promise.all([
    startDhtPeer({ dhtServer: false }),
    startDhtPeer({ dhtServer: false }),
  ])
  try {
    for (const peer of [flooder, honest]) await joinRelay(peer, relay)
    const honestDeposit = depositWriter()
    let honestLost = 0
    const deposit = async (into: number[]) => {
      const { key, record } = honestDeposit(HONEST_ENVELOPE)
      const start = performance.now()
      const { confirmed } = await putRecord(honest.host.services.dht, key, record, QUERY)
      into.push(performance.now() - start)
      if (confirmed === 0) honestLost++
    }
    const quiet: number[] = []
    for (let i = 0; i < QUIET_DEPOSITS; i++) await deposit(quiet)
    honestLost = 0

    const floodDeposit = depositWriter()
    let flooding = true
    const during: number[] = []
    const honestLoop = (async () => {
      while (flooding) {
        await deposit(during)
        await new Promise((resolve) => setTimeout(resolve, HONEST_EVERY_MS))
      }
    })()
    const floodKeys: Uint8Array[] = []
    const floodStart = performance.now()
    try {
      for (let i = 0; i < FLOOD_RECORDS; i++) {
        const { key, record } = floodDeposit(FLOOD_ENVELOPE)
        floodKeys.push(key)
        await putRecord(flooder.host.services.dht, key, record, QUERY)
      }
      for (let i = 0; i < FLOOD_PROVIDERS; i++) await provideRandom(flooder)
    } finally {
      flooding = false
    }
    const floodMs = performance.now() - floodStart
    await honestLoop
    const held = (await Promise.all(floodKeys.map((key) => recordHolding(store, key)))).filter(
      (bytes) => bytes != null,
    )
    const providers = await providerHoldings(store)
    const stored = {
      records: held.length,
      providers: providers.count,
      bytes: held.reduce((sum, bytes) => sum + bytes, 0) + providers.bytes,
    }
    return { stored, floodMs, quiet, during, honestLost }
  } finally {
    await Promise.all([flooder.remove(), honest.remove()])
    await relay.stop()
    await dir.remove()
  }
}

const benchmark: Benchmark = {
  name: 'dht-flood',
  async run() {
    const before = await floodRun(UNBOUNDED)
    const after = await floodRun({})
    const flood = `${FLOOD_RECORDS} x 96 KiB deposits + ${FLOOD_PROVIDERS} provider records from one peer`
    const figures: BenchmarkFigure[] = [
      {
        name: `flood's mailbox records the relay holds, default quotas (of ${FLOOD_RECORDS})`,
        value: after.stored.records,
        unit: 'records',
        baseline: { name: 'no quotas', value: before.stored.records },
      },
      {
        name: `flood's provider records the relay holds, default quotas (of ${FLOOD_PROVIDERS})`,
        value: after.stored.providers,
        unit: 'records',
        baseline: { name: 'no quotas', value: before.stored.providers },
      },
      {
        name: 'bytes of the flood the relay holds (keys and records), default quotas',
        value: after.stored.bytes / MIB,
        unit: 'MiB',
        baseline: { name: 'no quotas', value: before.stored.bytes / MIB },
      },
      {
        name: `time the flood took (${flood}), default quotas`,
        value: after.floodMs,
        unit: 'ms',
        baseline: { name: 'no quotas', value: before.floodMs },
      },
    ]
    for (const [label, run] of [
      ['default quotas', after],
      ['no quotas', before],
    ] as const) {
      for (const p of [50, 90]) {
        figures.push({
          name: `honest 1 KiB deposit until the relay confirms, during the flood, ${label}, p${p} (${run.during.length} deposits, ${run.honestLost} unconfirmed)`,
          value: percentile(run.during, p),
          unit: 'ms',
          baseline: { name: `no flood, p${p}`, value: percentile(run.quiet, p) },
        })
      }
    }
    return figures
  },
}

export default benchmark
