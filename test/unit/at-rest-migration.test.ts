import { Key } from 'interface-datastore'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import {
  META_SUBLEVEL,
  NAMES_HIDDEN_MARKER_KEY,
  SEALED_MARKER_KEY,
} from '../../node/at-rest-migration.ts'
import { TransferStore } from '../../node/attachments/transfer-store.ts'
import { SearchIndex } from '../../node/conversations/search-index.ts'
import { FriendStore } from '../../node/friends/friend-store.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { HiddenKeyNames } from '../../node/key-names.ts'
import { MessageStore } from '../../node/messaging/message-store.ts'
import { RoomStore } from '../../node/rooms/room-store.ts'
import { openStorage, rawSublevel, type Storage } from '../../node/storage.ts'
import { findOnDisk } from '../helpers/disk-scan.ts'
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
  const messages = new MessageStore(legacy.sublevel('messaging'))
  await legacy.sublevel('messaging').batch([
    messages.historyOp(PEER, 1, {
      id: 'm1',
      direction: 'in',
      seq: 1,
      text: 'pineapple quixotic',
      sentAt: 1,
      storedAt: 2,
    }),
  ])
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
  return keys.filter((key) => !key.startsWith('!libp2p!') && !key.startsWith(`!${META_SUBLEVEL}!`))
}

describe('sealing a data dir written before sealing', () => {
  it('re-writes every record sealed on the first unlock, reads it back, leaves no plaintext', async () => {
    await writeLegacyDataDir()
    // The scan sees what a legacy dir holds: the control for the assertion below.
    expect((await findOnDisk(dir.path, SECRETS)).map((hit) => hit.needle)).toEqual(
      expect.arrayContaining(SECRETS),
    )

    storage = await openStorage(dir.path, { identity })
    expect(storage.migration).toMatchObject({ ran: true, sealed: 7 })
    expect(storage.migration.dropped).toBeGreaterThan(0)
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

    storage = await openStorage(dir.path, { identity })
    expect(storage.migration.ran).toBe(false)
  })

  it('finishes a migration a crash cut short: sealed records stay, plain ones are sealed', async () => {
    await writeLegacyDataDir()
    storage = await openStorage(dir.path, { identity })
    await storage.sublevel('friends').put('f/extra', new TextEncoder().encode('{"n":1}'))
    // The crash: the marker never written, and a plain record written after the sealed ones.
    await storage.close()
    const { Level } = await import('level')
    const db = new Level<string, Uint8Array>(dir.path, { valueEncoding: 'view' })
    await db.sublevel(META_SUBLEVEL).del(SEALED_MARKER_KEY)
    await rawSublevel(db, 'friends').put('o/late', new TextEncoder().encode('{"note":"hi"}'))
    await db.close()

    storage = await openStorage(dir.path, { identity })
    expect(storage.migration).toMatchObject({ ran: true, sealed: 1 })
    const friends = storage.sublevel('friends')
    expect(new TextDecoder().decode(await friends.get('f/extra'))).toBe('{"n":1}')
    expect(new TextDecoder().decode(await friends.get('o/late'))).toBe('{"note":"hi"}')
    const text = await new MessageStore(storage.sublevel('messaging')).history(PEER, 1)
    expect(text?.text).toBe('pineapple quixotic')
  })

  it('hides the names of peers and rooms in the keys of a dir sealed before names were hidden', async () => {
    await writeLegacyDataDir()
    storage = await openStorage(dir.path, { identity })
    await storage.close()
    storage = undefined
    // Back to the previous release's format: sealed values, names in the clear in keys.
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
    await db.sublevel(META_SUBLEVEL).del(NAMES_HIDDEN_MARKER_KEY)
    await db.close()
    const before = (await rawKeys()).join('\n')
    expect(before).toContain(PEER)
    expect(before).toContain(ROOM)
    expect(before).toContain(FRIEND_PEER_ID)

    storage = await openStorage(dir.path, { identity })
    expect(storage.migration).toMatchObject({ ran: false, renamed: 5 })
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
