/**
 * Prekey bundles in the DHT: published by the owner, fetched verified, forgeries and
 * rollbacks refused, one-time prekeys used once, keys rotated and sealed at rest.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { putRecord } from '../../node/mailbox/dht-records.ts'
import { PrekeyService, type PrekeyServiceInit } from '../../node/prekeys/index.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { createPrekeyRecord, prekeysDhtKey } from '../../protocol/prekey-records.ts'
import {
  decodeMessageHeader,
  generateSignedPrekey,
  SessionRatchet,
  verifyPrekeyBundle,
} from '../../protocol/session/index.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { type DhtPeer, startDhtNetwork } from './mailbox-network.ts'

const DAY_MS = 24 * 60 * 60_000
const QUERY = { timeoutMs: 10_000 }
let network: Awaited<ReturnType<typeof startDhtNetwork>>
const services: PrekeyService[] = []

async function serviceOf(peer: DhtPeer, init: PrekeyServiceInit = {}): Promise<PrekeyService> {
  const service = new PrekeyService(
    { host: peer.host, identity: peer.identity, store: peer.storage.sublevel('prekeys') },
    { republishIntervalMs: 0, queryTimeoutMs: 10_000, ...init },
  )
  await service.start()
  services.push(service)
  return service
}

beforeAll(async () => {
  network = await startDhtNetwork(6, 5)
})

afterAll(async () => {
  await Promise.all(services.map((service) => service.stop()))
  await network?.removeAll()
})

const text = (value: string) => new TextEncoder().encode(value)

/**
 * Uses one-time prekey `id` as messaging does: read, then deleted in a batch on another
 * sublevel of the same database (messaging's, with the session it started).
 */
async function useOneTimePrekey(peer: DhtPeer, service: PrekeyService, id: number) {
  const prekey = await service.peekOneTimePrekey(id)
  if (prekey == null) return undefined
  await peer.storage
    .sublevel('messaging')
    .batch([service.deleteOneTimePrekeyOp(id) as { type: 'del'; key: string }])
  service.oneTimePrekeyDeleted()
  return prekey
}

describe('prekey bundles', () => {
  it('are published on start, fetched verified, and start a session; a used one-time prekey is gone', async () => {
    const [bobPeer, alicePeer, carolPeer] = network.clients
    const bobService = new PrekeyService(
      {
        host: bobPeer.host,
        identity: bobPeer.identity,
        store: bobPeer.storage.sublevel('prekeys'),
      },
      { queryTimeoutMs: 10_000 },
    )
    services.push(bobService)
    const published = waitForEvent<{ confirmed: number; oneTimePrekeyIds: number[] }>(
      bobService,
      'prekeys:published',
      { timeoutMs: 20_000 },
    )
    await bobService.start()
    const { confirmed, oneTimePrekeyIds } = await published
    expect(confirmed).toBeGreaterThanOrEqual(3)
    expect(oneTimePrekeyIds).toHaveLength(10)
    expect(await bobService.oneTimePrekeyCount()).toBe(20)

    const alice = await serviceOf(alicePeer)
    const bundle = await alice.fetchBundle(bobPeer.identity.publicKey)
    expect(verifyPrekeyBundle(bundle)).toBe(true)
    expect(bundle.identityKey).toEqual(bobPeer.identity.publicKey)
    expect(oneTimePrekeyIds).toContain(bundle.oneTimePrekey?.id)

    // Alice starts a session; Bob accepts it with the keys the header names.
    const aliceSession = SessionRatchet.initiate({ identity: alicePeer.identity, bundle })
    const first = aliceSession.encrypt(text('hi bob'))
    const start = decodeMessageHeader(first.header).sessionStart!
    const signedPrekey = await bobService.signedPrekey(start.signedPrekeyId)
    const oneTimePrekey = await useOneTimePrekey(bobPeer, bobService, start.oneTimePrekeyId!)
    expect(signedPrekey).toBeDefined()
    expect(oneTimePrekey).toBeDefined()
    const accepted = SessionRatchet.accept({
      identity: bobPeer.identity,
      signedPrekey: signedPrekey!,
      oneTimePrekey,
      header: first.header,
      ciphertext: first.ciphertext,
    })
    expect(new TextDecoder().decode(accepted.plaintext)).toBe('hi bob')

    // Carol picked the same one-time prekey from the same bundle: Bob has it no more.
    const carolSession = SessionRatchet.initiate({ identity: carolPeer.identity, bundle })
    const carolFirst = carolSession.encrypt(text('hi bob, carol here'))
    const carolStart = decodeMessageHeader(carolFirst.header).sessionStart!
    expect(carolStart.oneTimePrekeyId).toBe(start.oneTimePrekeyId)
    expect(await bobService.peekOneTimePrekey(carolStart.oneTimePrekeyId!)).toBeUndefined()
    expect(await bobService.oneTimePrekeyCount()).toBe(19)
    const unused = oneTimePrekeyIds.find((id) => id !== start.oneTimePrekeyId)!
    expect(await useOneTimePrekey(bobPeer, bobService, unused)).toBeDefined()
    expect(await bobService.oneTimePrekeyCount()).toBe(18)

    // The used key leaves the published bundle.
    const republished = await waitForEvent<{ oneTimePrekeyIds: number[] }>(
      bobService,
      'prekeys:published',
      {
        timeoutMs: 20_000,
      },
    )
    expect(republished.oneTimePrekeyIds).not.toContain(start.oneTimePrekeyId)
    expect(republished.oneTimePrekeyIds).not.toContain(unused)
  })

  it('refuses forged bundles and rollbacks at every node', async () => {
    const [, , , ownerPeer, attackerPeer] = network.clients
    const owner = await serviceOf(ownerPeer)
    const attacker = await serviceOf(attackerPeer)
    const older = await owner.publish()
    expect(older.confirmed).toBeGreaterThanOrEqual(3)
    const key = prekeysDhtKey(ownerPeer.identity.publicKey)
    const impostor = generateEd25519KeyPair()
    const forgedPrekey = generateSignedPrekey(impostor, 77)
    const now = Date.now()
    const forged = createPrekeyRecord(impostor, {
      signedPrekey: {
        id: 77,
        publicKey: forgedPrekey.keyPair.publicKey,
        signature: forgedPrekey.signature,
      },
      oneTimePrekeys: [],
      publishedMs: now + 1000,
      expiresMs: now + DAY_MS,
    })
    const attempt = await putRecord(attackerPeer.host.services.dht, key, forged, QUERY)
    expect(attempt.total).toBeGreaterThan(0)
    expect(attempt.confirmed).toBe(0)
    // The owner's own signed prekey, re-signed by the impostor, fails under the owner's key too.
    const resigned = createPrekeyRecord(ownerPeer.identity, {
      signedPrekey: {
        id: 77,
        publicKey: forgedPrekey.keyPair.publicKey,
        signature: forgedPrekey.signature,
      },
      oneTimePrekeys: [],
      publishedMs: now + 1000,
      expiresMs: now + DAY_MS,
    })
    expect((await putRecord(attackerPeer.host.services.dht, key, resigned, QUERY)).confirmed).toBe(
      0,
    )

    // A genuine but older bundle, replayed after a newer one, is refused.
    const oldRecord = createPrekeyRecord(ownerPeer.identity, {
      signedPrekey: {
        id: older.signedPrekeyId,
        publicKey: (await owner.signedPrekey(older.signedPrekeyId))!.keyPair.publicKey,
        signature: (await owner.signedPrekey(older.signedPrekeyId))!.signature,
      },
      oneTimePrekeys: [],
      publishedMs: now - 60_000,
      expiresMs: now + DAY_MS,
    })
    expect((await putRecord(attackerPeer.host.services.dht, key, oldRecord, QUERY)).confirmed).toBe(
      0,
    )

    const bundle = await attacker.fetchBundle(ownerPeer.identity.publicKey)
    expect(bundle.signedPrekey.id).toBe(older.signedPrekeyId)
    expect(older.oneTimePrekeyIds).toContain(bundle.oneTimePrekey?.id)
    await expect(attacker.fetchBundle(impostor.publicKey)).rejects.toMatchObject({
      name: 'PrekeyBundleNotFoundError',
    })
  })

  it('rotates the signed prekey weekly, honours the old one for its grace period, and seals private keys', async () => {
    const peer = network.clients[2]
    let now = Date.now()
    const service = await serviceOf(peer, { clock: () => now })
    const first = await service.publish()
    now += 8 * DAY_MS
    const second = await service.publish()
    expect(second.signedPrekeyId).toBe(first.signedPrekeyId + 1)
    expect(await service.signedPrekey(first.signedPrekeyId)).toBeDefined()
    now += 15 * DAY_MS
    const third = await service.publish()
    expect(third.signedPrekeyId).toBe(second.signedPrekeyId + 1)
    expect(await service.signedPrekey(first.signedPrekeyId)).toBeUndefined()
    expect(await service.signedPrekey(second.signedPrekeyId)).toBeDefined()

    // Taking one-time prekeys down below the threshold refills them at the next publish.
    for (const id of third.oneTimePrekeyIds.slice(0, 10))
      expect(await useOneTimePrekey(peer, service, id)).toBeDefined()
    const left = await service.oneTimePrekeyCount()
    expect(left).toBe(10)
    for (const id of (await service.publish()).oneTimePrekeyIds.slice(0, 6))
      await useOneTimePrekey(peer, service, id)
    expect(await service.oneTimePrekeyCount()).toBe(4)
    await service.publish()
    expect(await service.oneTimePrekeyCount()).toBe(20)

    // Nothing private in the clear in the database.
    const current = (await service.signedPrekey(third.signedPrekeyId))!
    const needle = Buffer.from(current.keyPair.privateKey)
    for await (const value of peer.storage.sublevel('prekeys').values()) {
      expect(Buffer.from(value).includes(needle)).toBe(false)
      expect(Buffer.from(value).includes(Buffer.from(needle.toString('base64')))).toBe(false)
    }
  })
})
