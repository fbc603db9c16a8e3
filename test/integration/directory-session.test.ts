import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { createLibp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { DirectoryClient } from '../../node/directory/index.ts'
import {
  createTokenimNode,
  generateIdentity,
  type Identity,
  type TokenimNode,
  toLibp2pPrivateKey,
} from '../../node/index.ts'
import { wireBytes } from '../../protocol/directory.ts'
import type { NodeEventMessage } from '../../protocol/local-api.ts'
import { openSessionNotice, signSessionAnnouncement } from '../../protocol/session-records.ts'
import { createNetwork, type Network, relayAddress } from '../helpers/relay-network.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { waitForEvent, withTimeout } from '../helpers/wait.ts'

let network: Network
const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
  await network?.close()
})

/** A node running `identity` from a data dir of its own (a second machine, for the relay). */
async function startDevice(identity: Identity, relays: string[]): Promise<TokenimNode> {
  const dir = await makeTempDir('tokenim-device-')
  const node = await createTokenimNode({
    dataDir: dir.path,
    identity,
    listen: ['/ip4/127.0.0.1/tcp/0'],
    apiPort: false,
    allowPrivateAddresses: true,
    relays,
    relayRedial: { initialDelayMs: 100, maxDelayMs: 1_000 },
  })
  cleanups.push(async () => {
    await node.stop()
    await dir.remove()
  })
  return node
}

/** The first relay acceptance, also when it came before the caller started to listen. */
async function announced(node: TokenimNode): Promise<{ relayPeerId: string; counter: bigint }> {
  const [first] = node.directory.session.acceptedBy
  if (first != null) return { relayPeerId: first[0], counter: first[1] }
  return waitForEvent(node.directory.session, 'session:announced', { timeoutMs: 20_000 })
}

describe('single active session', () => {
  it('stops the first device with "signed in elsewhere" within 2 s of the identity starting on a second', async () => {
    network = createNetwork()
    const relay = await network.relay()
    const relays = [relayAddress(relay)]
    const alice = generateIdentity()

    const laptop = await startDevice(alice, relays)
    const laptopAnnounced = await announced(laptop)
    expect(laptopAnnounced.relayPeerId).toBe(relay.peerId.toString())

    const signedOut = waitForEvent<NodeEventMessage<'session:signed-in-elsewhere'>>(
      laptop,
      'session:signed-in-elsewhere',
      { timeoutMs: 20_000 },
    )
    const laptopStopped = waitForEvent<{ reason: string; code: string }>(laptop, 'stopped', {
      timeoutMs: 20_000,
    })
    const phoneStarted = Date.now()
    const phone = await startDevice(alice, relays)
    const phoneAnnounced = await announced(phone)
    const event = await signedOut
    const elapsed = Date.now() - phoneStarted

    expect(elapsed).toBeLessThan(2_000)
    expect(event.data).toMatchObject({
      reason: 'signed in elsewhere',
      relayPeerId: relay.peerId.toString(),
      counter: laptopAnnounced.counter.toString(),
      newerCounter: phoneAnnounced.counter.toString(),
    })
    expect(BigInt(event.data.newerCounter)).toBeGreaterThan(BigInt(event.data.counter))
    expect(await laptopStopped).toEqual({
      code: 'signed-in-elsewhere',
      reason: 'signed in elsewhere',
    })
    // The newer session keeps running.
    expect(phone.host.status).toBe('started')
  }, 60_000)

  it('answers an older session that re-announces with the newer announcement, signed by the relay', async () => {
    network = createNetwork()
    const relay = await network.relay()
    const alice = generateIdentity()
    const phone = await startDevice(alice, [relayAddress(relay)])
    const { counter } = await announced(phone)

    // The old laptop reconnecting with its stale counter (same PeerId, its own connection).
    const host = await createLibp2p({
      privateKey: toLibp2pPrivateKey(alice),
      transports: [tcp()],
      connectionEncrypters: [noise()],
      streamMuxers: [yamux()],
    })
    cleanups.push(async () => {
      await host.stop()
    })
    const client = new DirectoryClient({ host, identity: alice })
    const channel = await client.open({
      peerId: relay.peerId,
      addresses: [multiaddr(relayAddress(relay))],
    })
    const stale = signSessionAnnouncement(alice, {
      counter: 1n,
      timestampMs: Date.now() - 60_000,
      multiaddrs: [],
    })
    await channel.send({ announce: wireBytes(stale) })
    const response = await withTimeout(channel.receive(), 10_000, 'answer to a stale announcement')
    expect(response.sessionNotice).toBeDefined()
    const notice = openSessionNotice(
      response.sessionNotice!,
      relay.peerId.publicKey!.raw,
      alice.publicKey,
    )
    expect(notice.announcement.counter).toBe(counter)
    expect(notice.supersededCounter).toBe(1n)
    // The relay still holds the phone's session as the newest: the phone was not told to stop.
    expect(phone.host.status).toBe('started')
  }, 60_000)
})
