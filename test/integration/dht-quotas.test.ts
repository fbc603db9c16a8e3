/**
 * Quotas on what others may store, against a real relay on loopback: one peer floods valid
 * mailbox records under fresh keys, then provider records for random ids; the relay stores
 * up to the peer's quota, refuses the rest (counted on /metrics), and an honest peer's
 * deposit during the flood is stored and served.
 */
import type { Stream } from '@libp2p/interface'
import { Record as DhtRecord } from '@libp2p/kad-dht'
import { multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords, putRecord } from '../../node/mailbox/dht-records.ts'
import { dhtRecordDatastoreKey } from '../../node/mailbox/dht-validators.ts'
import { generateEd25519KeyPair, randomBytes } from '../../protocol/crypto/index.ts'
import { DHT_PROTOCOL } from '../../protocol/ids.ts'
import {
  createDepositRecord,
  MAILBOX_DEFAULT_TTL_MS,
  pairwiseSecret,
  pairwiseSlot,
  sealSlotPayload,
} from '../../protocol/mailbox.ts'
import { createRelay, type RelayNode } from '../../relay/index.ts'
import { loopbackRelayConfig, relayAddress } from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { type DhtPeer, routingTableFilled, startDhtPeer } from './mailbox-network.ts'

const RECORDS_PER_HOUR = 50
const BYTES_PER_HOUR = 1024 * 1024
const ENVELOPE_SIZE = 96 * 1024 - 64
const FLOOD_RECORDS = 30
const FLOOD_PROVIDERS = 60
const QUERY = { timeoutMs: 10_000 }

let dir: Awaited<ReturnType<typeof makeTempDir>>
let relay: RelayNode
let relayStore: Datastore
let flooder: DhtPeer
let honest: DhtPeer

beforeAll(async () => {
  dir = await makeTempDir('tokenim-quota-relay-')
  relay = await createRelay(
    loopbackRelayConfig(dir.path, {
      dhtQuotas: { recordsPerPeerPerHour: RECORDS_PER_HOUR, bytesPerPeerPerHour: BYTES_PER_HOUR },
    }),
    {
      extraServices: (context) => {
        relayStore = context.storage.datastore
        return {}
      },
    },
  )
  ;[flooder, honest] = await Promise.all([
    startDhtPeer({ dhtServer: false }),
    startDhtPeer({ dhtServer: false }),
  ])
  for (const peer of [flooder, honest]) {
    await peer.host.dial(multiaddr(relayAddress(relay)))
    await routingTableFilled(peer.host, 1)
  }
})

afterAll(async () => {
  await Promise.all([flooder?.remove(), honest?.remove()])
  await relay?.stop()
  await dir?.remove()
})

const alice = generateEd25519KeyPair()
const bob = generateEd25519KeyPair()
const secret = pairwiseSecret(alice, bob.publicKey)
let nextSlot = 0

function freshDeposit(envelopeSize: number) {
  const slot = pairwiseSlot(secret, alice.publicKey, bob.publicKey, nextSlot++)
  const now = Date.now()
  const record = createDepositRecord(
    slot.keyPair,
    sealSlotPayload(slot, randomBytes(envelopeSize)),
    {
      createdMs: now,
      expiresMs: now + MAILBOX_DEFAULT_TTL_MS,
    },
  )
  return { key: slot.dhtKey, record }
}

/** Bytes the relay holds under `key` as the quota counts them (key and stored record). */
async function heldAtRelay(key: Uint8Array): Promise<number | undefined> {
  const datastoreKey = dhtRecordDatastoreKey(key)
  try {
    const raw = await relayStore.get(datastoreKey)
    DhtRecord.deserialize(raw)
    return datastoreKey.toString().length + raw.byteLength
  } catch {
    return undefined
  }
}

async function providersAtRelay(): Promise<number> {
  let count = 0
  for await (const _ of relayStore.queryKeys({ prefix: '/dht/provider/' })) count++
  return count
}

async function refusedMetric(): Promise<Record<string, number>> {
  const text = await (await fetch(relay.status().metricsUrl!)).text()
  const counts: Record<string, number> = {}
  for (const match of text.matchAll(
    /^tokenim_dht_records_refused_total\{reason="(\w+)"\} (\d+)$/gm,
  )) {
    counts[match[1]] = Number(match[2])
  }
  return counts
}

/** Resolves once every kad stream of `peer` has closed: the relay has handled its messages. */
async function kadStreamsClosed(peer: DhtPeer): Promise<void> {
  const open: Stream[] = peer.host
    .getConnections()
    .flatMap((connection) => connection.streams)
    .filter((stream) => stream.protocol === DHT_PROTOCOL)
  await Promise.all(open.map((stream) => waitForEvent(stream, 'close')))
}

describe('DHT write quotas on a relay', () => {
  it('stores a flooding peer only up to its quota, counts the refusals, and still serves an honest peer', async () => {
    const flooded: Array<{ key: Uint8Array; confirmed: number }> = []
    let honestDeposit: { key: Uint8Array; confirmed: number; servedBy: string[] } | undefined
    for (let i = 0; i < FLOOD_RECORDS; i++) {
      const { key, record } = freshDeposit(ENVELOPE_SIZE)
      const { confirmed } = await putRecord(flooder.host.services.dht, key, record, QUERY)
      flooded.push({ key, confirmed })
      // Once the flooder is refused, an honest deposit goes in the middle of the flood.
      if (confirmed === 0 && honestDeposit == null) {
        const deposit = freshDeposit(1024)
        const put = await putRecord(honest.host.services.dht, deposit.key, deposit.record, QUERY)
        const { answers } = await getRecords(honest.host.services.dht, deposit.key, QUERY)
        honestDeposit = {
          key: deposit.key,
          confirmed: put.confirmed,
          servedBy: answers.map((a) => a.from),
        }
      }
    }

    const held = await Promise.all(flooded.map(({ key }) => heldAtRelay(key)))
    const stored = held.filter((bytes) => bytes != null) as number[]
    const storedBytes = stored.reduce((sum, bytes) => sum + bytes, 0)
    // Stored up to the hourly bytes and no further: one more record would not have fitted.
    expect(stored.length).toBeGreaterThan(0)
    expect(stored.length).toBeLessThan(FLOOD_RECORDS)
    expect(storedBytes).toBeLessThanOrEqual(BYTES_PER_HOUR)
    expect(storedBytes + Math.min(...stored)).toBeGreaterThan(BYTES_PER_HOUR)
    // What the flooder was told matches: confirmed exactly where stored.
    expect(flooded.map(({ confirmed }) => confirmed)).toEqual(held.map((b) => (b == null ? 0 : 1)))
    // Stored first, refused after: the quota does not come back within the flood.
    expect(held.findIndex((b) => b == null)).toBe(stored.length)

    expect(honestDeposit).toMatchObject({ confirmed: 1, servedBy: [relay.peerId.toString()] })
    expect(await heldAtRelay(honestDeposit!.key)).toBeDefined()

    for (let i = 0; i < FLOOD_PROVIDERS; i++) {
      const cid = CID.createV1(0x55, await sha256.digest(randomBytes(32)))
      for await (const _ of flooder.host.services.dht.provide(cid, querySignal())) {
        // drain
      }
      await kadStreamsClosed(flooder)
    }
    // The rest of the hourly record count went to provider records, then they were refused.
    expect(await providersAtRelay()).toBe(RECORDS_PER_HOUR - stored.length)

    expect(await refusedMetric()).toEqual({
      peer_hourly_bytes: FLOOD_RECORDS - stored.length,
      peer_hourly_records: FLOOD_PROVIDERS - (RECORDS_PER_HOUR - stored.length),
    })
  })
})

function querySignal() {
  return { signal: AbortSignal.timeout(QUERY.timeoutMs) }
}
