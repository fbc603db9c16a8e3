import { Key } from 'interface-datastore'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  LEGACY_META_SUBLEVEL,
  LIBP2P_SEALED_MARKER,
  NAMES_HIDDEN_MARKER,
  SEALED_MARKER,
  sealDatabaseAtRest,
} from '../../node/at-rest-migration.ts'
import { TransferStore } from '../../node/attachments/transfer-store.ts'
import { SearchIndex } from '../../node/conversations/search-index.ts'
import { FriendStore } from '../../node/friends/friend-store.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { HiddenKeyNames } from '../../node/key-names.ts'
import { MessageStore } from '../../node/messaging/message-store.ts'
import { RoomStore } from '../../node/rooms/room-store.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { findOnDisk } from '../helpers/disk-scan.ts'
import { writeHistoryText } from '../helpers/plain-history.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PEER = 'ab'.repeat(32)
const ROOM = 'cd'.repeat(32)
const FRIEND_PEER_ID = '12D3KooWJPHzy8AKaZUCNUkjCW4Zoid1XkLjirSQDxBAAM1nEKDG'
const PEER_STORE_ID = 'bafzaajaiaejcbzdibmxyzdjbzygrhmcuq3lxgfwbkbxrkzvt3rpfqrhxxyhsdaq'
const PEER_RECORD = new TextEncoder().encode('/ip4/192.0.2.7/tcp/4001 walnut-orchard')
const SHA = 'ef'.repeat(32)
const SECRETS = [
  'pineapple',
  'quixotic',
  'zanzibar-cat',
  'secret-plans.pdf',
  'tangerine-seed',
  SHA,
  PEER,
  ROOM,
  FRIEND_PEER_ID,
  PEER_STORE_ID,
  'walnut-orchard',
]

let dir: Awaited<ReturnType<typeof makeTempDir>>
let storage: Storage | undefined
const identity = generateIdentity()

beforeEach(async () => {
  dir = await makeTempDir('tokenim-migrate-')
})

afterEach(async () => {
  await storage?.close()
  storage = undefined
  await dir.remove()
})

/** A data dir as the node wrote it before sealing: plain values, plain tokens and hashes. */
async function writeLegacyDataDir(): Promise<void> {
  const legacy = await openStorage(dir.path)
  await writeHistoryText(legacy, PEER, 'pineapple quixotic')
  const index = new SearchIndex(legacy.sublevel('conversations'))
  await legacy
    .sublevel('conversations')
    .batch(await index.addOps([{ doc: `p:${PEER}/1`, text: 'pineapple quixotic', at: 2 }]))
  await new FriendStore(legacy.sublevel('friends')).write([
    { table: 'friends', key: PEER, value: { since: 1, requestId: '01', name: 'zanzibar-cat' } },
  ])
  await new RoomStore(legacy.sublevel('rooms')).write([
    RoomStore.meta({ roomId: ROOM, joined: true, inviteSeed: 'tangerine-seed', readLamport: 0 }),
    RoomStore.text(ROOM, 'e1', 'quixotic'),
  ])
  await new TransferStore(legacy.sublevel('attachments')).putFileInfo(SHA, {
    mime: 'application/pdf',
    name: 'secret-plans.pdf',
    size: 10,
  })
  await legacy.sublevel('directory').put(`reg!${FRIEND_PEER_ID}`, new TextEncoder().encode('{}'))
  // libp2p's peer store, as it was kept before: the peer's id in the key, its addresses.
  await legacy.datastore.put(new Key(`/peers/${PEER_STORE_ID}`), PEER_RECORD)
  await legacy.close()
}

/** The raw keys of every app sublevel, as LevelDB holds them. */
async function rawKeys(): Promise<string[]> {
  const { Level } = await import('level')
  const db = new Level<string, Uint8Array>(dir.path, { valueEncoding: 'view' })
  await db.open()
  const keys = await db.keys().all()
  await db.close()
  return keys.filter(
    (key) => !key.startsWith('!libp2p!') && !key.startsWith(`!${LEGACY_META_SUBLEVEL}!`),
  )
}

/** Marks passes done, as the releases that sealed did in format 1. */
async function markDone(markers: string[]): Promise<void> {
  const { Level } = await import('level')
  const db = new Level<string, Uint8Array>(dir.path, { valueEncoding: 'view' })
  const meta = db.sublevel<string, Uint8Array>(LEGACY_META_SUBLEVEL, { valueEncoding: 'view' })
  for (const marker of markers) await meta.put(marker, new TextEncoder().encode('v1'))
  await db.close()
}

describe('sealing a database written before sealing (format 1 to 2)', () => {
  it('re-writes every record sealed, reads it back, leaves no plaintext', async () => {
    await writeLegacyDataDir()
    // The scan sees what a legacy dir holds: the control for the assertion below.
    expect((await findOnDisk(dir.path, SECRETS)).map((hit) => hit.needle)).toEqual(
      expect.arrayContaining(SECRETS),
    )

    const result = await sealDatabaseAtRest(dir.path, identity)
    expect(result.sealed).toBe(7)
    expect(result.dropped).toBeGreaterThan(0)
    storage = await openStorage(dir.path, { identity })
    const history = await new MessageStore(storage.sublevel('messaging')).history(PEER, 1)
    expect(history?.text).toBe('pineapple quixotic')
    const friends = new FriendStore(storage.sublevel('friends'))
    await friends.load()
    expect(friends.get('friends', PEER)?.name).toBe('zanzibar-cat')
    const room = await new RoomStore(storage.sublevel('rooms')).load(ROOM)
    expect(room?.texts.get('e1')).toBe('quixotic')
    expect(room?.meta.inviteSeed).toBe('tangerine-seed')
    expect(await storage.datastore.get(new Key(`/peers/${PEER_STORE_ID}`))).toEqual(PEER_RECORD)
    const info = await new TransferStore(storage.sublevel('attachments')).fileInfo(SHA)
    expect(info?.name).toBe('secret-plans.pdf')
    // The index is dropped, to be rebuilt from the history by its owner on start.
    expect(await new SearchIndex(storage.sublevel('conversations')).has(`p:${PEER}/1`)).toBe(false)
    await storage.close()
    storage = undefined

    expect(await findOnDisk(dir.path, SECRETS)).toEqual([])
  })

  it('skips the passes a sealing release marked done, keeps the sealed index, drops the markers', async () => {
    await writeLegacyDataDir()
    await sealDatabaseAtRest(dir.path, identity)
    storage = await openStorage(dir.path, { identity })
    const index = new SearchIndex(storage.sublevel('conversations'))
    await storage
      .sublevel('conversations')
      .batch(await index.addOps([{ doc: `p:${PEER}/1`, text: 'pineapple quixotic', at: 2 }]))
    await storage.close()
    storage = undefined
    await markDone([SEALED_MARKER, NAMES_HIDDEN_MARKER, LIBP2P_SEALED_MARKER])

    expect(await sealDatabaseAtRest(dir.path, identity)).toEqual({
      sealed: 0,
      dropped: 0,
      renamed: 0,
    })
    storage = await openStorage(dir.path, { identity })
    expect(await new SearchIndex(storage.sublevel('conversations')).has(`p:${PEER}/1`)).toBe(true)
    await storage.close()
    storage = undefined
    const { Level } = await import('level')
    const db = new Level<string, Uint8Array>(dir.path, { valueEncoding: 'view' })
    expect(await db.sublevel(LEGACY_META_SUBLEVEL).keys().all()).toEqual([])
    await db.close()
  })

  it('hides the names of peers and rooms in the keys of a database sealed before names were hidden', async () => {
    await writeLegacyDataDir()
    await sealDatabaseAtRest(dir.path, identity)
    // Back to that release's format: sealed values, names in the clear in keys.
    const names = new HiddenKeyNames(identity)
    const { Level } = await import('level')
    const db = new Level<string, Uint8Array>(dir.path, { valueEncoding: 'view' })
    for await (const [key, value] of db.iterator({ gt: '!', lt: '"' })) {
      if (names.reveal(key) !== key)
        await db.batch([
          { type: 'del', key },
          { type: 'put', key: names.reveal(key), value },
        ])
    }
    await db.close()
    await markDone([SEALED_MARKER, LIBP2P_SEALED_MARKER])
    const before = (await rawKeys()).join('\n')
    expect(before).toContain(PEER)
    expect(before).toContain(ROOM)
    expect(before).toContain(FRIEND_PEER_ID)

    expect(await sealDatabaseAtRest(dir.path, identity)).toMatchObject({ sealed: 0, renamed: 5 })
    storage = await openStorage(dir.path, { identity })
    expect((await new MessageStore(storage.sublevel('messaging')).history(PEER, 1))?.text).toBe(
      'pineapple quixotic',
    )
    const friends = new FriendStore(storage.sublevel('friends'))
    await friends.load()
    expect(friends.get('friends', PEER)?.name).toBe('zanzibar-cat')
    expect((await new RoomStore(storage.sublevel('rooms')).load(ROOM))?.texts.get('e1')).toBe(
      'quixotic',
    )
    expect(await storage.sublevel('directory').keys().all()).toEqual([`reg!${FRIEND_PEER_ID}`])
    await storage.close()
    storage = undefined
    const after = (await rawKeys()).join('\n')
    for (const name of [PEER, ROOM, FRIEND_PEER_ID]) expect(after).not.toContain(name)
    expect(await findOnDisk(dir.path, SECRETS)).toEqual([])
  })
})
