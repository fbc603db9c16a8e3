/**
 * The device list across a key rotation, on real nodes and a real relay: the node that starts
 * again under the new key re-signs its stored list with it (the next version, this device on
 * the new key, the retired key revoked), and the friend's node comes to hold that list for the
 * new key and forgets the old key's.
 */
import { describe, expect, it } from 'vitest'
import { announceKeyRotation } from '../../node/key-rotation.ts'
import type { OpenedDeviceList } from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { waitForEvent } from '../helpers/wait.ts'
import { befriend, relayForFriendNodes, startFriendNode } from './friends-nodes.ts'
import { rotatingAccounts } from './rotating-account.ts'

const relay = relayForFriendNodes()
const account = rotatingAccounts()

describe('device list and key rotation', () => {
  it('is re-signed by the new key and reaches the friend under it', async () => {
    const { dir, identity, rotate } = await account('tokenim-devices-rotating-')
    let alice = await startFriendNode(relay(), { identity, dir })
    const bob = await startFriendNode(relay())
    await befriend(alice, bob)
    await alice.node.devices.rename('home')
    const before = alice.node.devices.own()
    expect(before.version).toBe(2)

    const rotated = await rotate()
    await announceKeyRotation(
      { friends: alice.node.friends, messages: alice.node.messages },
      rotated.statement,
    )
    await alice.stop()
    const newKey = toHex(rotated.identity.publicKey)
    const arrived = waitForEvent<{ peer: Uint8Array; list: OpenedDeviceList }>(
      bob.node.devices,
      'devices:friend-list',
      { timeoutMs: 30_000, filter: ({ peer }) => toHex(peer) === newKey },
    )
    alice = await startFriendNode(relay(), { identity: rotated.identity, dir })

    const own = alice.node.devices.own()
    expect(toHex(own.account)).toBe(newKey)
    expect(own.version).toBe(3)
    expect(own.devices.map((device) => [toHex(device.device), device.name])).toEqual([
      [newKey, 'home'],
    ])
    expect(own.revoked.map((entry) => toHex(entry.device))).toEqual([toHex(identity.publicKey)])

    expect((await arrived).list.version).toBe(3)
    expect(bob.node.devices.friendList(rotated.identity.publicKey)?.version).toBe(3)
    expect(bob.node.devices.friendList(identity.publicKey)).toBeUndefined()
  }, 120_000)
})
