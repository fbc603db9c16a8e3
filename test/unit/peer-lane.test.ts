/**
 * The lane (peer-lane.ts) on stub hooks: group commit, which batches are synced, and its
 * failure paths: a job that throws, a write that fails, a load that fails, an after-commit
 * action that throws, and waiting for a batch that is mid-commit (what a stop does). The
 * guarantee under test is the one in peer-lane.ts: memory is never ahead of the disk, and
 * nothing acts on a batch that was not committed.
 */
import { describe, expect, it } from 'vitest'
import type { BatchOp, DurableOp } from '../../node/messaging/durable-writer.ts'
import {
  type LaneHooks,
  type LaneState,
  type OutboxItem,
  PeerLane,
  touch,
} from '../../node/messaging/peer-lane.ts'
import { PeerSessions } from '../../node/messaging/peer-sessions.ts'
import { ChangeSignal } from '../helpers/wait.ts'

const put = (key: string): BatchOp => ({ type: 'put', key, value: new Uint8Array([1]) })
const keys = (ops: DurableOp[]) => ops.map((op) => op.key).join('')

/** Told of each write the stub lane starts. */
const writeStarted = new ChangeSignal()

/** A promise the test settles by hand. */
function gate() {
  let open: () => void = () => undefined
  let fail: (err: Error) => void = () => undefined
  const promise = new Promise<void>((resolve, reject) => {
    open = resolve
    fail = reject
  })
  return { promise, open, fail }
}

/** A lane whose every write waits until the test opens or fails it (`writes`, in order). */
function heldWritesLane() {
  const writes: Array<ReturnType<typeof gate>> = []
  const stub = stubLane(async () => {
    const write = gate()
    writes.push(write)
    writeStarted.notify()
    await write.promise
  })
  return { ...stub, writes }
}

/** A lane whose hooks record loads, commits and after-commit errors; `commit` may be replaced. */
function stubLane(commit?: LaneHooks['commit']) {
  const commits: Array<{ ops: string; sync: boolean }> = []
  /** The keys of each commit. */
  const batches: string[][] = []
  const afterErrors: unknown[] = []
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
    commit: async (ops, options) => {
      await commit?.(ops, options)
      commits.push({ ops: keys(ops), sync: options.sync })
      batches.push(ops.map((op) => op.key))
    },
    onAfterError: (err) => afterErrors.push(err),
  })
  return { lane, commits, batches, afterErrors, loads }
}

const item = (id: string): OutboxItem =>
  ({
    entry: { id, slotId: null, resets: 0 },
    envelope: null,
    inFlight: false,
    depositing: false,
  }) as unknown as OutboxItem

describe('peer lane: group commit', () => {
  it('syncs a batch unless every job in it waived it and no session moved', async () => {
    const { lane, commits } = stubLane()
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
    expect(commits).toEqual([
      { ops: 'a', sync: true },
      { ops: 'b', sync: false },
      { ops: 'c', sync: true },
      { ops: 'de', sync: true },
    ])
  })

  it('commits the jobs queued in one turn together, though they arrive microtasks apart', async () => {
    const { lane, commits } = stubLane()
    const runs: Array<Promise<unknown>> = []
    // The frames of one network read reach the lane one microtask after another.
    for (const key of ['a', 'b', 'c']) {
      runs.push(lane.run(async (tx) => void tx.ops.push(put(key))))
      await Promise.resolve()
    }
    await Promise.all(runs)
    expect(commits.map((commit) => commit.ops)).toEqual(['abc'])
  })

  it('slices a burst into batches of at most 256 jobs, run in order', async () => {
    const { lane, batches } = stubLane()
    const keys = Array.from({ length: 600 }, (_, i) => `k${i}`)
    await Promise.all(keys.map((key) => lane.run(async (tx) => void tx.ops.push(put(key)))))
    expect(batches.map((batch) => batch.length)).toEqual([256, 256, 88])
    expect(batches.flat()).toEqual(keys)
  })
})

describe('peer lane: a job that throws', () => {
  it('fails alone: its writes, state and outbox changes are rolled back, the others commit', async () => {
    const { lane, commits, loads } = stubLane()
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
    expect(commits).toEqual([{ ops: 'ac', sync: true }])
    expect(released).toEqual(['bad'])
    expect([...lane.outbox.keys()]).toEqual(['kept'])
    expect(kept.entry.resets).toBe(0)
    // The others ran again on the state read back from the disk, without the failed change.
    expect(loads.count).toBe(2)
    expect(seen).toEqual([1, 2, false])
    expect(lane.state?.conversation).toEqual({ loaded: 2 })
  })

  it('runs the after-commit actions of the other jobs once, not once per run of the batch', async () => {
    const { lane, commits } = stubLane()
    const acted: string[] = []
    const results = await Promise.allSettled([
      lane.run(async (tx) => {
        tx.ops.push(put('a'))
        tx.after.push(() => acted.push('a'))
      }),
      lane.run(async (tx) => {
        tx.after.push(() => acted.push('thrower'))
        throw new Error('bad job')
      }),
      lane.run(async (tx) => {
        tx.ops.push(put('c'))
        tx.after.push(() => acted.push('c'))
      }),
    ])
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    // The first run of the batch was rolled back: its actions (and the thrower's) never run.
    expect(acted).toEqual(['a', 'c'])
    expect(commits).toEqual([{ ops: 'ac', sync: true }])
  })

  it('fails each thrower alone, even when every job of the batch throws, and writes nothing', async () => {
    const { lane, commits, loads } = stubLane()
    const released: number[] = []
    const runs = [1, 2, 3].map((n) =>
      lane.run(async (tx) => {
        tx.ops.push(put(`x${n}`))
        tx.undo.push(() => released.push(n))
        throw new Error(`job ${n}`)
      }),
    )
    const results = await Promise.allSettled(runs)
    expect(results.map((result) => (result as PromiseRejectedResult).reason.message)).toEqual([
      'job 1',
      'job 2',
      'job 3',
    ])
    expect(commits).toEqual([])
    // Each run reached only up to its thrower, and released what it had reserved.
    expect(released).toEqual([1, 2, 3])
    // State read back before each run again: the first load and one per rerun; after the last
    // rollback nothing is left to run, and the state is read when the next job comes.
    expect(loads.count).toBe(3)
    expect(lane.state).toBeUndefined()
  })

  it('takes the next batch from the committed state after a throw', async () => {
    const { lane, commits } = stubLane()
    const first = lane.run(async (_tx, state) => {
      ;(state.conversation as unknown as { dirty: boolean }).dirty = true
      throw new Error('bad job')
    })
    await expect(first).rejects.toThrow('bad job')
    const seen = await lane.run(
      async (_tx, state) => (state.conversation as unknown as { dirty?: boolean }).dirty ?? false,
    )
    expect(seen).toBe(false)
    expect(commits).toEqual([{ ops: '', sync: true }])
  })
})

describe('peer lane: a write that fails', () => {
  it('runs no after-commit action, undoes every reservation, and the lane goes on', async () => {
    let failing = true
    const { lane, commits, loads } = stubLane(async () => {
      if (failing) throw new Error('disk full')
    })
    const kept = item('kept')
    lane.outbox.set('kept', kept)
    const acted: string[] = []
    const released: string[] = []
    const results = await Promise.allSettled([
      lane.run(async (tx) => {
        touch(tx, kept)
        kept.entry.resets = 5
        lane.outbox.delete('kept')
        tx.after.push(() => acted.push('a'))
        tx.undo.push(() => released.push('a'))
      }),
      lane.run(async (tx) => {
        lane.outbox.set('new', item('new'))
        tx.ops.push(put('b'))
        tx.after.push(() => acted.push('b'))
        tx.undo.push(() => released.push('b'))
      }),
    ])
    expect(results.map((result) => (result as PromiseRejectedResult).reason?.message)).toEqual([
      'disk full',
      'disk full',
    ])
    expect(acted).toEqual([])
    expect(released).toEqual(['a', 'b'])
    expect([...lane.outbox.keys()]).toEqual(['kept'])
    expect(kept.entry.resets).toBe(0)
    expect(lane.state).toBeUndefined()
    failing = false
    await lane.run(async (tx) => {
      tx.ops.push(put('c'))
      tx.after.push(() => acted.push('c'))
    })
    expect(acted).toEqual(['c'])
    expect(commits).toEqual([{ ops: 'c', sync: true }])
    expect(loads.count).toBe(2)
  })

  it('fails only the batch whose write failed: jobs queued while it committed commit next', async () => {
    const { lane, commits, writes } = heldWritesLane()
    const first = lane.run(async (tx) => void tx.ops.push(put('a')))
    await writeStarted.until(() => writes.length === 1, 'first write')
    const second = lane.run(async (tx) => void tx.ops.push(put('b')))
    writes[0].fail(new Error('disk full'))
    await expect(first).rejects.toThrow('disk full')
    await writeStarted.until(() => writes.length === 2, 'second write')
    writes[1].open()
    await second
    expect(commits).toEqual([{ ops: 'b', sync: true }])
  })

  it('fails every job queued when the state cannot be loaded, and loads again next time', async () => {
    let loads = 0
    const lane = new PeerLane(new Uint8Array(32), 'peer', {
      load: async () => {
        loads++
        if (loads === 1) throw new Error('cannot read')
        return { conversation: {} } as unknown as LaneState
      },
      finish: () => [],
      commit: async () => undefined,
      onAfterError: () => undefined,
    })
    const results = await Promise.allSettled([lane.run(async () => 'a'), lane.run(async () => 'b')])
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    expect(await lane.run(async () => 'c')).toBe('c')
    expect(loads).toBe(2)
  })
})

describe('peer lane: an after-commit action that throws', () => {
  it('is reported, and neither stops the actions after it nor fails the jobs', async () => {
    const { lane, afterErrors } = stubLane()
    const acted: string[] = []
    const results = await Promise.all([
      lane.run(async (tx) => {
        tx.after.push(() => {
          throw new Error('event handler broke')
        })
        return 'a'
      }),
      lane.run(async (tx) => {
        tx.after.push(() => acted.push('b'))
        return 'b'
      }),
    ])
    expect(results).toEqual(['a', 'b'])
    expect(acted).toEqual(['b'])
    expect(afterErrors.map((err) => (err as Error).message)).toEqual(['event handler broke'])
  })
})

describe('peer lane: a stop mid-batch', () => {
  it('idle() waits for the batch being written and for the jobs queued meanwhile', async () => {
    const { lane, commits, writes } = heldWritesLane()
    const first = lane.run(async (tx) => void tx.ops.push(put('a')))
    await writeStarted.until(() => writes.length === 1, 'first write')
    const second = lane.run(async (tx) => void tx.ops.push(put('b')))
    let idle = false
    const stopped = lane.idle().then(() => {
      idle = true
    })
    writes[0].open()
    await first
    await writeStarted.until(() => writes.length === 2, 'second write')
    // The first batch is on disk, the second is being written: not idle yet.
    expect(idle).toBe(false)
    writes[1].open()
    await stopped
    await second
    expect(commits.map((commit) => commit.ops)).toEqual(['a', 'b'])
    expect(lane.quietFor(0)).toBe(true)
  })
})
