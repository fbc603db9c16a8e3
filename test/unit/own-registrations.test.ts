/**
 * This node's stored names (node/directory/own-registrations.ts) on a real LevelDB: what is
 * saved comes back verified with the relay's addresses, a record that no longer verifies is
 * skipped without failing the others, and a released name is forgotten.
 */

import { publicKeyFromRaw } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPublicKey } from '@libp2p/peer-id'
import { multiaddr } from '@multiformats/multiaddr'
import { afterEach, describe, expect, it } from 'vitest'
import { OwnRegistrations } from '../../node/directory/own-registrations.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { signNameRecord } from '../../protocol/directory.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { testLogger } from '../helpers/test-logger.ts'

const NOW = Date.now()
const owner = generateEd25519KeyPair()
const cleanups: Array<() => Promise<void>> = []

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function registrations(addresses: Map<string, string[]> = new Map()) {
  const dir = await makeTempDir('tokenim-own-names-')
  const storage: Storage = await openStorage(dir.path)
  cleanups.push(
    () => dir.remove(),
    () => storage.close(),
  )
  const peerStore = {
    get: async (peerId: PeerId) => ({
      addresses: (addresses.get(peerId.toString()) ?? []).map((text) => ({
        multiaddr: multiaddr(text),
      })),
    }),
  }
  return new OwnRegistrations(storage.sublevel('directory'), peerStore as never, testLogger)
}

function issued(name: string) {
  const relayKey = generateEd25519KeyPair()
  const peerId = peerIdFromPublicKey(publicKeyFromRaw(relayKey.publicKey))
  const record = signNameRecord(relayKey, {
    name,
    publicKey: owner.publicKey,
    relayPublicKey: relayKey.publicKey,
    issuedMs: NOW,
    expiresMs: NOW + 60_000,
  })
  return { peerId, record }
}

describe('OwnRegistrations', () => {
  it("gives back a saved name verified, with the relay's addresses as known when saved", async () => {
    const relay = issued('alice')
    const address = `/ip4/192.0.2.1/tcp/4001/p2p/${relay.peerId}`
    const own = await registrations(new Map([[relay.peerId.toString(), [address]]]))
    await own.save({ peerId: relay.peerId }, relay.record)
    const [name, ...rest] = await own.own()
    expect(rest).toEqual([])
    expect(name).toMatchObject({ relay: relay.peerId.toString(), addresses: [address] })
    expect(name.record.name).toBe('alice')
    expect(Buffer.from(name.record.publicKey).equals(owner.publicKey)).toBe(true)
  })

  it('skips a record that no longer verifies, keeps the others, and forgets a released one', async () => {
    const own = await registrations()
    const good = issued('alice')
    const altered = issued('bob')
    const tampered = Uint8Array.from(altered.record)
    tampered[tampered.length - 1] ^= 1
    await own.save({ peerId: good.peerId, addresses: [] }, good.record)
    await own.save({ peerId: altered.peerId, addresses: [] }, tampered)
    expect((await own.own()).map((entry) => entry.record.name)).toEqual(['alice'])
    await own.remove(good.peerId.toString())
    expect(await own.own()).toEqual([])
  })
})
