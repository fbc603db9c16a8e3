import type { Libp2p } from '@libp2p/interface'
import { type Multiaddr, multiaddr } from '@multiformats/multiaddr'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { TokenimNode } from '../../node/index.ts'
import { DHT_PROTOCOL } from '../../protocol/ids.ts'
import type { RelayNode } from '../../relay/index.ts'
import { type Cleanups, startClaimant } from '../helpers/directory-host.ts'
import {
  createNetwork,
  type Network,
  relayAddress,
  waitForRelay,
} from '../helpers/relay-network.ts'
import { waitForEvent } from '../helpers/wait.ts'

// Generous limits: this test makes many claims from one IP on purpose.
const RELAY_OVERRIDES = {
  limits: { inboundConnectionThreshold: 1_000, maxIncomingPendingConnections: 200 },
  directory: { rateLimits: { registrationsPerPeerPerHour: 50, lookupsPerPeerPerMinute: 600 } },
}

let network: Network
let relay1: RelayNode
let relay2: RelayNode
let alice: TokenimNode
let bob: TokenimNode
let carol: TokenimNode
let dave: TokenimNode

function directoryOf(relay: RelayNode) {
  const directory = relay.host.services.directory
  if (directory == null) throw new Error('the relay runs no directory')
  return directory
}

/** Resolves once `host` has identified `peer` as a DHT server (so it joins the routing table). */
async function knowsDhtServer(host: RelayNode, peer: RelayNode): Promise<void> {
  const speaksDht = async () =>
    (await host.host.peerStore.get(peer.peerId).catch(() => undefined))?.protocols.includes(
      DHT_PROTOCOL,
    ) === true
  if (await speaksDht()) return
  await waitForEvent(host.host, 'peer:identify', {
    timeoutMs: 20_000,
    filter: (detail: { peerId: { equals(other: unknown): boolean }; protocols: string[] }) =>
      detail.peerId.equals(peer.peerId) && detail.protocols.includes(DHT_PROTOCOL),
  })
}

function published(relay: RelayNode, name: string): Promise<unknown> {
  return waitForEvent(directoryOf(relay), 'name:published', {
    timeoutMs: 20_000,
    filter: (detail: { name: string }) => detail.name === name,
  })
}

beforeAll(async () => {
  network = createNetwork()
  relay1 = await network.relay(RELAY_OVERRIDES)
  relay2 = await network.relay({ ...RELAY_OVERRIDES, peers: [relayAddress(relay1)] })
  // The relays are each other's DHT: a name relay1 publishes must be stored on relay2.
  await Promise.all([knowsDhtServer(relay1, relay2), knowsDhtServer(relay2, relay1)])
  const relays = [relayAddress(relay1), relayAddress(relay2)]
  ;[alice, bob, carol, dave] = await Promise.all([0, 1, 2, 3].map(() => network.node(relays)))
  await Promise.all(
    [alice, bob, carol, dave].flatMap((node) => [
      waitForRelay(node, relay1),
      waitForRelay(node, relay2),
    ]),
  )
}, 60_000)

afterAll(async () => {
  await network?.close()
})

describe('username directory, two relays and four nodes', () => {
  it('registers alice and bob and refuses carol the same, an upper-case or a lookalike name', async () => {
    const alicePublished = published(relay1, 'alice')
    const registered = await alice.directory.register('Alice', { relay: relayAddress(relay1) })
    expect(registered).toMatchObject({
      name: 'alice',
      peerId: alice.peerId,
      relayPeerId: relay1.peerId.toString(),
      scopedName: `alice@${relay1.peerId}`,
    })
    expect(registered.expiresAt).toBeGreaterThan(Date.now())
    const bobRecord = await bob.directory.register('bob', { relay: relayAddress(relay2) })
    expect(bobRecord.relayPeerId).toBe(relay2.peerId.toString())

    const onRelay1 = { relay: relayAddress(relay1) }
    await expect(carol.directory.register('alice', onRelay1)).rejects.toMatchObject({
      name: 'NameTakenError',
    })
    await expect(carol.directory.register('ALICE', onRelay1)).rejects.toMatchObject({
      name: 'NameTakenError',
    })
    await expect(carol.directory.register('a1ice', onRelay1)).rejects.toMatchObject({
      name: 'NameTakenError',
      message: expect.stringContaining('too similar'),
    })
    await expect(carol.directory.register('\u0430lice', onRelay1)).rejects.toMatchObject({
      name: 'InvalidNameError',
    })
    await expect(carol.directory.register('admin', onRelay1)).rejects.toMatchObject({
      name: 'ReservedNameError',
    })
    // One name per identity per relay.
    await expect(alice.directory.register('alice2', onRelay1)).rejects.toMatchObject({
      name: 'AlreadyRegisteredError',
    })
    expect((await alice.directory.names()).map((n) => n.scopedName)).toEqual([
      `alice@${relay1.peerId}`,
    ])
    await alicePublished
    const metrics = await (await fetch(relay1.status().metricsUrl!)).text()
    expect(metrics).toContain('tokenim_directory_registrations_total 1')
    expect(metrics).toContain('tokenim_directory_rejections_total{reason="taken"} 3')
    expect(metrics).toContain('tokenim_directory_names 1')
    const requests = (outcome: string) =>
      Number(
        new RegExp(
          `^tokenim_directory_request_duration_seconds_count\\{kind="register",outcome="${outcome}"\\} (\\d+)$`,
          'm',
        ).exec(metrics)?.[1],
      )
    expect(requests('answered')).toBeGreaterThanOrEqual(1)
    expect(requests('refused')).toBeGreaterThanOrEqual(3)
  })

  it('looks names up verified, on whichever relay holds them', async () => {
    const found = await dave.directory.lookup('alice')
    expect(found).toMatchObject({
      name: 'alice',
      peerId: alice.peerId,
      publicKey: Buffer.from(alice.host.peerId.publicKey!.raw).toString('hex'),
      source: 'relay',
    })
    // bob lives on relay2: relay1 says not found, relay2 answers.
    expect(await dave.directory.lookup('bob')).toMatchObject({
      peerId: bob.peerId,
      source: 'relay',
    })
    await expect(dave.directory.lookup(`bob@${relay1.peerId}`)).rejects.toMatchObject({
      name: 'NameNotFoundError',
    })
    await expect(dave.directory.lookup('nobody-here')).rejects.toMatchObject({
      name: 'NameNotFoundError',
    })
  })

  it('publishes an optional signed profile and finds it by prefix', async () => {
    await alice.directory.setProfile({ displayName: 'Alice', bio: 'hello' })
    const { results } = await dave.directory.search('ali', { relay: relay1.peerId.toString() })
    expect(results).toEqual([
      expect.objectContaining({
        name: 'alice',
        peerId: alice.peerId,
        profile: { displayName: 'Alice', bio: 'hello' },
      }),
    ])
    // bob published no profile: a name alone does not make its owner findable.
    const none = await dave.directory.search('bo', { relay: relay2.peerId.toString() })
    expect(none.results).toEqual([])
    expect((await dave.directory.lookup('alice')).profile).toEqual({
      displayName: 'Alice',
      bio: 'hello',
    })
  })

  it('scopes names to their relay: two relays racing for one name each issue their own', async () => {
    const [onRelay1, onRelay2] = await Promise.all([
      carol.directory.register('racer', { relay: relayAddress(relay1) }),
      dave.directory.register('racer', { relay: relayAddress(relay2) }),
    ])
    expect(onRelay1.scopedName).toBe(`racer@${relay1.peerId}`)
    expect(onRelay2.scopedName).toBe(`racer@${relay2.peerId}`)
    expect((await bob.directory.lookup(`racer@${relay1.peerId}`)).peerId).toBe(carol.peerId)
    expect((await bob.directory.lookup(`racer@${relay2.peerId}`)).peerId).toBe(dave.peerId)
  })

  it('gives exactly one of 100 concurrent claims of one name', async () => {
    const target = multiaddr(relayAddress(relay1))
    const stops: Cleanups = []
    const claimants = await Promise.all(Array.from({ length: 100 }, () => startClaimant(stops)))
    try {
      // Connect first, a few at a time: the race under test is between claims, and 100
      // simultaneous noise handshakes on a busy 2-core machine can time out.
      await connectInBatches(
        claimants.map(({ host }) => host),
        target,
      )
      const outcomes = await Promise.allSettled(
        claimants.map(({ client }) =>
          client.register({ peerId: relay1.peerId, addresses: [target] }, 'contested'),
        ),
      )
      const winners = outcomes.filter((outcome) => outcome.status === 'fulfilled')
      const reasons = outcomes.flatMap((outcome) =>
        outcome.status === 'rejected' ? [(outcome.reason as Error).name] : [],
      )
      expect(winners).toHaveLength(1)
      expect(new Set(reasons)).toEqual(new Set(['NameTakenError']))
    } finally {
      await Promise.all(stops.map((stop) => stop()))
    }
  }, 60_000)

  it('still resolves a name from the DHT after its relay stopped', async () => {
    await relay1.stop()
    const viaDht = await dave.directory.lookup(`alice@${relay1.peerId}`)
    expect(viaDht).toMatchObject({ name: 'alice', peerId: alice.peerId, source: 'dht' })
    // Unscoped: relay1 is first in dave's list and down, so the DHT answers for its scope.
    expect(await dave.directory.lookup('alice')).toMatchObject({
      peerId: alice.peerId,
      source: 'dht',
    })
  }, 60_000)
})

async function connectInBatches(hosts: Libp2p[], target: Multiaddr, batch = 10): Promise<void> {
  for (let start = 0; start < hosts.length; start += batch) {
    await Promise.all(hosts.slice(start, start + batch).map((host) => host.dial(target)))
  }
}
