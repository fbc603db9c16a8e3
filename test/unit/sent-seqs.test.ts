/**
 * The read-receipt lookup of messaging's store (r/ records) on a real, sealed LevelDB: our
 * texts sent in one write share one record, and records of the older form (one per text,
 * as releases before wrote them) are read alike, mixed with the new.
 */
import { afterEach, describe, expect, it } from 'vitest'
import { generateIdentity } from '../../node/identity/index.ts'
import { MessageStore } from '../../node/messaging/message-store.ts'
import { openStorage, type Storage } from '../../node/storage.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'

const cleanups: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

async function sealedStore(): Promise<{ storage: Storage; store: MessageStore }> {
  const dir = await makeTempDir()
  const storage = await openStorage(dir.path, { identity: generateIdentity() })
  cleanups.push(
    () => dir.remove(),
    () => storage.close(),
  )
  return { storage, store: new MessageStore(storage.sublevel('messaging')) }
}

const peer = 'ab'.repeat(32)
const encoder = new TextEncoder()

describe('sent seqs (read receipts)', () => {
  it('keeps the texts of one write in one record, and finds each by its seq', async () => {
    const { storage, store } = await sealedStore()
    const db = storage.sublevel('messaging')
    // Seqs 1-3 in one write (indexes interleaved with received texts), 4-5 in the next.
    await db.batch([
      store.sentSeqsOp(peer, [
        [1, 1],
        [2, 3],
        [3, 4],
      ]),
    ])
    await db.batch([
      store.sentSeqsOp(peer, [
        [4, 7],
        [5, 9],
      ]),
    ])
    expect(await db.keys({ gt: `r/${peer}/`, lt: `r/${peer}/~` }).all()).toHaveLength(2)
    expect(await store.sentIndexes(peer, 0, 5)).toEqual([1, 3, 4, 7, 9])
    expect(await store.sentIndexes(peer, 1, 4)).toEqual([3, 4, 7])
    expect(await store.sentIndexes(peer, 3, 4)).toEqual([7])
    expect(await store.sentIndexes(peer, 2, 2)).toEqual([])
    expect(await store.sentIndexes(peer, 5, 9)).toEqual([])
    expect(await store.sentIndexes('cd'.repeat(32), 0, 5)).toEqual([])
  })

  it('reads records of the older form, one text each, beside those of the new', async () => {
    const { storage, store } = await sealedStore()
    const db = storage.sublevel('messaging')
    // As releases before wrote them: r/<peer>/<seq> holding the index alone.
    await db.batch(
      [
        [1, 2],
        [2, 5],
      ].map(([seq, index]) => ({
        type: 'put' as const,
        key: `r/${peer}/${String(seq).padStart(12, '0')}`,
        value: encoder.encode(String(index)),
      })),
    )
    await db.batch([
      store.sentSeqsOp(peer, [
        [3, 6],
        [4, 8],
      ]),
    ])
    expect(await store.sentIndexes(peer, 0, 4)).toEqual([2, 5, 6, 8])
    expect(await store.sentIndexes(peer, 1, 3)).toEqual([5, 6])
  })
})
