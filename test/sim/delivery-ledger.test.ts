/** The ledger: receipts before the send is recorded, duplicates, order, percentiles, waits. */
import { describe, expect, it } from 'vitest'
import { DeliveryLedger, percentile, summarize } from '../../sim/delivery-ledger.ts'

describe('DeliveryLedger', () => {
  it('keeps a receipt that arrives before its send is recorded', () => {
    const ledger = new DeliveryLedger()
    ledger.recordRoomReceipt('r1', 2, 1_010)
    expect(ledger.unknownReceipts).toBe(1)
    ledger.recordRoomSend('r1', 'room', 0, 1_000, [1, 2])
    expect(ledger.unknownReceipts).toBe(0)
    expect(ledger.delivered('r1')).toBe(false)
    ledger.recordRoomReceipt('r1', 1, 1_020)
    expect(ledger.delivered('r1')).toBe(true)
    expect(ledger.latencies('room').sort()).toEqual([10, 20])
  })

  it('counts duplicates and messages that overtake earlier ones', () => {
    const ledger = new DeliveryLedger()
    ledger.recordDirectSend('a', 0, 1, 0)
    ledger.recordDirectSend('b', 0, 1, 5)
    ledger.recordDirectReceipt('b', 1, 10)
    ledger.recordDirectReceipt('a', 1, 12)
    ledger.recordDirectReceipt('a', 1, 15)
    expect(ledger.outOfOrder).toEqual(['a'])
    expect(ledger.direct.get('a')!.receivedAt).toEqual([12, 15])
    expect(ledger.latencies('direct')).toEqual([12, 5])
  })

  it('a receipt by the wrong node does not count as delivery', () => {
    const ledger = new DeliveryLedger()
    ledger.recordDirectSend('a', 0, 1, 0)
    ledger.recordDirectReceipt('a', 2, 10)
    expect(ledger.delivered('a')).toBe(false)
    expect(ledger.unknownReceipts).toBe(1)
  })

  it('waitForDelivery resolves on the last receipt and names what is missing on timeout', async () => {
    const ledger = new DeliveryLedger()
    ledger.recordDirectSend('a', 0, 1, 0)
    ledger.recordDirectSend('b', 1, 0, 0)
    const waiting = ledger.waitForDelivery(['a', 'b'], 5_000)
    ledger.recordDirectReceipt('a', 1, 1)
    ledger.recordDirectReceipt('b', 0, 2)
    await expect(waiting).resolves.toBeUndefined()
    ledger.recordDirectSend('c', 0, 1, 0)
    await expect(ledger.waitForDelivery(['c'], 20)).rejects.toThrow(
      /1 message\(s\) not delivered within 20 ms \(e\.g\. c\)/,
    )
  })

  it('percentiles are nearest-rank', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1)
    expect(percentile(values, 50)).toBe(50)
    expect(percentile(values, 99)).toBe(99)
    expect(summarize([3, 1, 2])).toMatchObject({ count: 3, min: 1, p50: 2, max: 3, mean: 2 })
  })
})
