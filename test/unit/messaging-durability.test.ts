import { describe, expect, it } from 'vitest'
import { type BatchOp, DurableWriter } from '../../node/messaging/durable-writer.ts'
import { type LaneState, PeerLane } from '../../node/messaging/peer-lane.ts'
import { PeerSessions } from '../../node/messaging/peer-sessions.ts'
import type { AppLevel } from '../../node/storage.ts'

function recordingLane() {
  const commits: Array<{ ops: BatchOp[]; sync: boolean }> = []
  const lane = new PeerLane(new Uint8Array(32), 'peer', {
    load: async () =>
      ({
        conversation: {},
        conversationIsNew: false,
        sessions: new PeerSessions(),
        held: new Map(),
        recentHistory: new Map(),
        unackedHistory: new Map(),
      }) as unknown as LaneState,
    finish: () => [],
    commit: async (ops, { sync }) => {
      commits.push({ ops, sync })
    },
    onAfterError: () => undefined,
  })
  return { lane, commits }
}

const put = (key: string): BatchOp => ({ type: 'put', key, value: new Uint8Array([1]) })

describe('messaging durability: which writes are synced', () => {
  it('syncs a batch unless every job in it waived it and no session moved', async () => {
    const { lane, commits } = recordingLane()
    await lane.run(async (tx) => void tx.ops.push(put('a')))
    await lane.run(async (tx) => void tx.ops.push(put('b')), { sync: false })
    await lane.run(
      async (tx) => {
        tx.ops.push(put('c'))
        tx.sessionsDirty = true
      },
      { sync: false },
    )
    // Queued together while nothing runs: one batch, synced because one job asks for it.
    await Promise.all([
      lane.run(async (tx) => void tx.ops.push(put('d')), { sync: false }),
      lane.run(async (tx) => void tx.ops.push(put('e'))),
    ])
    expect(commits.map(({ ops, sync }) => [ops.map((op) => op.key).join(''), sync])).toEqual([
      ['a', true],
      ['b', false],
      ['c', true],
      ['de', true],
    ])
  })

  it('merges writes queued during a flush and syncs them if any asks for it', async () => {
    const batches: Array<{ keys: string[]; sync: boolean }> = []
    let release: () => void = () => undefined
    const db = {
      batch: async (ops: BatchOp[], options: { sync: boolean }) => {
        batches.push({ keys: ops.map((op) => op.key), sync: options.sync })
        if (batches.length === 1) await new Promise<void>((resolve) => (release = resolve))
      },
    } as unknown as AppLevel
    const writer = new DurableWriter(db)
    const first = writer.write([put('a')], { sync: false })
    const queued = [writer.write([put('b')], { sync: false }), writer.write([put('c')])]
    release()
    await Promise.all([first, ...queued])
    expect(batches).toEqual([
      { keys: ['a'], sync: false },
      { keys: ['b', 'c'], sync: true },
    ])
    const unsyncedNode = new DurableWriter(db, { sync: false })
    await unsyncedNode.write([put('d')])
    expect(batches.at(-1)).toEqual({ keys: ['d'], sync: false })
  })
})

describe('messaging lanes: group commit', () => {
  it('commits the jobs queued in one turn together, though they arrive microtasks apart', async () => {
    const { lane, commits } = recordingLane()
    const runs: Array<Promise<unknown>> = []
    // The frames of one network read reach the lane one microtask after another.
    for (const key of ['a', 'b', 'c']) {
      runs.push(lane.run(async (tx) => void tx.ops.push(put(key))))
      await Promise.resolve()
    }
    await Promise.all(runs)
    expect(commits.map(({ ops }) => ops.map((op) => op.key).join(''))).toEqual(['abc'])
  })

  it('slices a burst into batches of at most 256 jobs, run in order', async () => {
    const { lane, commits } = recordingLane()
    const keys = Array.from({ length: 600 }, (_, i) => `k${i}`)
    await Promise.all(keys.map((key) => lane.run(async (tx) => void tx.ops.push(put(key)))))
    expect(commits.map(({ ops }) => ops.length)).toEqual([256, 256, 88])
    expect(commits.flatMap(({ ops }) => ops.map((op) => op.key))).toEqual(keys)
  })
})
