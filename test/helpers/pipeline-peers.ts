/**
 * Two or more whole message pipelines on LevelDB, joined by a stub network (direct delivery
 * with acks, or envelopes captured for the test to deliver), a stub mailbox and a shared
 * prekey directory: the harness of the messaging-pipeline*.test.ts files. Call `cleanUp`
 * after each test.
 */
import { Level } from 'level'
import { generateIdentity, type Identity } from '../../node/identity/index.ts'
import type { DurableOp } from '../../node/messaging/durable-writer.ts'
import {
  type DirectLink,
  MessagePipeline,
  type MessagePipelineInit,
  type PrekeyPort,
  type SocialPort,
} from '../../node/messaging/index.ts'
import { RecordLevel } from '../../node/record-level.ts'
import { type AppLevel, rawSublevel } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { MessageStateChange, MessageView } from '../../protocol/local-api.ts'
import { DmAckStatus, type DmEnvelope } from '../../protocol/messaging.ts'
import {
  createPrekeyBundle,
  generateOneTimePrekeys,
  generateSignedPrekey,
  type OneTimePrekey,
  type PrekeyBundle,
  type SignedPrekey,
} from '../../protocol/session/index.ts'
import { StubMailbox } from './stub-mailbox.ts'
import { makeTempDir } from './temp-dir.ts'
import { testLogger } from './test-logger.ts'
import { ChangeSignal, waitForEvent } from './wait.ts'

const cleanups: Array<() => Promise<void>> = []

/** Runs `cleanup` at the next `cleanUp`, before what was registered earlier. */
export function onCleanUp(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup)
}

/** Stops every peer and removes every folder made since the last call: each file's afterEach. */
export async function cleanUp(): Promise<void> {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
}

/** Published bundles, shared by every test peer: what the DHT does for real. */
export class PrekeyDirectory {
  readonly bundles = new Map<string, () => PrekeyBundle>()
}

export class StubPrekeys implements PrekeyPort {
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
export const changed = () => changes.notify()

/**
 * Carries envelopes between test peers. `online` delivers at once and acks; otherwise send
 * says the peer is unreachable. `capture` keeps envelopes for the test to deliver itself.
 */
export class StubNetwork {
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

export interface TestPeer {
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

export async function makePeer(
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
    actionHome?: MessagePipelineInit['actionHome']
    copyAction?: MessagePipelineInit['copyAction']
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
      actionHome: options.actionHome,
      copyAction: options.copyAction,
      emit: (type, data) => {
        if (type === 'message:received') peer.received.push(data as MessageView)
        else if (type === 'message:state') peer.states.push(data as MessageStateChange)
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
        actionHome: options.actionHome,
        copyAction: options.copyAction,
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

export function waitForState(peer: TestPeer, id: string, state: string) {
  if (peer.states.some((change) => change.id === id && change.state === state)) {
    return Promise.resolve()
  }
  return waitForEvent<MessageStateChange>(peer.events, 'message:state', {
    timeoutMs: 5_000,
    filter: (change) => change.id === id && change.state === state,
  })
}

export const waitFor = (condition: () => boolean, what: string) => changes.until(condition, what)

export async function setup(
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
export async function talkedThenLost() {
  const { network, directory, mailbox, alice, bob } = await setup()
  const first = await alice.pipeline.send(bob.identity.publicKey, 'before the loss')
  await waitForState(alice, first.id, 'delivered')
  const reply = await bob.pipeline.send(alice.identity.publicKey, 'ok')
  await waitForState(bob, reply.id, 'delivered')
  const fresh = await withDataLost(bob, { network, directory, mailbox })
  return { network, mailbox, alice, bob, fresh }
}

/** How many mailbox slots hold something for `to` from `from` (pairwise slots). */
export function pairwiseSlots(mailbox: StubMailbox) {
  return (to: TestPeer, from: TestPeer) =>
    [...mailbox.slots.values()].filter(
      (slot) =>
        slot.recipient === toHex(to.identity.publicKey) &&
        slot.sender === toHex(from.identity.publicKey),
    ).length
}

/** `sender` hears that `recipient` refused the envelope (an ack with status REJECTED). */
export function refuse(sender: TestPeer, recipient: TestPeer, envelope: DmEnvelope): Promise<void> {
  return sender.pipeline.handleAck(recipient.identity.publicKey, {
    messageId: envelope.messageId,
    status: DmAckStatus.REJECTED,
    reason: 'refused in a test',
  })
}

/** The peer's node comes back with the same identity and prekeys but an empty database. */
export function withDataLost(
  peer: TestPeer,
  { network, directory, mailbox }: Omit<Awaited<ReturnType<typeof setup>>, 'alice' | 'bob'>,
): Promise<TestPeer> {
  peer.stopped = true
  return makePeer(peer.name, network, directory, mailbox, {
    identity: peer.identity,
    prekeys: peer.prekeys,
  })
}
