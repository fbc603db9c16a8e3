import { multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import {
  DhtWriteLedger,
  PersistedDhtLedger,
  writerAddress,
} from '../../network/dht-quotas/index.ts'

const HOUR = 3_600_000
const DAY = 24 * HOUR
const limits = {
  recordsPerPeerPerHour: 10,
  bytesPerPeerPerHour: 1_000,
  recordsPerPeer: 30,
  bytesPerPeer: 3_000,
  perIpMultiplier: 2,
  maxTrackedWriters: 100,
  totalWindowMs: 30 * DAY,
}

function ledgerAt(start = 0) {
  let now = start
  const ledger = new DhtWriteLedger(limits, () => now)
  return { ledger, advance: (ms: number) => (now += ms) }
}

const mallory = { peer: 'mallory', address: '10.0.0.1' }

describe('DhtWriteLedger', () => {
  it('takes records up to the hourly count, then refuses and says why', () => {
    const { ledger } = ledgerAt()
    for (let i = 0; i < 10; i++) expect(ledger.charge(mallory, 1)).toBeUndefined()
    expect(ledger.charge(mallory, 1)).toMatchObject({
      reason: 'peer_hourly_records',
      account: 'peer mallory',
    })
  })

  it('refuses a record that would pass the hourly bytes, and charges nothing for it', () => {
    const { ledger } = ledgerAt()
    expect(ledger.charge(mallory, 900)).toBeUndefined()
    expect(ledger.charge(mallory, 200)?.reason).toBe('peer_hourly_bytes')
    // The refused 200 bytes were not charged: 100 still fit.
    expect(ledger.charge(mallory, 100)).toBeUndefined()
  })

  it('gives the hourly quota back evenly over the hour', () => {
    const { ledger, advance } = ledgerAt()
    for (let i = 0; i < 10; i++) ledger.charge(mallory, 1)
    advance(HOUR / 10 - 1)
    expect(ledger.charge(mallory, 1)?.reason).toBe('peer_hourly_records')
    advance(1)
    expect(ledger.charge(mallory, 1)).toBeUndefined()
    expect(ledger.charge(mallory, 1)?.reason).toBe('peer_hourly_records')
  })

  it('bounds records in all over the total window, whatever the hourly pace', () => {
    const { ledger, advance } = ledgerAt()
    let stored = 0
    for (let hour = 0; hour < 10; hour++) {
      for (let i = 0; i < 10; i++) if (ledger.charge(mallory, 1) == null) stored++
      advance(HOUR)
    }
    // 10 hours at the hourly pace would be 100; in all, 30 (10 hours refill less than one).
    expect(stored).toBe(30)
    expect(ledger.charge(mallory, 1)?.reason).toBe('peer_total_records')
    advance(DAY)
    expect(ledger.charge(mallory, 1)).toBeUndefined()
  })

  it('counts the address too: fresh peer ids from one address stop at its quota', () => {
    const { ledger } = ledgerAt()
    let stored = 0
    let refusal: ReturnType<DhtWriteLedger['charge']>
    for (let id = 0; id < 10; id++) {
      for (let i = 0; i < 10; i++) {
        refusal = ledger.charge({ peer: `sybil-${id}`, address: '10.0.0.1' }, 1)
        if (refusal == null) stored++
      }
    }
    expect(stored).toBe(20) // 2 x the per-peer hourly count
    expect(refusal!).toMatchObject({
      reason: 'address_hourly_records',
      account: 'address 10.0.0.1',
    })
    // Another address is untouched (sybil-5 stored nothing yet).
    expect(ledger.charge({ peer: 'sybil-5', address: '10.0.0.2' }, 1)).toBeUndefined()
  })

  it('a peer over its quota leaves room for an honest peer at the same address', () => {
    const { ledger } = ledgerAt()
    for (let i = 0; i < 20; i++) ledger.charge(mallory, 10)
    expect(ledger.charge({ peer: 'alice', address: mallory.address }, 10)).toBeUndefined()
  })

  it('reports the first refusal of an account in an hour, not every one', () => {
    const { ledger, advance } = ledgerAt()
    for (let i = 0; i < 10; i++) ledger.charge(mallory, 1)
    const firsts = (charges: number) =>
      Array.from({ length: charges }, () => ledger.charge(mallory, 1)?.firstInHour).filter(Boolean)
        .length
    expect(firsts(5)).toBe(1)
    advance(HOUR / 2)
    expect(firsts(10)).toBe(0) // 5 refilled slots taken, 5 refused within the hour
    advance(HOUR / 2)
    expect(firsts(15)).toBe(1)
  })

  it('remembers at most maxTrackedWriters accounts, forgetting the least recently used', () => {
    let now = 0
    const ledger = new DhtWriteLedger({ ...limits, maxTrackedWriters: 50 }, () => now)
    for (let i = 0; i < 10; i++) ledger.charge(mallory, 1)
    for (let id = 0; id < 1_000; id++) {
      now++
      ledger.charge({ peer: `fresh-${id}`, address: `10.1.${id >> 8}.${id & 255}` }, 1)
      // Mallory keeps writing (refused), so its account stays recently used.
      if (id % 10 === 0) expect(ledger.charge(mallory, 1)?.reason).toBe('peer_hourly_records')
    }
    expect(ledger.size).toBeLessThanOrEqual(50)
  })
})

describe('writerAddress', () => {
  it('is the IPv4 address, an IPv6 /64, or the transport address', () => {
    expect(
      writerAddress(
        multiaddr(
          '/ip4/203.0.113.7/tcp/4001/p2p/12D3KooWRBy97UB99e3J6hiPesre1MZeuNQvfan4gBziswrRJsNK',
        ),
      ),
    ).toBe('203.0.113.7')
    expect(writerAddress(multiaddr('/ip6/2001:db8:aa:bb:1:2:3:4/tcp/1'))).toBe(
      '2001:db8:aa:bb::/64',
    )
    expect(writerAddress(multiaddr('/ip6/2001:db8::1/tcp/1'))).toBe('2001:db8:0:0::/64')
    expect(writerAddress(multiaddr('/ip6/::1/tcp/1'))).toBe('0:0:0:0::/64')
    expect(writerAddress(multiaddr('/memory/node-3'))).toBe('/memory/node-3')
  })
})

describe('PersistedDhtLedger', () => {
  function memoryStore() {
    const kept = new Map<string, Uint8Array>()
    return {
      kept,
      entries: async function* () {
        yield* [...kept.entries()].sort(([a], [b]) => (a < b ? -1 : 1))
      },
      write: async (puts: Array<[string, Uint8Array]>, deletes: string[]) => {
        for (const key of deletes) kept.delete(key)
        for (const [key, value] of puts) kept.set(key, value)
      },
    }
  }

  it('gives a reopened ledger the accounts as they were, drained by the time since', async () => {
    let now = 0
    const store = memoryStore()
    const first = await PersistedDhtLedger.open(store, { limits, clock: () => now })
    for (let i = 0; i < 10; i++) first.ledger.charge(mallory, 1)
    await first.close()
    const second = await PersistedDhtLedger.open(store, { limits, clock: () => now })
    expect(second.ledger.charge(mallory, 1)?.reason).toBe('peer_hourly_records')
    now += HOUR / 10
    expect(second.ledger.charge(mallory, 1)).toBeUndefined()
    expect(second.ledger.charge(mallory, 1)?.reason).toBe('peer_hourly_records')
    await second.close()
  })

  it('keeps no more accounts on disk than the ledger tracks, and skips unreadable ones', async () => {
    const store = memoryStore()
    store.kept.set('peer broken', new TextEncoder().encode('{"not":"an account"}'))
    const bounded = { ...limits, maxTrackedWriters: 4 }
    const persisted = await PersistedDhtLedger.open(store, { limits: bounded })
    expect(store.kept.has('peer broken')).toBe(false)
    for (let i = 0; i < 10; i++) {
      persisted.ledger.charge({ peer: `p${i}`, address: `10.0.0.${i}` }, 1)
      await persisted.flush()
    }
    await persisted.close()
    expect([...store.kept.keys()].sort()).toEqual([
      'address 10.0.0.8',
      'address 10.0.0.9',
      'peer p8',
      'peer p9',
    ])
    const reopened = await PersistedDhtLedger.open(store, { limits: bounded })
    expect(reopened.ledger.size).toBe(4)
    await reopened.close()
  })
})
