/**
 * The DHT rules for mailbox records, on real hosts: every node refuses forged records, and
 * holders keep the first deposit and the tombstone against later writes and replays.
 */
import { Record as DhtRecord } from '@libp2p/kad-dht'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dhtRecordDatastoreKey } from '../../network/dht-rules/validators.ts'
import { getRecords, putRecord } from '../../node/mailbox/dht-records.ts'
import { signRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair, randomBytes } from '../../protocol/crypto/index.ts'
import { MAX_CLOCK_SKEW_MS } from '../../protocol/dht-records.ts'
import { MAILBOX_RECORD_DOMAIN } from '../../protocol/ids.ts'
import { MAX_DHT_RECORD_SIZE } from '../../protocol/limits.ts'
import {
  createDepositRecord,
  createTombstoneRecord,
  MAILBOX_DEFAULT_TTL_MS,
  MAILBOX_TOMBSTONE_MAX_TTL_MS,
  pairwiseSecret,
  pairwiseSlot,
  sealSlotPayload,
  validateMailboxRecord,
} from '../../protocol/mailbox.ts'
import { MailboxEntry } from '../../protocol/proto/mailbox.ts'
import { type DhtPeer, startDhtNetwork } from './mailbox-network.ts'

const SERVERS = 8
const QUERY = { timeoutMs: 20_000 }

let network: Awaited<ReturnType<typeof startDhtNetwork>>
let writer: DhtPeer
let reader: DhtPeer

beforeAll(async () => {
  network = await startDhtNetwork(SERVERS, 2)
  ;[writer, reader] = network.clients
})

afterAll(async () => {
  await network?.removeAll()
})

const alice = generateEd25519KeyPair()
const bob = generateEd25519KeyPair()
const secret = pairwiseSecret(alice, bob.publicKey)
let nextSequence = 0
const freshSlot = () => pairwiseSlot(secret, alice.publicKey, bob.publicKey, nextSequence++)
const envelope = new TextEncoder().encode('envelope')

function depositFor(
  slot = freshSlot(),
  times = { createdMs: Date.now(), expiresMs: Date.now() + MAILBOX_DEFAULT_TTL_MS },
) {
  return { slot, record: createDepositRecord(slot.keyPair, sealSlotPayload(slot, envelope), times) }
}

async function storedAt(peer: DhtPeer, key: Uint8Array): Promise<Uint8Array | undefined> {
  try {
    const raw = await peer.storage.datastore.get(dhtRecordDatastoreKey(key))
    return new Uint8Array(DhtRecord.deserialize(raw).value)
  } catch {
    return undefined
  }
}

describe('mailbox records in the DHT', () => {
  it('reports the peers that stored a put, which keep it where the validators look', async () => {
    const { slot, record } = depositFor()
    const outcome = await putRecord(writer.host.services.dht, slot.dhtKey, record, QUERY)
    expect(outcome.confirmed).toBeGreaterThanOrEqual(3)
    expect(outcome.total).toBeGreaterThanOrEqual(outcome.confirmed)
    const holders = network.servers.filter((server) =>
      outcome.holders.includes(server.host.peerId.toString()),
    )
    expect(holders).toHaveLength(outcome.confirmed)
    for (const holder of holders) expect(await storedAt(holder, slot.dhtKey)).toEqual(record)
    const { answers } = await getRecords(reader.host.services.dht, slot.dhtKey, QUERY)
    expect(answers.length).toBeGreaterThanOrEqual(3)
    expect(answers.every((answer) => Buffer.compare(answer.value, record) === 0)).toBe(true)
  })

  it('is refused by every node when forged, oversized, expired or dated in the future', async () => {
    const now = Date.now()
    const stranger = generateEd25519KeyPair()
    const forgeries: Array<[string, Uint8Array, Uint8Array]> = []
    {
      // Right slot key inside, signed by another key.
      const slot = freshSlot()
      const payload = MailboxEntry.encode({
        deposit: {
          slotPublicKey: slot.keyPair.publicKey,
          payload: envelope,
          createdMs: now,
          expiresMs: now + 60_000,
        } as never,
      })
      forgeries.push([
        'wrong signature',
        slot.dhtKey,
        signRecord(stranger, payload, MAILBOX_RECORD_DOMAIN),
      ])
    }
    {
      const { record } = depositFor()
      forgeries.push(['key does not match the slot key hash', freshSlot().dhtKey, record])
    }
    {
      const slot = freshSlot()
      const payload = MailboxEntry.encode({
        deposit: {
          slotPublicKey: slot.keyPair.publicKey,
          payload: randomBytes(MAX_DHT_RECORD_SIZE),
          createdMs: now,
          expiresMs: now + 60_000,
        } as never,
      })
      forgeries.push([
        'oversized',
        slot.dhtKey,
        signRecord(slot.keyPair, payload, MAILBOX_RECORD_DOMAIN),
      ])
    }
    {
      const { slot, record } = depositFor(freshSlot(), {
        createdMs: now - 120_000,
        expiresMs: now - 60_000,
      })
      forgeries.push(['expired', slot.dhtKey, record])
    }
    {
      const { slot, record } = depositFor(freshSlot(), {
        createdMs: now + 2 * MAX_CLOCK_SKEW_MS,
        expiresMs: now + 3 * MAX_CLOCK_SKEW_MS,
      })
      forgeries.push(['dated in the future', slot.dhtKey, record])
    }
    for (const [what, key, record] of forgeries) {
      const outcome = await putRecord(writer.host.services.dht, key, record, QUERY)
      expect({ what, total: outcome.total > 0, confirmed: outcome.confirmed }).toEqual({
        what,
        total: true,
        confirmed: 0,
      })
      for (const server of network.servers) expect(await storedAt(server, key)).toBeUndefined()
      const { answers, best } = await getRecords(reader.host.services.dht, key, QUERY)
      expect(answers).toHaveLength(0)
      expect(best).toBeUndefined()
    }
  })

  it('keeps the first deposit of a slot against a later one', async () => {
    const { slot, record: first } = depositFor()
    expect(
      (await putRecord(writer.host.services.dht, slot.dhtKey, first, QUERY)).confirmed,
    ).toBeGreaterThanOrEqual(3)
    const { record: second } = depositFor(slot)
    expect((await putRecord(reader.host.services.dht, slot.dhtKey, second, QUERY)).confirmed).toBe(
      0,
    )
    const { answers } = await getRecords(reader.host.services.dht, slot.dhtKey, QUERY)
    expect(answers.every((answer) => Buffer.compare(answer.value, first) === 0)).toBe(true)
  })

  it('does not let a replayed deposit resurrect over its tombstone', async () => {
    const { slot, record } = depositFor()
    const stored = await putRecord(writer.host.services.dht, slot.dhtKey, record, QUERY)
    expect(stored.confirmed).toBeGreaterThanOrEqual(3)
    const tombstone = createTombstoneRecord(slot.keyPair, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: Date.now(),
      expiresMs: Date.now() + MAILBOX_TOMBSTONE_MAX_TTL_MS - MAX_CLOCK_SKEW_MS,
    })
    const cleared = await putRecord(reader.host.services.dht, slot.dhtKey, tombstone, QUERY)
    expect(cleared.confirmed).toBeGreaterThanOrEqual(stored.confirmed)
    // The captured deposit, replayed by anyone, from anywhere:
    const replay = await putRecord(writer.host.services.dht, slot.dhtKey, record, QUERY)
    expect(replay.confirmed).toBe(0)
    for (const server of network.servers) {
      const value = await storedAt(server, slot.dhtKey)
      if (value != null)
        expect(validateMailboxRecord(slot.dhtKey, value, Date.now()).kind).toBe('tombstone')
    }
    const { answers } = await getRecords(reader.host.services.dht, slot.dhtKey, QUERY)
    expect(answers.length).toBeGreaterThan(0)
    for (const answer of answers)
      expect(validateMailboxRecord(slot.dhtKey, answer.value, Date.now()).kind).toBe('tombstone')
  })
})
