import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { META_SUBLEVEL, SEALED_MARKER_KEY } from '../../node/at-rest-migration.ts'
import { TransferStore } from '../../node/attachments/transfer-store.ts'
import { SearchIndex } from '../../node/conversations/search-index.ts'
import { FriendStore } from '../../node/friends/friend-store.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { MessageStore } from '../../node/messaging/message-store.ts'
import { RoomStore } from '../../node/rooms/room-store.ts'
import { openStorage, rawSublevel, type Storage } from '../../node/storage.ts'
import { findOnDisk } from '../helpers/disk-scan.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const PEER = 'ab'.repeat(32)
const ROOM = 'cd'.repeat(16)
const SHA = 'ef'.repeat(32)
const SECRETS = ['pineapple', 'quixotic', 'zanzibar-cat', 'secret-plans.pdf', 'tangerine-seed', SHA]

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
  await legacy.close()
}

describe('sealing a data dir written before sealing', () => {
  it('re-writes every record sealed on the first unlock, reads it back, leaves no plaintext', async () => {
    await writeLegacyDataDir()
    // The scan sees what a legacy dir holds: the control for the assertion below.
    expect((await findOnDisk(dir.path, SECRETS)).map((hit) => hit.needle)).toEqual(
      expect.arrayContaining(SECRETS),
    )

    storage = await openStorage(dir.path, { identity })
    expect(storage.migration).toMatchObject({ ran: true, sealed: 5 })
    expect(storage.migration.dropped).toBeGreaterThan(0)
    const history = await new MessageStore(storage.sublevel('messaging')).history(PEER, 1)
    expect(history?.text).toBe('pineapple quixotic')
    const friends = new FriendStore(storage.sublevel('friends'))
    await friends.load()
    expect(friends.get('friends', PEER)?.name).toBe('zanzibar-cat')
    const room = await new RoomStore(storage.sublevel('rooms')).load(ROOM)
    expect(room?.texts.get('e1')).toBe('quixotic')
    expect(room?.meta.inviteSeed).toBe('tangerine-seed')
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
})
