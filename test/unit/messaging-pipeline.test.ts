import { Level } from 'level'
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity, type Identity } from '../../node/identity/index.ts'
import type { DurableOp } from '../../node/messaging/durable-writer.ts'
import {
  type DirectLink,
  MessagePipeline,
  type PrekeyPort,
  type SocialPort,
} from '../../node/messaging/index.ts'
import { PrekeyStore } from '../../node/prekeys/prekey-store.ts'
import { RecordLevel } from '../../node/record-level.ts'
import { type AppLevel, rawSublevel } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { MessageStateChange, MessageView } from '../../protocol/local-api.ts'
import { DmAckStatus, type DmEnvelope, encodeEnvelope } from '../../protocol/messaging.ts'
import {
  createPrekeyBundle,
  decodeMessageHeader,
  generateOneTimePrekeys,
  generateSignedPrekey,
  type OneTimePrekey,
  type PrekeyBundle,
  type SignedPrekey,
} from '../../protocol/session/index.ts'
import { StubMailbox } from '../helpers/stub-mailbox.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { ChangeSignal, waitForEvent } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** Published bundles, shared by every test peer: what the DHT does for real. */
class PrekeyDirectory {
  readonly bundles = new Map<string, () => PrekeyBundle>()
}

class StubPrekeys implements PrekeyPort {
  readonly signed: SignedPrekey
  readonly oneTime = new Map<number, OneTimePrekey>()

  constructor(
    identity: Identity,
    readonly directory: PrekeyDirectory,
  ) {
    this.signed = generateSignedPrekey(identity, 1)
    for (const key of generateOneTimePrekeys(20, 100)) this.oneTime.set(key.id, key)
    directory.bundles.set(toHex(identity.publicKey), () => {
      const [first] = this.oneTime.values()
      return createPrekeyBundle(identity.publicKey, this.signed, first)
    })
  }

  async fetchBundle(peer: Uint8Array): Promise<PrekeyBundle> {
    const bundle = this.directory.bundles.get(toHex(peer))
    if (bundle == null) throw new Error('no bundle published')
    return bundle()
  }

  async signedPrekey(id: number) {
    return id === this.signed.id ? this.signed : undefined
  }

  async peekOneTimePrekey(id: number) {
    return this.oneTime.get(id)
  }

  /** Kept in memory: the op only marks the batch; the key goes once it is committed. */
  deleteOneTimePrekeyOp(id: number): DurableOp {
    return { type: 'del', key: `stub-prekeys/${id}` }
  }

  oneTimePrekeyDeleted(id: number) {
    this.oneTime.delete(id)
    changed()
  }
}

/** Every stub tells of each change it sees here, which is what `waitFor` waits on. */
const changes = new ChangeSignal()
const changed = () => changes.notify()

/**
 * Carries envelopes between test peers. `online` delivers at once and acks; otherwise send
 * says the peer is unreachable. `capture` keeps envelopes for the test to deliver itself.
 */
class StubNetwork {
  readonly peers = new Map<string, TestPeer>()
  online = true
  captured: Array<{ from: TestPeer; to: TestPeer; envelope: DmEnvelope }> = []
  capture = false

  link(from: () => TestPeer): DirectLink {
    return {
      send: async (peer, envelope) => {
        const to = this.peers.get(toHex(peer))
        if (!this.online || to == null || to.stopped) return false
        if (this.capture) {
          this.captured.push({ from: from(), to, envelope })
          changed()
          return true
        }
        void this.deliver(from(), to, envelope)
        return true
      },
    }
  }

  async deliver(from: TestPeer, to: TestPeer, envelope: DmEnvelope) {
    const outcome = await to.pipeline.receive(envelope, {
      kind: 'direct',
      sender: from.identity.publicKey,
    })
    await from.pipeline.handleAck(to.identity.publicKey, {
      messageId: envelope.messageId,
      status: outcome.status,
      reason: outcome.reason ?? '',
    })
    return outcome
  }
}

interface TestPeer {
  name: string
  identity: Identity
  pipeline: MessagePipeline
  events: EventTarget
  received: MessageView[]
  states: MessageStateChange[]
  prekeys: StubPrekeys
  mailbox: StubMailbox
  /** The database and the messaging sublevel the pipeline writes to. */
  root: Level<string, Uint8Array>
  db: AppLevel
  stopped: boolean
  restart(): Promise<TestPeer>
}

async function makePeer(
  name: string,
  network: StubNetwork,
  directory: PrekeyDirectory,
  mailbox: StubMailbox | undefined,
  options: {
    identity?: Identity
    path?: string
    prekeys?: StubPrekeys
    readReceipts?: boolean
    social?: SocialPort
    maxHeld?: number
  } = {},
): Promise<TestPeer> {
  const identity = options.identity ?? generateIdentity()
  let path = options.path
  if (path == null) {
    const dir = await makeTempDir()
    cleanups.push(() => dir.remove())
    path = dir.path
  }
  const db = new Level<string, Uint8Array>(path, { valueEncoding: 'view' })
  await db.open()
  const sublevel = new RecordLevel(rawSublevel(db, 'messaging'))
  const events = new EventTarget()
  const prekeys = options.prekeys ?? new StubPrekeys(identity, directory)
  const peerMailbox = mailbox?.shared(identity) ?? new StubMailbox(identity, changed)
  const peer: TestPeer = {
    name,
    identity,
    events,
    received: [],
    states: [],
    prekeys,
    mailbox: peerMailbox,
    root: db,
    db: sublevel,
    stopped: false,
    pipeline: new MessagePipeline({
      db: sublevel,
      identity,
      prekeys,
      mailbox: mailbox == null ? undefined : peerMailbox,
      link: network.link(() => peer),
      log: testLogger,
      ackTimeoutMs: 60_000,
      readReceipts: options.readReceipts,
      social: options.social,
      maxHeldPerConversation: options.maxHeld,
      emit: (type, data) => {
        if (type === 'message:received') peer.received.push(data as MessageView)
        else peer.states.push(data as MessageStateChange)
        events.dispatchEvent(new CustomEvent(type, { detail: data }))
      },
    }),
    restart: async () => {
      await stop()
      return makePeer(name, network, directory, mailbox, {
        identity,
        path,
        prekeys,
        readReceipts: options.readReceipts,
      })
    },
  }
  let closed = false
  const stop = async () => {
    if (closed) return
    closed = true
    peer.stopped = true
    await peer.pipeline.stop()
    await db.close()
  }
  cleanups.push(stop)
  await peer.pipeline.start()
  network.peers.set(toHex(identity.publicKey), peer)
  return peer
}

function waitForState(peer: TestPeer, id: string, state: string) {
  if (peer.states.some((change) => change.id === id && change.state === state)) {
    return Promise.resolve()
  }
  return waitForEvent<MessageStateChange>(peer.events, 'message:state', {
    timeoutMs: 5_000,
    filter: (change) => change.id === id && change.state === state,
  })
}

const waitFor = (condition: () => boolean, what: string) => changes.until(condition, what)

async function setup(
  options: { mailbox?: boolean; readReceipts?: boolean; maxHeld?: number } = {},
) {
  const network = new StubNetwork()
  const directory = new PrekeyDirectory()
  const mailbox =
    options.mailbox === false ? undefined : new StubMailbox(generateIdentity(), changed)
  const alice = await makePeer('alice', network, directory, mailbox, options)
  const bob = await makePeer('bob', network, directory, mailbox, options)
  return { network, directory, mailbox, alice, bob }
}

/**
 * Alice and bob sent each other a text; then bob's node came back with the same identity
 * and prekeys but an empty database (`fresh`).
 */
async function talkedThenLost() {
  const { network, directory, mailbox, alice, bob } = await setup()
  const first = await alice.pipeline.send(bob.identity.publicKey, 'before the loss')
  await waitForState(alice, first.id, 'delivered')
  const reply = await bob.pipeline.send(alice.identity.publicKey, 'ok')
  await waitForState(bob, reply.id, 'delivered')
  const fresh = await withDataLost(bob, { network, directory, mailbox })
  return { network, mailbox, alice, bob, fresh }
}

/** How many mailbox slots hold something for `to` from `from` (pairwise slots). */
function pairwiseSlots(mailbox: StubMailbox) {
  return (to: TestPeer, from: TestPeer) =>
    [...mailbox.slots.values()].filter(
      (slot) =>
        slot.recipient === toHex(to.identity.publicKey) &&
        slot.sender === toHex(from.identity.publicKey),
    ).length
}

/** `sender` hears that `recipient` refused the envelope (an ack with status REJECTED). */
function refuse(sender: TestPeer, recipient: TestPeer, envelope: DmEnvelope): Promise<void> {
  return sender.pipeline.handleAck(recipient.identity.publicKey, {
    messageId: envelope.messageId,
    status: DmAckStatus.REJECTED,
    reason: 'refused in a test',
  })
}

/** The peer's node comes back with the same identity and prekeys but an empty database. */
function withDataLost(
  peer: TestPeer,
  { network, directory, mailbox }: Omit<Awaited<ReturnType<typeof setup>>, 'alice' | 'bob'>,
): Promise<TestPeer> {
  peer.stopped = true
  return makePeer(peer.name, network, directory, mailbox, {
    identity: peer.identity,
    prekeys: peer.prekeys,
  })
}

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

describe('message pipeline: offline and restarts', () => {
  it('falls back to the mailbox; states go queued -> stored -> delivered', async () => {
    const { network, mailbox, alice, bob } = await setup()
    network.online = false
    const ids: string[] = []
    for (let i = 1; i <= 5; i++)
      ids.push((await alice.pipeline.send(bob.identity.publicKey, `m${i}`)).id)
    for (const id of ids) await waitForState(alice, id, 'stored')
    expect(alice.states.find((s) => s.id === ids[0] && s.state === 'stored')?.replicas).toEqual({
      confirmed: 3,
      total: 3,
    })
    expect(mailbox!.slots.size).toBe(5)
    // First contact: bob does not know alice, so everything went to his inbox.
    expect([...mailbox!.slots.values()].every((slot) => slot.sender == null)).toBe(true)

    const counts = await bob.pipeline.collect(
      await bob.mailbox.collect(await bob.pipeline.knownPeers()),
    )
    expect(counts).toEqual({ stored: 5, duplicates: 0, rejected: 0 })
    expect(bob.received.map((m) => m.text)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5'])
    // Bob's delivered receipt cannot go directly either: it waits in the mailbox for alice.
    await waitFor(() => mailbox!.slots.size === 1, 'receipt deposited')
    await alice.pipeline.collect(await alice.mailbox.collect(await alice.pipeline.knownPeers()))
    for (const id of ids) await waitForState(alice, id, 'delivered')
    expect(mailbox!.slots.size).toBe(0)
  })

  it('records nothing and throws nothing for a deposit that completes after its node stopped', async () => {
    const setupResult = await setup()
    const { network, mailbox, bob } = setupResult
    let { alice } = setupResult
    const rejections: unknown[] = []
    const onRejection = (reason: unknown) => rejections.push(reason)
    process.on('unhandledRejection', onRejection)
    cleanups.push(async () => void process.off('unhandledRejection', onRejection))
    network.online = false
    const held = mailbox!.hold()
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'deposited while stopping')
    await held.started
    // The node stops and closes its database while the deposit is under way.
    alice = await alice.restart()
    held.release()
    // Recorded nowhere, the text is deposited again by the node started since.
    await alice.pipeline.retry()
    await waitForState(alice, sent.id, 'stored')
    expect(rejections).toEqual([])
  })

  it('stops mid-batch: waits for the write under way, sends nothing after, and the text goes once started again', async () => {
    const setupResult = await setup()
    const { network, bob } = setupResult
    let { alice } = setupResult
    const first = await alice.pipeline.send(bob.identity.publicKey, 'session up')
    await waitForState(alice, first.id, 'delivered')
    network.capture = true
    let writing = false
    let release: () => void = () => undefined
    const released = new Promise<void>((resolve) => (release = resolve))
    const batch = alice.db.batch.bind(alice.db) as (...args: unknown[]) => Promise<void>
    alice.db.batch = (async (ops: DurableOp[], options: unknown) => {
      if (!writing) {
        writing = true
        changed()
        await released
      }
      return batch(ops, options)
    }) as unknown as AppLevel['batch']
    const sending = alice.pipeline.send(bob.identity.publicKey, 'written while stopping')
    await waitFor(() => writing, 'the batch being written')
    let stopped = false
    const stopping = alice.pipeline.stop().then(() => {
      stopped = true
    })
    await new Promise<void>((resolve) => setImmediate(resolve))
    expect(stopped).toBe(false)
    release()
    await stopping
    // The text is on disk (its batch committed), but nothing leaves a stopped pipeline.
    const sent = await sending
    expect(sent.state).toBe('queued')
    expect(network.captured).toEqual([])
    network.capture = false
    alice = await alice.restart()
    await alice.pipeline.retry()
    await waitForState(alice, sent.id, 'delivered')
    expect(bob.received.map((m) => m.text)).toEqual(['session up', 'written while stopping'])
  })

  it('tries an unreachable peer again by itself, soon, and delivers once it is back', async () => {
    const { network, alice, bob } = await setup({ mailbox: false })
    const first = await alice.pipeline.send(bob.identity.publicKey, 'session')
    await waitForState(alice, first.id, 'delivered')
    network.online = false
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'while away')
    // Nobody calls retry(): the pipeline's own retry, 1 s after the failure, delivers it.
    network.online = true
    await waitForState(alice, sent.id, 'delivered')
    expect(bob.received.map((m) => m.text)).toEqual(['session', 'while away'])
  })

  it('keeps sessions, counters and the outbox across restarts of both sides', async () => {
    const setupResult = await setup()
    const { network } = setupResult
    let { alice, bob } = setupResult
    const a1 = await alice.pipeline.send(bob.identity.publicKey, 'before restart')
    await waitForState(alice, a1.id, 'delivered')
    const b1 = await bob.pipeline.send(alice.identity.publicKey, 'reply')
    await waitForState(bob, b1.id, 'delivered')

    network.online = false
    const queued = await alice.pipeline.send(bob.identity.publicKey, 'while bob is away')
    alice = await alice.restart()
    bob = await bob.restart()
    network.online = true
    await alice.pipeline.retry()
    await waitForState(alice, queued.id, 'delivered')
    const a3 = await alice.pipeline.send(bob.identity.publicKey, 'after restart')
    expect(a3.seq).toBe(3)
    await waitForState(alice, a3.id, 'delivered')
    const b2 = await bob.pipeline.send(alice.identity.publicKey, 'still here')
    await waitForState(bob, b2.id, 'delivered')
    const history = await bob.pipeline.history(alice.identity.publicKey)
    expect(history.messages.map((m) => m.text)).toEqual([
      'before restart',
      'reply',
      'while bob is away',
      'after restart',
      'still here',
    ])
  })

  it('starts a new session when the peer lost its data, and the peer stops waiting', async () => {
    const { alice, bob, fresh } = await talkedThenLost()
    const second = await alice.pipeline.send(bob.identity.publicKey, 'after the loss')
    await waitForState(alice, second.id, 'delivered')
    // Seq 2 arrived in a new session; seq 1 is gone with bob's data, and alice says so.
    expect(fresh.received.map((m) => [m.seq, m.text])).toEqual([[2, 'after the loss']])
    expect((await fresh.pipeline.history(alice.identity.publicKey)).held).toBe(0)
    const again = await fresh.pipeline.send(alice.identity.publicKey, 'back')
    await waitForState(fresh, again.id, 'delivered')
    expect(alice.received.map((m) => m.text)).toEqual(['ok', 'back'])
  })

  /**
   * Alice and bob talked, then bob's node lost its data (`fresh`, same identity and prekeys)
   * while alice wrote again; from then on they are never online together. Before bob's node
   * first collects from alice, `meanwhile` runs (with the network up).
   */
  async function writtenIntoLostSession(
    meanwhile: (fresh: TestPeer, alice: TestPeer) => Promise<void>,
  ) {
    const { network, mailbox, alice, bob, fresh } = await talkedThenLost()
    network.online = false
    const sent = await alice.pipeline.send(bob.identity.publicKey, 'after the loss')
    await waitForState(alice, sent.id, 'stored')
    network.online = true
    await meanwhile(fresh, alice)
    network.online = false

    // Bob's node knows alice (say, from her friend entry) and collects from her slot; it
    // cannot read her text, and leaves her a notice.
    const slots = pairwiseSlots(mailbox!)
    const collectFromAlice = async () =>
      fresh.pipeline.collect(await fresh.mailbox.collect([alice.identity.publicKey]))
    const aliceCollects = async () =>
      alice.pipeline.collect(await alice.mailbox.collect(await alice.pipeline.knownPeers()))
    expect(await collectFromAlice()).toEqual({ stored: 0, duplicates: 0, rejected: 1 })
    await waitFor(
      () => slots(alice, fresh) === 1 && slots(fresh, alice) === 0,
      'a refusal notice left for alice in place of her text',
    )
    // Alice takes the notice as the refusal it is: a new session, deposited again.
    await aliceCollects()
    await waitFor(() => slots(fresh, alice) === 1, 'the text deposited again, in a new session')
    expect(await collectFromAlice()).toEqual({ stored: 1, duplicates: 0, rejected: 0 })
    expect(fresh.received.map((m) => m.text).at(-1)).toBe('after the loss')
    await waitFor(() => slots(alice, fresh) === 1, 'a delivered receipt left for alice')
    await aliceCollects()
    await waitForState(alice, sent.id, 'delivered')
    expect(alice.states.filter((change) => change.state === 'failed')).toEqual([])
  }

  it('tells a sender offline then that it wrote in a session lost here; it starts a new one', async () => {
    await writtenIntoLostSession(async () => undefined)
  })

  it('does so too when a new session began since, where the text is undecryptable', async () => {
    await writtenIntoLostSession(async (fresh, alice) => {
      const hello = await fresh.pipeline.send(alice.identity.publicKey, 'hello again')
      await waitForState(fresh, hello.id, 'delivered')
    })
  })

  it('settles on one session when both sides start one at once, losing nothing', async () => {
    const { network, alice, bob } = await setup()
    network.capture = true
    const fromAlice = await alice.pipeline.send(bob.identity.publicKey, 'alice first')
    const fromBob = await bob.pipeline.send(alice.identity.publicKey, 'bob first')
    await waitFor(() => network.captured.length === 2, 'both starts sent')
    network.capture = false
    for (const { from, to, envelope } of network.captured.splice(0)) {
      expect((await network.deliver(from, to, envelope)).status).toBe(DmAckStatus.STORED)
    }
    await waitForState(alice, fromAlice.id, 'delivered')
    await waitForState(bob, fromBob.id, 'delivered')
    for (let i = 0; i < 3; i++) {
      const a = await alice.pipeline.send(bob.identity.publicKey, `a${i}`)
      const b = await bob.pipeline.send(alice.identity.publicKey, `b${i}`)
      await waitForState(alice, a.id, 'delivered')
      await waitForState(bob, b.id, 'delivered')
    }
    expect(alice.received.map((m) => m.text)).toEqual(['bob first', 'b0', 'b1', 'b2'])
    expect(bob.received.map((m) => m.text)).toEqual(['alice first', 'a0', 'a1', 'a2'])
  })
})

/** Holds every peek until `count` are waiting: both starts look the prekey up before either acts. */
class PeekBarrierPrekeys extends StubPrekeys {
  peeks = 0
  readonly #waiting: Array<() => void> = []

  constructor(
    identity: Identity,
    directory: PrekeyDirectory,
    readonly count: number,
  ) {
    super(identity, directory)
  }

  override async peekOneTimePrekey(id: number) {
    // A fresh copy per read, as the real store decodes one: the ratchet zeroes what it used.
    const key = structuredClone(this.oneTime.get(id))
    this.peeks++
    await new Promise<void>((resolve) => {
      this.#waiting.push(resolve)
      if (this.#waiting.length >= this.count) for (const release of this.#waiting) release()
    })
    return key
  }
}

describe('message pipeline: a step that fails after decryption', () => {
  it('takes the message again when it comes again, not as a duplicate of itself', async () => {
    const network = new StubNetwork()
    const directory = new PrekeyDirectory()
    const taken: string[] = []
    let failNext = true
    const social: SocialPort = {
      isBlocked: () => false,
      receive: async (_peer, payload) => {
        if (failNext) {
          failNext = false
          throw new Error('the friends store could not write')
        }
        taken.push(Buffer.from(payload).toString())
      },
    }
    const alice = await makePeer('alice', network, directory, undefined)
    const bob = await makePeer('bob', network, directory, undefined, { social })
    const hello = await alice.pipeline.send(bob.identity.publicKey, 'hello')
    await waitForState(alice, hello.id, 'delivered')
    network.capture = true
    await alice.pipeline.sendSocial(bob.identity.publicKey, Buffer.from('friend request'))
    await waitFor(() => network.captured.length === 1, 'social message sent')
    const [{ envelope }] = network.captured.splice(0)
    const source = { kind: 'direct' as const, sender: alice.identity.publicKey }

    // Decrypted (the ratchet moved), then the step after it failed: nothing of it is kept.
    await expect(bob.pipeline.receive(envelope, source)).rejects.toThrow('could not write')
    const again = await bob.pipeline.receive(envelope, source)
    expect(again.status).toBe(DmAckStatus.STORED)
    expect(taken).toEqual(['friend request'])
  })
})

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

describe('message pipeline: one-time prekeys', () => {
  it('accepts only one of two simultaneous starts from different peers with one prekey', async () => {
    const network = new StubNetwork()
    const directory = new PrekeyDirectory()
    const bobIdentity = generateIdentity()
    const prekeys = new PeekBarrierPrekeys(bobIdentity, directory, 2)
    const [usedId] = prekeys.oneTime.keys()
    const bob = await makePeer('bob', network, directory, undefined, {
      identity: bobIdentity,
      prekeys,
    })
    const alice = await makePeer('alice', network, directory, undefined)
    const carol = await makePeer('carol', network, directory, undefined)
    network.capture = true
    const sent = [
      await alice.pipeline.send(bob.identity.publicKey, 'from alice'),
      await carol.pipeline.send(bob.identity.publicKey, 'from carol'),
    ]
    await waitFor(() => network.captured.length === 2, 'both session starts sent')
    const starts = network.captured.splice(0)
    const outcomes = await Promise.all(
      starts.map(({ from, envelope }) =>
        bob.pipeline.receive(envelope, { kind: 'direct', sender: from.identity.publicKey }),
      ),
    )
    expect(prekeys.peeks).toBe(2)
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(
      [DmAckStatus.STORED, DmAckStatus.REJECTED].sort(),
    )
    const refusedAt = outcomes.findIndex((outcome) => outcome.status === DmAckStatus.REJECTED)
    // A stale bundle is not an attack: the refusal carries no penalty.
    expect(outcomes[refusedAt]).toMatchObject({ code: 'unknown-prekey', hostile: false })
    expect(bob.received).toHaveLength(1)
    await waitFor(() => !prekeys.oneTime.has(usedId), 'the used prekey deleted')

    // The refused sender starts again without a one-time prekey, and gets through.
    network.capture = false
    const refused = starts[refusedAt]
    await refused.from.pipeline.handleAck(bob.identity.publicKey, {
      messageId: refused.envelope.messageId,
      status: DmAckStatus.REJECTED,
      reason: outcomes[refusedAt].reason ?? '',
    })
    const refusedSender = refused.from === alice ? 0 : 1
    await waitForState(refused.from, sent[refusedSender].id, 'delivered')
    expect(bob.received.map((m) => m.text).sort()).toEqual(['from alice', 'from carol'])
  })
})

/** One-time prekeys in a real PrekeyStore, in the same database as the messaging data. */
class StoredPrekeys extends StubPrekeys {
  store: PrekeyStore | undefined

  override async peekOneTimePrekey(id: number) {
    return this.store?.oneTimePrekey(id)
  }

  override deleteOneTimePrekeyOp(id: number): DurableOp {
    if (this.store == null) throw new Error('no prekey store yet')
    return this.store.deleteOneTimePrekeyOp(id)
  }
}

describe('message pipeline: one-time prekeys across a crash', () => {
  it('deletes a used one-time prekey in the batch that commits its session, or not at all', async () => {
    const network = new StubNetwork()
    const directory = new PrekeyDirectory()
    const bobIdentity = generateIdentity()
    const prekeys = new StoredPrekeys(bobIdentity, directory)
    const bob = await makePeer('bob', network, directory, undefined, {
      identity: bobIdentity,
      prekeys,
    })
    const prekeysLevel = new RecordLevel(rawSublevel(bob.root, 'prekeys'))
    prekeys.store = new PrekeyStore(prekeysLevel, bobIdentity)
    await prekeys.store.addOneTimePrekeys([...prekeys.oneTime.values()], {
      nextSignedPrekeyId: 2,
      nextOneTimePrekeyId: 200,
    })
    const alice = await makePeer('alice', network, directory, undefined)
    network.capture = true
    await alice.pipeline.send(bob.identity.publicKey, 'hi bob')
    await waitFor(() => network.captured.length === 1, 'the session start sent')
    const [{ envelope }] = network.captured.splice(0)
    const usedId = decodeMessageHeader(envelope.header).sessionStart?.oneTimePrekeyId
    expect(usedId).toBeDefined()
    const fromAlice = { kind: 'direct' as const, sender: alice.identity.publicKey }

    const batches: DurableOp[][] = []
    let failCommits = true
    const batch = bob.db.batch.bind(bob.db) as (...args: unknown[]) => Promise<void>
    bob.db.batch = (async (ops: DurableOp[], options: unknown) => {
      batches.push(ops)
      if (failCommits) throw new Error('disk full')
      return batch(ops, options)
    }) as unknown as AppLevel['batch']

    // The commit fails (a crash at that point loses the same): the prekey is still there.
    await expect(bob.pipeline.receive(envelope, fromAlice)).rejects.toThrow('disk full')
    expect(await prekeys.store.oneTimePrekey(usedId!)).toBeDefined()
    expect(bob.received).toEqual([])

    // The commit succeeds: the session and the prekey's deletion are one write.
    failCommits = false
    expect((await bob.pipeline.receive(envelope, fromAlice)).status).toBe(DmAckStatus.STORED)
    expect(await prekeys.store.oneTimePrekey(usedId!)).toBeUndefined()
    expect(bob.received.map((m) => m.text)).toEqual(['hi bob'])
    const committed = batches.at(-1) ?? []
    expect(
      committed.filter(
        (op) => op.type === 'del' && 'sublevel' in op && op.sublevel === prekeysLevel,
      ),
    ).toHaveLength(1)
    expect(
      committed.some(
        (op) => op.type === 'put' && op.key === `s/${toHex(alice.identity.publicKey)}`,
      ),
    ).toBe(true)
    expect(batches.filter((ops) => ops.some((op) => 'sublevel' in op))).toHaveLength(2)
  })
})
