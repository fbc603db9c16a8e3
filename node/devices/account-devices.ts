/**
 * What messaging asks of devices (AccountDevicesPort, node/messaging/ports.ts), answered from
 * the device lists this node holds: its own account's and each friend's newest. A friend whose
 * list this node does not hold (yet) has one device, its account key, as before device lists.
 */
import type { OpenedDeviceList } from '../../protocol/accounts/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import type { AccountDevice, AccountDevicesPort } from '../messaging/index.ts'
import type { DeviceService } from './device-service.ts'

/**
 * Whether a friend's held list names `device` as revoked. A key a rotation retired is listed as
 * revoked too; its conversation is the friend's own history (node/friends keeps it from signing
 * anything new), not a device's, so it does not count.
 */
export function friendRevoked(
  devices: Pick<DeviceService, 'friendLists'>,
  friends: { isRetired(key: Uint8Array): boolean },
): (device: Uint8Array) => boolean {
  return (device) => !friends.isRetired(device) && revokedIn(devices.friendLists(), device)
}

function revokedIn(lists: OpenedDeviceList[], device: Uint8Array): boolean {
  return lists.some((list) => list.revoked.some((revoked) => bytesEqual(revoked.device, device)))
}

export function accountDevicesPort(
  devices: DeviceService,
  friends: { isRetired(key: Uint8Array): boolean },
): AccountDevicesPort {
  const others = (list: OpenedDeviceList | undefined, except: Uint8Array): AccountDevice[] =>
    (list?.devices ?? [])
      .filter((device) => !bytesEqual(device.device, except))
      .map((device) => ({ key: device.device, createdMs: device.createdMs }))
  const own = () => (devices.running ? devices.own() : undefined)
  const revokedByFriend = friendRevoked(devices, friends)
  return {
    otherDevicesOf: (account) => others(devices.friendList(account), account),
    ownOtherDevices: () => others(own(), devices.thisDevice),
    friendAccountOf: (device) => devices.friendAccountOf(device),
    isRevoked: (device) =>
      revokedByFriend(device) ||
      (!friends.isRetired(device) && revokedIn(own() == null ? [] : [own()!], device)),
    thisDeviceRevoked: () => devices.running && devices.revokedHere,
    isOwnDevice: (device) =>
      !bytesEqual(device, devices.thisDevice) &&
      (own()?.devices.some((listed) => bytesEqual(listed.device, device)) ?? false),
  }
}
