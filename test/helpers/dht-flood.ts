/**
 * A storage flood against a relay's DHT, for the quota test and benchmark: valid mailbox
 * deposits under fresh slot keys, provider records for random ids, and what the relay holds.
 */
import { randomBytes } from 'node:crypto'
import type { Stream } from '@libp2p/interface'
import { multiaddr } from '@multiformats/multiaddr'
import type { Datastore } from 'interface-datastore'
import { CID } from 'multiformats/cid'
import { sha256 } from 'multiformats/hashes/sha2'
import { dhtRecordDatastoreKey } from '../../network/dht-rules/validators.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { DHT_PROTOCOL } from '../../protocol/ids.ts'
import {
  createDepositRecord,
  MAILBOX_DEFAULT_TTL_MS,
  pairwiseSecret,
  pairwiseSlot,
  sealSlotPayload,
} from '../../protocol/mailbox.ts'
import {
  createRelay,
  type RelayConfigInput,
  type RelayLogger,
  type RelayNode,
} from '../../relay/index.ts'
import { type DhtPeer, routingTableFilled } from '../integration/mailbox-network.ts'
import { loopbackRelayConfig, relayAddress } from './relay-network.ts'
import { waitForEvent } from './wait.ts'

/** A relay on loopback, with the datastore its DHT writes to. */
export async function startStoringRelay(
  dataDir: string,
  overrides: Partial<RelayConfigInput> = {},
  logger?: RelayLogger,
): Promise<{ relay: RelayNode; store: Datastore }> {
  let store: Datastore | undefined
  const relay = await createRelay(loopbackRelayConfig(dataDir, overrides), {
    logger,
    extraServices: (context) => {
      store = context.storage.datastore
      return {}
    },
  })
  return { relay, store: store! }
}

/** Dials the relay and waits until it is in the peer's routing table. */
export async function joinRelay(peer: DhtPeer, relay: RelayNode): Promise<void> {
  await peer.host.dial(multiaddr(relayAddress(relay)))
  await routingTableFilled(peer.host, 1)
}

/** Signed deposits of `envelopeSize` bytes, each under a slot key never used before. */
export function depositWriter(): (envelopeSize: number) => { key: Uint8Array; record: Uint8Array } {
  const sender = generateEd25519KeyPair()
  const recipient = generateEd25519KeyPair()
  const secret = pairwiseSecret(sender, recipient.publicKey)
  let next = 0
  return (envelopeSize) => {
    const slot = pairwiseSlot(secret, sender.publicKey, recipient.publicKey, next++)
    const now = Date.now()
    const payload = sealSlotPayload(slot, randomBytes(envelopeSize))
    const record = createDepositRecord(slot.keyPair, payload, {
      createdMs: now,
      expiresMs: now + MAILBOX_DEFAULT_TTL_MS,
    })
    return { key: slot.dhtKey, record }
  }
}

/** A content id nobody provides: kad-dht's `provide` takes one. */
export async function randomCid(): Promise<CID> {
  return CID.createV1(0x55, await sha256.digest(randomBytes(32)))
}

/** Announces `peer` as a provider of a random id, and waits until the relay handled it. */
export async function provideRandom(peer: DhtPeer, timeoutMs = 10_000): Promise<void> {
  const cid = await randomCid()
  for await (const _ of peer.host.services.dht.provide(cid, {
    signal: AbortSignal.timeout(timeoutMs),
  })) {
    // drain
  }
  await kadStreamsClosed(peer)
}

/**
 * Resolves once every kad stream of `peer` has closed: the far end read, handled and closed
 * (or refused) each message, so ADD_PROVIDER, which has no answer, has been dealt with.
 */
export async function kadStreamsClosed(peer: DhtPeer): Promise<void> {
  const open: Stream[] = peer.host
    .getConnections()
    .flatMap((connection) => connection.streams)
    .filter((stream) => stream.protocol === DHT_PROTOCOL)
  await Promise.all(open.map((stream) => waitForEvent(stream, 'close')))
}

/** Provider entries a datastore holds, and their bytes (keys and values). */
export async function providerHoldings(
  store: Datastore,
): Promise<{ count: number; bytes: number }> {
  const held = { count: 0, bytes: 0 }
  for await (const { key, value } of store.query({ prefix: '/dht/provider/' })) {
    held.count++
    held.bytes += key.toString().length + value.byteLength
  }
  return held
}

/** Bytes a datastore holds for the DHT record under `key` (its key and the stored record). */
export async function recordHolding(
  store: Datastore,
  key: Uint8Array,
): Promise<number | undefined> {
  const datastoreKey = dhtRecordDatastoreKey(key)
  try {
    const raw = await store.get(datastoreKey)
    return datastoreKey.toString().length + raw.byteLength
  } catch {
    return undefined
  }
}

/** The relay's `tokenim_dht_records_refused_total` by reason, read from its /metrics. */
export async function refusedByReason(relay: RelayNode): Promise<Record<string, number>> {
  const text = await (await fetch(relay.status().metricsUrl!)).text()
  const counts: Record<string, number> = {}
  const line = /^tokenim_dht_records_refused_total\{reason="(\w+)"\} (\d+)$/gm
  for (const match of text.matchAll(line)) counts[match[1]] = Number(match[2])
  return counts
}
