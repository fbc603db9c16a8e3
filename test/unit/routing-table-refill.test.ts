import type { KadDHT } from '@libp2p/kad-dht'
import { afterEach, describe, expect, it } from 'vitest'
import type { RelayBootstrap } from '../../node/bootstrap.ts'
import { generateIdentity, peerIdOf } from '../../node/identity/index.ts'
import { keepRoutingTableFilled } from '../../node/routing-table-refill.ts'
import { waitForEvent } from '../helpers/wait.ts'

/** kad-dht's routing table as the refill sees it; `answers` says whether a ping succeeds. */
class FakeTable extends EventTarget {
  size = 0
  added: string[] = []
  answers = true
  async add(peer: { toString(): string }): Promise<void> {
    this.added.push(peer.toString())
    this.dispatchEvent(new CustomEvent('add:tried'))
    if (!this.answers) return
    this.size++
    this.dispatchEvent(new CustomEvent('peer:add'))
  }
}

class FakeRelays extends EventTarget {
  links: Array<{ peerId: string; connected: boolean }> = []
  status() {
    return this.links
  }
}

const relayId = peerIdOf(generateIdentity()).toString()
let stop = () => {}
afterEach(() => stop())

function start(table: FakeTable, relays: FakeRelays) {
  stop = keepRoutingTableFilled({
    dht: { routingTable: table } as unknown as KadDHT,
    relays: relays as unknown as RelayBootstrap,
    log: Object.assign(() => {}, { error: () => {}, trace: () => {}, enabled: false }) as never,
    firstDelayMs: 5,
  })
}

describe('keepRoutingTableFilled', () => {
  it('adds a connected relay to an empty table', async () => {
    const table = new FakeTable()
    const relays = new FakeRelays()
    relays.links = [{ peerId: relayId, connected: true }]
    start(table, relays)
    await waitForEvent(table, 'peer:add')
    expect(table.added).toEqual([relayId])
  })

  it('tries again while the relay does not answer, and not once the table holds a peer', async () => {
    const table = new FakeTable()
    table.answers = false
    const relays = new FakeRelays()
    relays.links = [{ peerId: relayId, connected: true }]
    start(table, relays)
    await waitForEvent(table, 'add:tried')
    table.answers = true
    await waitForEvent(table, 'peer:add')
    expect(table.added).toEqual([relayId, relayId])
  })

  it('waits for a relay to connect, and does nothing while the table holds a peer', async () => {
    const table = new FakeTable()
    const relays = new FakeRelays()
    relays.links = [{ peerId: relayId, connected: false }]
    start(table, relays)
    relays.links = [{ peerId: relayId, connected: true }]
    table.size = 1
    relays.dispatchEvent(new CustomEvent('relay:connected'))
    table.size = 0
    table.dispatchEvent(new CustomEvent('peer:remove'))
    await waitForEvent(table, 'peer:add')
    expect(table.added).toEqual([relayId])
  })
})
