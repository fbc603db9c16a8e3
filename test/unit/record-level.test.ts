import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../node/identity/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const utf8 = new TextEncoder()
const text = (value: Uint8Array | undefined) =>
  value == null ? undefined : new TextDecoder().decode(value)

let dir: Awaited<ReturnType<typeof makeTempDir>>
let storage: Storage
const identity = generateIdentity()

beforeEach(async () => {
  dir = await makeTempDir('tokenim-records-')
  storage = await openStorage(dir.path, { identity })
})

afterEach(async () => {
  await storage.close()
  await dir.remove()
})

async function rawEntries(name: string): Promise<Array<[string, Uint8Array]>> {
  const out: Array<[string, Uint8Array]> = []
  for await (const entry of storage.sublevel(name).raw.iterator()) out.push(entry)
  return out
}

describe('sealed sublevels', () => {
  it('read back what they store, and keep no plaintext value on disk', async () => {
    const db = storage.sublevel('messaging')
    await db.put('h/1', utf8.encode('meet me at the old mill'))
    await db.batch([
      { type: 'put', key: 'h/2', value: utf8.encode('bring the map') },
      { type: 'put', key: 'h/3', value: utf8.encode('gone soon') },
      { type: 'del', key: 'h/3' },
    ])
    expect(text(await db.get('h/1'))).toBe('meet me at the old mill')
    expect((await db.getMany(['h/2', 'h/9'])).map(text)).toEqual(['bring the map', undefined])
    const entries: string[] = []
    for await (const [key, value] of db.iterator({ gt: 'h/', lt: 'h/~' })) {
      entries.push(`${key}=${text(value)}`)
    }
    expect(entries).toEqual(['h/1=meet me at the old mill', 'h/2=bring the map'])
    const values: string[] = []
    for await (const value of db.values({ reverse: true, limit: 1 })) values.push(text(value)!)
    expect(values).toEqual(['bring the map'])
    for (const [, value] of await rawEntries('messaging')) {
      expect(Buffer.from(value).toString()).not.toMatch(/mill|map/)
    }
  })

  it('seal an op on another sublevel of a batch under that sublevel', async () => {
    const messaging = storage.sublevel('messaging')
    const prekeys = storage.sublevel('prekeys')
    await messaging.batch([
      { type: 'put', key: 'a', value: utf8.encode('one') },
      { type: 'put', key: 'b', value: utf8.encode('two'), sublevel: prekeys },
    ])
    expect(text(await prekeys.get('b'))).toBe('two')
    expect(await messaging.get('b')).toBeUndefined()
  })

  it('refuse a record read with another identity, with a typed error', async () => {
    await storage.sublevel('friends').put('f/alice', utf8.encode('alice@relay'))
    await storage.close()
    storage = await openStorage(dir.path, { identity: generateIdentity() })
    await expect(storage.sublevel('friends').get('f/alice')).rejects.toMatchObject({
      name: 'SealedRecordError',
      message: expect.stringContaining('Unlock the data dir with the identity that wrote it'),
    })
    const iterate = async () => {
      for await (const _ of storage.sublevel('friends').iterator()) {
        // never reached
      }
    }
    await expect(iterate()).rejects.toMatchObject({ name: 'SealedRecordError' })
  })

  it('refuse a tampered record, and one moved to another key or sublevel', async () => {
    const friends = storage.sublevel('friends')
    await friends.put('f/alice', utf8.encode('alice'))
    await friends.put('f/bob', utf8.encode('bob'))
    const [[, alice]] = await rawEntries('friends')
    // Read once: the layer now remembers it opened, yet altered bytes are still refused.
    expect(text(await friends.get('f/alice'))).toBe('alice')
    const tampered = Uint8Array.from(alice)
    tampered[tampered.length - 1] ^= 1
    await friends.raw.put('f/alice', tampered)
    await expect(friends.get('f/alice')).rejects.toMatchObject({ name: 'SealedRecordError' })
    // Bob's record swapped in under Alice's key, or into another sublevel, does not open.
    await friends.raw.put('f/alice', (await friends.raw.get('f/bob'))!)
    await expect(friends.get('f/alice')).rejects.toMatchObject({ name: 'SealedRecordError' })
    await storage.sublevel('rooms').raw.put('f/bob', (await friends.raw.get('f/bob'))!)
    await expect(storage.sublevel('rooms').get('f/bob')).rejects.toMatchObject({
      name: 'SealedRecordError',
    })
    expect(text(await friends.get('f/bob'))).toBe('bob')
    // A record emptied on disk is refused too; only the search index keeps empty values
    // (its postings) unsealed, and they read back empty.
    await friends.raw.put('f/bob', new Uint8Array(0))
    await expect(friends.get('f/bob')).rejects.toMatchObject({ name: 'SealedRecordError' })
    const index = storage.sublevel('conversations')
    await index.put('t/x', new Uint8Array(0))
    expect((await index.raw.get('t/x'))?.length).toBe(0)
    expect((await index.get('t/x'))?.length).toBe(0)
  })

  it('read back every record while the records remembered opened are forgotten in passes', async () => {
    const db = storage.sublevel('messaging')
    const value = (i: number) => utf8.encode(`record ${i} `.repeat(40))
    // About 2.5 MiB sealed and opened: the remembered records (1 MiB) are forgotten many times.
    const keys = Array.from({ length: 3000 }, (_, i) => `h/${String(i).padStart(6, '0')}`)
    await db.batch(keys.map((key, i) => ({ type: 'put' as const, key, value: value(i) })))
    for (let round = 0; round < 2; round++) {
      const read = await db.getMany(keys)
      expect(read.map(text)).toEqual(keys.map((_, i) => text(value(i))))
    }
    expect(text(await db.get(keys[2999]))).toBe(text(value(2999)))
  })

  it('blind a name the same way each time, per identity and sublevel', async () => {
    const index = storage.sublevel('conversations')
    expect(index.blind('lunch')).toBe(index.blind('lunch'))
    expect(index.blind('lunch')).toMatch(/^[0-9a-f]{32}$/)
    expect(index.blind('lunch')).not.toBe(index.blind('dinner'))
    expect(storage.sublevel('attachments').blind('lunch')).not.toBe(index.blind('lunch'))
    const other = await makeTempDir('tokenim-records-')
    const otherStorage = await openStorage(other.path, { identity: generateIdentity() })
    expect(otherStorage.sublevel('conversations').blind('lunch')).not.toBe(index.blind('lunch'))
    await otherStorage.close()
    await other.remove()
  })

  it('are plain where no identity is given (a relay)', async () => {
    await storage.close()
    storage = await openStorage(dir.path)
    const db = storage.sublevel('directory')
    await db.put('n/alice', utf8.encode('public'))
    expect(text((await rawEntries('directory'))[0][1])).toBe('public')
    expect(db.blind('alice')).toBe('alice')
  })
})
