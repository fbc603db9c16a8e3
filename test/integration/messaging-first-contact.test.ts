/**
 * First messages, which start a session from the recipient's published prekey bundle, when
 * several senders pick the same one-time prekey: a DHT record cannot hand each one out once,
 * so this is ordinary, and every first message must still arrive exactly once.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { toHex } from '../../protocol/bytes.ts'
import { decodeMailboxItem } from '../../protocol/messaging.ts'
import { withTimeout } from '../helpers/wait.ts'
import { connectPeers, startDhtPeer } from './mailbox-network.ts'
import {
  BundleDirectory,
  depositsMade,
  type MessagingPeer,
  publicKeyHex,
  receivedCount,
  stateReached,
  TestPeers,
} from './messaging-peers.ts'

const peers = new TestPeers()
afterEach(() => peers.removeAll())

async function senders(directory: BundleDirectory, bob: MessagingPeer, count: number) {
  const started = await Promise.all(Array.from({ length: count }, () => peers.start(directory)))
  for (const sender of started) await sender.host.dial(bob.host.getMultiaddrs()[0])
  return started
}

/** Every sender's text reached bob once and shows delivered; none failed. */
async function expectAllDelivered(bob: MessagingPeer, sent: Array<[MessagingPeer, string]>) {
  await withTimeout(
    Promise.all(sent.map(([sender, id]) => stateReached(sender, id, 'delivered', 20_000))),
    20_000,
    'every first message delivered',
  )
  await receivedCount(bob, sent.length)
  expect(bob.received.map((m) => m.id).sort()).toEqual(sent.map(([, id]) => id).sort())
  for (const [sender, id] of sent) {
    expect(sender.states.filter((s) => s.id === id && s.state === 'failed')).toEqual([])
  }
}

describe('first messages that name a used one-time prekey', () => {
  it('four senders whose bundle names a prekey already used still get through', async () => {
    // The bundle keeps naming one-time prekey 1 after its first use, as a DHT holder does
    // until the owner's republication reaches it.
    const directory = new BundleDirectory({ frozen: true })
    const bob = await peers.start(directory)
    const [first, ...late] = await senders(directory, bob, 5)
    const opening = await first.messages.send(publicKeyHex(bob), 'first to use the prekey')
    await stateReached(first, opening.id, 'delivered')

    const sent = await Promise.all(
      late.map(
        async (sender, i) =>
          [sender, (await sender.messages.send(publicKeyHex(bob), `late ${i}`)).id] as [
            MessagingPeer,
            string,
          ],
      ),
    )
    await expectAllDelivered(bob, [[first, opening.id], ...sent])
    expect(bob.received.map((m) => m.text).sort()).toEqual([
      'first to use the prekey',
      'late 0',
      'late 1',
      'late 2',
      'late 3',
    ])
    // Each late sender was refused once, honestly: no bad frame counted against any of them.
    for (const sender of late) {
      expect(bob.messages.channels.penalties(publicKeyHex(sender))).toBe(0)
    }
  })

  it('five senders starting sessions with one peer at once all get through', async () => {
    const directory = new BundleDirectory({ frozen: true })
    const bob = await peers.start(directory)
    const all = await senders(directory, bob, 5)
    const sent = await Promise.all(
      all.map(
        async (sender, i) =>
          [sender, (await sender.messages.send(publicKeyHex(bob), `hello ${i}`)).id] as [
            MessagingPeer,
            string,
          ],
      ),
    )
    await expectAllDelivered(bob, sent)
  })

  it('the session that replaced the refused one carries the conversation on both ways', async () => {
    const directory = new BundleDirectory({ frozen: true })
    const bob = await peers.start(directory)
    const [first, second] = await senders(directory, bob, 2)
    const a = await first.messages.send(publicKeyHex(bob), 'a')
    await stateReached(first, a.id, 'delivered')
    const b = await second.messages.send(publicKeyHex(bob), 'b')
    await stateReached(second, b.id, 'delivered')
    const reply = await bob.messages.send(publicKeyHex(second), 'reply to b')
    await stateReached(bob, reply.id, 'delivered')
    const again = await second.messages.send(publicKeyHex(bob), 'b again')
    await stateReached(second, again.id, 'delivered')
    await receivedCount(second, 1)
    expect(second.received.map((m) => m.text)).toEqual(['reply to b'])
    const history = await bob.messages.history(publicKeyHex(second))
    expect(history.messages.map((m) => m.text)).toEqual(['b', 'reply to b', 'b again'])
  })

  it('a start refused from the mailbox reaches its sender, offline then, as a mailbox notice', async () => {
    const directory = new BundleDirectory({ frozen: true })
    const servers = await Promise.all([0, 1, 2].map(() => startDhtPeer({ dhtServer: true })))
    peers.defer(async () => {
      await Promise.all(servers.map((server) => server.remove()))
    })
    await connectPeers(servers)
    const online = async (peer: MessagingPeer) => {
      for (const server of servers) await peer.host.dial(server.host.getMultiaddrs()[0])
      return peer
    }
    let bob = await online(await peers.start(directory))
    const carol = await online(await peers.start(directory))
    let alice = await online(await peers.start(directory))
    const bobKey = publicKeyHex(bob)
    const aliceKey = publicKeyHex(alice)

    // Carol uses the bundle's one-time prekey first, directly.
    await carol.host.dial(bob.host.getMultiaddrs()[0])
    const opening = await carol.messages.send(bobKey, 'carol first')
    await stateReached(carol, opening.id, 'delivered')

    // Bob is away; alice's start names the same prekey and waits in his inbox.
    await bob.stop()
    const sent = await alice.messages.send(bobKey, 'alice, through the mailbox')
    await stateReached(alice, sent.id, 'stored')

    // Alice is away; bob collects and refuses her start. While his deposits fail he cannot
    // leave her a notice: the refused slot stays, and a later collection leaves it.
    await alice.stop()
    bob = await bob.restart()
    const deposits = failDeposits(bob)
    await online(bob)
    await bob.messages.collect()
    await withTimeout(deposits.tried, 15_000, 'a notice deposit tried')
    expect(bob.deposits.filter((d) => d.recipient === aliceKey)).toEqual([])
    deposits.restore()
    await bob.messages.collect()
    await depositsMade(bob, 1, (d) => d.slot === 'pairwise' && d.recipient === aliceKey)
    const [notice] = bob.deposits.filter((d) => d.recipient === aliceKey)
    expect(decodeMailboxItem(notice.envelope).refusal?.messageIds.map(toHex)).toEqual([sent.id])
    expect(bob.received).toEqual([])

    // Bob is away; alice comes back, takes the notice, starts again without the used
    // prekey and leaves the new start in his inbox: they are never online together.
    await bob.stop()
    alice = await online(await alice.restart())
    await alice.messages.collect()
    await depositsMade(alice, 1, (d) => d.slot === 'inbox' && d.recipient === bobKey)

    // Bob comes back and takes it in, once; his receipt reaches alice.
    bob = await online(await bob.restart())
    await bob.host.dial(alice.host.getMultiaddrs()[0])
    await bob.messages.collect()
    await receivedCount(bob, 1)
    expect(bob.received.map((m) => [m.id, m.text])).toEqual([
      [sent.id, 'alice, through the mailbox'],
    ])
    await stateReached(alice, sent.id, 'delivered')
    expect(alice.states.filter((s) => s.state === 'failed')).toEqual([])
    expect(bob.messages.channels.penalties(aliceKey)).toBe(0)
  })
})

/** Makes `peer`'s pairwise deposits fail, as if no holder answered, until `restore()`. */
function failDeposits(peer: MessagingPeer): { tried: Promise<void>; restore(): void } {
  const deposit = peer.mailbox.deposit
  let tried: () => void = () => {}
  const triedOnce = new Promise<void>((resolve) => {
    tried = resolve
  })
  peer.mailbox.deposit = async () => {
    tried()
    throw new Error('no DHT peer stored the record')
  }
  return {
    tried: triedOnce,
    restore: () => {
      peer.mailbox.deposit = deposit
    },
  }
}
