import { describe, expect, it } from 'vitest'
import {
  bundleGroups,
  encryptedUnder,
  lowestPendingSeq,
  mayDeposit,
  mayTransmit,
  type OutboxEntryFields,
  type OutboxItemFields,
  reorderOutbox,
  retryPlan,
  textsOf,
  waitingReason,
} from '../../protocol/dm-outbox.ts'
import { MAX_BUNDLE_TEXTS, MAX_DM_PLAINTEXT_SIZE } from '../../protocol/limits.ts'
import { encodeMessageHeader } from '../../protocol/session/message-header.ts'

const NOW = 1_800_000_000_000

function entry(fields: Partial<OutboxEntryFields> & { id: string }): OutboxEntryFields {
  return {
    kind: 'text',
    seq: 0,
    index: 0,
    order: 0,
    content: 'aGk=',
    envelope: null,
    baseKey: null,
    slotId: null,
    resets: 0,
    createdAt: NOW,
    ...fields,
  }
}

function item(
  fields: Partial<OutboxEntryFields> & { id: string },
  state: Partial<Omit<OutboxItemFields, 'entry'>> = {},
): OutboxItemFields {
  return { entry: entry(fields), envelope: null, inFlight: false, depositing: false, ...state }
}

const text = (seq: number, extra: Partial<OutboxEntryFields> = {}) =>
  item({ id: `t${seq}`, seq, index: seq, order: seq, ...extra })
const ids = (groups: OutboxItemFields[][]) => groups.map((group) => group.map((i) => i.entry.id))

describe('1:1 outbox rules: texts and their order', () => {
  it("names a text's own seq, a bundle's texts, and none for receipts", () => {
    expect(textsOf(text(4).entry)).toEqual([{ id: 't4', seq: 4, index: 4, order: 4 }])
    const texts = [
      { id: 'a', seq: 2, index: 7, order: 1 },
      { id: 'b', seq: 3, index: 8, order: 2 },
    ]
    expect(textsOf(entry({ id: 'bundle', kind: 'bundle', texts }))).toEqual(texts)
    expect(textsOf(entry({ id: 'r', kind: 'receipt' }))).toEqual([])
  })

  it('finds the lowest seq still pending as the first text in outbox order, past receipts', () => {
    const bundle = item({
      id: 'bundle',
      kind: 'bundle',
      texts: [
        { id: 'a', seq: 2, index: 2, order: 2 },
        { id: 'b', seq: 3, index: 3, order: 3 },
      ],
    })
    expect(lowestPendingSeq([item({ id: 'r', kind: 'receipt' }), bundle, text(5)])).toBe(2)
    expect(lowestPendingSeq([item({ id: 'r', kind: 'receipt' })])).toBeUndefined()
  })

  it('puts replacements in the place of what they replace and drops what is removed', () => {
    const outbox: Array<[string, string]> = [
      ['a', 'A'],
      ['bundle', 'B'],
      ['c', 'C'],
      ['d', 'D'],
    ]
    const next = reorderOutbox(
      outbox,
      new Map([
        [
          'bundle',
          [
            ['b1', 'B1'],
            ['b2', 'B2'],
          ] as Array<[string, string]>,
        ],
      ]),
      new Set(['c']),
    )
    expect(next.map(([id]) => id)).toEqual(['a', 'b1', 'b2', 'd'])
  })
})

describe('1:1 outbox rules: bundles', () => {
  it('bundles consecutive texts in rising seq, and sends anything else alone', () => {
    const receipt = item({ id: 'r', kind: 'receipt' })
    expect(ids(bundleGroups([text(1), text(2), receipt, text(3), text(4)]))).toEqual([
      ['t1', 't2'],
      ['r'],
      ['t3', 't4'],
    ])
    // A seq that does not rise starts a new bundle.
    expect(ids(bundleGroups([text(5), text(2)]))).toEqual([['t5'], ['t2']])
  })

  it('never bundles a text the peer refused before', () => {
    const refused = text(2, { resets: 1 })
    expect(ids(bundleGroups([text(1), refused, text(3)]))).toEqual([['t1'], ['t2'], ['t3']])
  })

  it('stops a bundle at MAX_BUNDLE_TEXTS texts and at MAX_DM_PLAINTEXT_SIZE bytes', () => {
    const many = Array.from({ length: MAX_BUNDLE_TEXTS + 1 }, (_, i) => text(i + 1))
    expect(bundleGroups(many).map((group) => group.length)).toEqual([MAX_BUNDLE_TEXTS, 1])
    // Three texts of 40% of the plaintext bound each: two cannot share one message.
    const big = 'A'.repeat(Math.ceil(((MAX_DM_PLAINTEXT_SIZE * 0.4) / 3) * 4))
    const large = [1, 2, 3].map((seq) => text(seq, { content: big }))
    expect(ids(bundleGroups(large))).toEqual([['t1', 't2'], ['t3']])
  })
})

describe('1:1 outbox rules: what a retry does, and what it holds back', () => {
  const sealed = { envelope: { header: new Uint8Array(0) } }

  it('holds back items in flight; fails those past the give-up time; seals those unsealed', () => {
    const inFlight = text(1, { createdAt: NOW - 10_000 })
    const flying = { ...inFlight, ...sealed, inFlight: true }
    const old = { ...text(2, { createdAt: NOW - 10_000 }), ...sealed }
    const unsealed = text(3)
    const ready = { ...text(4), ...sealed }
    const plan = retryPlan([flying, old, unsealed, ready], NOW, 5_000)
    expect(plan.considered).toBe(3)
    expect(plan.expired).toEqual([old])
    expect(plan.unsealed).toEqual([unsealed])
    expect(retryPlan([flying], NOW, 5_000).considered).toBe(0)
  })

  it('sends a sealed item not in flight, deposits a sealed item once, and says why each waits', () => {
    const unsealed = text(1)
    const waiting = { ...text(2, { envelope: 'ZW52' }), ...sealed }
    const flying = { ...waiting, inFlight: true }
    const depositing = { ...waiting, depositing: true }
    const deposited = { ...text(3, { envelope: 'ZW52', slotId: '/tokenim-mailbox/x' }), ...sealed }
    expect([unsealed, waiting, flying].map(mayTransmit)).toEqual([false, true, false])
    expect([unsealed, waiting, depositing, deposited].map(mayDeposit)).toEqual([
      false,
      true,
      false,
      false,
    ])
    expect([unsealed, depositing, flying, waiting].map(waitingReason)).toEqual([
      'prekeys',
      'depositing',
      'awaiting-ack',
      'unreachable',
    ])
  })

  it("knows an item by its session's base key, or by the ratchet key in its header", () => {
    const ratchetKey = new Uint8Array(32).fill(9)
    const header = encodeMessageHeader({ ratchetKey, previousChainLength: 0, messageNumber: 0 })
    const byHeader = { ...text(1), envelope: { header } }
    expect(encryptedUnder(byHeader, Buffer.from(ratchetKey).toString('hex'))).toBe(true)
    expect(encryptedUnder(text(2, { baseKey: 'ab' }), 'ab')).toBe(true)
    expect(encryptedUnder(text(3), 'ab')).toBe(false)
  })
})
