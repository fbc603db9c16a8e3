/**
 * A node publishes its prekey bundle as it starts, usually before it reaches any DHT server.
 * It must publish again as soon as it does, not an hour later, or nobody can start a session
 * with it: when a DHT server is identified, and when its routing table stops being empty.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { PrekeyService } from '../../node/prekeys/index.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { type DhtPeer, startDhtNetwork, startDhtPeer } from './mailbox-network.ts'

type Published = { confirmed: number }

let network: Awaited<ReturnType<typeof startDhtNetwork>>
const cleanups: Array<() => Promise<void>> = []

beforeAll(async () => {
  network = await startDhtNetwork(4, 1)
})

afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await network?.removeAll()
})

async function isolatedPeer(): Promise<{ peer: DhtPeer; prekeys: PrekeyService }> {
  const peer = await startDhtPeer({ dhtServer: false })
  // The product's hourly republish: only the DHT events can bring the next publish sooner.
  const prekeys = new PrekeyService(
    { host: peer.host, identity: peer.identity, store: peer.storage.sublevel('prekeys') },
    { queryTimeoutMs: 5_000 },
  )
  cleanups.push(async () => {
    await prekeys.stop()
    await peer.remove()
  })
  return { peer, prekeys }
}

function published(prekeys: PrekeyService, filter: (result: Published) => boolean) {
  return waitForEvent<Published>(prekeys, 'prekeys:published', { timeoutMs: 20_000, filter })
}

describe('publishing the prekey bundle when the DHT becomes reachable', () => {
  it('a node started alone publishes once a DHT server is identified, and is found', async () => {
    const { peer, prekeys } = await isolatedPeer()
    const first = published(prekeys, () => true)
    await prekeys.start()
    expect((await first).confirmed).toBe(0)
    expect(prekeys.bundleConfirmed).toBe(false)

    const confirmed = published(prekeys, (result) => result.confirmed > 0)
    const startedAt = Date.now()
    await peer.host.dial(network.servers[0].host.getMultiaddrs()[0])
    await confirmed
    // Well under the hourly republish; the figure is in doc/mailbox.md.
    expect(Date.now() - startedAt).toBeLessThan(5_000)
    expect(prekeys.bundleConfirmed).toBe(true)

    const [reader] = network.clients
    const readerPrekeys = new PrekeyService(
      { host: reader.host, identity: reader.identity, store: reader.storage.sublevel('prekeys') },
      { republishIntervalMs: 0, queryTimeoutMs: 5_000 },
    )
    cleanups.push(() => readerPrekeys.stop())
    await readerPrekeys.start()
    const bundle = await readerPrekeys.fetchBundle(peer.identity.publicKey)
    expect(Buffer.from(bundle.identityKey)).toEqual(Buffer.from(peer.identity.publicKey))
  })

  it('a node whose routing table emptied publishes again when it fills', async () => {
    const { peer, prekeys } = await isolatedPeer()
    const confirmed = published(prekeys, (result) => result.confirmed > 0)
    await prekeys.start()
    const server = network.servers[1]
    await peer.host.dial(server.host.getMultiaddrs()[0])
    await confirmed

    // The table loses its peers (kad-dht drops those that stop answering pings).
    const table = (peer.host.services.dht as unknown as RoutingTableAccess).routingTable
    for (const connection of peer.host.getConnections()) await connection.close()
    for (const contact of [...table.kb.toIterable()]) await table.remove(contact.peerId)
    expect(table.size).toBe(0)

    const again = published(prekeys, (result) => result.confirmed > 0)
    await peer.host.dial(server.host.getMultiaddrs()[0])
    await again
    expect(table.size).toBeGreaterThan(0)
  })
})

interface RoutingTableAccess {
  routingTable: {
    size: number
    kb: { toIterable(): Iterable<{ peerId: import('@libp2p/interface').PeerId }> }
    remove(peer: import('@libp2p/interface').PeerId): Promise<void>
  }
}
