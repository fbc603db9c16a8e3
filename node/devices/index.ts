/**
 * The account's device list on the node (doc/accounts.md, step 2): this install is device 1
 * (device key = account key), the signed, versioned list is kept sealed in LevelDB, published
 * in the DHT and sent to every friend as a `device-list` friend message; friends' newest lists
 * are kept and shown in friend views ("alice · 2 devices").
 *
 * @example
 * ```ts
 * import { DeviceService } from './node/devices/index.ts'
 *
 * const devices = new DeviceService({ host, identity, store: storage.sublevel('devices'), friends, messaging: () => messages })
 * await devices.start() // version 1 on the first start, published in the DHT
 * await devices.rename('laptop') // version 2, published and sent to every friend
 * devices.friendList(bobKey)?.devices.map((device) => device.name)
 * ```
 */
export { accountDevicesPort, friendRevoked } from './account-devices.ts'
export { deviceListView, deviceRoutes, friendDevicesView } from './api-routes.ts'
export {
  type DeviceFriends,
  DeviceService,
  type DeviceServiceComponents,
  type DeviceServiceEvents,
  type DeviceServiceInit,
} from './device-service.ts'
export * from './errors.ts'
export { FirstRunLink } from './first-run-link.ts'
export { LinkHost, type LinkHostComponents, type LinkHostInit } from './link-host.ts'
export { type LinkedDevice, type LinkNewDeviceInit, linkNewDevice } from './link-new-device.ts'
export { type LinkedAccount, type LinkRequest, requestLink } from './link-requester.ts'
export { DeviceMailboxRecipients, type MailboxRecipientsInit } from './mailbox-recipients.ts'
export { defaultDeviceName } from './own-device-list.ts'
export { checkAccountPhrase } from './phrase-authority.ts'
