import { describe, expect, it } from 'vitest'
import { type BatchOp, DurableWriter } from '../../node/messaging/durable-writer.ts'
import type { AppLevel } from '../../node/storage.ts'

const put = (key: string): BatchOp => ({ type: 'put', key, value: new Uint8Array([1]) })

describe('messaging durability: group commit in the writer', () => {
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
