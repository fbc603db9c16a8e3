/**
 * How a node reaches each friend, as `tokenim status` shows it: real nodes and a relay on
 * loopback. Two nodes that listen on loopback reach each other directly; two that listen
 * nowhere (as behind NAT) reach each other only through the relay's circuit; a friend who
 * stops leaves only the mailbox. Each change is told as a `friend:reach` event. A DM channel
 * opened over the circuit moves to a direct connection once one exists.
 */
import type { Multiaddr } from '@multiformats/multiaddr'
import { describe, expect, it } from 'vitest'
import { DM_PROTOCOL } from '../../protocol/ids.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

const relay = relayForFriendNodes()

/** Friends, and `a` has heard `b` is online. */
async function befriendOnline(a: FriendNode, b: FriendNode): Promise<void> {
  await befriend(a, b)
  await a.event('presence:changed', (change) => change.peerId === b.peerId && change.online)
}

/**
 * A direct connection between `a` and `b`, dialled by `a` at `address`. Each side also dials
 * the other by itself once it may (direct-upgrade.ts: the friend is on our subnet), and when
 * the two dials meet one is closed while opening: then the other one stands, or we dial again.
 */
async function directConnection(a: FriendNode, b: FriendNode, address: Multiaddr): Promise<void> {
  const deadline = Date.now() + 20_000
  for (;;) {
    try {
      await a.node.host.dial(address)
      return
    } catch (err) {
      const direct = a.node.host
        .getConnections(b.node.host.peerId)
        .some((connection) => connection.limits == null && connection.status === 'open')
      if (direct) return
      if (Date.now() > deadline) throw err
    }
  }
}

describe("a friend's reach in the node status", () => {
  it('direct between nodes that listen; mailbox only once the friend stops', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriendOnline(alice, bob)
    await alice.event('friend:reach', (change) => change.peerId === bob.peerId)

    const status = await alice.api.status()
    expect(status.friends).toEqual([
      expect.objectContaining({
        peerId: bob.peerId,
        online: true,
        reach: { via: 'direct', address: expect.stringMatching(/^\/ip4\/127\.0\.0\.1\/tcp\//) },
      }),
    ])
    // Everything the status said before is still there.
    expect(status).toMatchObject({ peerId: alice.peerId, relays: [{ connected: true }] })

    const stoppedAt = Date.now()
    await bob.stop()
    await alice.event(
      'friend:reach',
      (change) => change.peerId === bob.peerId && change.reach.via === 'mailbox',
      { since: stoppedAt },
    )
    expect((await alice.api.status()).friends).toEqual([
      expect.objectContaining({ peerId: bob.peerId, reach: { via: 'mailbox' } }),
    ])
  }, 60_000)

  it("through the relay's circuit between nodes that listen nowhere", async () => {
    const carol = await startFriendNode(relay(), { listen: [] })
    const dave = await startFriendNode(relay(), { listen: [] })
    await befriendOnline(carol, dave)

    const { friends } = await carol.api.status()
    expect(friends).toEqual([
      expect.objectContaining({
        peerId: dave.peerId,
        reach: {
          via: 'relay',
          relay: relay().peerId.toString(),
          address: expect.stringContaining('/p2p-circuit'),
        },
      }),
    ])
    const told = await carol.event('friend:reach', (change) => change.peerId === dave.peerId)
    expect(told.data.reach).toEqual(friends[0]?.reach)
  }, 60_000)
})

describe('a DM channel and the connection under it', () => {
  it('moves off the relay once a direct connection exists', async () => {
    const relayId = relay().peerId.toString()
    let direct = false
    // Until `direct`, the two nodes may dial only the relay and each other's circuit.
    const gater = {
      denyDialMultiaddr: (address: Multiaddr) => {
        const text = address.toString()
        return !direct && !text.includes('/p2p-circuit') && !text.includes(relayId)
      },
    }
    const erin = await startFriendNode(relay(), { hostOptions: { connectionGater: gater } })
    const fay = await startFriendNode(relay(), { hostOptions: { connectionGater: gater } })
    await befriendOnline(erin, fay)
    const carrying = () =>
      erin.node.host
        .getConnections(fay.node.host.peerId)
        .filter((connection) => connection.streams.some((s) => s.protocol === DM_PROTOCOL))

    await erin.api.sendMessage(fay.peerId, 'over the relay')
    await fay.event('message:received', (message) => message.text === 'over the relay')
    expect(carrying().length).toBeGreaterThan(0)
    expect(carrying().every((connection) => connection.limits != null)).toBe(true)

    const relayed = carrying().flatMap((connection) =>
      connection.streams.filter((stream) => stream.protocol === DM_PROTOCOL),
    )
    direct = true
    const address = fay.node.host
      .getMultiaddrs()
      .find((a) => !a.toString().includes('/p2p-circuit'))
    await directConnection(erin, fay, address!)
    // Both ends close their idle channels on the circuit, both ways: nothing half-open stays.
    await Promise.all(
      relayed.map((stream) =>
        stream.status === 'closed' ? undefined : waitForEvent(stream, 'close'),
      ),
    )
    await erin.api.sendMessage(fay.peerId, 'now directly')
    await fay.event('message:received', (message) => message.text === 'now directly')
    expect(carrying().map((connection) => connection.limits)).toEqual([undefined])
  }, 60_000)
})
