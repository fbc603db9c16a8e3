/**
 * How the node's parts follow each other's changes (the steps of the composition root,
 * node/node-parts.ts, that are listeners and their removal): friends and rooms follow device
 * lists, messaging follows device lists and key rotations. Each is one `PartBuilder.step`, so
 * the composition removes the listener in the reverse order it was added.
 */
import { bytesEqual, toHex } from '../protocol/bytes.ts'
import type { PartBuilder } from './composition.ts'
import type { DeviceService, DeviceServiceEvents } from './devices/index.ts'
import type { FriendDevices, Friends, FriendsEvents } from './friends/index.ts'
import type { DirectMessages } from './messaging/index.ts'
import type { NodeParts } from './node-parts.ts'
import type { OwnDeviceList, RoomService } from './rooms/index.ts'
import type { NodeHost } from './tokenim-node.ts'

/** Our account's device list as the rooms read it, once the devices part holds it. */
export function ownDeviceListOf(devices: DeviceService | undefined): OwnDeviceList | undefined {
  if (devices?.running !== true) return undefined
  const list = devices.own()
  return {
    record: devices.ownRecord(),
    version: list.version,
    devices: list.devices.map((certificate) => toHex(certificate.device)),
  }
}

/** The account's devices and its peers' as the friend list reaches them, once the devices part runs. */
export function friendDevicesOf(devices: DeviceService | undefined): FriendDevices | undefined {
  if (devices?.running !== true) return undefined
  return {
    others: () => devices.ownOtherDevices(),
    linkedRecord: () => (devices.linked ? devices.ownRecord() : undefined),
    accountOf: (device) => devices.friendAccountOf(device),
    devicesOf: (account) => devices.friendList(account)?.devices.map((device) => device.device),
    lookup: (account, options) => devices.lookup(account, options),
  }
}

/**
 * A linked device's friends part takes the friends its link handed over (once: the link's
 * state then forgets them); friends pin recovery commitments from friends' lists; rooms
 * follow our own list.
 */
export async function followDeviceLists(
  parts: PartBuilder<NodeParts>,
  {
    host,
    friends,
    devices,
    rooms,
  }: {
    host: NodeHost
    friends: Friends
    devices: DeviceService
    rooms: RoomService
  },
): Promise<void> {
  await parts.step('a linked device keeps the friends its link handed over', async () => {
    await friends.adoptLinked(devices.linkedFriends())
    await devices.forgetLinkedFriends()
  })
  // Friends pin the recovery commitment each friend's device list shows, once.
  const pinCommitment = (evt: DeviceServiceEvents['devices:friend-list']) =>
    void friends.pinRecoveryCommitment(evt.detail.peer, evt.detail.list.nextRecovery)
  await parts.step(
    'friends pin recovery commitments',
    () => {
      devices.addEventListener('devices:friend-list', pinCommitment)
      for (const peer of friends.friendKeys()) {
        const list = devices.friendList(peer)
        if (list != null) void friends.pinRecoveryCommitment(peer, list.nextRecovery)
      }
    },
    () => devices.removeEventListener('devices:friend-list', pinCommitment),
  )
  // Rooms follow our device list: our new devices enrol, revoked ones are keyed out.
  const roomsFollowDevices = () =>
    void rooms.ownDevicesChanged().catch((err: Error) => {
      host.logger.forComponent('tokenim:rooms').error('rooms did not take our device list: %e', err)
    })
  await parts.step(
    'rooms follow our device list',
    () => {
      devices.addEventListener('devices:changed', roomsFollowDevices)
      roomsFollowDevices()
    },
    () => devices.removeEventListener('devices:changed', roomsFollowDevices),
  )
}

/** Messaging follows friends' device lists, our revocations and friends' key rotations. */
export async function messagingFollows(
  parts: PartBuilder<NodeParts>,
  {
    host,
    friends,
    devices,
    messages,
  }: {
    host: NodeHost
    friends: Friends
    devices: DeviceService
    messages: DirectMessages
  },
): Promise<void> {
  // A friend's newer list: what its devices sent before is shown under the friend, and a
  // device revoked (there, or here) gets nothing more: its sessions go.
  const logged = (what: string) => (err: Error) =>
    host.logger.forComponent('tokenim:messaging').error('%s failed: %s', what, err.message)
  const followFriendList = (evt: DeviceServiceEvents['devices:friend-list']) => {
    const { list } = evt.detail
    messages
      .forgetDevices(list.revoked.map((entry) => entry.device))
      .then(() =>
        messages.showFromDevices(
          list.devices
            .map((device) => device.device)
            .filter((device) => !bytesEqual(device, list.account)),
        ),
      )
      .catch(logged("following a friend's device list"))
  }
  // The revoked device is told, once nothing else waits for it: the list that revokes it.
  const forgetOwnRevoked = (evt: DeviceServiceEvents['devices:revoked']) =>
    void messages
      .forgetDevices([evt.detail.device])
      .then(() => messages.devices?.sync.sendList(devices.ownRecord(), [evt.detail.device]))
      .catch(logged('forgetting a revoked device'))
  await parts.step(
    'messaging follows device lists',
    () => {
      devices.addEventListener('devices:friend-list', followFriendList)
      devices.addEventListener('devices:revoked', forgetOwnRevoked)
    },
    () => {
      devices.removeEventListener('devices:friend-list', followFriendList)
      devices.removeEventListener('devices:revoked', forgetOwnRevoked)
    },
  )
  // A friend's key rotation moves its conversation to the new key.
  const followRotation = (evt: FriendsEvents['friends:key-changed']) => {
    messages.moveConversation(evt.detail.previous, evt.detail.current).catch((err: Error) => {
      host.logger
        .forComponent('tokenim:messaging')
        .error('moving a conversation failed: %s', err.message)
    })
  }
  await parts.step(
    'conversations follow key rotations',
    () => friends.addEventListener('friends:key-changed', followRotation),
    () => friends.removeEventListener('friends:key-changed', followRotation),
  )
}
