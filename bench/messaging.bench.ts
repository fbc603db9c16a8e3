/**
 * 1:1 messaging between two online nodes on loopback TCP, beside a raw libp2p stream on the
 * same kind of connection carrying the same 200-byte payload:
 * - latency: send until the sender sees `delivered` (encrypt, store, send, decrypt, store,
 *   ack, store the state), against a raw echo round trip;
 * - throughput: messages one pair takes from `send` to `delivered`, against one-way frames
 *   on one raw stream. The sends are issued at once, as a script or an outbox flush does, so
 *   they travel in bundles (several texts under one ratchet message, doc/messaging.md); each
 *   is still stored, acked and marked delivered on its own.
 * Each is measured with synced writes (the default: on disk before anything acts on it) and
 * without (what simulations use), so the cost of durability shows on its own. Beside them,
 * a raw synced LevelDB batch on the same disk, and the floor of the synced latency measured
 * as one chain: a delivered message needs a synced batch on each side (the sender's ratchet
 * state before the ciphertext leaves, the recipient's copy before its ack), so the durable
 * echo writes one of the pipeline's size on each side around the hop. Measured, not summed:
 * each wait on the disk also costs a wake-up of the event loop, which a sum leaves out.
 * The nodes' records are sealed, as on a node; a pair keeping them unsealed, measured in
 * alternating rounds with it in the same run, gives what sealing costs.
 */
import { join } from 'node:path'
import { lpStream } from '@libp2p/utils'
import { createHost, type Host } from '../network/host.ts'
import { generateIdentity, type Identity, toLibp2pPrivateKey } from '../node/identity/index.ts'
import { DirectMessages } from '../node/messaging/index.ts'
import { openStorage, type Storage } from '../node/storage.ts'
import type { MessageStateChange } from '../protocol/local-api.ts'
import { makeTempDir } from '../test/helpers/temp-dir.ts'
import { BundleDirectory } from '../test/integration/messaging-peers.ts'
import type { Benchmark, BenchmarkFigure } from './measure.ts'

const PAYLOAD = 'x'.repeat(200)
const LATENCY_SAMPLES = Number(process.env.TOKENIM_BENCH_DM_SAMPLES ?? 400)
const THROUGHPUT_MESSAGES = Number(process.env.TOKENIM_BENCH_DM_MESSAGES ?? 3000)
/** Alternating rounds of the sealed and the unsealed pair. */
const ROUNDS = 4
const ECHO_PROTOCOL = '/tokenim-bench/echo/1.0.0'
const SINK_PROTOCOL = '/tokenim-bench/sink/1.0.0'
const DURABLE_ECHO_PROTOCOL = '/tokenim-bench/durable-echo/1.0.0'
/** What the pipeline's synced batches hold for a 200-byte text (sender / recipient), in bytes. */
const SENDER_BATCH_SIZE = 2_450
const RECIPIENT_BATCH_SIZE = 1_150
const SYNC = { sync: true } as unknown as Record<string, never>

interface BenchPeer {
  identity: Identity
  host: Host
  storage: Storage
  messages: DirectMessages
  delivered: Set<string>
  waiters: Map<string, () => void>
  onDelivered?: () => void
  stop(): Promise<void>
}

async function startPeer(
  directory: BundleDirectory,
  syncWrites: boolean,
  sealed: boolean,
): Promise<BenchPeer> {
  const identity = generateIdentity()
  const dir = await makeTempDir('tokenim-bench-dm-')
  const storage = await openStorage(join(dir.path, 'db'), sealed ? { identity } : {})
  const host = await createHost({
    privateKey: toLibp2pPrivateKey(identity),
    datastore: storage.datastore,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    dhtServer: false,
    allowPrivateAddresses: true,
  })
  await host.start()
  const peer: BenchPeer = {
    identity,
    host,
    storage,
    messages: new DirectMessages(
      {
        host,
        db: storage.sublevel('messaging'),
        identity,
        prekeys: directory.prekeysFor(identity),
        emit: (type: string, data: unknown) => {
          const change = data as MessageStateChange
          if (type !== 'message:state' || change.state !== 'delivered') return
          peer.delivered.add(change.id)
          peer.waiters.get(change.id)?.()
          peer.onDelivered?.()
        },
      },
      { syncWrites, ackTimeoutMs: 60_000 },
    ),
    delivered: new Set(),
    waiters: new Map(),
    stop: async () => {
      await peer.messages.stop()
      await host.stop()
      await storage.close()
      await dir.remove()
    },
  }
  await peer.messages.start()
  return peer
}

async function sendDelivered(alice: BenchPeer, bob: BenchPeer): Promise<void> {
  const { id } = await alice.messages.send(hexOf(bob.identity.publicKey), PAYLOAD)
  if (!alice.delivered.has(id)) {
    await new Promise<void>((resolve) => alice.waiters.set(id, resolve))
    alice.waiters.delete(id)
  }
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]
}

async function messagingLatency(
  alice: BenchPeer,
  bob: BenchPeer,
  count = LATENCY_SAMPLES,
): Promise<number[]> {
  for (let i = 0; i < 30; i++) await sendDelivered(alice, bob)
  const samples: number[] = []
  for (let i = 0; i < count; i++) {
    const start = performance.now()
    await sendDelivered(alice, bob)
    samples.push(performance.now() - start)
  }
  return samples.sort((a, b) => a - b)
}

/** A burst's rate, and the CPU it took (all threads of the process, both ends) per item. */
interface BurstFigures {
  perSecond: number
  cpuMicrosEach: number
}

function burstFigures(count: number, startedAt: number, cpuAtStart: NodeJS.CpuUsage): BurstFigures {
  const cpu = process.cpuUsage(cpuAtStart)
  return {
    perSecond: (count / (performance.now() - startedAt)) * 1000,
    cpuMicrosEach: (cpu.user + cpu.system) / count,
  }
}

/** Messages from the first `send` to the last `delivered`: its rate and CPU, and their sums. */
async function messagingThroughput(alice: BenchPeer, bob: BenchPeer): Promise<Burst> {
  const target = alice.delivered.size + THROUGHPUT_MESSAGES
  const allDelivered = new Promise<void>((resolve) => {
    alice.onDelivered = () => {
      if (alice.delivered.size >= target) resolve()
    }
  })
  const cpu = process.cpuUsage()
  const start = performance.now()
  const sends: Array<Promise<unknown>> = []
  for (let i = 0; i < THROUGHPUT_MESSAGES; i++) {
    sends.push(alice.messages.send(hexOf(bob.identity.publicKey), PAYLOAD))
  }
  await Promise.all(sends)
  await allDelivered
  const ms = performance.now() - start
  const used = process.cpuUsage(cpu)
  alice.onDelivered = undefined
  const cpuMicros = used.user + used.system
  return {
    messages: THROUGHPUT_MESSAGES,
    ms,
    cpuMicros,
    perSecond: (THROUGHPUT_MESSAGES * 1000) / ms,
    cpuMicrosEach: cpuMicros / THROUGHPUT_MESSAGES,
  }
}

interface Burst extends BurstFigures {
  messages: number
  ms: number
  cpuMicros: number
}

/**
 * Latency and throughput of two pairs in alternating rounds, so that both meet the same
 * load of this shared machine: what sealing costs is their ratio. Each pair first sends a
 * burst that is not counted, and the rounds take the pairs in turn first: the code they
 * share is compiled while the first burst runs, which would otherwise count against
 * whichever pair goes first.
 */
async function alternating(
  pairs: Array<[BenchPeer, BenchPeer]>,
): Promise<Array<{ latency: number[]; burst: BurstFigures }>> {
  const latency: number[][] = pairs.map(() => [])
  const totals = pairs.map(() => ({ messages: 0, ms: 0, cpuMicros: 0 }))
  for (const [alice, bob] of pairs) await messagingThroughput(alice, bob)
  for (let round = 0; round < ROUNDS; round++) {
    const order = [...pairs.entries()]
    if (round % 2 === 1) order.reverse()
    for (const [i, [alice, bob]] of order) {
      latency[i].push(...(await messagingLatency(alice, bob, LATENCY_SAMPLES / ROUNDS)))
      const one = await messagingThroughput(alice, bob)
      totals[i].messages += one.messages
      totals[i].ms += one.ms
      totals[i].cpuMicros += one.cpuMicros
    }
  }
  return pairs.map((_, i) => ({
    latency: latency[i].sort((a, b) => a - b),
    burst: {
      perSecond: (totals[i].messages / totals[i].ms) * 1000,
      cpuMicrosEach: totals[i].cpuMicros / totals[i].messages,
    },
  }))
}

/** One synced LevelDB batch of one 200-byte value, awaited: what one fsync costs here. */
async function syncedWriteLatency(peer: BenchPeer): Promise<number[]> {
  const db = peer.storage.sublevel('bench')
  const value = new TextEncoder().encode(PAYLOAD)
  const samples: number[] = []
  for (let i = 0; i < 30 + LATENCY_SAMPLES; i++) {
    const start = performance.now()
    await db.batch([{ type: 'put', key: `k${i}`, value }], SYNC)
    if (i >= 30) samples.push(performance.now() - start)
  }
  return samples.sort((a, b) => a - b)
}

async function rawEcho(alice: BenchPeer, bob: BenchPeer): Promise<number[]> {
  await bob.host.handle(ECHO_PROTOCOL, async (stream) => {
    const lp = lpStream(stream, { maxDataLength: 4096 })
    for (;;) {
      try {
        await lp.write(await lp.read())
      } catch {
        return
      }
    }
  })
  const stream = await alice.host.dialProtocol(bob.host.peerId, ECHO_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: 4096 })
  const payload = new TextEncoder().encode(PAYLOAD)
  for (let i = 0; i < 30; i++) {
    await lp.write(payload)
    await lp.read()
  }
  const samples: number[] = []
  for (let i = 0; i < LATENCY_SAMPLES; i++) {
    const start = performance.now()
    await lp.write(payload)
    await lp.read()
    samples.push(performance.now() - start)
  }
  stream.abort(new Error('done'))
  return samples.sort((a, b) => a - b)
}

/**
 * The floor of the synced latency: a synced batch of the sender's size, the payload to the
 * peer, a synced batch of the recipient's size there, and the echo back.
 */
async function durableEcho(alice: BenchPeer, bob: BenchPeer): Promise<number[]> {
  const bobDb = bob.storage.sublevel('bench')
  const received = new Uint8Array(RECIPIENT_BATCH_SIZE)
  await bob.host.handle(DURABLE_ECHO_PROTOCOL, async (stream) => {
    const lp = lpStream(stream, { maxDataLength: 4096 })
    for (let i = 0; ; i++) {
      try {
        const payload = await lp.read()
        await bobDb.batch([{ type: 'put', key: `echo${i}`, value: received }], SYNC)
        await lp.write(payload)
      } catch {
        return
      }
    }
  })
  const aliceDb = alice.storage.sublevel('bench')
  const sent = new Uint8Array(SENDER_BATCH_SIZE)
  const stream = await alice.host.dialProtocol(bob.host.peerId, DURABLE_ECHO_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: 4096 })
  const payload = new TextEncoder().encode(PAYLOAD)
  const samples: number[] = []
  for (let i = 0; i < 30 + LATENCY_SAMPLES; i++) {
    const start = performance.now()
    await aliceDb.batch([{ type: 'put', key: `echo${i}`, value: sent }], SYNC)
    await lp.write(payload)
    await lp.read()
    if (i >= 30) samples.push(performance.now() - start)
  }
  stream.abort(new Error('done'))
  return samples.sort((a, b) => a - b)
}

async function rawOneWay(alice: BenchPeer, bob: BenchPeer): Promise<BurstFigures> {
  let received = 0
  let finished: () => void = () => {}
  const done = new Promise<void>((resolve) => {
    finished = resolve
  })
  await bob.host.handle(SINK_PROTOCOL, async (stream) => {
    const lp = lpStream(stream, { maxDataLength: 4096 })
    for (;;) {
      try {
        await lp.read()
      } catch {
        return
      }
      if (++received === THROUGHPUT_MESSAGES) {
        await lp.write(new Uint8Array([1]))
        finished()
      }
    }
  })
  const stream = await alice.host.dialProtocol(bob.host.peerId, SINK_PROTOCOL)
  const lp = lpStream(stream, { maxDataLength: 4096 })
  const payload = new TextEncoder().encode(PAYLOAD)
  const cpu = process.cpuUsage()
  const start = performance.now()
  for (let i = 0; i < THROUGHPUT_MESSAGES; i++) await lp.write(payload)
  await lp.read()
  await done
  const figures = burstFigures(THROUGHPUT_MESSAGES, start, cpu)
  stream.abort(new Error('done'))
  return figures
}

async function pair(syncWrites: boolean, sealed = true): Promise<[BenchPeer, BenchPeer]> {
  const directory = new BundleDirectory()
  const alice = await startPeer(directory, syncWrites, sealed)
  const bob = await startPeer(directory, syncWrites, sealed)
  await alice.host.dial(bob.host.getMultiaddrs()[0])
  return [alice, bob]
}

const benchmark: Benchmark = {
  name: 'messaging',
  async run() {
    const figures: BenchmarkFigure[] = []
    for (const syncWrites of [true, false]) {
      const label = syncWrites ? 'synced writes' : 'unsynced writes'
      const [alice, bob] = await pair(syncWrites)
      const [plainAlice, plainBob] = await pair(syncWrites, false)
      try {
        const [sealed, unsealed] = await alternating([
          [alice, bob],
          [plainAlice, plainBob],
        ])
        const echo = await rawEcho(alice, bob)
        const latency = await messagingLatency(alice, bob)
        for (const p of [50, 99]) {
          figures.push({
            name: `1:1 send to delivered p${p}, 200 B, TCP (${label})`,
            value: percentile(latency, p),
            unit: 'ms',
            baseline: { name: `raw stream echo p${p}`, value: percentile(echo, p) },
          })
        }
        if (syncWrites) {
          const put = percentile(await syncedWriteLatency(alice), 50)
          const floor = percentile(await durableEcho(alice, bob), 50)
          figures.push(
            {
              name: 'synced LevelDB batch p50, 200 B (one fsync)',
              value: put,
              unit: 'ms',
              baseline: { name: 'raw stream echo p50', value: percentile(echo, 50) },
            },
            {
              name: `1:1 send to delivered p50 (${label})`,
              value: percentile(latency, 50),
              unit: 'ms',
              baseline: { name: 'durable echo p50 (synced batch each side)', value: floor },
            },
          )
        }
        const raw = await rawOneWay(alice, bob)
        const burst = await messagingThroughput(alice, bob)
        figures.push(
          {
            name: `1:1 messages/s one pair, encrypt..ack (${label})`,
            value: burst.perSecond,
            unit: 'msg/s',
            baseline: { name: 'raw one-way frames/s, one stream', value: raw.perSecond },
          },
          {
            // Steadier than the rates on a shared machine: what each costs, not how fast.
            name: `CPU per delivered message, both nodes, all threads (${label})`,
            value: burst.cpuMicrosEach,
            unit: 'us',
            baseline: { name: 'CPU per raw one-way frame, both ends', value: raw.cpuMicrosEach },
          },
          {
            name: `sealed: 1:1 send to delivered p50 (${label})`,
            value: percentile(sealed.latency, 50),
            unit: 'ms',
            baseline: { name: 'the same, unsealed', value: percentile(unsealed.latency, 50) },
          },
          {
            name: `sealed: 1:1 messages/s one pair (${label})`,
            value: sealed.burst.perSecond,
            unit: 'msg/s',
            baseline: { name: 'the same, unsealed', value: unsealed.burst.perSecond },
          },
          {
            name: `sealed: CPU per delivered message (${label})`,
            value: sealed.burst.cpuMicrosEach,
            unit: 'us',
            baseline: { name: 'the same, unsealed', value: unsealed.burst.cpuMicrosEach },
          },
        )
      } finally {
        for (const peer of [alice, bob, plainAlice, plainBob]) await peer.stop()
      }
    }
    return figures
  },
}

function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('hex')
}

export default benchmark
