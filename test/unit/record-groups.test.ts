import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { SealedRecordError } from '../../node/errors.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import type { RecordLevel } from '../../node/record-level.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const utf8 = new TextEncoder()
const text = (value: Uint8Array | undefined) =>
  value == null ? undefined : new TextDecoder().decode(value)

let dir: Awaited<ReturnType<typeof makeTempDir>>
let storage: Storage
let db: RecordLevel
const identity = generateIdentity()
const peer = 'ab'.repeat(32)

beforeEach(async () => {
  dir = await makeTempDir('tokenim-groups-')
  storage = await openStorage(dir.path, { identity })
  db = storage.sublevel('messaging')
})

afterEach(async () => {
  await storage.close()
  await dir.remove()
})

const key = (index: number) => `h/${peer}/${String(index).padStart(12, '0')}`
const words = (index: number) => `text number ${index} about the harbour`

/** Writes texts `from..to` in one batch, as a burst of messages is written; `fresh`: new keys. */
async function writeTexts(from: number, to: number, fresh = true): Promise<void> {
  const ops = []
  for (let i = from; i <= to; i++) {
    ops.push({ type: 'put' as const, key: key(i), value: utf8.encode(words(i)), fresh })
  }
  await db.batch(ops)
}

async function groups(): Promise<Array<[string, Uint8Array]>> {
  return db.groups!.raw.iterator().all()
}

async function stored(name: string): Promise<Uint8Array | undefined> {
  const [value] = await db.raw.getMany([db.names.hide(name)])
  return value
}

describe('records written together', () => {
  it('share one seal, and read back by key, by range and after a restart', async () => {
    await writeTexts(1, 5)
    const [group, ...more] = await groups()
    expect(more).toEqual([])
    // Each key holds a pointer into the one sealed group, which names no word in the clear.
    for (let i = 1; i <= 5; i++) expect((await stored(key(i)))?.length).toBe(9)
    expect(Buffer.from(group[1]).toString()).not.toMatch(/harbour/)
    expect(text(await db.get(key(3)))).toBe(words(3))
    expect((await db.getMany([key(5), key(9), key(1)])).map(text)).toEqual([
      words(5),
      undefined,
      words(1),
    ])
    const page = await db
      .iterator({ gt: `h/${peer}/`, lt: `h/${peer}/~`, reverse: true, limit: 2 })
      .all()
    expect(page.map(([k, v]) => [k, text(v)])).toEqual([
      [key(5), words(5)],
      [key(4), words(4)],
    ])
    await storage.close()
    storage = await openStorage(dir.path, { identity })
    db = storage.sublevel('messaging')
    const all = await db.values({ gt: `h/${peer}/`, lt: `h/${peer}/~` }).all()
    expect(all.map(text)).toEqual([1, 2, 3, 4, 5].map(words))
  })

  it('read back every record of a thousand groups (ids and nonces come from one random pool)', async () => {
    for (let i = 1; i <= 2000; i += 2) await writeTexts(i, i + 1)
    const all = await db.values({ gt: `h/${peer}/`, lt: `h/${peer}/~` }).all()
    expect(all.map(text)).toEqual(Array.from({ length: 2000 }, (_, i) => words(i + 1)))
  })

  it('know which group a record lately written is in; after a restart, read its pointer', async () => {
    const pointersRead = vi.spyOn(db.raw, 'getMany')
    const overwrite = () =>
      db.batch(
        [1, 2, 3, 4].map((i) => ({
          type: 'put' as const,
          key: key(i),
          value: utf8.encode(`${i}`),
        })),
      )
    await writeTexts(1, 4)
    for (let round = 0; round < 2; round++) {
      await overwrite()
      // Each overwrite drops the group the one before made: it knew where each record was.
      expect(await groups()).toHaveLength(1)
    }
    expect(pointersRead).not.toHaveBeenCalled()
    await storage.close()
    storage = await openStorage(dir.path, { identity })
    db = storage.sublevel('messaging')
    const readAfterRestart = vi.spyOn(db.raw, 'getMany')
    const [[before]] = await groups()
    await overwrite()
    expect(readAfterRestart).toHaveBeenCalledTimes(1)
    const after = await groups()
    expect(after.map(([id]) => id)).not.toContain(before)
    expect(after).toHaveLength(1)
    expect(text(await db.get(key(4)))).toBe('4')
  })

  it('seal a lone record alone, and other keys as before', async () => {
    await db.batch([
      { type: 'put', key: key(1), value: utf8.encode(words(1)) },
      { type: 'put', key: `c/${peer}`, value: utf8.encode('{}') },
      { type: 'put', key: `c/${'cd'.repeat(32)}`, value: utf8.encode('{}') },
    ])
    expect(await groups()).toEqual([])
    expect((await stored(key(1)))!.length).toBeGreaterThan(28)
    expect(text(await db.get(key(1)))).toBe(words(1))
  })

  it('drop a group in the write that replaces every record of it', async () => {
    await writeTexts(1, 4)
    const [[firstId]] = await groups()
    await db.batch(
      [1, 2, 3, 4].map((i) => ({
        type: 'put' as const,
        key: key(i),
        value: utf8.encode(`${words(i)} (read)`),
      })),
    )
    const after = await groups()
    expect(after.map(([id]) => id)).not.toContain(firstId)
    expect(after).toHaveLength(1)
    expect(text(await db.get(key(2)))).toBe(`${words(2)} (read)`)
  })

  it('take deleted words out of the group before the delete returns', async () => {
    await writeTexts(1, 3)
    const [[id, before]] = await groups()
    await db.del(key(2))
    const [[sameId, after]] = await groups()
    expect(sameId).toBe(id)
    expect(before.length - after.length).toBeGreaterThanOrEqual(words(2).length)
    expect(await db.get(key(2))).toBeUndefined()
    expect((await db.getMany([key(1), key(3)])).map(text)).toEqual([words(1), words(3)])
    await db.batch([
      { type: 'del', key: key(1) },
      { type: 'del', key: key(3) },
    ])
    expect(await groups()).toEqual([])
  })

  it('take overwritten words out of the group by the next compaction', async () => {
    await writeTexts(1, 3)
    const [[, before]] = await groups()
    await db.put(key(1), utf8.encode('recalled'))
    await storage.compact()
    const [[, after]] = await groups()
    expect(before.length - after.length).toBeGreaterThanOrEqual(words(1).length)
    expect(text(await db.get(key(1)))).toBe('recalled')
    expect(text(await db.get(key(2)))).toBe(words(2))
  })

  it('take out, after a restart, what a stop left stale before its sweep', async () => {
    await writeTexts(1, 3)
    const [[, before]] = await groups()
    // A delete committed whose sweep never ran: the pointer is gone, the group still full.
    await db.raw.del(db.names.hide(key(2)))
    await storage.close()
    storage = await openStorage(dir.path, { identity })
    db = storage.sublevel('messaging')
    await db.groups!.sweepAll()
    const [[, after]] = await groups()
    expect(before.length - after.length).toBeGreaterThanOrEqual(words(2).length)
    expect((await db.getMany([key(1), key(3)])).map(text)).toEqual([words(1), words(3)])
  })

  it('read a record overwritten while a range was being read', async () => {
    await writeTexts(1, 6)
    const iterator = db.iterator({ gt: `h/${peer}/`, lt: `h/${peer}/~` })
    const first = await iterator.next()
    await writeTexts(1, 6, false)
    await db.del(key(4))
    await storage.compact()
    const rest: string[] = []
    for (let entry = await iterator.next(); entry != null; entry = await iterator.next()) {
      rest.push(text(entry[1])!)
    }
    await iterator.close()
    expect(text(first?.[1])).toBe(words(1))
    expect(rest).toEqual([2, 3, 5, 6].map(words))
  })

  it('refuse a pointer moved to another key, a group moved, and a group gone', async () => {
    await writeTexts(1, 2)
    await writeTexts(3, 4)
    const groupOf = async (index: number) =>
      Buffer.from((await stored(key(index)))!.subarray(0, 8)).toString('hex')
    const [first, second] = [await groupOf(1), await groupOf(3)]
    await db.raw.put(db.names.hide(key(2)), (await stored(key(1)))!)
    await expect(db.get(key(2))).rejects.toThrow(SealedRecordError)
    // The first group's sealed bytes put under the second's id (read after a restart).
    await db.groups!.raw.put(second, (await db.groups!.raw.get(first))!)
    await storage.close()
    storage = await openStorage(dir.path, { identity })
    db = storage.sublevel('messaging')
    await expect(db.get(key(3))).rejects.toThrow(SealedRecordError)
    await db.groups!.raw.del(first)
    await expect(db.get(key(1))).rejects.toThrow(SealedRecordError)
  })

  it('open under no other identity', async () => {
    await writeTexts(1, 2)
    await storage.close()
    storage = await openStorage(dir.path, { identity: generateIdentity() })
    db = storage.sublevel('messaging')
    await expect(db.values({ gt: 'h/', lt: 'h/~' }).all()).rejects.toThrow(SealedRecordError)
  })

  it('are not grouped in an unsealed database', async () => {
    const plain = await makeTempDir('tokenim-groups-plain-')
    const unsealed = await openStorage(plain.path)
    try {
      const level = unsealed.sublevel('messaging')
      expect(level.groups).toBeUndefined()
      await level.batch([
        { type: 'put', key: key(1), value: utf8.encode(words(1)) },
        { type: 'put', key: key(2), value: utf8.encode(words(2)) },
      ])
      expect(text(await level.raw.get(key(1)))).toBe(words(1))
    } finally {
      await unsealed.close()
      await plain.remove()
    }
  })
})
