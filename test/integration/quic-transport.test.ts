/**
 * QUIC beside TCP: a relay and two nodes that listen on QUIC alone (loopback UDP) find each
 * other, deliver a message, and count their QUIC connections; a hostile peer that floods a
 * stream over QUIC meets the same frame guards and penalties as over TCP.
 */
import type { Connection } from '@libp2p/interface'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TokenimNode } from '../../node/index.ts'
import { DM_PROTOCOL } from '../../protocol/ids.ts'
import type { RelayNode } from '../../relay/index.ts'
import { floodPrefixes } from '../helpers/hostile-peer.ts'
import { createNetwork, type Network, waitForRelay } from '../helpers/relay-network.ts'
import { waitForEvent, withTimeout } from '../helpers/wait.ts'
import { type DhtPeer, startDhtPeer } from './mailbox-network.ts'

const QUIC_LOOPBACK = ['/ip4/127.0.0.1/udp/0/quic-v1']
const isQuic = (connection: Connection) => connection.remoteAddr.toString().includes('/quic-v1')

let network: Network
let relay: RelayNode
let alice: TokenimNode
let bob: TokenimNode
let mallory: DhtPeer

beforeAll(async () => {
  network = createNetwork()
  relay = await network.relay({ listen: QUIC_LOOPBACK })
  const relayQuic = relay.multiaddrs().find((address) => address.includes('/quic-v1/'))
  expect(relayQuic).toBeDefined()
  ;[alice, bob] = await Promise.all(
    [0, 1].map(() => network.node([relayQuic!], { listen: QUIC_LOOPBACK })),
  )
  await Promise.all([waitForRelay(alice, relay), waitForRelay(bob, relay)])
  mallory = await startDhtPeer({ dhtServer: false })
}, 60_000)

afterAll(async () => {
  await mallory?.remove()
  await network?.close()
})

describe('QUIC', () => {
  it('nodes reach the relay and each other over QUIC, and a message arrives', async () => {
    expect(alice.host.getConnections(relay.peerId).filter(isQuic)).not.toHaveLength(0)
    const sent = await alice.messages.send(bob.peerId, 'over udp')
    await waitForEvent<{ data: { id: string; state: string } }>(alice, 'message:state', {
      timeoutMs: 30_000,
      filter: (event) => event.data.id === sent.id && event.data.state === 'delivered',
    })
    const direct = alice.host.getConnections(bob.host.peerId).filter((c) => c.limits == null)
    expect(direct.length).toBeGreaterThan(0)
    expect(direct.every(isQuic)).toBe(true)
    // The connection manager holds them like any other connection.
    expect(alice.status().peers).toEqual(expect.arrayContaining([bob.peerId]))
  })

  it('the connection manager counts QUIC connections against its limits', async () => {
    // One new inbound connection per second from one address: the second is refused.
    const guarded = await network.relay({
      listen: QUIC_LOOPBACK,
      limits: { inboundConnectionThreshold: 1 },
    })
    const eve = await startDhtPeer({ dhtServer: false })
    try {
      const target = guarded.host.getMultiaddrs()
      const dialers = [mallory.host, eve.host]
      const closed = Promise.race(
        dialers.map(
          (host) => new Promise((resolve) => host.addEventListener('connection:close', resolve)),
        ),
      )
      const dials = await Promise.allSettled(dialers.map((host) => host.dial(target)))
      if (dials.every((dial) => dial.status === 'fulfilled')) {
        await withTimeout(closed, 10_000, 'the relay closing the connection it refused')
      }
      const accepted = guarded.host.getConnections()
      expect(accepted).toHaveLength(1)
      expect(accepted.every(isQuic)).toBe(true)
    } finally {
      await eve.remove()
    }
  })

  it('a stream of endless 0xff over QUIC is reset, and the flooder loses its connections', async () => {
    const bobQuic = bob.host
      .getMultiaddrs()
      .filter((address) => address.toString().includes('/quic-v1'))
    await mallory.host.dial(bobQuic)
    expect(mallory.host.getConnections(bob.host.peerId).every(isQuic)).toBe(true)
    const enough = Promise.withResolvers<void>()
    const attack = floodPrefixes(
      mallory.host,
      bob.host.peerId,
      DM_PROTOCOL,
      enough.promise,
      (r) => {
        if (r.pushed >= 8 * 1024 * 1024 && r.connections > 1) enough.resolve()
      },
    )
    await withTimeout(Promise.race([enough.promise, attack]), 30_000, 'the flood contained')
    enough.resolve()
    const report = await attack
    // Every stream was reset at once; past a few violations bob closed the connection.
    expect(report.slowestResetMs).toBeLessThan(2_000)
    expect(report.connections).toBeGreaterThan(1)
  }, 60_000)
})
