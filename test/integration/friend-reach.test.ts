/**
 * How a node reaches each friend, as `tokenim status` shows it: real nodes and a relay on
 * loopback. Two nodes that listen on loopback reach each other directly; two that listen
 * nowhere (as behind NAT) reach each other only through the relay's circuit; a friend who
 * stops leaves only the mailbox. Each change is told as a `friend:reach` event.
 */
import { describe, expect, it } from 'vitest'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

const relay = relayForFriendNodes()

/** Friends, and `a` has heard `b` is online. */
async function befriendOnline(a: FriendNode, b: FriendNode): Promise<void> {
  await befriend(a, b)
  await a.event('presence:changed', (change) => change.peerId === b.peerId && change.online)
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
