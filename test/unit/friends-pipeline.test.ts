/**
 * The messaging pipeline's side of friends, with stubs for the network, prekeys and mailbox:
 * social messages reach the SocialPort directly and from the mailbox inbox (with a delivered
 * receipt back), envelopes from a blocked peer are dropped before decryption, and a node
 * without friends refuses social messages.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity, type Identity } from '../../node/identity/index.ts'
import {
  type CollectedEnvelope,
  type DirectLink,
  type MailboxPort,
  MessagePipeline,
  type PrekeyPort,
  type SocialPort,
} from '../../node/messaging/index.ts'
import { openStorage } from '../../node/storage.ts'
import { toHex } from '../../protocol/bytes.ts'
import type { MessageStateChange } from '../../protocol/local-api.ts'
import { DmAckStatus, type DmEnvelope, decodeEnvelope } from '../../protocol/messaging.ts'
import {
  createPrekeyBundle,
  generateOneTimePrekeys,
  generateSignedPrekey,
  type OneTimePrekey,
  type PrekeyBundle,
} from '../../protocol/session/index.ts'
import { encodeFriendMessage } from '../../protocol/social.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'
import { ChangeSignal } from '../helpers/wait.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const bundles = new Map<string, () => PrekeyBundle>()

function prekeysOf(identity: Identity): PrekeyPort {
  const signed = generateSignedPrekey(identity, 1)
  const oneTime = new Map<number, OneTimePrekey>(
    generateOneTimePrekeys(5, 1).map((key) => [key.id, key]),
  )
  bundles.set(toHex(identity.publicKey), () =>
    createPrekeyBundle(identity.publicKey, signed, [...oneTime.values()][0]),
  )
  return {
    fetchBundle: async (peer) => {
      const bundle = bundles.get(toHex(peer))
      if (bundle == null) throw new Error('no bundle')
      return bundle()
    },
    signedPrekey: async (id) => (id === signed.id ? signed : undefined),
    peekOneTimePrekey: async (id) => oneTime.get(id),
    deleteOneTimePrekeyOp: (id) => ({ type: 'del', key: `stub-prekeys/${id}` }),
    oneTimePrekeyDeleted: (id) => {
      oneTime.delete(id)
    },
  }
}

/** Every stub tells of each change it sees here, which is what `until` waits on. */
const changes = new ChangeSignal()
const changed = () => changes.notify()

/** Holds inbox deposits for their recipient, as the first-contact inbox does. */
class InboxStub extends EventTarget implements MailboxPort {
  readonly slots = new Map<string, { recipient: string; envelope: Uint8Array }>()
  #next = 0

  async deposit(recipient: Uint8Array, envelope: Uint8Array) {
    return this.depositToInbox(recipient, envelope)
  }

  async depositToInbox(recipient: Uint8Array, envelope: Uint8Array) {
    const slotId = `slot-${this.#next++}`
    this.slots.set(slotId, { recipient: toHex(recipient), envelope })
    changed()
    return { slotId, confirmed: 1, total: 1 }
  }

  async collect(): Promise<CollectedEnvelope[]> {
    return []
  }

  forRecipient(recipient: Identity): CollectedEnvelope[] {
    return [...this.slots]
      .filter(([, slot]) => slot.recipient === toHex(recipient.publicKey))
      .map(([slotId, slot]) => ({ slotId, sender: null, envelope: slot.envelope }))
  }

  async acknowledge(slotId: string) {
    this.slots.delete(slotId)
    changed()
  }

  async withdraw(slotId: string) {
    this.slots.delete(slotId)
    changed()
  }
}

interface Peer {
  identity: Identity
  pipeline: MessagePipeline
  taken: Uint8Array[]
  blocked: Set<string>
  states: MessageStateChange[]
}

/** Envelopes sent while `online` go straight to the peer, acks straight back. */
function makeNetwork() {
  const peers = new Map<string, Peer>()
  const state = { online: true }
  const link = (from: () => Peer): DirectLink => ({
    send: async (to, envelope: DmEnvelope) => {
      const peer = peers.get(toHex(to))
      if (!state.online || peer == null) return false
      void (async () => {
        const outcome = await peer.pipeline.receive(envelope, {
          kind: 'direct',
          sender: from().identity.publicKey,
        })
        await from().pipeline.handleAck(to, {
          messageId: envelope.messageId,
          status: outcome.status,
          reason: outcome.reason ?? '',
        })
      })().finally(changed)
      return true
    },
  })
  return { peers, state, link }
}

async function makePeer(
  network: ReturnType<typeof makeNetwork>,
  mailbox: InboxStub,
  options: { social?: boolean } = {},
): Promise<Peer> {
  const dir = await makeTempDir('tokenim-friends-pipeline-')
  const storage = await openStorage(dir.path)
  const identity = generateIdentity()
  const taken: Uint8Array[] = []
  const blocked = new Set<string>()
  const states: MessageStateChange[] = []
  const social: SocialPort = {
    isBlocked: (peer) => blocked.has(toHex(peer)),
    receive: async (_peer, payload) => {
      taken.push(payload)
      changed()
    },
  }
  let peer: Peer | undefined
  const pipeline = new MessagePipeline({
    db: storage.sublevel('messaging'),
    identity,
    prekeys: prekeysOf(identity),
    mailbox,
    social: options.social === false ? undefined : social,
    link: network.link(() => peer!),
    log: testLogger,
    emit: (type, data) => {
      if (type === 'message:state') states.push(data as MessageStateChange)
      changed()
    },
    syncWrites: false,
  })
  await pipeline.start()
  peer = { identity, pipeline, taken, blocked, states }
  network.peers.set(toHex(identity.publicKey), peer)
  cleanups.push(async () => {
    await pipeline.stop()
    await storage.close()
    await dir.remove()
  })
  return peer
}

const request = () =>
  encodeFriendMessage({
    type: 'request',
    requestId: new Uint8Array(16).fill(3),
    note: 'hi',
    name: '',
  })

const until = (condition: () => boolean, what: string) => changes.until(condition, what)

describe('social messages in the messaging pipeline', () => {
  it('reach the recipient directly and leave the outbox on its ack', async () => {
    const network = makeNetwork()
    const mailbox = new InboxStub()
    const alice = await makePeer(network, mailbox)
    const bob = await makePeer(network, mailbox)
    await alice.pipeline.sendSocial(bob.identity.publicKey, request())
    await until(() => bob.taken.length === 1, 'bob takes the request')
    await until(() => alice.pipeline.pendingPeers().length === 0, 'alice outbox empties')
    expect(Buffer.from(bob.taken[0]).equals(Buffer.from(request()))).toBe(true)
  })

  it('reach an offline recipient through the inbox, and a delivered receipt clears the outbox', async () => {
    const network = makeNetwork()
    const mailbox = new InboxStub()
    const alice = await makePeer(network, mailbox)
    const bob = await makePeer(network, mailbox)
    network.state.online = false
    await alice.pipeline.sendSocial(bob.identity.publicKey, request())
    await until(() => mailbox.forRecipient(bob.identity).length === 1, 'deposit in the inbox')

    network.state.online = true
    const counts = await bob.pipeline.collect(mailbox.forRecipient(bob.identity))
    expect(counts).toEqual({ stored: 1, duplicates: 0, rejected: 0 })
    expect(bob.taken).toHaveLength(1)
    expect(mailbox.forRecipient(bob.identity)).toHaveLength(0)
    await until(() => alice.pipeline.pendingPeers().length === 0, 'receipt clears alice outbox')
  })

  it('drops envelopes from a blocked peer before decrypting them', async () => {
    const network = makeNetwork()
    const mailbox = new InboxStub()
    const alice = await makePeer(network, mailbox)
    const bob = await makePeer(network, mailbox)
    bob.blocked.add(toHex(alice.identity.publicKey))
    await alice.pipeline.sendSocial(bob.identity.publicKey, request())
    const text = await alice.pipeline.send(bob.identity.publicKey, 'let me in')
    // Answered like a stored message: alice's node cannot tell, and shows it delivered.
    await until(
      () =>
        alice.pipeline.pendingPeers().length === 0 &&
        alice.states.some((change) => change.id === text.id && change.state === 'delivered'),
      'both acked as stored',
    )
    expect(bob.taken).toEqual([])
    // Nothing was decrypted: bob has no conversation with alice at all.
    expect(await bob.pipeline.inbox()).toEqual([])
  })

  it('are refused by a node that takes none', async () => {
    const network = makeNetwork()
    const mailbox = new InboxStub()
    const alice = await makePeer(network, mailbox)
    const bob = await makePeer(network, mailbox, { social: false })
    network.state.online = false
    await alice.pipeline.sendSocial(bob.identity.publicKey, request())
    await until(() => mailbox.forRecipient(bob.identity).length === 1, 'deposit in the inbox')
    const [deposit] = mailbox.forRecipient(bob.identity)
    const outcome = await bob.pipeline.receive(decodeEnvelope(deposit.envelope), {
      kind: 'mailbox',
      sender: null,
    })
    expect(outcome).toMatchObject({ status: DmAckStatus.REJECTED, code: 'malformed' })
  })
})
