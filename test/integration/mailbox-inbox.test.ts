/**
 * The first-contact inbox on a real DHT: only the recipient reads it, and a flood cannot
 * make the recipient read more than two weeks of slots.
 */
import PQueue from 'p-queue'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords, putRecord } from '../../node/mailbox/dht-records.ts'
import { OfflineMailbox } from '../../node/mailbox/index.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { openInboxEnvelope, sealInboxEnvelope } from '../../protocol/inbox-envelope.ts'
import {
  createDepositRecord,
  INBOX_EPOCHS_READ,
  INBOX_SLOTS_PER_EPOCH,
  inboxEpoch,
  inboxEpochReadUntil,
  inboxSlot,
  validateMailboxRecord,
} from '../../protocol/mailbox.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { type DhtPeer, startDhtNetwork } from './mailbox-network.ts'

const INIT = {
  replicas: 3,
  republishIntervalMs: 0,
  queryTimeoutMs: 10_000,
}
const QUERY = { timeoutMs: 10_000 }

let network: Awaited<ReturnType<typeof startDhtNetwork>>
const mailboxes: OfflineMailbox[] = []

async function mailboxOf(peer: DhtPeer): Promise<OfflineMailbox> {
  const mailbox = new OfflineMailbox(
    { host: peer.host, identity: peer.identity, store: peer.storage.sublevel('mailbox') },
    INIT,
  )
  await mailbox.start()
  mailboxes.push(mailbox)
  return mailbox
}

beforeAll(async () => {
  network = await startDhtNetwork(5, 5)
})

afterAll(async () => {
  await Promise.all(mailboxes.map((mailbox) => mailbox.stop()))
  await network?.removeAll()
})

const text = (value: string) => new TextEncoder().encode(value)

describe('first-contact inbox', () => {
  it('is read by the recipient, who learns the sender; an outsider learns neither', async () => {
    const [alicePeer, bobPeer, carolPeer] = network.clients
    const alice = await mailboxOf(alicePeer)
    const bob = await mailboxOf(bobPeer)
    const carol = await mailboxOf(carolPeer)
    const { slotId, confirmed } = await alice.depositToInbox(
      bobPeer.identity.publicKey,
      text('hi, I am alice'),
    )
    expect(confirmed).toBeGreaterThanOrEqual(3)
    const slot = inboxSlot(bobPeer.identity.publicKey, inboxEpoch(Date.now()), 0)
    expect(slotId).toBe(slot.slotId)

    // Carol can compute bob's inbox slots and fetch the record, but not open it or tell who wrote.
    const { answers } = await getRecords(carolPeer.host.services.dht, slot.dhtKey, QUERY)
    expect(answers.length).toBeGreaterThan(0)
    const opened = validateMailboxRecord(slot.dhtKey, answers[0].value, Date.now())
    if (opened.kind !== 'deposit') throw new Error('expected a deposit')
    expect(Buffer.from(answers[0].value).includes(Buffer.from(alicePeer.identity.publicKey))).toBe(
      false,
    )
    expect(() => openInboxEnvelope(carolPeer.identity, opened.deposit.payload)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
    expect(await carol.collect([])).toEqual([])

    const [request] = await bob.collect([])
    expect(request.source).toBe('inbox')
    expect(request.sender).toEqual(alicePeer.identity.publicKey)
    expect(new TextDecoder().decode(request.envelope)).toBe('hi, I am alice')

    await bob.acknowledge(request.slotId)
    const collected = waitForEvent<{ slotId: string }>(alice, 'mailbox:collected')
    await alice.republish()
    expect((await collected).slotId).toBe(slotId)
    expect(await bob.collect([])).toEqual([])
    // The cleared slot stays taken: the next request goes to the next slot.
    const next = await alice.depositToInbox(bobPeer.identity.publicKey, text('again'))
    expect(next.slotId).toBe(
      inboxSlot(bobPeer.identity.publicKey, inboxEpoch(Date.now()), 1).slotId,
    )
  })

  it('keeps a flood of 100 deposits to at most 64 live slots', async () => {
    const [, , , attackerPeer, victimPeer] = network.clients
    const victim = await mailboxOf(victimPeer)
    const now = Date.now()
    const current = inboxEpoch(now)
    const queue = new PQueue({ concurrency: 8 })
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        queue.add(async () => {
          // Every slot of both weeks the victim reads, some twice.
          const epoch = current - (i % INBOX_EPOCHS_READ)
          const slot = inboxSlot(
            victimPeer.identity.publicKey,
            epoch,
            Math.floor(i / 2) % INBOX_SLOTS_PER_EPOCH,
          )
          const sealed = sealInboxEnvelope(
            generateEd25519KeyPair(),
            victimPeer.identity.publicKey,
            text(`spam ${i}`),
          )
          const record = createDepositRecord(slot.keyPair, sealed, {
            createdMs: now,
            expiresMs: inboxEpochReadUntil(epoch),
          })
          return (
            (await putRecord(attackerPeer.host.services.dht, slot.dhtKey, record, QUERY))
              .confirmed > 0
          )
        }),
      ),
    )
    // Every slot took a first deposit. (A second write to a slot is refused by the peers
    // holding the first, but may land on peers the first did not reach.)
    expect(outcomes.filter(Boolean).length).toBeGreaterThanOrEqual(64)
    // The victim reads each slot of the two weeks once and gets one envelope per slot at most.
    const read = await victim.collect([])
    expect(read.length).toBe(INBOX_EPOCHS_READ * INBOX_SLOTS_PER_EPOCH)
    expect(new Set(read.map((item) => item.slotId)).size).toBe(read.length)
    // The week is full: an honest first contact is refused, and can try another way.
    const honest = await mailboxOf(network.clients[2])
    await expect(
      honest.depositToInbox(victimPeer.identity.publicKey, text('hello?')),
    ).rejects.toMatchObject({
      name: 'InboxFullError',
    })
  })
})
