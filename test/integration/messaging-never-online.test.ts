/**
 * A first message to someone whose node has never been online waits in the sender's outbox:
 * there is no prekey bundle to encrypt to. It must leave soon after that node first starts,
 * whether the two connect (at once) or only find each other's records in the DHT (the
 * sender looks for the bundle again 1 s after a miss, the wait doubling up to 10 s).
 */
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../node/identity/index.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { connectPeers, type DhtPeer, startDhtPeer } from './mailbox-network.ts'
import { BundleDirectory, receivedCount, stateReached, TestPeers } from './messaging-peers.ts'

const peers = new TestPeers()
afterEach(() => peers.removeAll())

/** Resolves once `count` lookups of `peerHex`'s bundle found nothing. */
function misses(directory: BundleDirectory, peerHex: string, count: number): Promise<unknown> {
  let seen = 0
  return waitForEvent<{ peer: string; found: boolean }>(directory.lookups, 'lookup', {
    timeoutMs: 20_000,
    filter: (lookup) => lookup.peer === peerHex && !lookup.found && ++seen >= count,
  })
}

describe('a first message to a peer that was never online', () => {
  it('leaves as soon as the peer connects, whatever the lookup backoff', async () => {
    const directory = new BundleDirectory()
    const bobIdentity = generateIdentity()
    const bobHex = Buffer.from(bobIdentity.publicKey).toString('hex')
    // Lookups every hour at most after the first: only the connection can be quick.
    const alice = await peers.start(directory, { messaging: { bundleRetryMs: 3_600_000 } })
    const missed = misses(directory, bobHex, 2)
    const sent = await alice.messages.send(bobHex, 'hello, whenever you arrive')
    expect(sent.state).toBe('queued')
    await missed

    const bob = await peers.start(directory, { identity: bobIdentity })
    const connectedAt = Date.now()
    await bob.host.dial(alice.host.getMultiaddrs()[0])
    await stateReached(alice, sent.id, 'delivered', 10_000)
    await receivedCount(bob, 1)
    expect(bob.received.map((m) => m.text)).toEqual(['hello, whenever you arrive'])
    expect(Date.now() - connectedAt).toBeLessThan(5_000)
  })

  it('leaves soon after the peer first starts, through the DHT alone', async () => {
    const directory = new BundleDirectory()
    const servers: DhtPeer[] = await Promise.all(
      [0, 1, 2].map(() => startDhtPeer({ dhtServer: true })),
    )
    peers.defer(async () => {
      await Promise.all(servers.map((server) => server.remove()))
    })
    await connectPeers(servers)
    const bobIdentity = generateIdentity()
    const bobHex = Buffer.from(bobIdentity.publicKey).toString('hex')
    const alice = await peers.start(directory, { messaging: { ackTimeoutMs: 1_000 } })
    for (const server of servers) await alice.host.dial(server.host.getMultiaddrs()[0])
    const missed = misses(directory, bobHex, 3)
    const sent = await alice.messages.send(bobHex, 'we have not met')
    await missed

    const startedAt = Date.now()
    const bob = await peers.start(directory, {
      identity: bobIdentity,
      messaging: { collectIntervalMs: 500 },
    })
    for (const server of servers) await bob.host.dial(server.host.getMultiaddrs()[0])
    await receivedCount(bob, 1, 30_000)
    const arrivedMs = Date.now() - startedAt
    expect(bob.received.map((m) => m.text)).toEqual(['we have not met'])
    // Alice had missed three times (waits of 1, 2, 4 s so far): her next look is at most 8 s
    // after bob's bundle appeared, then a direct send (the DHT finds bob) or a deposit and
    // bob's next collection.
    expect(arrivedMs).toBeLessThan(15_000)
    await stateReached(alice, sent.id, 'delivered', 15_000)
  })
})
