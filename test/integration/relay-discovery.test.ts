/**
 * Two relays nobody listed under each other's `peers` find each other through a node they
 * share (its circuit addresses name both), and keep each other connected.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { createNetwork, relayAddress, waitUntil } from '../helpers/relay-network.ts'

const network = createNetwork()
afterEach(() => network.close())

describe('relays find each other', () => {
  it('through the circuit addresses of a node both relay for', async () => {
    const [first, second] = await Promise.all([network.relay(), network.relay()])
    const connectedTo = (a: typeof first, b: typeof second) =>
      a.host.getConnections(b.peerId).length > 0
    expect(connectedTo(first, second)).toBe(false)
    await network.node([relayAddress(first), relayAddress(second)])
    await waitUntil(
      first.host.services.relayBootstrap,
      'relay:connected',
      () => first.host.services.relayBootstrap.connectedRelays().length === 1,
      'the first relay keeps the second',
      30_000,
    )
    expect(connectedTo(first, second)).toBe(true)
    expect(first.host.services.relayBootstrap.status()).toEqual([
      expect.objectContaining({ peerId: second.peerId.toString() }),
    ])
  })
})
