/** The 1:1 pipeline online: delivery and states, why a text waits, order and exactly once. */
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../node/identity/index.ts'
import type { MessageStateChange } from '../../protocol/local-api.ts'
import { DmAckStatus, type DmEnvelope, encodeEnvelope } from '../../protocol/messaging.ts'
import { cleanUp, refuse, setup, waitFor, waitForState } from '../helpers/pipeline-peers.ts'
import { waitForEvent } from '../helpers/wait.ts'

afterEach(cleanUp)

describe('message pipeline: online', () => {
  it('delivers both ways; states go queued -> delivered -> read', async () => {
    const { alice, bob } = await setup()
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'hi bob')
    expect(sent.state).toBe('queued')
    expect(sent.seq).toBe(1)
    await waitForState(alice, sent.id, 'delivered')
    expect(bob.received.map((m) => m.text)).toEqual(['hi bob'])
    expect(bob.received[0].direction).toBe('in')

    const reply = await bob.pipeline.send(alice.identity.publicKey, 'hi alice')
    await waitForState(bob, reply.id, 'delivered')
    expect(alice.received.map((m) => m.text)).toEqual(['hi alice'])

    const inbox = await bob.pipeline.inbox()
    expect(inbox).toHaveLength(1)
    expect(inbox[0].unread).toBe(1)
    expect((await bob.pipeline.markRead(alice.identity.publicKey)).readUpToSeq).toBe(1)
    await waitForState(alice, sent.id, 'read')
    expect((await bob.pipeline.inbox())[0].unread).toBe(0)

    const history = await alice.pipeline.history(bob.identity.publicKey)
    expect(history.messages.map((m) => [m.direction, m.text, m.state])).toEqual([
      ['out', 'hi bob', 'read'],
      ['in', 'hi alice', undefined],
    ])
  })

  it('gives the cached history of a quiet conversation back; a later receipt still lands', async () => {
    const { network, alice, bob } = await setup()
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'kept on disk')
    await waitForState(alice, sent.id, 'delivered')
    await alice.pipeline.idle()
    // Busy (the lane ran just now): nothing given back yet.
    expect(alice.pipeline.forgetQuietHistory(60_000)).toBe(0)
    expect(alice.pipeline.forgetQuietHistory(0)).toBe(1)
    expect(alice.pipeline.forgetQuietHistory(0)).toBe(0)

    // The read receipt needs the record: read back from the database.
    await bob.pipeline.markRead(alice.identity.publicKey)
    await waitForState(alice, sent.id, 'read')
    const history = await alice.pipeline.history(bob.identity.publicKey)
    expect(history.messages.map((m) => [m.text, m.state])).toEqual([['kept on disk', 'read']])

    // A conversation with a message still waiting for the peer is never quiet.
    network.online = false
    await alice.pipeline.send(bob.identity.publicKey, 'waiting')
    await alice.pipeline.idle()
    expect(alice.pipeline.forgetQuietHistory(0)).toBe(0)
  })

  it('keeps the record of every text waiting for its ack: acks of a long outbox read none back', async () => {
    const { network, alice, bob } = await setup({ mailbox: false })
    network.online = false
    // More than the 2,000 recent records a conversation keeps in memory.
    const count = 2_100
    const sent = await Promise.all(
      Array.from({ length: count }, (_, i) => alice.pipeline.send(bob.identity.publicKey, `m${i}`)),
    )
    let historyReads = 0
    const get = alice.db.get.bind(alice.db)
    alice.db.get = ((key: string, ...rest: unknown[]) => {
      if (key.startsWith('h/')) historyReads++
      return (get as (...args: unknown[]) => unknown)(key, ...rest)
    }) as typeof alice.db.get
    const delivered = new Set<string>()
    const allDelivered = waitForEvent<MessageStateChange>(alice.events, 'message:state', {
      timeoutMs: 10_000,
      filter: (change) => {
        if (change.state === 'delivered') delivered.add(change.id)
        return delivered.size === count
      },
    })
    network.online = true
    await alice.pipeline.retry(bob.identity.publicKey)
    await allDelivered
    expect(sent.every(({ id }) => delivered.has(id))).toBe(true)
    expect(historyReads).toBe(0)
    const history = await alice.pipeline.history(bob.identity.publicKey, { limit: 500 })
    expect(history.messages.every((m) => m.state === 'delivered')).toBe(true)
  })

  it('sends no read receipt when they are turned off', async () => {
    const { alice, bob } = await setup({ readReceipts: false })
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'one')
    await waitForState(alice, sent.id, 'delivered')
    await bob.pipeline.markRead(alice.identity.publicKey)
    const check = await bob.pipeline.send(alice.identity.publicKey, 'after read')
    await waitForState(bob, check.id, 'delivered')
    expect(alice.states.filter((s) => s.state === 'read')).toEqual([])
  })

  it('refuses empty and oversized texts and messages to oneself', async () => {
    const { alice, bob } = await setup()
    await expect(alice.pipeline.send(bob.identity.publicKey, '')).rejects.toMatchObject({
      name: 'InvalidMessageTextError',
    })
    await expect(
      alice.pipeline.send(bob.identity.publicKey, 'x'.repeat(64 * 1024)),
    ).rejects.toMatchObject({ name: 'InvalidMessageTextError' })
    await expect(alice.pipeline.send(alice.identity.publicKey, 'me')).rejects.toMatchObject({
      name: 'InvalidRecipientError',
    })
  })
})

describe('message pipeline: why a text waits', () => {
  it('says why each queued text waits: prekeys, a confirmation, a deposit, nothing reachable', async () => {
    const { network, mailbox, alice, bob } = await setup()
    const viewOf = async (peer: Uint8Array, id: string) =>
      (await alice.pipeline.history(peer)).messages.find((message) => message.id === id)
    const reasonOf = async (peer: Uint8Array, id: string) =>
      (await viewOf(peer, id))?.queuedReason?.code

    // Someone who never published prekeys: no session to encrypt with yet.
    const stranger = generateIdentity()
    const first = await alice.pipeline.send(stranger.publicKey, 'hello, stranger')
    expect(await viewOf(stranger.publicKey, first.id)).toMatchObject({
      state: 'queued',
      queuedReason: { code: 'prekeys', message: expect.stringContaining('prekeys') },
    })

    // Sent over a connection, not acked yet; once delivered, nothing waits.
    const bobKey = bob.identity.publicKey
    network.capture = true
    const sent = await alice.pipeline.send(bobKey, 'unconfirmed')
    await waitFor(() => network.captured.length === 1, 'text sent')
    expect(await reasonOf(bobKey, sent.id)).toBe('awaiting-ack')
    const [carried] = network.captured.splice(0)
    await network.deliver(carried!.from, carried!.to, carried!.envelope)
    await waitForState(alice, sent.id, 'delivered')
    expect(await viewOf(bobKey, sent.id)).not.toHaveProperty('queuedReason')

    // Bob out of reach: the text goes to the mailbox...
    network.capture = false
    network.online = false
    const held = mailbox!.hold()
    const away = await alice.pipeline.send(bobKey, 'while you are away')
    await held.started
    expect(await reasonOf(bobKey, away.id)).toBe('depositing')
    held.release()
    await waitForState(alice, away.id, 'stored')

    // ...unless the mailbox is out of reach too.
    const failed = Promise.withResolvers<void>()
    alice.mailbox.deposit = alice.mailbox.depositToInbox = async () => {
      failed.resolve()
      throw new Error('no DHT server reachable')
    }
    const stuck = await alice.pipeline.send(bobKey, 'nowhere to go')
    await failed.promise
    expect(await viewOf(bobKey, stuck.id)).toMatchObject({
      state: 'queued',
      queuedReason: { code: 'unreachable', message: expect.stringContaining('no relay') },
    })
  })
})

describe('message pipeline: order and exactly once', () => {
  it('holds a text that arrives before an earlier one and shows both in order', async () => {
    const { network, alice, bob } = await setup()
    network.capture = true
    const first = await alice.pipeline.send(bob.identity.publicKey, 'first')
    const second = await alice.pipeline.send(bob.identity.publicKey, 'second')
    const third = await alice.pipeline.send(bob.identity.publicKey, 'third')
    await waitFor(() => network.captured.length === 3, 'three envelopes sent')
    const [one, two, three] = network.captured
    network.capture = false

    expect((await network.deliver(alice, bob, three.envelope)).status).toBe(DmAckStatus.STORED)
    expect((await network.deliver(alice, bob, two.envelope)).status).toBe(DmAckStatus.STORED)
    expect(bob.received).toEqual([])
    const waiting = await bob.pipeline.history(alice.identity.publicKey)
    expect(waiting.held).toBe(2)
    expect(waiting.messages).toEqual([])
    expect((await bob.pipeline.inbox())[0].held).toBe(2)
    // The held ones count as delivered for alice: bob's node has them on disk.
    await waitForState(alice, third.id, 'delivered')

    await network.deliver(alice, bob, one.envelope)
    expect(bob.received.map((m) => m.text)).toEqual(['first', 'second', 'third'])
    const history = await bob.pipeline.history(alice.identity.publicKey)
    expect(history.held).toBe(0)
    expect(history.messages.map((m) => m.seq)).toEqual([1, 2, 3])
    await waitForState(alice, first.id, 'delivered')
    await waitForState(alice, second.id, 'delivered')
  })

  it('refuses a text ahead of a gap once maxHeldPerConversation texts wait', async () => {
    const { network, alice, bob } = await setup({ maxHeld: 1 })
    network.capture = true
    for (const text of ['first', 'second', 'third']) {
      await alice.pipeline.send(bob.identity.publicKey, text)
    }
    await waitFor(() => network.captured.length === 3, 'three envelopes sent')
    const [one, two, three] = network.captured
    network.capture = false
    const fromAlice = { kind: 'direct' as const, sender: alice.identity.publicKey }
    expect((await bob.pipeline.receive(three.envelope, fromAlice)).status).toBe(DmAckStatus.STORED)
    const refused = await bob.pipeline.receive(two.envelope, fromAlice)
    expect(refused).toMatchObject({ status: DmAckStatus.REJECTED, code: 'held-limit' })
    expect((await bob.pipeline.history(alice.identity.publicKey)).held).toBe(1)
    // The gap before the held text fills; the refused one is still missing, so it waits.
    expect((await bob.pipeline.receive(one.envelope, fromAlice)).status).toBe(DmAckStatus.STORED)
    expect(bob.received.map((m) => m.text)).toEqual(['first'])
    expect((await bob.pipeline.history(alice.identity.publicKey)).held).toBe(1)
  })

  it('shows a text once however often it arrives, directly or from the mailbox', async () => {
    const { network, alice, bob } = await setup()
    network.capture = true
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'once')
    await waitFor(() => network.captured.length === 1, 'envelope sent')
    const { envelope } = network.captured[0]
    network.capture = false
    expect((await network.deliver(alice, bob, envelope)).status).toBe(DmAckStatus.STORED)
    expect((await network.deliver(alice, bob, envelope)).status).toBe(DmAckStatus.DUPLICATE)
    const fromMailbox = await bob.pipeline.collect([
      { slotId: 'x', sender: alice.identity.publicKey, envelope: encodeEnvelope(envelope) },
    ])
    expect(fromMailbox).toEqual({ stored: 0, duplicates: 1, rejected: 0 })
    expect(bob.received.map((m) => m.id)).toEqual([sent.id])
  })

  it('shows a text once when it comes again under a fresh ratchet message', async () => {
    const { network, alice, bob } = await setup()
    network.capture = true
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'once')
    await waitFor(() => network.captured.length === 1, 'envelope sent')
    const [first] = network.captured.splice(0)
    const stored = await bob.pipeline.receive(first.envelope, {
      kind: 'direct',
      sender: alice.identity.publicKey,
    })
    expect(stored.status).toBe(DmAckStatus.STORED)
    // The ack is lost and alice hears a refusal instead: she encrypts the text again, in a
    // new session, under the same id.
    await refuse(alice, bob, first.envelope)
    await waitFor(() => network.captured.length === 1, 'envelope sent again')
    const [again] = network.captured.splice(0)
    expect(Buffer.compare(again.envelope.header, first.envelope.header)).not.toBe(0)
    const copy = await bob.pipeline.receive(again.envelope, {
      kind: 'direct',
      sender: alice.identity.publicKey,
    })
    expect(copy).toEqual({ status: DmAckStatus.DUPLICATE, text: true })
    expect(bob.received.map((m) => m.id)).toEqual([sent.id])
  })

  it('refuses a forged sender and an envelope from ourselves', async () => {
    const { network, alice, bob } = await setup()
    network.capture = true
    await alice.pipeline.send(bob.identity.publicKey, 'secret')
    await waitFor(() => network.captured.length === 1, 'envelope sent')
    const { envelope } = network.captured[0]
    const mallory = generateIdentity()
    const forged = await bob.pipeline.receive(envelope, {
      kind: 'direct',
      sender: mallory.publicKey,
    })
    expect(forged).toMatchObject({ status: DmAckStatus.REJECTED, code: 'forged-sender' })
    const fromSelf = await bob.pipeline.receive(
      { ...envelope, sender: bob.identity.publicKey as DmEnvelope['sender'] },
      { kind: 'direct', sender: bob.identity.publicKey },
    )
    expect(fromSelf.code).toBe('forged-sender')
    // A flipped ciphertext bit: undecryptable, and the session is untouched.
    const tampered = Uint8Array.from(envelope.ciphertext)
    tampered[0] ^= 1
    const bad = await bob.pipeline.receive(
      { ...envelope, ciphertext: tampered as DmEnvelope['ciphertext'] },
      { kind: 'direct', sender: alice.identity.publicKey },
    )
    expect(bad).toMatchObject({ status: DmAckStatus.REJECTED, code: 'undecryptable' })
    const good = await bob.pipeline.receive(envelope, {
      kind: 'direct',
      sender: alice.identity.publicKey,
    })
    expect(good.status).toBe(DmAckStatus.STORED)
    expect(bob.received.map((m) => m.text)).toEqual(['secret'])
  })

  it('refuses a replayed session start once the session moved on', async () => {
    const { network, alice, bob } = await setup()
    network.capture = true
    await alice.pipeline.send(bob.identity.publicKey, 'hello')
    await waitFor(() => network.captured.length === 1, 'envelope sent')
    const { envelope } = network.captured[0]
    network.capture = false
    await network.deliver(alice, bob, envelope)
    // Bob restarts a fresh session of his own towards alice, then the old start is replayed
    // with a new id: bob must not accept the old session again.
    const replay = { ...envelope, messageId: new Uint8Array(16).fill(7) as DmEnvelope['messageId'] }
    const outcome = await bob.pipeline.receive(replay, {
      kind: 'direct',
      sender: alice.identity.publicKey,
    })
    expect(outcome.status).toBe(DmAckStatus.DUPLICATE)
    expect(bob.received).toHaveLength(1)
  })
})
