import { describe, expect, it } from 'vitest'
import {
  firstFreeSlot,
  MAX_SEQUENCE_PROBE,
  type SlotRead,
  scanSlots,
} from '../../node/mailbox/slot-search.ts'
import type { MailboxSlot } from '../../protocol/mailbox.ts'

/** Slots named by their number; `used` ones hold a deposit. Records every read. */
function slotsWith(used: number[]) {
  const reads: number[] = []
  const held = new Set(used)
  const slotAt = (n: number) => ({ slotId: String(n) }) as MailboxSlot
  const read = async (slot: MailboxSlot): Promise<SlotRead> => {
    const n = Number(slot.slotId)
    reads.push(n)
    return held.has(n)
      ? ({ kind: 'deposit', deposit: {}, record: new Uint8Array(0) } as SlotRead)
      : { kind: 'empty' }
  }
  return { reads, slotAt, read }
}

async function scan(
  used: number[],
  range: { start?: number; known?: number[]; end?: number; lookahead: number },
) {
  const { reads, slotAt, read } = slotsWith(used)
  const found: number[] = []
  const batches: number[][] = []
  await scanSlots(
    {
      slotAt,
      start: range.start ?? 0,
      known: new Set(range.known ?? []),
      end: range.end ?? Number.POSITIVE_INFINITY,
      lookahead: range.lookahead,
    },
    read,
    {},
    async (batch) => {
      batches.push(batch.map((entry) => entry.n))
      for (const entry of batch) if (entry.read.kind === 'deposit') found.push(entry.n)
    },
  )
  return { reads: reads.sort((a, b) => a - b), found, batches }
}

describe('scanning mailbox slots', () => {
  it('stops at the first empty slot when the lookahead is 1', async () => {
    const { reads, found } = await scan([0, 1, 2, 4], { lookahead: 1 })
    expect(found).toEqual([0, 1, 2])
    expect(reads).toEqual([0, 1, 2, 3])
  })

  it('reads `lookahead` empty slots past the last used one, so a lost slot hides nothing', async () => {
    const deep = await scan([0, 2, 5], { lookahead: 3 })
    expect(deep.found).toEqual([0, 2, 5])
    expect(deep.reads).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8])
    // Two empty slots in a row end a scan with a lookahead of 2: slot 5 stays unread.
    const shallow = await scan([0, 2, 5], { lookahead: 2 })
    expect(shallow.found).toEqual([0, 2])
    expect(shallow.reads).toEqual([0, 1, 2, 3, 4])
  })

  it('starts at the cursor, skips known slots and never reads at or past `end`', async () => {
    const { reads, found } = await scan([3, 4, 5, 6, 7], {
      start: 3,
      known: [4, 6],
      end: 7,
      lookahead: 2,
    })
    expect(found).toEqual([3, 5])
    expect(reads).toEqual([3, 5])
  })

  it('hands each batch over before reading the next', async () => {
    const { batches } = await scan([0, 1, 2, 3], { lookahead: 2 })
    expect(batches).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ])
  })
})

describe('finding the first free slot', () => {
  it('finds the end of a run of used slots in a logarithmic number of reads', async () => {
    for (const length of [0, 1, 2, 3, 5, 8, 100, 1_000]) {
      let reads = 0
      const free = await firstFreeSlot(async (n) => {
        reads++
        return n < length
      })
      expect(free).toBe(length)
      expect(reads).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(length + 1)) + 2)
    }
  })

  it('gives up galloping past MAX_SEQUENCE_PROBE', async () => {
    const free = await firstFreeSlot(async () => true)
    expect(free).toBeGreaterThan(MAX_SEQUENCE_PROBE)
    expect(free).toBeLessThanOrEqual(2 * MAX_SEQUENCE_PROBE)
  })
})
