/**
 * A deposit that fewer than `replicas` peers confirmed is put again soon, not only at the
 * next republish round (minutes away): alice deposits while no DHT server is reachable, a
 * server then appears, and the deposit is stored within seconds.
 */
import { afterAll, expect, it } from 'vitest'
import { OfflineMailbox } from '../../node/mailbox/index.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { connectPeers, startDhtPeer } from './mailbox-network.ts'

const cleanups: Array<() => Promise<void>> = []
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup()
})

/** A DHT server and a client not connected yet, with alice's mailbox on the client. */
async function oneServerAndAlice(replicas: number) {
  const server = await startDhtPeer({ dhtServer: true })
  const client = await startDhtPeer({ dhtServer: false })
  cleanups.push(server.remove, client.remove)
  const alice = new OfflineMailbox(
    { host: client.host, identity: client.identity, store: client.storage.sublevel('mailbox') },
    { replicas, republishIntervalMs: 300_000, queryTimeoutMs: 5_000 },
  )
  await alice.start()
  cleanups.push(() => alice.stop())
  return { server, client, alice }
}

it('puts an unconfirmed deposit again soon after the first put', async () => {
  const { server, client, alice } = await oneServerAndAlice(1)
  const recipient = server.identity.publicKey

  const first = await alice.deposit(recipient, new TextEncoder().encode('kept for later'))
  expect(first.confirmed).toBe(0)
  const stored = waitForEvent(alice, 'mailbox:stored', {
    timeoutMs: 30_000,
    filter: (detail: { slotId: string }) => detail.slotId === first.slotId,
  })
  await connectPeers([server], [client])
  await stored
  expect((await alice.pending()).find((d) => d.slotId === first.slotId)?.stored).toBe(true)
}, 60_000)

it('tells of the first confirmation of a deposit still short of its replicas', async () => {
  // One DHT server for a deposit that wants three: the first put finds none, a later one
  // finds the server. Messaging shows the text as stored from one confirmation on, so the
  // mailbox must say so then, not only once three holders confirmed (which never comes here).
  const { server, client, alice } = await oneServerAndAlice(3)
  const first = await alice.deposit(server.identity.publicKey, new TextEncoder().encode('short'))
  expect(first.confirmed).toBe(0)
  const stored = waitForEvent<{ slotId: string; confirmed: number }>(alice, 'mailbox:stored', {
    timeoutMs: 30_000,
    filter: (detail) => detail.slotId === first.slotId,
  })
  await connectPeers([server], [client])
  expect((await stored).confirmed).toBe(1)
  expect((await alice.pending()).find((d) => d.slotId === first.slotId)?.stored).toBe(false)
}, 60_000)
