/**
 * Deposits survive the peers that hold them: one holder left is enough for the recipient,
 * and when every holder is gone the sender's republish stores the deposit again on the
 * peers that replaced them.
 */
import { afterAll, expect, it } from 'vitest'
import { dhtRecordDatastoreKey } from '../../network/dht-rules/validators.ts'
import { OfflineMailbox } from '../../node/mailbox/index.ts'
import { withTimeout } from '../helpers/wait.ts'
import {
  connectPeers,
  type DhtPeer,
  routingTableOf,
  startDhtNetwork,
  startDhtPeer,
} from './mailbox-network.ts'

const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

const INIT = {
  replicas: 3,
  republishIntervalMs: 0,
  lookahead: 4,
  queryTimeoutMs: 10_000,
}
const PAIRWISE_ONLY = { inbox: false }

function mailboxOf(peer: DhtPeer): OfflineMailbox {
  return new OfflineMailbox(
    { host: peer.host, identity: peer.identity, store: peer.storage.sublevel('mailbox') },
    INIT,
  )
}

async function holds(peer: DhtPeer, slotId: string): Promise<boolean> {
  return peer.storage.datastore.has(dhtRecordDatastoreKey(new TextEncoder().encode(slotId)))
}

/** Resolves once `peer`'s routing table has added every one of `expected`. */
function learns(peer: DhtPeer, expected: DhtPeer[]): Promise<void> {
  const waiting = new Set(expected.map((other) => other.host.peerId.toString()))
  const table = routingTableOf(peer.host)
  return withTimeout(
    new Promise<void>((resolve) => {
      const onAdd = (event: Event) => {
        waiting.delete(String((event as CustomEvent).detail))
        if (waiting.size > 0) return
        table.removeEventListener('peer:add', onAdd)
        resolve()
      }
      table.addEventListener('peer:add', onAdd)
    }),
    20_000,
    'routing table learning the new servers',
  )
}

it('survives losing holders: one left serves the recipient, none left and the sender stores again', async () => {
  const network = await startDhtNetwork(6, 2)
  cleanups.push(network.removeAll)
  const [alicePeer, bobPeer] = network.clients
  const alice = mailboxOf(alicePeer)
  const bob = mailboxOf(bobPeer)
  await alice.start()
  await bob.start()
  cleanups.push(async () => {
    await alice.stop()
    await bob.stop()
  })
  const envelope = new TextEncoder().encode('kept by the network')

  const { slotId, confirmed } = await alice.deposit(bobPeer.identity.publicKey, envelope)
  expect(confirmed).toBeGreaterThanOrEqual(3)
  const holders: DhtPeer[] = []
  for (const server of network.servers) if (await holds(server, slotId)) holders.push(server)
  expect(holders.length).toBeGreaterThanOrEqual(3)

  // All holders but one go away.
  await Promise.all(holders.slice(1).map((holder) => holder.stop()))
  const fromOne = await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)
  expect(fromOne.map((item) => item.envelope)).toEqual([envelope])

  // The last one too: nothing left to collect.
  await holders[0].stop()
  expect(await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)).toEqual([])

  // New servers join; the sender's republish finds no holder and stores the deposit again.
  const newcomers = await Promise.all(
    Array.from({ length: 6 }, () => startDhtPeer({ dhtServer: true })),
  )
  cleanups.push(async () => {
    await Promise.all(newcomers.map((peer) => peer.remove()))
  })
  const learned = Promise.all([learns(alicePeer, newcomers), learns(bobPeer, newcomers)])
  await connectPeers(newcomers, [alicePeer, bobPeer])
  await learned
  await alice.republish()
  const [pending] = await alice.pending()
  expect(pending.slotId).toBe(slotId)
  expect(pending.confirmed).toBeGreaterThanOrEqual(3)
  const newHolders = []
  for (const server of newcomers) if (await holds(server, slotId)) newHolders.push(server)
  expect(newHolders.length).toBeGreaterThanOrEqual(3)

  const again = await bob.collect([alicePeer.identity.publicKey], PAIRWISE_ONLY)
  expect(again.map((item) => item.envelope)).toEqual([envelope])
  await bob.acknowledge(again[0].slotId)
  const collected = new Promise((resolve) =>
    alice.addEventListener('mailbox:collected', resolve, { once: true }),
  )
  await alice.republish()
  await withTimeout(collected, 10_000, 'mailbox:collected')
  expect(await alice.pending()).toEqual([])
})
