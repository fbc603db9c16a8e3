/**
 * Presence of an account on several devices (real nodes behind a loopback relay, real
 * LevelDB): bob follows alice's account, online while any of her devices is. Her phone
 * cannot dial bob (his addresses are not reachable from its network), so whether bob sees
 * it depends on bob reaching the phone himself once her first device has gone.
 */
import type { PeerId } from '@libp2p/interface'
import { describe, expect, it } from 'vitest'
import { FRIENDS_API_PATHS, type FriendListResponse } from '../../protocol/local-api.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { linkDeviceFolder } from './linked-account.ts'

const relay = relayForFriendNodes()
const WAIT = { timeoutMs: 30_000 }

async function aliceAsSeenBy(bob: FriendNode, alice: FriendNode) {
  const list = await bob.api.request<FriendListResponse>('GET', FRIENDS_API_PATHS.list)
  return list.friends.find((friend) => friend.peerId === alice.peerId)
}

describe('presence of an account on several devices', () => {
  it('bob sees alice online while her phone runs after her first device stopped, offline once it stops too', async () => {
    const alice = await startFriendNode(relay())
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    const bobId: PeerId = bob.node.host.peerId
    const { dir, identity } = await linkDeviceFolder(alice.node, 'phone')
    const phone = await startFriendNode(relay(), {
      identity,
      dir,
      hostOptions: { connectionGater: { denyDialPeer: (peer: PeerId) => peer.equals(bobId) } },
    })
    const version = alice.node.devices.own().version
    await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.version === version,
      WAIT,
    )
    await bob.event('presence:changed', (p) => p.peerId === alice.peerId && p.online, WAIT)

    // Alice's first device stops (with a goodbye): her phone still runs, and bob reaches it.
    const phoneId = phone.node.host.peerId.toString()
    const aliceStoppedAt = Date.now()
    await alice.stop()
    await bob.event(
      'presence:changed',
      (p) =>
        p.peerId === alice.peerId &&
        p.online &&
        (p.devicePresence ?? []).some((device) => device.peerId === phoneId && device.online),
      { ...WAIT, since: aliceStoppedAt },
    )
    const seen = await aliceAsSeenBy(bob, alice)
    expect(seen?.online).toBe(true)
    expect(seen?.devicePresence).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ peerId: phoneId, name: 'phone', online: true }),
        expect.objectContaining({ peerId: alice.peerId, online: false }),
      ]),
    )

    // The phone stops too: alice's account is offline.
    const stoppedAt = Date.now()
    await phone.stop()
    await bob.event('presence:changed', (p) => p.peerId === alice.peerId && !p.online, {
      ...WAIT,
      since: stoppedAt,
    })
    expect((await aliceAsSeenBy(bob, alice))?.online).toBe(false)
    expect(bob.node.presence.of(alice.identity.publicKey).online).toBe(false)
  }, 120_000)
})
