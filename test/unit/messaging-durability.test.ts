import { describe, expect, it } from 'vitest'
import { type BatchOp, DurableWriter } from '../../node/messaging/durable-writer.ts'
import { type LaneState, type OutboxItem, PeerLane, touch } from '../../node/messaging/peer-lane.ts'
import { PeerSessions } from '../../node/messaging/peer-sessions.ts'
import type { AppLevel } from '../../node/storage.ts'

function recordingLane() {
  const commits: Array<{ ops: BatchOp[]; sync: boolean }> = []
  const loads = { count: 0 }
  const lane = new PeerLane(new Uint8Array(32), 'peer', {
    load: async () =>
      ({
        conversation: { loaded: ++loads.count },
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
  return { lane, commits, loads }
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

describe('messaging lanes: a job that throws', () => {
  const item = (id: string): OutboxItem =>
    ({
      entry: { id, slotId: null, resets: 0 },
      envelope: null,
      inFlight: false,
      depositing: false,
    }) as unknown as OutboxItem

  it('fails alone: its writes, state and outbox changes are rolled back, the others commit', async () => {
    const { lane, commits, loads } = recordingLane()
    const kept = item('kept')
    lane.outbox.set('kept', kept)
    const released: string[] = []
    const seen: unknown[] = []
    const runs = [
      lane.run(async (tx, state) => {
        seen.push((state.conversation as unknown as { loaded: number }).loaded)
        tx.ops.push(put('a'))
      }),
      lane.run(async (tx, state) => {
        tx.ops.push(put('bad'))
        tx.undo.push(() => released.push('bad'))
        tx.sessionsDirty = true
        ;(state.conversation as unknown as { changed: boolean }).changed = true
        lane.outbox.delete('kept')
        lane.outbox.set('new', item('new'))
        touch(tx, kept)
        kept.entry.resets++
        throw new Error('the job failed after changing things')
      }),
      lane.run(async (tx, state) => {
        seen.push((state.conversation as unknown as { changed?: boolean }).changed ?? false)
        tx.ops.push(put('c'))
        return 'c done'
      }),
    ]
    const results = await Promise.allSettled(runs)
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason.message).toBe(
      'the job failed after changing things',
    )
    expect((results[2] as PromiseFulfilledResult<unknown>).value).toBe('c done')
    // One commit, without the failed job's write; a session it moved is not written either.
    expect(commits).toEqual([{ ops: [put('a'), put('c')], sync: true }])
    expect(released).toEqual(['bad'])
    expect([...lane.outbox.keys()]).toEqual(['kept'])
    expect(kept.entry.resets).toBe(0)
    // The others ran again on the state read back from the disk, without the failed change.
    expect(loads.count).toBe(2)
    expect(seen).toEqual([1, 2, false])
    expect(lane.state?.conversation).toEqual({ loaded: 2 })
  })

  it('fails its whole batch when the write fails, and rolls the batch back', async () => {
    const lane = new PeerLane(new Uint8Array(32), 'peer', {
      load: async () => ({ conversation: {} }) as unknown as LaneState,
      finish: () => [],
      commit: async () => {
        throw new Error('disk full')
      },
      onAfterError: () => undefined,
    })
    const kept = item('kept')
    lane.outbox.set('kept', kept)
    const results = await Promise.allSettled([
      lane.run(async (tx) => {
        touch(tx, kept)
        kept.entry.slotId = 'slot'
        lane.outbox.set('new', item('new'))
      }),
      lane.run(async (tx) => void tx.ops.push(put('b'))),
    ])
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    expect([...lane.outbox.keys()]).toEqual(['kept'])
    expect(kept.entry.slotId).toBeNull()
    expect(lane.state).toBeUndefined()
  })
})
