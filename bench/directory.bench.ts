/**
 * What one relay's username directory sustains over TCP loopback: registrations per second
 * (challenge, signed answer, checks under the per-name lock, relay signature, synced
 * LevelDB batch, answer) and exact lookups per second, each from many claimants with
 * connections already open. Baselines, measured in the same run: a raw LevelDB put with
 * `sync: true` and a raw get of a value of the same size as a name record, at the same
 * concurrency, on the same kind of database.
 */
import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import type { Libp2p } from '@libp2p/interface'
import { tcp } from '@libp2p/tcp'
import { createLibp2p } from 'libp2p'
import { createHost } from '../network/host.ts'
import { DirectoryClient, type RelayTarget } from '../node/directory/index.ts'
import { generateIdentity, type Identity, toLibp2pPrivateKey } from '../node/index.ts'
import { openStorage } from '../node/storage.ts'
import {
  DEFAULT_DIRECTORY_POLICY,
  directoryDhtSelectors,
  directoryDhtValidators,
  directoryServer,
} from '../relay/directory/index.ts'
import { makeTempDir } from '../test/helpers/temp-dir.ts'
import { type Benchmark, type BenchmarkFigure, DURATION_MS } from './measure.ts'

const CONCURRENCY = 16
const CLAIMANTS = 400
const LOOKUP_MS = Math.max(1_000, DURATION_MS * 2)
const UNLIMITED = 1_000_000_000

interface Claimant {
  host: Libp2p
  identity: Identity
  client: DirectoryClient
}

async function run(): Promise<BenchmarkFigure[]> {
  const relayDir = await makeTempDir('tokenim-bench-relay-')
  const storage = await openStorage(relayDir.path)
  const relay = await createHost(
    {
      privateKey: toLibp2pPrivateKey(generateIdentity()),
      datastore: storage.datastore,
      listen: ['/ip4/127.0.0.1/tcp/0'],
      dhtServer: true,
      allowPrivateAddresses: true,
      dhtValidators: directoryDhtValidators,
      dhtSelectors: directoryDhtSelectors,
      connectionLimits: {
        maxConnections: CLAIMANTS * 2,
        inboundConnectionThreshold: UNLIMITED,
        maxIncomingPendingConnections: CLAIMANTS,
      },
    },
    {
      directory: directoryServer({
        store: storage.sublevel('directory'),
        policy: {
          ...DEFAULT_DIRECTORY_POLICY,
          rateLimits: {
            registrationsPerPeerPerHour: UNLIMITED,
            lookupsPerPeerPerMinute: UNLIMITED,
          },
        },
      }),
    },
  )
  await relay.start()
  const target: RelayTarget = { peerId: relay.peerId, addresses: relay.getMultiaddrs() }
  const claimants: Claimant[] = []
  const baselineDir = await makeTempDir('tokenim-bench-level-')
  const baselineStorage = await openStorage(baselineDir.path)
  try {
    for (let i = 0; i < CLAIMANTS; i++) claimants.push(await claimant(target))

    // Registrations: every claimant registers one new name, CONCURRENCY at a time.
    let next = 0
    const records: Uint8Array[] = []
    const started = performance.now()
    await parallel(async () => {
      while (next < claimants.length) {
        const index = next++
        const record = await claimants[index].client.register(target, `bench-user-${index}`)
        records.push(record.record)
      }
    })
    const registrationsPerSecond = (claimants.length * 1000) / (performance.now() - started)

    // Lookups: the same claimants look up random registered names for LOOKUP_MS.
    let lookups = 0
    const lookupStart = performance.now()
    await parallel(async (worker) => {
      const { client } = claimants[worker]
      while (performance.now() - lookupStart < LOOKUP_MS) {
        await client.lookup(target, `bench-user-${Math.floor(Math.random() * claimants.length)}`)
        lookups++
      }
    })
    const lookupsPerSecond = (lookups * 1000) / (performance.now() - lookupStart)

    // Baselines: the same record size, the same concurrency, straight into LevelDB.
    const db = baselineStorage.sublevel('baseline')
    const value = records[0]
    let puts = 0
    const putStart = performance.now()
    await parallel(async () => {
      while (puts < claimants.length) {
        await db.put(`n!bench-user-${puts++}`, value, { sync: true } as object)
      }
    })
    const putsPerSecond = (puts * 1000) / (performance.now() - putStart)
    let gets = 0
    const getStart = performance.now()
    await parallel(async () => {
      while (performance.now() - getStart < LOOKUP_MS) {
        await db.get(`n!bench-user-${Math.floor(Math.random() * puts)}`)
        gets++
      }
    })
    const getsPerSecond = (gets * 1000) / (performance.now() - getStart)

    return [
      {
        name: `directory registrations, ${CONCURRENCY} concurrent claimants, ${value.length} B record`,
        value: registrationsPerSecond,
        unit: 'ops/s',
        baseline: {
          name: 'LevelDB put { sync: true }, same size and concurrency',
          value: putsPerSecond,
        },
      },
      {
        name: `directory lookups, ${CONCURRENCY} concurrent clients`,
        value: lookupsPerSecond,
        unit: 'ops/s',
        baseline: { name: 'LevelDB get, same size and concurrency', value: getsPerSecond },
      },
    ]
  } finally {
    await Promise.all(claimants.map(({ host }) => host.stop()))
    await relay.stop()
    await storage.close()
    await baselineStorage.close()
    await relayDir.remove()
    await baselineDir.remove()
  }
}

/** A claimant with its connection to the relay already open, so dialling is not measured. */
async function claimant(target: RelayTarget): Promise<Claimant> {
  const identity = generateIdentity()
  const host = await createLibp2p({
    privateKey: toLibp2pPrivateKey(identity),
    transports: [tcp()],
    connectionEncrypters: [noise()],
    streamMuxers: [yamux()],
  })
  await host.dial(target.addresses!)
  return { host, identity, client: new DirectoryClient({ host, identity }) }
}

async function parallel(worker: (index: number) => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: CONCURRENCY }, (_, index) => worker(index)))
}

const benchmark: Benchmark = { name: 'directory', run }
export default benchmark
