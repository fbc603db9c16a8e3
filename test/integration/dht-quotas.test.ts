/**
 * Quotas on what others may store, against real relays on loopback: one peer floods valid
 * mailbox records under fresh keys, then provider records for random ids; the relay stores
 * up to the peer's quota, refuses the rest (counted on /metrics), and an honest peer's
 * deposit during the flood is stored and served. Fresh peer ids from one address stop at the
 * address's quota. A relay restarted in the middle of a flood keeps what the writer used.
 */
import type { Datastore } from 'interface-datastore'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { getRecords, putRecord } from '../../node/mailbox/dht-records.ts'
import { createRelayLogger, type RelayNode } from '../../relay/index.ts'
import {
  depositWriter,
  joinRelay,
  provideRandom,
  providerHoldings,
  recordHolding,
  refusedByReason,
  startStoringRelay,
} from '../helpers/dht-flood.ts'
import { makeTempDir } from '../helpers/temp-dir.ts'
import { type DhtPeer, startDhtPeer } from './mailbox-network.ts'

const RECORDS_PER_HOUR = 50
const BYTES_PER_HOUR = 1024 * 1024
const ENVELOPE_SIZE = 96 * 1024 - 64
const FLOOD_RECORDS = 30
const FLOOD_PROVIDERS = 60
const QUERY = { timeoutMs: 10_000 }

let dir: Awaited<ReturnType<typeof makeTempDir>>
let relay: RelayNode
let relayStore: Datastore
let flooder: DhtPeer
let honest: DhtPeer
/** The relay's JSON log lines at level warn and above. */
const relayLog: Array<{ msg: string; peer?: string; address?: string; reason?: string }> = []

beforeAll(async () => {
  dir = await makeTempDir('tokenim-quota-relay-')
  ;({ relay, store: relayStore } = await startStoringRelay(
    dir.path,
    {
      dhtQuotas: { recordsPerPeerPerHour: RECORDS_PER_HOUR, bytesPerPeerPerHour: BYTES_PER_HOUR },
    },
    createRelayLogger('warn', { write: (line: string) => relayLog.push(JSON.parse(line)) }),
  ))
  ;[flooder, honest] = await Promise.all([
    startDhtPeer({ dhtServer: false }),
    startDhtPeer({ dhtServer: false }),
  ])
  for (const peer of [flooder, honest]) await joinRelay(peer, relay)
})

afterAll(async () => {
  await Promise.all([flooder?.remove(), honest?.remove()])
  await relay?.stop()
  await dir?.remove()
})

const freshDeposit = depositWriter()

const heldAtRelay = (key: Uint8Array) => recordHolding(relayStore, key)

describe('DHT write quotas on a relay', () => {
  it('stores a flooding peer only up to its quota, counts the refusals, and still serves an honest peer', async () => {
    const flooded: Array<{ key: Uint8Array; confirmed: number }> = []
    let honestDeposit: { key: Uint8Array; confirmed: number; servedBy: string[] } | undefined
    for (let i = 0; i < FLOOD_RECORDS; i++) {
      const { key, record } = freshDeposit(ENVELOPE_SIZE)
      const { confirmed } = await putRecord(flooder.host.services.dht, key, record, QUERY)
      flooded.push({ key, confirmed })
      // Once the flooder is refused, an honest deposit goes in the middle of the flood.
      if (confirmed === 0 && honestDeposit == null) {
        const deposit = freshDeposit(1024)
        const put = await putRecord(honest.host.services.dht, deposit.key, deposit.record, QUERY)
        const { answers } = await getRecords(honest.host.services.dht, deposit.key, QUERY)
        honestDeposit = {
          key: deposit.key,
          confirmed: put.confirmed,
          servedBy: answers.map((a) => a.from),
        }
      }
    }

    const held = await Promise.all(flooded.map(({ key }) => heldAtRelay(key)))
    const stored = held.filter((bytes) => bytes != null) as number[]
    const storedBytes = stored.reduce((sum, bytes) => sum + bytes, 0)
    // Stored up to the hourly bytes and no further: one more record would not have fitted.
    expect(stored.length).toBeGreaterThan(0)
    expect(stored.length).toBeLessThan(FLOOD_RECORDS)
    expect(storedBytes).toBeLessThanOrEqual(BYTES_PER_HOUR)
    expect(storedBytes + Math.min(...stored)).toBeGreaterThan(BYTES_PER_HOUR)
    // What the flooder was told matches: confirmed exactly where stored.
    expect(flooded.map(({ confirmed }) => confirmed)).toEqual(held.map((b) => (b == null ? 0 : 1)))
    // Stored first, refused after: the quota does not come back within the flood.
    expect(held.findIndex((b) => b == null)).toBe(stored.length)

    expect(honestDeposit).toMatchObject({ confirmed: 1, servedBy: [relay.peerId.toString()] })
    expect(await heldAtRelay(honestDeposit!.key)).toBeDefined()

    for (let i = 0; i < FLOOD_PROVIDERS; i++) await provideRandom(flooder)
    // The rest of the hourly record count went to provider records, then they were refused.
    expect((await providerHoldings(relayStore)).count).toBe(RECORDS_PER_HOUR - stored.length)

    expect(await refusedByReason(relay)).toEqual({
      peer_hourly_bytes: FLOOD_RECORDS - stored.length,
      peer_hourly_records: FLOOD_PROVIDERS - (RECORDS_PER_HOUR - stored.length),
    })
    // Refused over and over, the flooder is named once in the log (once per hour).
    const warnings = relayLog.filter((line) => line.msg.startsWith('refusing DHT records'))
    expect(warnings).toMatchObject([
      { peer: flooder.host.peerId.toString(), address: '127.0.0.1', reason: 'peer_hourly_bytes' },
    ])
  })

  it('counts fresh peer ids from one address against the address quota', async () => {
    const sybilDir = await makeTempDir('tokenim-quota-sybil-')
    // 5 records an hour per peer id, twice that per address.
    const { relay: sybilRelay, store } = await startStoringRelay(sybilDir.path, {
      dhtQuotas: { recordsPerPeerPerHour: 5, perIpMultiplier: 2 },
    })
    const sybils = await Promise.all([0, 1, 2].map(() => startDhtPeer({ dhtServer: false })))
    try {
      const confirmedBy: number[] = []
      const keys: Uint8Array[] = []
      for (const sybil of sybils) {
        await joinRelay(sybil, sybilRelay)
        let confirmed = 0
        for (let i = 0; i < 5; i++) {
          const { key, record } = freshDeposit(100)
          keys.push(key)
          confirmed += (await putRecord(sybil.host.services.dht, key, record, QUERY)).confirmed
        }
        confirmedBy.push(confirmed)
      }
      // Each id stayed within its own quota; the third found the address's used up.
      expect(confirmedBy).toEqual([5, 5, 0])
      const held = await Promise.all(keys.map((key) => recordHolding(store, key)))
      expect(held.filter((bytes) => bytes != null)).toHaveLength(10)
      expect(await refusedByReason(sybilRelay)).toEqual({ address_hourly_records: 5 })
    } finally {
      await Promise.all(sybils.map((sybil) => sybil.remove()))
      await sybilRelay.stop()
      await sybilDir.remove()
    }
  })

  it('keeps what a writer used across a restart in the middle of its flood', async () => {
    const restartDir = await makeTempDir('tokenim-quota-restart-')
    const limits = { dhtQuotas: { recordsPerPeerPerHour: 4 } }
    let { relay: restarted } = await startStoringRelay(restartDir.path, limits)
    const writer = await startDhtPeer({ dhtServer: false })
    const flood = async (records: number) => {
      const confirmed: number[] = []
      for (let i = 0; i < records; i++) {
        const { key, record } = freshDeposit(100)
        confirmed.push((await putRecord(writer.host.services.dht, key, record, QUERY)).confirmed)
      }
      return confirmed
    }
    try {
      await joinRelay(writer, restarted)
      expect(await flood(3)).toEqual([1, 1, 1])
      await restarted.stop()
      ;({ relay: restarted } = await startStoringRelay(restartDir.path, limits))
      await joinRelay(writer, restarted)
      // One record of the hour's four is left after the restart, not four.
      expect(await flood(3)).toEqual([1, 0, 0])
      expect(await refusedByReason(restarted)).toEqual({ peer_hourly_records: 2 })
    } finally {
      await writer.remove()
      await restarted.stop()
      await restartDir.remove()
    }
  })
})
