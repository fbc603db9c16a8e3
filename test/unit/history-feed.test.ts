/**
 * Messaging's history feed on real LevelDB: entries go in the write that holds their records,
 * readers take each once across stops and restarts, and what every reader passed is deleted.
 */
import { afterEach, describe, expect, it } from 'vitest'
import type { DurableOp } from '../../node/messaging/durable-writer.ts'
import { FEED_ENTRY_CHANGES } from '../../node/messaging/history-feed.ts'
import { FeedFollower, type HistoryChange } from '../../node/messaging/index.ts'
import { type HistoryRecord, MessageStore } from '../../node/messaging/message-store.ts'
import type { RecordBatchOp } from '../../node/record-level.ts'
import { RecordLevel } from '../../node/record-level.ts'
import { type AppLevel, rawSublevel } from '../../node/storage.ts'
import { cleanUp, setup, type TestPeer, waitForState } from '../helpers/pipeline-peers.ts'
import { testLogger } from '../helpers/test-logger.ts'

afterEach(cleanUp)

/** A consumer that writes one record of its own per entry, with its watermark. */
function consumer(peer: TestPeer, name: string) {
  const own = new RecordLevel(rawSublevel(peer.root, `consumer-${name}`))
  const taken: string[] = []
  const follower = new FeedFollower({
    feed: peer.pipeline.feed,
    name,
    pageSize: 2,
    log: testLogger,
    take: async (entries: HistoryChange[]) => {
      const ops: RecordBatchOp[] = []
      for (const entry of entries) {
        const label =
          entry.kind === 'cleared'
            ? 'cleared'
            : `${entry.kind === 'changed' ? 'changed ' : ''}${entry.record.text}`
        taken.push(label)
        ops.push({ type: 'put', key: `${entry.seq}`, value: new Uint8Array([1]), sublevel: own })
      }
      return ops
    },
  })
  return { follower, taken, own }
}

async function feedKeys(peer: TestPeer): Promise<string[]> {
  return peer.db.keys({ gt: 'f/', lt: 'f/~' }).all()
}

/** History records at `indexes` of a conversation with `peerHex`, written with no feed entry. */
function historyOps(peer: TestPeer, peerHex: string, indexes: number[]): DurableOp[] {
  const store = new MessageStore(peer.db)
  return indexes.map((index) => {
    const record: HistoryRecord = {
      id: index.toString(16).padStart(32, '0'),
      direction: 'in',
      seq: index,
      text: `text ${index}`,
      sentAt: index,
      storedAt: index,
    }
    return store.historyOp(peerHex, index, record)
  })
}

const encoder = new TextEncoder()

async function send(from: TestPeer, to: TestPeer, texts: string[]): Promise<void> {
  for (const text of texts) {
    const sent = await from.pipeline.send(to.identity.publicKey, text)
    await waitForState(from, sent.id, 'delivered')
  }
}

describe('history feed', () => {
  it('appends in the write that holds the history record: a failed write leaves neither', async () => {
    const { alice, bob } = await setup()
    const batch = alice.db.batch.bind(alice.db) as (...args: unknown[]) => Promise<void>
    let fail = true
    alice.db.batch = (async (ops: DurableOp[], options: unknown) => {
      if (fail && ops.some((op) => op.key.startsWith('h/'))) throw new Error('disk full')
      return batch(ops, options)
    }) as unknown as AppLevel['batch']
    await expect(alice.pipeline.send(bob.identity.publicKey, 'lost')).rejects.toThrow('disk full')
    expect(await feedKeys(alice)).toEqual([])
    expect((await alice.pipeline.history(bob.identity.publicKey)).messages).toEqual([])

    fail = false
    await send(alice, bob, ['kept'])
    const { follower, taken } = consumer(alice, 'search')
    follower.start()
    await follower.catchUp()
    expect(taken).toEqual(['kept'])
    await follower.stop()
  })

  it('a stopped reader catches up after a restart, each entry exactly once, in order', async () => {
    const { alice, bob } = await setup()
    let reader = consumer(bob, 'search')
    reader.follower.start()
    await send(alice, bob, ['one', 'two', 'three'])
    await reader.follower.catchUp()
    expect(reader.taken).toEqual(['one', 'two', 'three'])

    // The consumer stops; history goes on being written; then the node restarts.
    await reader.follower.stop()
    await send(alice, bob, ['four', 'five'])
    await bob.pipeline.send(alice.identity.publicKey, 'six')
    const restarted = await bob.restart()
    reader = consumer(restarted, 'search')
    reader.follower.start()
    await reader.follower.catchUp()
    expect(reader.taken).toEqual(['four', 'five', 'six'])
    // Its own records and its watermark went in one write each page: nothing taken twice.
    expect(await reader.own.keys().all()).toHaveLength(6)
    await reader.follower.stop()

    const again = consumer(await restarted.restart(), 'search')
    again.follower.start()
    await again.follower.catchUp()
    expect(again.taken).toEqual([])
    await again.follower.stop()
  })

  it('carries a cleared history, and skips records gone before they were read', async () => {
    const { alice, bob } = await setup()
    await send(alice, bob, ['gone before read'])
    await bob.pipeline.clearHistory(alice.identity.publicKey)
    await send(alice, bob, ['after the clear'])
    const { follower, taken } = consumer(bob, 'search')
    follower.start()
    await follower.catchUp()
    expect(taken).toEqual(['cleared', 'after the clear'])
    await follower.stop()
  })

  it('hands each record as it is now, though the write that added it was just committed', async () => {
    const { alice, bob } = await setup()
    await send(alice, bob, ['kept', 'deleted', 'edited'])
    const bobKey = bob.identity.publicKey
    const [kept, deleted, edited] = (await alice.pipeline.history(bobKey)).messages
    expect(await alice.pipeline.deleteForMe(bobKey, [deleted!.id])).toEqual({
      deleted: 1,
      files: [],
    })
    await alice.pipeline.act(bobKey, edited!.id, { type: 'edit', text: 'edited again' })
    const { follower, taken } = consumer(alice, 'search')
    follower.start()
    await follower.catchUp()
    expect(kept!.text).toBe('kept')
    // The deleted record is skipped; the edited one reads edited where it was added, too.
    expect(taken).toEqual(['kept', 'edited again', 'changed edited again'])
    await follower.stop()
  })

  it('is trimmed once every reader passed, also one not started again yet', async () => {
    const { alice, bob } = await setup()
    const search = consumer(bob, 'search')
    const files = consumer(bob, 'attachments')
    search.follower.start()
    files.follower.start()
    await send(alice, bob, ['a', 'b', 'c'])
    await Promise.all([search.follower.catchUp(), files.follower.catchUp()])
    await bob.pipeline.stop()
    expect(await feedKeys(bob)).toEqual([])

    // Only one reader runs after the restart: the other's entries stay until it reads them.
    await search.follower.stop()
    await files.follower.stop()
    const restarted = await bob.restart()
    const searchAgain = consumer(restarted, 'search')
    searchAgain.follower.start()
    await send(alice, restarted, ['d', 'e'])
    await searchAgain.follower.catchUp()
    expect(searchAgain.taken).toEqual(['d', 'e'])
    expect(await feedKeys(restarted)).toHaveLength(2)
    const filesAgain = consumer(restarted, 'attachments')
    filesAgain.follower.start()
    await filesAgain.follower.catchUp()
    expect(filesAgain.taken).toEqual(['d', 'e'])
    await restarted.pipeline.stop()
    expect(await feedKeys(restarted)).toEqual([])
    await searchAgain.follower.stop()
    await filesAgain.follower.stop()

    // Seqs go on after a restart with an empty feed: a new entry is above every watermark.
    const third = await restarted.restart()
    const late = consumer(third, 'search')
    late.follower.start()
    await send(alice, third, ['f'])
    await late.follower.catchUp()
    expect(late.taken).toEqual(['f'])
    await late.follower.stop()
  })

  it('starts with the history kept before the feed existed', async () => {
    const { alice, bob } = await setup()
    await send(alice, bob, ['old one', 'old two'])
    // A node of the version before: history, no feed.
    await bob.pipeline.stop()
    await bob.db.clear({ gt: 'f/', lt: 'f/~' })
    await bob.db.del('fv')
    const upgraded = await bob.restart()
    const { follower, taken } = consumer(upgraded, 'search')
    follower.start()
    await follower.catchUp()
    expect(taken).toEqual(['old one', 'old two'])
    await follower.stop()
  })

  it('keeps the changes of one write in one entry, which a reader takes whole', async () => {
    const { alice, bob } = await setup()
    const peerHex = Buffer.from(bob.identity.publicKey).toString('hex')
    const indexes = [1, 2, 3]
    await alice.db.batch([
      ...historyOps(alice, peerHex, indexes),
      ...alice.pipeline.feed.appendOps(
        peerHex,
        indexes.map((index) => ({ kind: 'added' as const, index })),
      ),
    ])
    alice.pipeline.feed.appended()
    expect(await feedKeys(alice)).toHaveLength(1)
    // The consumer asks for 2 changes a page; the entry's 3 come in one page, under one seq.
    const { follower, taken, own } = consumer(alice, 'search')
    follower.start()
    await follower.catchUp()
    expect(taken).toEqual(['text 1', 'text 2', 'text 3'])
    expect(await own.keys().all()).toHaveLength(1)
    await follower.stop()
  })

  it('cuts a long write into entries of a bounded size', async () => {
    const { alice, bob } = await setup()
    const peerHex = Buffer.from(bob.identity.publicKey).toString('hex')
    const changes = Array.from({ length: FEED_ENTRY_CHANGES * 2 + 1 }, (_, i) => ({
      kind: 'added' as const,
      index: i + 1,
    }))
    expect(alice.pipeline.feed.appendOps(peerHex, changes)).toHaveLength(3)
  })

  it('reads entries of the older form, one change each, as releases before wrote them', async () => {
    const { alice, bob } = await setup()
    await send(alice, bob, ['before'])
    const peerHex = Buffer.from(alice.identity.publicKey).toString('hex')
    await bob.pipeline.stop()
    // The last seq taken, then two records each with an entry of its own in the older form.
    const last = Number((await feedKeys(bob)).at(-1)!.slice(2))
    await bob.db.batch([
      ...historyOps(bob, peerHex, [100, 101]),
      ...[100, 101].map((index, i) => ({
        type: 'put' as const,
        key: `f/${String(last + 1 + i).padStart(16, '0')}`,
        value: encoder.encode(JSON.stringify({ kind: 'added', peer: peerHex, index })),
      })),
    ])
    const upgraded = await bob.restart()
    const { follower, taken } = consumer(upgraded, 'search')
    follower.start()
    await follower.catchUp()
    expect(taken).toEqual(['before', 'text 100', 'text 101'])
    await follower.stop()
  })
})
