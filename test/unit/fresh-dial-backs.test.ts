/**
 * autoNAT's view of the connection manager: a dial-back (one address) always opens a new
 * connection, anything else goes through as asked, and the manager's other methods keep
 * working (they run on the manager itself, not on the view).
 */
import type { AutoNATComponents } from '@libp2p/autonat'
import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { freshDialBacks } from '../../network/fresh-dial-backs.ts'

class StubConnectionManager {
  readonly dials: Array<{ peer: unknown; options: unknown }> = []
  #connections = ['held']

  async openConnection(peer: unknown, options?: unknown): Promise<unknown> {
    this.dials.push({ peer, options })
    return {}
  }

  getConnections(): string[] {
    return this.#connections
  }
}

function autoNatView(manager: StubConnectionManager): AutoNATComponents['connectionManager'] {
  const components = { connectionManager: manager } as unknown as AutoNATComponents
  return freshDialBacks((seen) => seen.connectionManager)(components)
}

describe('freshDialBacks', () => {
  it('forces a dial-back to one address, and leaves a dial to a list of addresses alone', async () => {
    const manager = new StubConnectionManager()
    const view = autoNatView(manager)
    const address = multiaddr('/ip4/20.0.0.100/udp/40290/quic-v1')
    const signal = AbortSignal.timeout(1_000)
    await view.openConnection(address, { signal })
    await view.openConnection([address], { signal })
    expect(manager.dials).toEqual([
      { peer: address, options: { signal, force: true } },
      { peer: [address], options: { signal } },
    ])
  })

  it("binds the manager's other methods to the manager (private fields work)", () => {
    const view = autoNatView(new StubConnectionManager())
    expect(view.getConnections()).toEqual(['held'])
  })
})
