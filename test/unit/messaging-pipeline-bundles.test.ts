/** The 1:1 pipeline's bundles: the texts of one batch under one ratchet message. */
import { afterEach, describe, expect, it } from 'vitest'
import { toHex } from '../../protocol/bytes.ts'
import { DmAckStatus, encodeEnvelope } from '../../protocol/messaging.ts'
import {
  cleanUp,
  refuse,
  setup,
  type TestPeer,
  waitFor,
  waitForState,
  withDataLost,
} from '../helpers/pipeline-peers.ts'

afterEach(cleanUp)

describe('message pipeline: bundles', () => {
  const texts = (peer: TestPeer) => peer.received.map((m) => m.text)

  it('sends the texts of one turn as one envelope; each is delivered and shown once, in order', async () => {
    const { network, alice, bob } = await setup()
    const first = await alice.pipeline.send(bob.identity.publicKey, 'session up')
    await waitForState(alice, first.id, 'delivered')
    network.capture = true
    const sent = await Promise.all(
      ['a', 'b', 'c', 'd'].map((text) => alice.pipeline.send(bob.identity.publicKey, text)),
    )
    await waitFor(() => network.captured.length === 1, 'one envelope sent')
    const [bundle] = network.captured.splice(0)
    network.capture = false
    expect(sent.map((m) => m.id)).not.toContain(toHex(bundle.envelope.messageId))

    expect((await network.deliver(alice, bob, bundle.envelope)).status).toBe(DmAckStatus.STORED)
    expect(texts(bob)).toEqual(['session up', 'a', 'b', 'c', 'd'])
    for (const { id } of sent) await waitForState(alice, id, 'delivered')
    // A copy, directly or from the mailbox, shows nothing twice.
    expect((await network.deliver(alice, bob, bundle.envelope)).status).toBe(DmAckStatus.DUPLICATE)
    const fromMailbox = await bob.pipeline.collect([
      { slotId: 'x', sender: alice.identity.publicKey, envelope: encodeEnvelope(bundle.envelope) },
    ])
    expect(fromMailbox).toEqual({ stored: 0, duplicates: 1, rejected: 0 })
    expect(texts(bob)).toEqual(['session up', 'a', 'b', 'c', 'd'])
    const history = await bob.pipeline.history(alice.identity.publicKey)
    expect(history.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4, 5])
  })

  it('keeps a text that fits no bundle in its place: a later text still waits for all', async () => {
    const { network, alice, bob } = await setup()
    const first = await alice.pipeline.send(bob.identity.publicKey, 'session up')
    await waitForState(alice, first.id, 'delivered')
    network.capture = true
    // Two 40,000-byte texts never share a bundle's 64 KiB: the middle one goes alone.
    const batch = ['a', 'b', 'x'.repeat(40_000), 'y'.repeat(40_000), 'z'.repeat(40_000), 'c']
    const sent = await Promise.all(
      batch.map((text) => alice.pipeline.send(bob.identity.publicKey, text)),
    )
    await waitFor(() => network.captured.length === 3, 'a bundle, a text alone, a bundle')
    const later = await alice.pipeline.send(bob.identity.publicKey, 'later')
    await waitFor(() => network.captured.length === 4, 'the later text sent')
    const envelopes = network.captured.splice(0).map(({ envelope }) => envelope)
    network.capture = false
    expect(toHex(envelopes[1].messageId)).toBe(sent[3].id)
    expect(toHex(envelopes[3].messageId)).toBe(later.id)

    // Nothing before them was delivered: neither lets bob stop waiting for the first bundle.
    await network.deliver(alice, bob, envelopes[3])
    await network.deliver(alice, bob, envelopes[1])
    expect(texts(bob)).toEqual(['session up'])
    await network.deliver(alice, bob, envelopes[0])
    await network.deliver(alice, bob, envelopes[2])
    expect(texts(bob)).toEqual(['session up', ...batch, 'later'])
  })

  it('deposits what waited for a session as one bundle, kept across a restart', async () => {
    const setupResult = await setup()
    const { network, mailbox, bob } = setupResult
    let { alice } = setupResult
    network.online = false
    const sent = await Promise.all(
      ['one', 'two', 'three'].map((text) => alice.pipeline.send(bob.identity.publicKey, text)),
    )
    for (const { id } of sent) await waitForState(alice, id, 'stored')
    expect(mailbox!.slots.size).toBe(1)

    alice = await alice.restart()
    const counts = await bob.pipeline.collect(
      await bob.mailbox.collect(await bob.pipeline.knownPeers()),
    )
    expect(counts).toEqual({ stored: 1, duplicates: 0, rejected: 0 })
    expect(texts(bob)).toEqual(['one', 'two', 'three'])
    // Bob's delivered receipt names the bundle; alice's restarted node knows its texts.
    await waitFor(() => mailbox!.slots.size === 1, 'receipt deposited')
    await alice.pipeline.collect(await alice.mailbox.collect(await alice.pipeline.knownPeers()))
    for (const { id } of sent) await waitForState(alice, id, 'delivered')
    expect(mailbox!.slots.size).toBe(0)
  })

  it('takes a refused bundle apart and sends each text again in a new session', async () => {
    const { network, directory, mailbox, alice, bob } = await setup()
    const first = await alice.pipeline.send(bob.identity.publicKey, 'before the loss')
    await waitForState(alice, first.id, 'delivered')
    // Without its sessions, bob's node cannot read the bundle, sent in the old session.
    const fresh = await withDataLost(bob, { network, directory, mailbox })
    network.capture = true
    const sent = await Promise.all(
      ['x', 'y', 'z'].map((text) => alice.pipeline.send(bob.identity.publicKey, text)),
    )
    await waitFor(() => network.captured.length === 1, 'the bundle sent')
    const [bundle] = network.captured.splice(0)
    expect((await network.deliver(alice, fresh, bundle.envelope)).status).toBe(DmAckStatus.REJECTED)
    await waitFor(() => network.captured.length === 3, 'each text sent again on its own')
    const singles = network.captured.splice(0)
    network.capture = false
    expect(singles.map(({ envelope }) => toHex(envelope.messageId))).toEqual(sent.map((m) => m.id))
    for (const { envelope } of singles) {
      expect((await network.deliver(alice, fresh, envelope)).status).toBe(DmAckStatus.STORED)
    }
    expect(texts(fresh)).toEqual(['x', 'y', 'z'])
    for (const { id } of sent) await waitForState(alice, id, 'delivered')
  })

  it('shows a text once when a copy sent alone and its bundle arrive in one batch', async () => {
    const { network, alice, bob } = await setup()
    const first = await alice.pipeline.send(bob.identity.publicKey, 'session up')
    await waitForState(alice, first.id, 'delivered')
    network.capture = true
    await Promise.all(['x', 'y'].map((text) => alice.pipeline.send(bob.identity.publicKey, text)))
    await waitFor(() => network.captured.length === 1, 'the bundle sent')
    const [bundle] = network.captured.splice(0)
    // The ack is lost and alice hears a refusal instead: each text goes again on its own.
    await refuse(alice, bob, bundle.envelope)
    await waitFor(() => network.captured.length === 2, 'each text sent again')
    const [single] = network.captured.splice(0)
    network.capture = false
    const direct = { kind: 'direct', sender: alice.identity.publicKey } as const
    // The copy first: the bundle then holds one text already taken in this batch, and one new.
    const outcomes = await Promise.all([
      bob.pipeline.receive(single.envelope, direct),
      bob.pipeline.receive(bundle.envelope, direct),
    ])
    expect(outcomes.map((outcome) => outcome.status)).toEqual([
      DmAckStatus.STORED,
      DmAckStatus.STORED,
    ])
    expect(texts(bob)).toEqual(['session up', 'x', 'y'])
  })
})
