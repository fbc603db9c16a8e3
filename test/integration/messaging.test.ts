/**
 * 1:1 messaging between real nodes on loopback: direct delivery with acks and receipts,
 * restarts of both sides, first contact through the mailbox inbox, texts sent at once
 * deposited as bundles within the record limit, and 50 messages through the mailbox while
 * the recipient is offline and most replica holders die.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { withTimeout } from '../helpers/wait.ts'
import { connectPeers, startDhtPeer } from './mailbox-network.ts'
import {
  BundleDirectory,
  type MessagingPeer,
  type MessagingPeerOptions,
  publicKeyHex,
  receivedCount,
  startMessagingPeer,
  stateReached,
  TestPeers,
} from './messaging-peers.ts'

const peers = new TestPeers()
afterEach(() => peers.removeAll())

const peer = (directory: BundleDirectory, options: Partial<MessagingPeerOptions> = {}) =>
  peers.start(directory, options)

async function connect(a: MessagingPeer, b: MessagingPeer): Promise<void> {
  await a.host.dial(b.host.getMultiaddrs()[0])
}

describe('1:1 messaging between online nodes', () => {
  it('round trip both ways; states reach delivered and read', async () => {
    const directory = new BundleDirectory()
    const alice = await peer(directory)
    const bob = await peer(directory)
    await connect(alice, bob)

    const sent = await alice.messages.send(publicKeyHex(bob), 'hello bob')
    expect(sent.state).toBe('queued')
    await stateReached(alice, sent.id, 'delivered')
    await receivedCount(bob, 1)
    expect(bob.received[0]).toMatchObject({ id: sent.id, text: 'hello bob', seq: 1 })

    const reply = await bob.messages.send(alice.host.peerId.toString(), 'hello alice')
    await stateReached(bob, reply.id, 'delivered')
    await receivedCount(alice, 1)

    expect((await bob.messages.inbox())[0]).toMatchObject({
      peerId: alice.host.peerId.toString(),
      unread: 1,
    })
    await bob.messages.markRead(alice.host.peerId.toString())
    await alice.messages.markRead(bob.host.peerId.toString())
    await stateReached(alice, sent.id, 'read')
    await stateReached(bob, reply.id, 'read')
    expect(alice.states.filter((s) => s.id === sent.id).map((s) => s.state)).toEqual([
      'delivered',
      'read',
    ])
    const history = await alice.messages.history(bob.host.peerId.toString())
    expect(history.messages.map((m) => [m.direction, m.text, m.state ?? null])).toEqual([
      ['out', 'hello bob', 'read'],
      ['in', 'hello alice', null],
    ])
  })

  it('continues the session after both sides restart mid-conversation', async () => {
    const directory = new BundleDirectory()
    let alice = await peer(directory)
    let bob = await peer(directory)
    await connect(alice, bob)
    for (let i = 1; i <= 3; i++) {
      const a = await alice.messages.send(publicKeyHex(bob), `a${i}`)
      const b = await bob.messages.send(publicKeyHex(alice), `b${i}`)
      await stateReached(alice, a.id, 'delivered')
      await stateReached(bob, b.id, 'delivered')
    }
    alice = await alice.restart()
    bob = await bob.restart()
    await connect(alice, bob)
    const a4 = await alice.messages.send(publicKeyHex(bob), 'a4 after restart')
    const b4 = await bob.messages.send(publicKeyHex(alice), 'b4 after restart')
    expect(a4.seq).toBe(4)
    await stateReached(alice, a4.id, 'delivered')
    await stateReached(bob, b4.id, 'delivered')
    const history = await bob.messages.history(publicKeyHex(alice))
    expect(history.messages.filter((m) => m.direction === 'in').map((m) => m.text)).toEqual([
      'a1',
      'a2',
      'a3',
      'a4 after restart',
    ])
    expect(history.held).toBe(0)
  })
})

/** Three DHT servers connected to each other, removed after the test. */
async function dhtServers() {
  const servers = await Promise.all([0, 1, 2].map(() => startDhtPeer({ dhtServer: true })))
  peers.defer(async () => {
    await Promise.all(servers.map((server) => server.remove()))
  })
  await connectPeers(servers)
  return servers
}

/**
 * Three DHT servers, alice online among them, and bob a stranger to her who published his
 * bundle and went away before she ever wrote. `bobArrives` brings him back, connected to the
 * servers and never to alice: only the mailbox links them.
 */
async function strangerAway() {
  const directory = new BundleDirectory()
  const servers = await dhtServers()
  const alice = await peer(directory, { messaging: { ackTimeoutMs: 1000 } })
  const bobIdentity = (await startMessagingPeer({ directory })).identity
  for (const server of servers) await alice.host.dial(server.host.getMultiaddrs()[0])
  const bobArrives = async () => {
    const bob = await peer(directory, { identity: bobIdentity })
    for (const server of servers) await bob.host.dial(server.host.getMultiaddrs()[0])
    return bob
  }
  return { alice, bobHex: Buffer.from(bobIdentity.publicKey).toString('hex'), bobArrives }
}

/** Bob's delivered receipts cannot reach alice directly: she collects them. */
function deliveredThroughMailbox(alice: MessagingPeer, ids: string[]): Promise<void> {
  return withTimeout(
    (async () => {
      const delivered = (id: string) =>
        alice.states.some((s) => s.id === id && s.state === 'delivered')
      while (!ids.every(delivered)) await alice.messages.collect()
    })(),
    20_000,
    'delivered receipts through the mailbox',
  )
}

describe('1:1 messaging through the offline mailbox', () => {
  it('first contact with an offline stranger goes through the inbox', async () => {
    const { alice, bobHex, bobArrives } = await strangerAway()
    const sent = await alice.messages.send(bobHex, 'hi, we have not met')
    await stateReached(alice, sent.id, 'stored')
    const stored = alice.states.find((s) => s.id === sent.id && s.state === 'stored')
    expect(stored?.replicas?.confirmed).toBeGreaterThanOrEqual(3)

    expect((await alice.mailbox.pending()).map((deposit) => deposit.source)).toEqual(['inbox'])

    const bob = await bobArrives()
    await bob.messages.collect()
    await receivedCount(bob, 1)
    expect(bob.received.map((m) => m.text)).toEqual(['hi, we have not met'])
    await deliveredThroughMailbox(alice, [sent.id])
  })

  it('texts sent at once to an offline stranger go in as few deposits as fit, in order', async () => {
    const { alice, bobHex, bobArrives } = await strangerAway()
    // Three 20,000-byte texts fill a bundle's 64 KiB; the fourth starts the next, with the rest.
    const texts = [
      ...['a', 'b', 'c', 'd'].map((letter) => letter.repeat(20_000)),
      ...Array.from({ length: 10 }, (_, i) => `short ${i + 1}`),
    ]
    const sent = await Promise.all(texts.map((text) => alice.messages.send(bobHex, text)))
    await withTimeout(
      Promise.all(sent.map(({ id }) => stateReached(alice, id, 'stored', 30_000))),
      30_000,
      'all stored in the mailbox',
    )
    expect(alice.deposits.map((deposit) => deposit.slot)).toEqual(['inbox', 'inbox'])

    const bob = await bobArrives()
    await bob.messages.collect()
    await receivedCount(bob, texts.length)
    expect(bob.received.map((m) => m.text)).toEqual(texts)
    expect(bob.received.map((m) => m.seq)).toEqual(texts.map((_, i) => i + 1))
    await deliveredThroughMailbox(
      alice,
      sent.map(({ id }) => id),
    )
  })

  it('50 messages to an offline peer arrive once, in order, after 2 of 3 holders die', async () => {
    const directory = new BundleDirectory()
    const servers = await dhtServers()
    const alice = await peer(directory, { messaging: { ackTimeoutMs: 1000 } })
    let bob = await peer(directory)
    for (const node of [alice, bob]) {
      for (const server of servers) await node.host.dial(server.host.getMultiaddrs()[0])
    }
    await connect(alice, bob)
    const hello = await alice.messages.send(publicKeyHex(bob), 'hello')
    const welcome = await bob.messages.send(publicKeyHex(alice), 'welcome')
    await stateReached(alice, hello.id, 'delivered')
    await stateReached(bob, welcome.id, 'delivered')

    await bob.stop()
    const ids: string[] = []
    for (let i = 1; i <= 50; i++) {
      ids.push((await alice.messages.send(publicKeyHex(bob), `message ${i}`)).id)
    }
    await withTimeout(
      Promise.all(ids.map((id) => stateReached(alice, id, 'stored', 60_000))),
      60_000,
      'all 50 stored in the mailbox',
    )
    // Until every deposit is on all three holders (the mailbox's republish round tops up).
    await withTimeout(
      (async () => {
        while ((await alice.mailbox.pending()).some((deposit) => deposit.confirmed < 3)) {
          await alice.mailbox.republish()
        }
      })(),
      60_000,
      'all 50 on three holders',
    )
    for (const id of ids) {
      const stored = alice.states.filter((s) => s.id === id && s.state === 'stored').at(-1)
      expect(stored?.replicas).toMatchObject({ confirmed: 3 })
    }

    await servers[0].stop()
    await servers[1].stop()
    bob = await bob.restart()
    await bob.host.dial(servers[2].host.getMultiaddrs()[0])
    // Not connected to alice: all 50 can only come from the one holder left.
    expect(bob.host.getConnections(alice.host.peerId)).toEqual([])
    await bob.messages.collect()
    await receivedCount(bob, 50, 30_000)
    const texts = bob.received.map((m) => m.text)
    expect(texts).toEqual(Array.from({ length: 50 }, (_, i) => `message ${i + 1}`))
    expect(new Set(bob.received.map((m) => m.id)).size).toBe(50)
    const history = await bob.messages.history(publicKeyHex(alice), { limit: 100 })
    expect(history.messages.filter((m) => m.direction === 'in').map((m) => m.seq)).toEqual(
      Array.from({ length: 51 }, (_, i) => i + 1),
    )
    await withTimeout(
      Promise.all(ids.map((id) => stateReached(alice, id, 'delivered', 30_000))),
      30_000,
      'all 50 delivered',
    )
  })
})
