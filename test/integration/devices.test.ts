/**
 * Device lists between full TokenimNodes behind a loopback relay (real libp2p, real LevelDB):
 * a node publishes its list and a stranger finds it in the DHT; a friend gets every new
 * version directly and, when away, through the mailbox; a replayed lower version is refused;
 * a restart keeps the list and its version.
 */
import { describe, expect, it } from 'vitest'
import type { Composition } from '../../node/composition.ts'
import type { NodeParts } from '../../node/node-parts.ts'
import type { OpenedDeviceList } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import {
  DEVICES_API_PATHS,
  type DeviceListResponse,
  FRIENDS_API_PATHS,
  type FriendListResponse,
} from '../../protocol/local-api.ts'
import { encodeFriendMessage } from '../../protocol/social.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { befriend, type FriendNode, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'

const relay = relayForFriendNodes()

/** Resolves once `reader` holds `owner`'s list at `version` or above (now or later). */
async function holds(reader: FriendNode, owner: FriendNode, version: number): Promise<void> {
  const devices = reader.node.devices
  const arrived = waitForEvent<{ peer: Uint8Array; list: OpenedDeviceList }>(
    devices,
    'devices:friend-list',
    {
      timeoutMs: 20_000,
      filter: ({ peer, list }) => toHex(peer) === owner.publicKey && list.version >= version,
    },
  )
  if ((devices.friendList(owner.identity.publicKey)?.version ?? 0) >= version) return
  await arrived
}

/** The node's parts, which tests reach to watch and change what no API shows. */
function parts(node: FriendNode): Composition<NodeParts> {
  return (node.node as unknown as { parts: Composition<NodeParts> }).parts
}

/** Resolves once `sender`'s mailbox confirmed a deposit for `recipient`. */
function deposited(sender: FriendNode, recipient: FriendNode): Promise<unknown> {
  const mailbox = parts(sender).get('mailbox')
  return waitForEvent<{ recipient: Uint8Array }>(mailbox, 'mailbox:stored', {
    timeoutMs: 20_000,
    filter: (detail) => toHex(detail.recipient) === recipient.publicKey,
  })
}

async function friendDevices(reader: FriendNode, owner: FriendNode) {
  const { friends } = await reader.api.request<FriendListResponse>('GET', FRIENDS_API_PATHS.list)
  return friends.find((friend) => friend.peerId === owner.peerId)?.devices
}

describe('device lists between nodes', () => {
  it('are published on a relay and found in the DHT by a node that is no friend', async () => {
    const alice = await startFriendNode(relay())
    const carol = await startFriendNode(relay())
    const outcome = await alice.node.devices.publish()
    expect(outcome.holders).toContain(relay().peerId.toString())

    const found = await carol.node.devices.lookup(alice.identity.publicKey)
    expect(found?.version).toBe(1)
    expect(found?.devices.map((device) => toHex(device.device))).toEqual([alice.publicKey])
    // Looking up stores nothing for a stranger.
    expect(carol.node.devices.friendList(alice.identity.publicKey)).toBeUndefined()

    const own = await alice.api.request<DeviceListResponse>('GET', DEVICES_API_PATHS.list)
    expect(own).toMatchObject({ account: alice.peerId, version: 1 })
    expect(own.devices).toEqual([
      expect.objectContaining({ peerId: alice.peerId, thisDevice: true }),
    ])
  })

  it('reach a friend directly and through the mailbox; a replay is refused; restarts keep them', async () => {
    let alice = await startFriendNode(relay())
    let bob = await startFriendNode(relay())
    await befriend(alice, bob)
    await holds(bob, alice, 1)
    const first = alice.node.devices.ownRecord()

    // Renamed while bob is online: version 2 arrives directly.
    const renamed = await alice.api.request<DeviceListResponse>('POST', DEVICES_API_PATHS.rename, {
      name: 'laptop',
    })
    expect(renamed).toMatchObject({
      version: 2,
      devices: [expect.objectContaining({ name: 'laptop' })],
    })
    await holds(bob, alice, 2)
    expect(await friendDevices(bob, alice)).toEqual({ count: 1, names: ['laptop'], version: 2 })
    // API clients hear of it.
    await bob.event(
      'friend:devices',
      (data) => data.peerId === alice.peerId && data.devices.version === 2,
    )

    // A replayed version 1 from alice's own node is refused; bob keeps version 2.
    const refused = waitForEvent<{ peer: Uint8Array; version?: number }>(
      bob.node.devices,
      'devices:refused',
      { timeoutMs: 20_000, filter: ({ peer }) => toHex(peer) === alice.publicKey },
    )
    await alice.node.messages.sendSocial(
      bob.identity.publicKey,
      encodeFriendMessage({
        type: 'device-list',
        requestId: new Uint8Array(16),
        note: '',
        name: '',
        deviceList: first,
      }),
    )
    expect((await refused).version).toBe(1)
    expect(bob.node.devices.friendList(alice.identity.publicKey)?.version).toBe(2)

    // Renamed while bob is away: version 3 waits in the mailbox.
    await bob.stop()
    const stored = deposited(alice, bob)
    await alice.api.request('POST', DEVICES_API_PATHS.rename, { name: 'desk' })
    await stored
    bob = await bob.restart()
    expect(bob.node.devices.friendList(alice.identity.publicKey)?.version).toBeGreaterThanOrEqual(2)
    await holds(bob, alice, 3)
    expect(await friendDevices(bob, alice)).toEqual({ count: 1, names: ['desk'], version: 3 })

    // Restarts keep the list and its version, on both sides.
    alice = await alice.restart()
    expect(alice.node.devices.own().version).toBe(3)
    expect(alice.node.devices.own().devices.map((device) => device.name)).toEqual(['desk'])
    bob = await bob.restart()
    expect(bob.node.devices.friendList(alice.identity.publicKey)?.version).toBe(3)
  })

  it("are looked up in the DHT by a friend's node that holds none", async () => {
    const alice = await startFriendNode(relay())
    let bob = await startFriendNode(relay())
    await befriend(alice, bob)
    await alice.node.devices.rename('phone')
    expect((await alice.node.devices.publish()).holders).toContain(relay().peerId.toString())
    await holds(bob, alice, 2)

    // Bob loses alice's list (as a node from before device lists never had it); alice is gone,
    // so only the DHT can tell bob her devices.
    await alice.stop()
    await parts(bob).get('storage').sublevel('devices').del(`friend/${alice.publicKey}`)
    bob = await bob.restart()
    await holds(bob, alice, 2)
    expect(await friendDevices(bob, alice)).toEqual({ count: 1, names: ['phone'], version: 2 })
  })
})
