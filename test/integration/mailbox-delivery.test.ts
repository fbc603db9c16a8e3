/**
 * The offline mailbox end to end on a real DHT: deposit, collect, acknowledge, collected;
 * a lost slot does not hide later ones; state survives a restart; the republish loop.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { dhtRecordDatastoreKey } from '../../network/dht-rules/validators.ts'
import { getRecords } from '../../node/mailbox/dht-records.ts'
import { OfflineMailbox, type OfflineMailboxInit } from '../../node/mailbox/index.ts'
import { pairwiseSecret, pairwiseSlot, validateMailboxRecord } from '../../protocol/mailbox.ts'
import { waitForEvent, withTimeout } from '../helpers/wait.ts'
import { type DhtPeer, startDhtNetwork } from './mailbox-network.ts'

const PAIRWISE_ONLY = { inbox: false }

const MANUAL: OfflineMailboxInit = {
  replicas: 3,
  republishIntervalMs: 0,
  lookahead: 4,
  queryTimeoutMs: 10_000,
}

let network: Awaited<ReturnType<typeof startDhtNetwork>>
const mailboxes: OfflineMailbox[] = []

async function mailboxOf(
  peer: DhtPeer,
  init: OfflineMailboxInit = MANUAL,
): Promise<OfflineMailbox> {
  const mailbox = new OfflineMailbox(
    { host: peer.host, identity: peer.identity, store: peer.storage.sublevel('mailbox') },
    init,
  )
  await mailbox.start()
  mailboxes.push(mailbox)
  return mailbox
}

beforeAll(async () => {
  network = await startDhtNetwork(8, 8)
})

afterAll(async () => {
  await Promise.all(mailboxes.map((mailbox) => mailbox.stop()))
  await network?.removeAll()
})

const text = (value: string) => new TextEncoder().encode(value)
const read = (value: Uint8Array) => new TextDecoder().decode(value)

describe('offline mailbox', () => {
  it('delivers a deposit once: stored on k peers, collected, acknowledged, never again', async () => {
    const [alicePeer, bobPeer] = network.clients
    const alice = await mailboxOf(alicePeer)
    const bob = await mailboxOf(bobPeer)
    const stored = waitForEvent<{ slotId: string; confirmed: number }>(alice, 'mailbox:stored')
    const result = await alice.deposit(bobPeer.identity.publicKey, text('hello bob'))
    expect(result.confirmed).toBeGreaterThanOrEqual(3)
    expect(result.total).toBeGreaterThanOrEqual(result.confirmed)
    expect((await stored).slotId).toBe(result.slotId)
    expect(await alice.pending()).toMatchObject([
      { slotId: result.slotId, stored: true, source: 'pairwise' },
    ])

    const collected = await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)
    expect(collected).toHaveLength(1)
    expect(collected[0].sender).toEqual(alicePeer.identity.publicKey)
    expect(collected[0].source).toBe('pairwise')
    expect(read(collected[0].envelope)).toBe('hello bob')
    // Not acknowledged yet: it comes back.
    expect(await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)).toHaveLength(1)

    await bob.acknowledge(collected[0].slotId)
    const seen = waitForEvent<{ slotId: string }>(alice, 'mailbox:collected')
    await alice.republish()
    expect((await seen).slotId).toBe(result.slotId)
    expect(await alice.pending()).toEqual([])
    expect(await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)).toEqual([])
    await expect(bob.acknowledge(collected[0].slotId)).rejects.toMatchObject({
      name: 'UnknownSlotError',
    })
  })

  it('hands an envelope over before the scan ends, ready to be acknowledged', async () => {
    const [alicePeer, bobPeer] = network.clients
    const alice = await mailboxOf(alicePeer)
    const bob = await mailboxOf(bobPeer)
    await alice.deposit(bobPeer.identity.publicKey, text('early'))
    let scanEnded = false
    const handed: Array<{ text: string; beforeScanEnded: boolean; acked: Promise<void> }> = []
    const collected = await bob
      .collect([alicePeer.identity.publicKey], {
        ...PAIRWISE_ONLY,
        onEnvelope: (envelope) =>
          handed.push({
            text: read(envelope.envelope),
            beforeScanEnded: !scanEnded,
            acked: bob.acknowledge(envelope.slotId),
          }),
      })
      .finally(() => {
        scanEnded = true
      })
    expect(handed.map(({ text, beforeScanEnded }) => ({ text, beforeScanEnded }))).toEqual([
      { text: 'early', beforeScanEnded: true },
    ])
    await handed[0].acked
    expect(collected.map(({ envelope }) => read(envelope))).toEqual(['early'])
    expect(await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)).toEqual([])
  })

  it('finds later deposits past a slot whose records were all lost', async () => {
    const [, , alicePeer, bobPeer] = network.clients
    const alice = await mailboxOf(alicePeer)
    const bob = await mailboxOf(bobPeer)
    const bobKey = bobPeer.identity.publicKey
    for (const body of ['first', 'second', 'third']) {
      expect((await alice.deposit(bobKey, text(body))).confirmed).toBeGreaterThanOrEqual(3)
    }
    // Slot 0 vanishes from every peer that held it, and from alice's own copy.
    const slot = pairwiseSlot(
      pairwiseSecret(alicePeer.identity, bobKey),
      alicePeer.identity.publicKey,
      bobKey,
      0,
    )
    for (const peer of [...network.servers, ...network.clients]) {
      await peer.storage.datastore.delete(dhtRecordDatastoreKey(slot.dhtKey))
    }
    expect(
      (await getRecords(bobPeer.host.services.dht, slot.dhtKey, { timeoutMs: 10_000 })).answers,
    ).toEqual([])
    const collected = await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)
    expect(collected.map((item) => read(item.envelope)).sort()).toEqual(['second', 'third'])
    for (const item of collected) await bob.acknowledge(item.slotId)
    // The sender still holds slot 0 and puts it again; the cursor then moves past all three.
    await alice.republish()
    const again = await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)
    expect(again.map((item) => read(item.envelope))).toEqual(['first'])
    await bob.acknowledge(again[0].slotId)
    expect(await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)).toEqual([])
  })

  it('keeps deposits and cursors across a restart', async () => {
    const [, , , , alicePeer, bobPeer] = network.clients
    const alice = await mailboxOf(alicePeer)
    const { slotId } = await alice.deposit(bobPeer.identity.publicKey, text('before restart'))
    await alice.stop()
    await expect(alice.deposit(bobPeer.identity.publicKey, text('x'))).rejects.toMatchObject({
      name: 'MailboxNotStartedError',
    })
    const restarted = await mailboxOf(alicePeer)
    expect((await restarted.pending()).map((deposit) => deposit.slotId)).toEqual([slotId])
    // The next deposit takes the next slot.
    const next = await restarted.deposit(bobPeer.identity.publicKey, text('after restart'))
    const bobKey = bobPeer.identity.publicKey
    const secret = pairwiseSecret(alicePeer.identity, bobKey)
    expect(next.slotId).toBe(pairwiseSlot(secret, alicePeer.identity.publicKey, bobKey, 1).slotId)
    const bob = await mailboxOf(bobPeer)
    const collected = await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)
    expect(collected.map((item) => read(item.envelope)).sort()).toEqual([
      'after restart',
      'before restart',
    ])
  })

  it('keeps one timer for its republish loop however many rounds and deposits it runs', async () => {
    const [alicePeer, bobPeer] = [network.clients[2], network.clients[4]]
    const alice = await mailboxOf(alicePeer, { ...MANUAL, republishIntervalMs: 1 })
    for (let i = 0; i < 3; i++) await alice.deposit(bobPeer.identity.publicKey, text(`n${i}`))
    const round = alice.republish.bind(alice)
    let rounds = 0
    let enough: () => void = () => undefined
    const ranEnough = new Promise<void>((resolve) => (enough = resolve))
    alice.republish = async (options) => {
      await round(options)
      if (++rounds === 10) enough()
    }
    await withTimeout(ranEnough, 30_000, '10 rounds of the republish loop')
    expect(alice.scheduledTimers).toBeLessThanOrEqual(1)
  })

  it('learns of collection in the republish loop', async () => {
    const [alicePeer, bobPeer] = [network.clients[1], network.clients[3]]
    const alice = await mailboxOf(alicePeer, { ...MANUAL, republishIntervalMs: 200 })
    const bob = await mailboxOf(bobPeer)
    const { slotId } = await alice.deposit(bobPeer.identity.publicKey, text('in the background'))
    const found = await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)
    const envelope = found.find((item) => read(item.envelope) === 'in the background')!
    const collected = waitForEvent<{ slotId: string }>(alice, 'mailbox:collected', {
      timeoutMs: 40_000,
      filter: (detail) => detail.slotId === slotId,
    })
    await bob.acknowledge(envelope.slotId)
    await collected
    const slot = await getRecords(bobPeer.host.services.dht, new TextEncoder().encode(slotId), {
      timeoutMs: 10_000,
    })
    for (const answer of slot.answers) {
      expect(
        validateMailboxRecord(new TextEncoder().encode(slotId), answer.value, Date.now()).kind,
      ).toBe('tombstone')
    }
  })
})
