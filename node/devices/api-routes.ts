/** The local API routes of the device list (paths in protocol/local-api.ts). */
import type { OpenedDeviceList } from '../../protocol/accounts/index.ts'
import { bytesEqual, toHex } from '../../protocol/bytes.ts'
import {
  DEVICES_API_PATHS,
  type DeviceLinkStatus,
  type DeviceListResponse,
  type FriendDevicesView,
  type RenameDeviceRequest,
} from '../../protocol/local-api.ts'
import { booleanField, type Routes } from '../api/local-api-server.ts'
import { requireNonBlankString } from '../api/request-fields.ts'
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

export function deviceRoutes(devices: () => DeviceService, linkHost: () => LinkHost): Routes {
  const view = (list: OpenedDeviceList): DeviceListResponse => ({
    ...deviceListView(list, devices().thisDevice),
    ...(devices().linked ? { linkedFriends: devices().linkedFriends().length } : {}),
  })
  return {
    [`GET ${DEVICES_API_PATHS.list}`]: async (): Promise<DeviceListResponse> =>
      view(devices().own()),
    [`POST ${DEVICES_API_PATHS.rename}`]: async ({ body }): Promise<DeviceListResponse> => {
      const name = requireNonBlankString((body as Partial<RenameDeviceRequest>)?.name, 'name')
      return view(await devices().rename(name))
    },
    [`GET ${DEVICES_API_PATHS.link}`]: async (): Promise<DeviceLinkStatus> => linkHost().status(),
    [`POST ${DEVICES_API_PATHS.linkConfirm}`]: async ({ body }): Promise<DeviceLinkStatus> => {
      return linkHost().confirm(booleanField(body, 'accept'))
    },
  }
}
