/**
 * Memory of a relay with N nodes connected, beside a bare libp2p host (createLibp2p with the
 * same transports and services minus the circuit relay) holding the same N connections, in
 * the same run. Each server runs in its own process so its memory is its own; the N nodes
 * are light libp2p clients simulated in this process (TCP, noise, yamux, identify, ping,
 * gossipsub; against the relay they also reserve a circuit slot, as TokenIM nodes do). They
 * leave out the DHT, whose client mode puts no state on the server, and the connection
 * monitor, so that a thousand of them fit in one process's event loop.
 *
 *   npm run bench -- relay                        # N = 200
 *   RELAY_BENCH_NODES=1000 npm run bench -- relay # the full figure
 */
import { type ChildProcess, spawn } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { circuitRelayTransport } from '@libp2p/circuit-relay-v2'
import { gossipsub } from '@libp2p/gossipsub'
import { identify, identifyPush } from '@libp2p/identify'
import { ping } from '@libp2p/ping'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p, type Libp2p } from 'libp2p'
import type { Benchmark, BenchmarkFigure } from './measure.ts'

const NODES = Number(process.env.RELAY_BENCH_NODES ?? 200)
const CLIENT_START_CONCURRENCY = 10
const fixture = fileURLToPath(new URL('./fixtures/relay-footprint.ts', import.meta.url))

interface Footprint {
  rss: number
  heapUsed: number
  connections: number
  reservations: number
}

interface Server {
  address: string
  idle: Footprint
  /** Waits until `n` peers are connected and identified, then measures. */
  settle(n: number): Promise<Footprint>
  stop(): Promise<void>
}

async function startServer(mode: 'relay' | 'bare'): Promise<Server> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--expose-gc', ...process.execArgv, fixture, mode, String(NODES)],
    { stdio: ['pipe', 'pipe', 'inherit'] },
  )
  const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]()
  const nextLine = async () => {
    const { value, done } = await lines.next()
    if (done) throw new Error(`the ${mode} server exited early`)
    return JSON.parse(value as string)
  }
  const { address, ...idle } = (await nextLine()) as Footprint & { address: string }
  return {
    address,
    idle,
    async settle(n) {
      child.stdin!.write(`wait ${n}\n`)
      return (await nextLine()) as Footprint
    },
    async stop() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.stdin!.end()
      await exited
    },
  }
}

/** A light node: TokenIM's transports and services, dial-only, optionally reserving a circuit slot. */
function createClient(reserveOn?: string): Promise<Libp2p> {
  return createLibp2p({
    addresses: { listen: reserveOn != null ? [`${reserveOn}/p2p-circuit`] : [] },
    transports: [tcp(), circuitRelayTransport()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
    services: {
      identify: identify(),
      identifyPush: identifyPush(),
      ping: ping(),
      pubsub: gossipsub(),
    },
    connectionMonitor: { enabled: false },
  })
}

/** Starts `count` clients connected to the server, a few at a time. */
async function connectClients(server: Server, reserve: boolean): Promise<Libp2p[]> {
  const clients: Libp2p[] = []
  let next = 0
  const worker = async () => {
    while (next < NODES) {
      next++
      const client = await createClient(reserve ? server.address : undefined)
      const count = clients.push(client)
      // A client reserving on the server dialled it at start; the others dial now.
      if (!reserve) await client.dial(multiaddr(server.address))
      if (count % 100 === 0) console.error(`  ${count}/${NODES} nodes started`)
    }
  }
  await Promise.all(Array.from({ length: CLIENT_START_CONCURRENCY }, worker))
  return clients
}

async function measure(mode: 'relay' | 'bare'): Promise<{ idle: Footprint; loaded: Footprint }> {
  const server = await startServer(mode)
  const clients = await connectClients(server, mode === 'relay')
  try {
    return { idle: server.idle, loaded: await server.settle(NODES) }
  } finally {
    await Promise.all(clients.map((client) => client.stop()))
    await server.stop()
  }
}

const MiB = 2 ** 20
const KiB = 2 ** 10

const benchmark: Benchmark = {
  name: 'relay',
  async run(): Promise<BenchmarkFigure[]> {
    const relay = await measure('relay')
    const bare = await measure('bare')
    if (relay.loaded.reservations < NODES) throw new Error('not every node holds a reservation')
    const baselineName = `bare libp2p, same services minus circuit relay, ${NODES} connections`
    type Run = { idle: Footprint; loaded: Footprint }
    const perNode = (m: Run, key: 'rss' | 'heapUsed') => (m.loaded[key] - m.idle[key]) / NODES / KiB
    return [
      {
        name: `relay RSS with ${NODES} nodes connected and reserved`,
        value: relay.loaded.rss / MiB,
        unit: 'MiB',
        baseline: { name: baselineName, value: bare.loaded.rss / MiB },
      },
      {
        name: `relay JS heap with ${NODES} nodes`,
        value: relay.loaded.heapUsed / MiB,
        unit: 'MiB',
        baseline: { name: baselineName, value: bare.loaded.heapUsed / MiB },
      },
      {
        name: 'relay JS heap growth per connected node',
        value: perNode(relay, 'heapUsed'),
        unit: 'KiB',
        baseline: { name: 'bare libp2p, per connection', value: perNode(bare, 'heapUsed') },
      },
      {
        name: 'relay RSS growth per connected node',
        value: perNode(relay, 'rss'),
        unit: 'KiB',
        baseline: { name: 'bare libp2p, per connection', value: perNode(bare, 'rss') },
      },
      {
        name: 'relay idle RSS',
        value: relay.idle.rss / MiB,
        unit: 'MiB',
        baseline: { name: 'bare libp2p idle', value: bare.idle.rss / MiB },
      },
    ]
  },
}

export default benchmark
