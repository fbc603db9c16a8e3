/**
 * Holders keep our DHT records as long as the records say, on real hosts: a deposit and a
 * prekey bundle received more than kad-dht's 48 hours ago are still served while valid; an
 * expired one is not, and the sweeper deletes it from disk while leaving valid records and
 * other namespaces alone.
 */
import { Record as DhtRecord } from '@libp2p/kad-dht'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dhtRecordDatastoreKey } from '../../network/dht-rules/validators.ts'
import { getRecords } from '../../node/mailbox/dht-records.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  createDepositRecord,
  MAILBOX_DEFAULT_TTL_MS,
  pairwiseSecret,
  pairwiseSlot,
  sealSlotPayload,
} from '../../protocol/mailbox.ts'
import { createPrekeyRecord, prekeysDhtKey } from '../../protocol/prekey-records.ts'
import { generateSignedPrekey } from '../../protocol/session/index.ts'
import { type DhtPeer, startDhtNetwork } from './mailbox-network.ts'

const SERVERS = 3
const HOUR_MS = 60 * 60 * 1000
/** Past kad-dht's PROVIDERS_VALIDITY (48 hours). */
const RECEIVED_LONG_AGO_MS = 49 * HOUR_MS
const QUERY = { timeoutMs: 20_000 }

let network: Awaited<ReturnType<typeof startDhtNetwork>>
let reader: DhtPeer

beforeAll(async () => {
  network = await startDhtNetwork(SERVERS, 1)
  ;[reader] = network.clients
})

afterAll(async () => {
  await network?.removeAll()
})

/** A deposit in the first slot of a new pair of peers. */
function deposit(createdMs: number, expiresMs: number) {
  const [sender, recipient] = [generateEd25519KeyPair(), generateEd25519KeyPair()]
  const secret = pairwiseSecret(sender, recipient.publicKey)
  const slot = pairwiseSlot(secret, sender.publicKey, recipient.publicKey, 0)
  const payload = sealSlotPayload(slot, new TextEncoder().encode('envelope'))
  const value = createDepositRecord(slot.keyPair, payload, { createdMs, expiresMs })
  return { key: slot.dhtKey, value }
}

function prekeyBundle(publishedMs: number) {
  const owner = generateEd25519KeyPair()
  const signedPrekey = generateSignedPrekey(owner, 1)
  const value = createPrekeyRecord(owner, {
    signedPrekey: {
      id: signedPrekey.id,
      publicKey: signedPrekey.keyPair.publicKey,
      signature: signedPrekey.signature,
    },
    oneTimePrekeys: [],
    publishedMs,
    expiresMs: publishedMs + 14 * 24 * HOUR_MS,
  })
  return { key: prekeysDhtKey(owner.publicKey), value }
}

/** Stores the record on `holder` as kad-dht would have when it received it at `receivedMs`. */
async function heldSince(
  holder: DhtPeer,
  record: { key: Uint8Array; value: Uint8Array },
  receivedMs: number,
) {
  const stored = new DhtRecord(record.key, record.value, new Date(receivedMs))
  await holder.storage.datastore.put(dhtRecordDatastoreKey(record.key), stored.serialize())
}

async function holds(holder: DhtPeer, key: Uint8Array): Promise<boolean> {
  return holder.storage.datastore.has(dhtRecordDatastoreKey(key))
}

describe('how long holders keep our DHT records', () => {
  it('serves a deposit and a bundle received over 48 hours ago while they are valid', async () => {
    const now = Date.now()
    const receivedAt = now - RECEIVED_LONG_AGO_MS
    const valid = deposit(receivedAt, receivedAt + MAILBOX_DEFAULT_TTL_MS)
    const bundle = prekeyBundle(receivedAt)
    for (const holder of network.servers) {
      await heldSince(holder, valid, receivedAt)
      await heldSince(holder, bundle, receivedAt)
    }

    for (const record of [valid, bundle]) {
      const { answers } = await getRecords(reader.host.services.dht, record.key, QUERY)
      expect(answers).toHaveLength(SERVERS)
      expect(answers.every((answer) => Buffer.compare(answer.value, record.value) === 0)).toBe(true)
    }
    // Serving it wrote nothing: the stored copy still says when it was received.
    const raw = await network.servers[0].storage.datastore.get(dhtRecordDatastoreKey(valid.key))
    expect(DhtRecord.deserialize(raw).timeReceived.getTime()).toBe(receivedAt)
  })

  it('does not serve an expired deposit, and the sweeper deletes it', async () => {
    const now = Date.now()
    const createdMs = now - 20 * 24 * HOUR_MS
    const expired = deposit(createdMs, now - HOUR_MS)
    const valid = deposit(now - RECEIVED_LONG_AGO_MS, now + MAILBOX_DEFAULT_TTL_MS / 2)
    const other = { key: new TextEncoder().encode('/other-app/a'), value: new Uint8Array([1]) }
    // Received two hours ago, while still valid: kad-dht would keep it on disk for good.
    const receivedMs = now - 2 * HOUR_MS
    const [holder, ...rest] = network.servers
    await heldSince(holder, expired, receivedMs)
    await heldSince(holder, valid, now - RECEIVED_LONG_AGO_MS)
    await heldSince(holder, other, createdMs)
    for (const server of rest) await heldSince(server, expired, receivedMs)

    expect((await getRecords(reader.host.services.dht, expired.key, QUERY)).answers).toEqual([])
    expect(await holds(holder, expired.key)).toBe(true)

    expect(await holder.host.services.dhtRecordSweeper.sweep()).toBe(1)
    expect(await holds(holder, expired.key)).toBe(false)
    expect(await holds(holder, valid.key)).toBe(true)
    expect(await holds(holder, other.key)).toBe(true)
  })
})
