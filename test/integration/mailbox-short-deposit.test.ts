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

it('puts an unconfirmed deposit again soon after the first put', async () => {
  const server = await startDhtPeer({ dhtServer: true })
  const client = await startDhtPeer({ dhtServer: false })
  cleanups.push(server.remove, client.remove)
  const alice = new OfflineMailbox(
    { host: client.host, identity: client.identity, store: client.storage.sublevel('mailbox') },
    { replicas: 1, republishIntervalMs: 300_000, queryTimeoutMs: 5_000 },
  )
  await alice.start()
  cleanups.push(() => alice.stop())
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
