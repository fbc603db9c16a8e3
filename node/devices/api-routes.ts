/** The local API routes of the device list (declared in protocol/local-api/devices.ts). */
import type { OpenedDeviceList } from '../../protocol/accounts/index.ts'
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import { DEVICES_ROUTES } from '../../protocol/local-api/devices.ts'
import type { DeviceListResponse, FriendDevicesView } from '../../protocol/local-api.ts'
import { serve } from '../api/declared-route.ts'
import type { Routes } from '../api/local-api-server.ts'
import { peerIdOf } from '../identity/index.ts'
import type { DeviceService } from './device-service.ts'
import type { LinkHost } from './link-host.ts'

/** Our list as the API shows it, this device marked. */
export function deviceListView(list: OpenedDeviceList, thisDevice: Uint8Array): DeviceListResponse {
  return {
    account: peerIdOf({ publicKey: list.account }).toString(),
    version: list.version,
    devices: list.devices.map((device) => ({
      name: device.name,
      peerId: peerIdOf({ publicKey: device.device }).toString(),
      publicKey: toHex(device.device),
      createdAt: device.createdMs,
      thisDevice: bytesEqual(device.device, thisDevice),
    })),
  }
}

/** What a friend view shows of the friend's devices, or undefined while none is held. */
export function friendDevicesView(
  devices: Pick<DeviceService, 'friendList'> | undefined,
  friend: Uint8Array,
): FriendDevicesView | undefined {
  const list = devices?.friendList(friend)
  if (list == null) return undefined
  return {
    count: list.devices.length,
    names: list.devices.map((device) => device.name),
    version: list.version,
  }
}

/** `friendCount`: the friends this device holds (the account's, alike on every device). */
export function deviceRoutes(
  devices: () => DeviceService,
  linkHost: () => LinkHost,
  friendCount: () => number,
): Routes {
  const view = (list: OpenedDeviceList): DeviceListResponse => ({
    ...deviceListView(list, devices().thisDevice),
    ...(devices().linked ? { linkedFriends: friendCount() } : {}),
  })
  const routes = DEVICES_ROUTES
  return {
    ...serve(routes.list, async () => view(devices().own())),
    ...serve(routes.rename, async ({ body }) => view(await devices().rename(body.name))),
    ...serve(routes.linkStatus, async () => linkHost().status()),
    ...serve(routes.confirmLink, async ({ body }) => linkHost().confirm(body.accept)),
  }
}
