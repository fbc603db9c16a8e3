/**
 * The offline mailbox on a DHT of DHT_BENCH_NODES in-process nodes (default 50) on
 * loopback TCP: a deposit until `replicas` peers confirmed it, and collecting one waiting
 * envelope, each beside a raw kad-dht put / get of a record of the same size in the same
 * run. The mailbox adds a slot lookup before the first deposit to a recipient, and reads
 * `lookahead` empty slots past the last envelope (so that a lost slot hides nothing).
 *
 *   DHT_BENCH_NODES=20 DHT_BENCH_ROUNDS=10 npm run bench -- mailbox
 */
import { randomBytes } from 'node:crypto'
import { getRecords, putRecord } from '../node/mailbox/dht-records.ts'
import { OfflineMailbox } from '../node/mailbox/index.ts'
import { generateEd25519KeyPair } from '../protocol/crypto/index.ts'
import {
  createDepositRecord,
  pairwiseSecret,
  pairwiseSlot,
  sealSlotPayload,
} from '../protocol/mailbox.ts'
import { startDhtNetwork } from '../test/integration/mailbox-network.ts'
import { type Benchmark, type BenchmarkFigure, percentile } from './measure.ts'

const NODES = Number(process.env.DHT_BENCH_NODES ?? 50)
const ROUNDS = Number(process.env.DHT_BENCH_ROUNDS ?? 12)
const ENVELOPE_SIZE = 1024
const REPLICAS = 3
/** A namespace that accepts any value: the raw kad-dht baseline. */
const RAW_NAMESPACE = 'tokenim-bench'

/** Bytes of a signed deposit record around an envelope of ENVELOPE_SIZE bytes. */
function depositRecordSize(): number {
  const a = generateEd25519KeyPair()
  const b = generateEd25519KeyPair()
  const slot = pairwiseSlot(pairwiseSecret(a, b.publicKey), a.publicKey, b.publicKey, 0)
  return createDepositRecord(slot.keyPair, sealSlotPayload(slot, randomBytes(ENVELOPE_SIZE)), {
    createdMs: Date.now(),
    expiresMs: Date.now() + 60_000,
  }).length
}

async function timed<T>(samples: number[], operation: () => Promise<T>): Promise<T> {
  const start = performance.now()
  const result = await operation()
  samples.push(performance.now() - start)
  return result
}

const benchmark: Benchmark = {
  name: 'mailbox',
  async run() {
    const network = await startDhtNetwork(NODES - 2, 2, {
      degree: 4,
      dhtValidators: { [RAW_NAMESPACE]: async () => {} },
      dhtSelectors: { [RAW_NAMESPACE]: () => 0 },
    })
    const [alicePeer, bobPeer] = network.clients
    const init = { replicas: REPLICAS, republishIntervalMs: 0 }
    const alice = new OfflineMailbox(
      {
        host: alicePeer.host,
        identity: alicePeer.identity,
        store: alicePeer.storage.sublevel('mailbox'),
      },
      init,
    )
    const bob = new OfflineMailbox(
      {
        host: bobPeer.host,
        identity: bobPeer.identity,
        store: bobPeer.storage.sublevel('mailbox'),
      },
      init,
    )
    await alice.start()
    await bob.start()
    const samples = {
      deposit: [] as number[],
      put: [] as number[],
      collect: [] as number[],
      handOver: [] as number[],
      get: [] as number[],
      depositConfirmed: [] as number[],
      putConfirmed: [] as number[],
    }
    const recordSize = depositRecordSize()
    const query = { timeoutMs: 30_000 }
    let lost = 0
    try {
      // Round 0 warms up and takes the first-deposit slot lookup out of the figures.
      for (let round = 0; round <= ROUNDS; round++) {
        const keep = round > 0
        const scratch = { deposit: [], put: [], collect: [], handOver: [], get: [] }
        const into = keep ? samples : { ...samples, ...scratch }
        const deposited = await timed(into.deposit, () =>
          alice.deposit(bobPeer.identity.publicKey, randomBytes(ENVELOPE_SIZE)),
        )
        const rawKey = new TextEncoder().encode(
          `/${RAW_NAMESPACE}/${randomBytes(32).toString('hex')}`,
        )
        const raw = await timed(into.put, () =>
          putRecord(alicePeer.host.services.dht, rawKey, randomBytes(recordSize), query),
        )
        const collectStart = performance.now()
        const collected = await timed(into.collect, () =>
          bob.collect([alicePeer.identity.publicKey], {
            inbox: false,
            onEnvelope: () => into.handOver.push(performance.now() - collectStart),
          }),
        )
        const fetched = await timed(into.get, () =>
          getRecords(bobPeer.host.services.dht, rawKey, query),
        )
        if (collected.length !== 1 || fetched.answers.length === 0) lost++
        for (const item of collected) await bob.acknowledge(item.slotId)
        if (keep) {
          samples.depositConfirmed.push(deposited.confirmed)
          samples.putConfirmed.push(raw.confirmed)
        }
      }
    } finally {
      await alice.stop()
      await bob.stop()
      await network.removeAll()
    }
    if (lost > 0) console.error(`mailbox bench: ${lost} rounds did not find what was stored`)
    const figures: BenchmarkFigure[] = []
    for (const p of [50, 90]) {
      const get = { name: `kad-dht get, ${recordSize} B, p${p}`, value: percentile(samples.get, p) }
      figures.push(
        {
          name: `mailbox deposit, ${ENVELOPE_SIZE} B envelope, to ${REPLICAS} confirmed, ${NODES} nodes, p${p}`,
          value: percentile(samples.deposit, p),
          unit: 'ms',
          baseline: {
            name: `kad-dht put, ${recordSize} B, p${p}`,
            value: percentile(samples.put, p),
          },
        },
        {
          // What the recipient waits for: the envelope goes to messaging at this point.
          name: `mailbox fetch of one envelope until handed over, ${NODES} nodes, p${p}`,
          value: percentile(samples.handOver, p),
          unit: 'ms',
          baseline: get,
        },
        {
          name: `mailbox collect of one envelope from one sender, ${NODES} nodes, p${p}`,
          value: percentile(samples.collect, p),
          unit: 'ms',
          baseline: get,
        },
      )
    }
    figures.push({
      name: `peers confirming a deposit, median of ${ROUNDS}`,
      value: percentile(samples.depositConfirmed, 50),
      unit: 'peers',
      baseline: { name: 'peers confirming a raw put', value: percentile(samples.putConfirmed, 50) },
    })
    return figures
  },
}

export default benchmark
