import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import type { Multiaddr } from '@multiformats/multiaddr'
import { TypedEventEmitter } from 'main-event'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { RELAY_TAG, RelayBootstrap, type RelayBootstrapComponents } from '../../node/bootstrap.ts'

/** Stub components: dials succeed or fail as the test says; events are fired by hand. */
function stubComponents() {
  const dials: Array<{ address: string; resolve(): void; reject(err: Error): void }> = []
  const connected = new Set<string>()
  const tags = new Map<string, Record<string, unknown>>()
  const listens: string[] = []
  const events = new TypedEventEmitter<Record<string, CustomEvent<unknown>>>()
  const log = Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false })
  const components = {
    peerStore: {
      merge: async (peer: PeerId, data: { tags: Record<string, unknown> }) => {
        tags.set(peer.toString(), { ...tags.get(peer.toString()), ...data.tags })
      },
      all: async () => [],
    },
    connectionManager: {
      openConnection: (address: Multiaddr) =>
        new Promise<unknown>((resolve, reject) => {
          dials.push({ address: address.toString(), resolve: () => resolve({}), reject })
        }),
      getConnections: (peer?: PeerId) => (connected.has(String(peer)) ? [{}] : []),
    },
    events,
    logger: { forComponent: () => log },
    transportManager: {
      listen: async (addrs: Multiaddr[]) => {
        listens.push(addrs[0].toString())
      },
    },
    addressManager: { getAddresses: () => [] },
  } as unknown as RelayBootstrapComponents
  return {
    components,
    dials,
    tags,
    listens,
    connect(peer: PeerId) {
      connected.add(peer.toString())
      events.safeDispatchEvent('peer:connect', { detail: peer })
    },
    disconnect(peer: PeerId) {
      connected.delete(peer.toString())
      events.safeDispatchEvent('peer:disconnect', { detail: peer })
    },
  }
}

async function relay(): Promise<{ peerId: PeerId; address: string }> {
  const peerId = peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
  return { peerId, address: `/ip4/127.0.0.1/tcp/4001/p2p/${peerId}` }
}

describe('RelayBootstrap', () => {
  beforeEach(() => {
    vi.useFakeTimers()
    vi.spyOn(Math, 'random').mockReturnValue(1)
  })
  afterEach(() => {
    vi.useRealTimers()
    vi.restoreAllMocks()
  })

  it('dials each relay at start, tags it, and listens through it once connected', async () => {
    const { peerId, address } = await relay()
    const stub = stubComponents()
    const bootstrap = new RelayBootstrap(stub.components, { relays: [address] })
    bootstrap.start()
    await bootstrap.afterStart()
    expect(stub.dials.map((d) => d.address)).toEqual([address])
    expect(stub.tags.get(peerId.toString())).toHaveProperty(RELAY_TAG)

    const connected = vi.fn()
    bootstrap.addEventListener('relay:connected', connected)
    stub.connect(peerId)
    stub.dials[0].resolve()
    await vi.runAllTicks()
    expect(connected).toHaveBeenCalledOnce()
    expect(bootstrap.status()).toEqual([
      expect.objectContaining({ address, connected: true, failedDials: 0, nextDialAt: null }),
    ])
    expect(stub.listens).toEqual([`${address}/p2p-circuit`])
    bootstrap.stop()
  })

  it('backs off after failed dials, doubling up to the cap, and never gives up', async () => {
    const { address } = await relay()
    const stub = stubComponents()
    const bootstrap = new RelayBootstrap(stub.components, {
      relays: [address],
      initialRedialDelayMs: 100,
      maxRedialDelayMs: 400,
    })
    bootstrap.start()
    await bootstrap.afterStart()
    const waits: number[] = []
    for (let attempt = 0; attempt < 5; attempt++) {
      stub.dials[attempt].reject(new Error('connection refused'))
      await vi.advanceTimersByTimeAsync(0)
      const before = stub.dials.length
      const due = bootstrap.status()[0].nextDialAt! - Date.now()
      waits.push(due)
      await vi.advanceTimersByTimeAsync(due - 1)
      expect(stub.dials.length).toBe(before)
      await vi.advanceTimersByTimeAsync(1)
      expect(stub.dials.length).toBe(before + 1)
    }
    expect(waits).toEqual([200, 400, 400, 400, 400])
    expect(bootstrap.status()[0].failedDials).toBe(5)
    bootstrap.stop()
    await vi.advanceTimersByTimeAsync(10_000)
    expect(stub.dials).toHaveLength(6)
  })

  it('redials a relay that drops, starting again from the initial delay', async () => {
    const { peerId, address } = await relay()
    const stub = stubComponents()
    const bootstrap = new RelayBootstrap(stub.components, {
      relays: [address],
      initialRedialDelayMs: 100,
    })
    bootstrap.start()
    await bootstrap.afterStart()
    stub.connect(peerId)
    stub.dials[0].resolve()
    await vi.advanceTimersByTimeAsync(0)

    const disconnected = vi.fn()
    bootstrap.addEventListener('relay:disconnected', disconnected)
    stub.disconnect(peerId)
    expect(disconnected).toHaveBeenCalledOnce()
    expect(bootstrap.status()[0]).toMatchObject({ connected: false })
    await vi.advanceTimersByTimeAsync(100)
    expect(stub.dials).toHaveLength(2)
    bootstrap.stop()
  })

  it('ignores peers that are not its relays', async () => {
    const { address } = await relay()
    const stranger = await relay()
    const stub = stubComponents()
    const bootstrap = new RelayBootstrap(stub.components, { relays: [address] })
    bootstrap.start()
    await bootstrap.afterStart()
    const connected = vi.fn()
    bootstrap.addEventListener('relay:connected', connected)
    stub.connect(stranger.peerId)
    stub.disconnect(stranger.peerId)
    await vi.advanceTimersByTimeAsync(120_000)
    expect(connected).not.toHaveBeenCalled()
    expect(stub.dials).toHaveLength(1)
    bootstrap.stop()
  })
})
