/**
 * The peer store's records over PeerRecordCache, with libp2p's own peer store (a libp2p
 * host with no transport) on LevelDB: what libp2p does on every stream (merge a protocol
 * it already knows) reaches the disk only when the record changes or the rewrite interval
 * has passed, reads see the latest record, and the held records are bounded.
 */
import { generateKeyPair } from '@libp2p/crypto/keys'
import type { PeerId } from '@libp2p/interface'
import { peerIdFromPrivateKey } from '@libp2p/peer-id'
import { LevelDatastore } from 'datastore-level'
import type { Key } from 'interface-datastore'
import { createLibp2p, type Libp2p } from 'libp2p'
import { afterEach, describe, expect, it } from 'vitest'
import { PeerRecordCache, splitUpdated } from '../../node/peer-record-cache.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

/** A LevelDB datastore that counts the peer store's puts. */
class CountingDatastore extends LevelDatastore {
  peerPuts = 0
  override async put(key: Key, value: Uint8Array): Promise<Key> {
    if (key.toString().startsWith('/peers/')) this.peerPuts++
    return super.put(key, value)
  }
}

const cleanup: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const step of cleanup.splice(0).reverse()) await step()
})

async function openDisk(): Promise<CountingDatastore> {
  const dir = await makeTempDir('tokenim-peer-cache-')
  const disk = new CountingDatastore(dir.path)
  await disk.open()
  cleanup.push(dir.remove, () => disk.close())
  return disk
}

async function hostOver(datastore: PeerRecordCache): Promise<Libp2p> {
  const host = await createLibp2p({ datastore })
  cleanup.push(async () => {
    await host.stop()
  })
  return host
}

async function somePeer(): Promise<PeerId> {
  return peerIdFromPrivateKey(await generateKeyPair('Ed25519'))
}

describe('PeerRecordCache', () => {
  it('writes a merge that changes nothing but the update time once per interval', async () => {
    const disk = await openDisk()
    const host = await hostOver(new PeerRecordCache(disk, { rewriteMs: 60_000 }))
    const peer = await somePeer()
    for (let stream = 0; stream < 20; stream++) {
      await host.peerStore.merge(peer, { protocols: ['/tokenim/dm/1.0.0'] })
    }
    expect(disk.peerPuts).toBe(1)
    await host.peerStore.merge(peer, { protocols: ['/tokenim/rooms/1.0.0'] })
    expect(disk.peerPuts).toBe(2)
    expect((await host.peerStore.get(peer)).protocols).toEqual([
      '/tokenim/dm/1.0.0',
      '/tokenim/rooms/1.0.0',
    ])
    // libp2p stamps `updated` with the wall clock: past the interval, written again.
    const later = Date.now() + 61_000
    const realNow = Date.now
    Date.now = () => later
    try {
      await host.peerStore.merge(peer, { protocols: ['/tokenim/dm/1.0.0'] })
    } finally {
      Date.now = realNow
    }
    expect(disk.peerPuts).toBe(3)
  })

  it('serves reads from memory and leaves the disk a record that differs only in its time', async () => {
    const disk = await openDisk()
    const cache = new PeerRecordCache(disk)
    const host = await hostOver(cache)
    const peer = await somePeer()
    await host.peerStore.merge(peer, { protocols: ['/a/1.0.0'] })
    const keys: Key[] = []
    for await (const key of disk.queryKeys({ prefix: '/peers/' })) keys.push(key)
    const [key] = keys
    if (key == null) throw new Error('no peer record on disk')
    const written = await disk.get(key)
    await host.peerStore.merge(peer, { protocols: ['/a/1.0.0'] })
    const held = await cache.get(key)
    expect(held).not.toEqual(written)
    expect(splitUpdated(held)?.body).toEqual(splitUpdated(written)?.body)
    // A restart (a fresh cache over the same disk) reads the same peer.
    const restarted = await hostOver(new PeerRecordCache(disk))
    expect((await restarted.peerStore.get(peer)).protocols).toEqual(['/a/1.0.0'])
  })

  it('holds at most its bound of records, reading the others from the disk', async () => {
    const disk = await openDisk()
    const host = await hostOver(new PeerRecordCache(disk, { entries: 2 }))
    const peers = [await somePeer(), await somePeer(), await somePeer()]
    for (const peer of peers) await host.peerStore.merge(peer, { protocols: ['/a/1.0.0'] })
    expect(disk.peerPuts).toBe(3)
    // The first peer was dropped from memory: its next unchanged merge is compared with
    // the record read back from the disk, and not written.
    await host.peerStore.merge(peers[0]!, { protocols: ['/a/1.0.0'] })
    expect(disk.peerPuts).toBe(3)
    expect((await host.peerStore.get(peers[0]!)).protocols).toEqual(['/a/1.0.0'])
  })

  it('splits the update time off a record and refuses bytes that are not protobuf', () => {
    // protocols = "x" (field 2), updated = 300 (field 8)
    const record = Uint8Array.of(0x12, 0x01, 0x78, 0x40, 0xac, 0x02)
    expect(splitUpdated(record)).toEqual({ body: Uint8Array.of(0x12, 0x01, 0x78), updated: 300 })
    expect(splitUpdated(Uint8Array.of(0x12, 0x05, 0x78))).toBeUndefined()
  })
})
