/** This account's devices and linking a new one (doc/accounts.md). */

export interface RevokeDeviceRequest {
  /** The device's name or peer id. */
  device: string
  password: string
  /** A two-factor code, while the checks are on. */
  code?: string
}

export interface DeviceView {
  name: string
  /** The device key as a libp2p peer id. */
  peerId: string
  /** The device key, 64 hex characters. */
  publicKey: string
  /** When the device was certified, ms since the Unix epoch. */
  createdAt: number
  /** True for the device this node runs on. */
  thisDevice: boolean
}

export interface DeviceListResponse {
  /** The account key (what friends know) as a peer id. */
  account: string
  /** Grows by one with each change. */
  version: number
  devices: DeviceView[]
  /**
   * On a linked device only: how many friends of the account its link handed over. A linked
   * device shows the account's devices but does not message yet (doc/accounts.md).
   */
  linkedFriends?: number
}

export interface RenameDeviceRequest {
  /** 1..64 bytes of UTF-8. */
  name: string
}

export interface StartDeviceLinkRequest {
  password: string
  /** While two-factor checks are on: the authenticator's code or a recovery code. */
  code?: string
}

export interface ConfirmDeviceLinkRequest {
  /** True when both devices show the same SAS. */
  accept: boolean
}

/** The short authentication string both devices of a link show. */
export interface LinkSasView {
  /** Six digits. */
  digits: string
  emoji: Array<{ symbol: string; name: string }>
}

/**
 * A device link on the existing device: `waiting` (the code is shown), `confirm` (a device
 * proved the code: compare the SAS), `linking` (confirmed on both, handing over), `linked`,
 * `failed` (see `error`), or `none` (no code was made since the node started).
 */
export interface DeviceLinkStatus {
  state: 'none' | 'waiting' | 'confirm' | 'linking' | 'linked' | 'failed'
  /** The one-time code's text (also for the QR code), while it is open. */
  code?: string
  /** When the code expires, ms since the Unix epoch. */
  expiresAt?: number
  sas?: LinkSasView
  /** The new device's name and peer id, once it proved the code. */
  deviceName?: string
  devicePeerId?: string
  /** Whether this device's person confirmed the SAS. */
  confirmed?: boolean
  /** Why the link failed, or the last refused attempt while waiting. */
  error?: { name: string; message: string }
}

/**
 * The first run of a new device: link it to an account shown on an existing device
 * (POST /v1/identity/link, then /v1/identity/link/confirm).
 */
export interface LinkNewDeviceRequest {
  /** The one-time code the existing device shows. */
  code: string
  /** The password that will seal this device's keys. */
  password: string
  /** What to call this device. @default the host name */
  deviceName?: string
}
