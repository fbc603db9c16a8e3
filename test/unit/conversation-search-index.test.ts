import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { InvalidSearchQueryError, SearchIndex } from '../../node/conversations/index.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

let dir: Awaited<ReturnType<typeof makeTempDir>>
let storage: Storage
let index: SearchIndex

beforeEach(async () => {
  dir = await makeTempDir('tokenim-index-')
  // Sealed, as on a node: tokens are blinded in the keys.
  storage = await openStorage(dir.path, { identity: generateIdentity() })
  index = new SearchIndex(storage.sublevel('conversations'))
})

afterEach(async () => {
  await storage.close()
  await dir.remove()
})

async function add(docs: Array<{ doc: string; text: string; at: number; extra?: unknown }>) {
  await storage.sublevel('conversations').batch(await index.addOps(docs))
}

describe('search index', () => {
  it('finds documents containing every query word, newest first', async () => {
    await add([
      { doc: 'p:aa/1', text: 'lunch at noon?', at: 1000 },
      { doc: 'p:aa/2', text: 'Lunch tomorrow then', at: 2000 },
      { doc: 'p:bb/1', text: 'no lunch today, tomorrow maybe', at: 3000 },
      { doc: 'r:cc/x', text: 'dinner tomorrow', at: 4000, extra: { roomId: 'cc' } },
    ])
    expect((await index.search('lunch')).hits.map((h) => h.doc)).toEqual([
      'p:bb/1',
      'p:aa/2',
      'p:aa/1',
    ])
    expect((await index.search('TOMORROW lunch')).hits.map((h) => h.doc)).toEqual([
      'p:bb/1',
      'p:aa/2',
    ])
    const [room] = (await index.search('dinner')).hits
    expect(room).toEqual({ doc: 'r:cc/x', at: 4000, extra: { roomId: 'cc' } })
    expect((await index.search('breakfast')).hits).toEqual([])
    expect((await index.search('lunch breakfast')).hits).toEqual([])
  })

  it('pages with a cursor and reports the end', async () => {
    await add(
      Array.from({ length: 25 }, (_, i) => ({
        doc: `p:aa/${String(i).padStart(3, '0')}`,
        text: `status report number ${i}${i % 2 === 0 ? ' even' : ''}`,
        at: 10_000 + i,
      })),
    )
    const seen: string[] = []
    let before: string | undefined
    let pages = 0
    do {
      const page = await index.search('report even', { limit: 5, before })
      seen.push(...page.hits.map((hit) => hit.doc))
      before = page.next ?? undefined
      pages++
    } while (before != null)
    const evens = Array.from({ length: 13 }, (_, k) => 24 - 2 * k).map(
      (i) => `p:aa/${String(i).padStart(3, '0')}`,
    )
    expect(seen).toEqual(evens)
    expect(pages).toBe(3)
  })

  it('removes a document, a conversation, and re-indexes a changed one', async () => {
    await add([
      { doc: 'p:aa/1', text: 'alpha beta', at: 1 },
      { doc: 'p:aa/2', text: 'alpha gamma', at: 2 },
      { doc: 'p:bb/1', text: 'alpha delta', at: 3 },
    ])
    const db = storage.sublevel('conversations')
    await db.batch(await index.removeOps(['p:bb/1', 'p:zz/9']))
    expect((await index.search('alpha')).hits.map((h) => h.doc)).toEqual(['p:aa/2', 'p:aa/1'])
    await add([{ doc: 'p:aa/2', text: 'omega', at: 2 }])
    expect((await index.search('gamma')).hits).toEqual([])
    expect((await index.search('omega')).hits.map((h) => h.doc)).toEqual(['p:aa/2'])
    await db.batch(await index.removePrefixOps('p:aa/'))
    expect((await index.search('alpha')).hits).toEqual([])
    expect((await index.search('omega')).hits).toEqual([])
    const left: string[] = []
    for await (const key of db.keys()) left.push(key)
    expect(left).toEqual([])
  })

  it('keeps no word in its keys or values: tokens are blinded, entries sealed', async () => {
    await add([{ doc: 'p:aa/1', text: 'secretive rendezvous', at: 1 }])
    const raw = storage.sublevel('conversations').raw
    let seen = ''
    for await (const [key, value] of raw.iterator()) seen += key + Buffer.from(value).toString()
    expect(seen).toContain('p:aa/1')
    expect(seen).not.toMatch(/secretive|rendezvous/)
    expect((await index.search('rendezvous')).hits.map((h) => h.doc)).toEqual(['p:aa/1'])
  })

  it('refuses a query without words', async () => {
    await expect(index.search(' ?! ')).rejects.toBeInstanceOf(InvalidSearchQueryError)
  })
})
