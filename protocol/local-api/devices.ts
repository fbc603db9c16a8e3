/** This account's devices and linking a new one (doc/accounts.md). */
import { z } from 'zod'
import { DEVICES_API_PATHS } from './paths.ts'
import { apiRoute, named, nonBlank, nonEmpty } from './route.ts'

export const RevokeDeviceRequest = named(
  'RevokeDeviceRequest',
  z.object({
    /** The device's name or peer id. */
    device: nonEmpty(),
    password: nonEmpty(),
    /** A two-factor code, while the checks are on. */
    code: z.string().optional(),
  }),
)
export type RevokeDeviceRequest = z.infer<typeof RevokeDeviceRequest>

/** Revoking a lost device with the account's phrase instead of the password. */
export const RevokeDeviceWithPhraseRequest = named(
  'RevokeDeviceWithPhraseRequest',
  z.object({
    /** The device's name or peer id. */
    device: nonEmpty(),
    /** The account's recovery phrase (or, for an account from before them, its key's backup phrase). */
    phrase: nonEmpty(),
  }),
)
export type RevokeDeviceWithPhraseRequest = z.infer<typeof RevokeDeviceWithPhraseRequest>

export const DeviceView = named(
  'DeviceView',
  z.object({
    name: z.string(),
    /** The device key as a libp2p peer id. */
    peerId: z.string(),
    /** The device key, 64 hex characters. */
    publicKey: z.string(),
    /** When the device was certified, ms since the Unix epoch. */
    createdAt: z.number(),
    /** True for the device this node runs on. */
    thisDevice: z.boolean(),
  }),
)
export type DeviceView = z.infer<typeof DeviceView>

export const DeviceListResponse = named(
  'DeviceListResponse',
  z.object({
    /** The account key (what friends know) as a peer id. */
    account: z.string(),
    /** Grows by one with each change. */
    version: z.number(),
    devices: z.array(DeviceView),
    /**
     * On a linked device only: how many friends of the account it holds (every device of the
     * account holds the same friend list, doc/friends.md).
     */
    linkedFriends: z.number().optional(),
  }),
)
export type DeviceListResponse = z.infer<typeof DeviceListResponse>

export const RenameDeviceRequest = named(
  'RenameDeviceRequest',
  z.object({
    /** 1..64 bytes of UTF-8. */
    name: nonBlank(),
  }),
)
export type RenameDeviceRequest = z.infer<typeof RenameDeviceRequest>

export const StartDeviceLinkRequest = named(
  'StartDeviceLinkRequest',
  z.object({
    password: nonEmpty(),
    /** While two-factor checks are on: the authenticator's code or a recovery code. */
    code: z.string().optional(),
  }),
)
export type StartDeviceLinkRequest = z.infer<typeof StartDeviceLinkRequest>

export const ConfirmDeviceLinkRequest = named(
  'ConfirmDeviceLinkRequest',
  z.object({
    /** True when both devices show the same SAS. */
    accept: z.boolean(),
  }),
)
export type ConfirmDeviceLinkRequest = z.infer<typeof ConfirmDeviceLinkRequest>

/** The short authentication string both devices of a link show. */
export const LinkSasView = named(
  'LinkSasView',
  z.object({
    /** Six digits. */
    digits: z.string(),
    emoji: z.array(z.object({ symbol: z.string(), name: z.string() })),
  }),
)
export type LinkSasView = z.infer<typeof LinkSasView>

/**
 * A device link on the existing device: `waiting` (the code is shown), `confirm` (a device
 * proved the code: compare the SAS), `linking` (confirmed on both, handing over), `linked`,
 * `failed` (see `error`), or `none` (no code was made since the node started).
 */
export const DeviceLinkStatus = named(
  'DeviceLinkStatus',
  z.object({
    state: z.enum(['none', 'waiting', 'confirm', 'linking', 'linked', 'failed']),
    /** The one-time code's text (also for the QR code), while it is open. */
    code: z.string().optional(),
    /** When the code expires, ms since the Unix epoch. */
    expiresAt: z.number().optional(),
    sas: LinkSasView.optional(),
    /** The new device's name and peer id, once it proved the code. */
    deviceName: z.string().optional(),
    devicePeerId: z.string().optional(),
    /** Whether this device's person confirmed the SAS. */
    confirmed: z.boolean().optional(),
    /** Why the link failed, or the last refused attempt while waiting. */
    error: z.object({ name: z.string(), message: z.string() }).optional(),
  }),
)
export type DeviceLinkStatus = z.infer<typeof DeviceLinkStatus>

/**
 * Another device of this account revoked this one: it sends nothing as the account from now
 * on (texts are refused with DeviceRevokedError), and its friends' nodes drop what it sends.
 */
export const DeviceRevokedEvent = named(
  'DeviceRevokedEvent',
  z.object({
    /** This device. */
    peerId: z.string(),
    /** The version of the account's device list that revoked it. */
    version: z.number().int().min(1),
    /** When it was revoked, ms since the Unix epoch (the revoking device's clock). */
    at: z.number(),
  }),
)
export type DeviceRevokedEvent = z.infer<typeof DeviceRevokedEvent>

/**
 * How much of the account's 1:1 history a device asks another for: all of it, what was
 * stored in the last N days, or none (doc/accounts.md, "History on a new device").
 */
export const HistoryChoice = named(
  'HistoryChoice',
  z.union([z.literal('all'), z.literal('none'), z.number().int().min(1).max(36_500)]),
)
export type HistoryChoice = z.infer<typeof HistoryChoice>

export const HistoryTransferRequest = named(
  'HistoryTransferRequest',
  z.object({
    history: HistoryChoice,
    /** The device to ask, by name or peer id. @default the device that linked this one, else another of the account's */
    from: z.string().optional(),
  }),
)
export type HistoryTransferRequest = z.infer<typeof HistoryTransferRequest>

/** Where the history transfer to this device stands (also the `device:history` event). */
export const HistoryTransferStatus = named(
  'HistoryTransferStatus',
  z.object({
    /** `paused`: it stopped (the other device away, the link cut) and goes on from where it stopped at the next start or request. */
    state: z.enum(['none', 'running', 'paused', 'done', 'failed']),
    /** The device the history comes from, as a peer id. */
    from: z.string().optional(),
    /** Records stored at or after this time (ms since the Unix epoch); 0: all. */
    since: z.number().optional(),
    /** Records taken so far (added, or found here already). */
    taken: z.number().int().min(0),
    /** Records the transfer holds in all, as far as known (taken + what the other device still has). */
    total: z.number().int().min(0),
    error: z.object({ name: z.string(), message: z.string() }).optional(),
  }),
)
export type HistoryTransferStatus = z.infer<typeof HistoryTransferStatus>

/**
 * The first run of a new device: link it to an account shown on an existing device
 * (POST /v1/identity/link, then /v1/identity/link/confirm).
 */
export const LinkNewDeviceRequest = named(
  'LinkNewDeviceRequest',
  z.object({
    /** The one-time code the existing device shows. */
    code: nonEmpty(),
    /** The password that will seal this device's keys. */
    password: nonEmpty(),
    /** What to call this device. @default the host name */
    deviceName: z.string().optional(),
    /** How much of the 1:1 history the linking device hands over. @default 'all' */
    history: HistoryChoice.optional(),
  }),
)
export type LinkNewDeviceRequest = z.infer<typeof LinkNewDeviceRequest>

/** This account's devices. */
export const DEVICES_ROUTES = {
  list: apiRoute({
    method: 'GET',
    path: DEVICES_API_PATHS.list,
    summary: "The account's devices, this one marked",
    response: DeviceListResponse,
  }),
  rename: apiRoute({
    method: 'POST',
    path: DEVICES_API_PATHS.rename,
    summary: 'Renames this device',
    body: RenameDeviceRequest,
    response: DeviceListResponse,
  }),
  linkStatus: apiRoute({
    method: 'GET',
    path: DEVICES_API_PATHS.link,
    summary: 'Where the device link shown here stands',
    response: DeviceLinkStatus,
  }),
  startLink: apiRoute({
    method: 'POST',
    path: DEVICES_API_PATHS.link,
    summary: 'A new one-time code to link a device (a sensitive action)',
    body: StartDeviceLinkRequest,
    response: DeviceLinkStatus,
    errors: ['conflict', 'locked'],
    served: 'always',
  }),
  confirmLink: apiRoute({
    method: 'POST',
    path: DEVICES_API_PATHS.linkConfirm,
    summary: "This device's person's answer to the SAS",
    body: ConfirmDeviceLinkRequest,
    response: DeviceLinkStatus,
    errors: ['conflict'],
  }),
  historyStatus: apiRoute({
    method: 'GET',
    path: DEVICES_API_PATHS.history,
    summary: 'Where the history transfer to this device stands',
    response: HistoryTransferStatus,
  }),
  startHistory: apiRoute({
    method: 'POST',
    path: DEVICES_API_PATHS.history,
    summary:
      'Asks another device of the account for its 1:1 history (all, the last N days, or none); the same choice again resumes where it stopped',
    body: HistoryTransferRequest,
    response: HistoryTransferStatus,
    errors: ['not-found', 'conflict'],
  }),
  revokeWithPhrase: apiRoute({
    method: 'POST',
    path: DEVICES_API_PATHS.revokeWithPhrase,
    summary:
      "Revokes another device of the account with the account's recovery phrase instead of the password (a lost device)",
    body: RevokeDeviceWithPhraseRequest,
    response: DeviceListResponse,
    errors: ['forbidden', 'not-found', 'conflict'],
    served: 'always',
  }),
  revoke: apiRoute({
    method: 'POST',
    path: DEVICES_API_PATHS.revoke,
    summary: 'Revokes another device of the account (a sensitive action)',
    body: RevokeDeviceRequest,
    response: DeviceListResponse,
    errors: ['conflict', 'locked'],
    served: 'always',
  }),
}
