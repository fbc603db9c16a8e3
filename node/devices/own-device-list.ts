/**
 * This account's device list as the node signs it (doc/accounts.md, "Order of work" step 2).
 * An install from before device lists is device 1 with device key = account key, so its
 * friends see no change; every new list is the last one with `version + 1`, so readers
 * (friends, DHT holders) take it over the one they have and refuse any replay of an older one.
 */
import { hostname } from 'node:os'
import {
  DEVICE_CAPABILITIES_ALL,
  type OpenedDeviceCertificate,
  type OpenedDeviceList,
  signDeviceCertificate,
  signDeviceList,
} from '../../protocol/accounts/index.ts'
import { bytesEqual } from '../../protocol/bytes.ts'
import type { Ed25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  MAX_ACCOUNT_DEVICES,
  MAX_DEVICE_NAME_SIZE,
  MAX_REVOKED_DEVICES,
} from '../../protocol/limits.ts'
import { peerIdOf } from '../identity/index.ts'
import {
  DeviceAlreadyListedError,
  DeviceListFullError,
  DeviceNotFoundError,
  DeviceRevokeRefusedError,
  InvalidDeviceNameError,
} from './errors.ts'

const encoder = new TextEncoder()

/** The name of a device nobody named: the machine's host name, cut to the size limit. */
export function defaultDeviceName(host = hostname()): string {
  return fitName(host.trim()) || 'device 1'
}

/** `name` trimmed; InvalidDeviceNameError when empty or over MAX_DEVICE_NAME_SIZE bytes. */
export function checkDeviceName(name: string): string {
  const trimmed = name.trim()
  const size = encoder.encode(trimmed).length
  if (size === 0 || size > MAX_DEVICE_NAME_SIZE) {
    throw new InvalidDeviceNameError(
      `a device name is 1..${MAX_DEVICE_NAME_SIZE} bytes of UTF-8, got ${size}`,
    )
  }
  return trimmed
}

/**
 * Version 1: this install alone, as device 1 with its key as the device key, carrying the
 * account's recovery commitment (empty: none yet).
 */
export function firstDeviceList(
  account: Ed25519KeyPair,
  name: string,
  nowMs: number,
  nextRecovery: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const certificate = signDeviceCertificate(account, {
    device: account.publicKey,
    name: checkDeviceName(name),
    createdMs: nowMs,
    capabilities: DEVICE_CAPABILITIES_ALL,
  })
  return signDeviceList(account, {
    version: 1,
    devices: [certificate],
    revoked: [],
    nextRecovery,
  })
}

/** The next version of `list`, with `device` named `name`. */
export function renameDevice(
  account: Ed25519KeyPair,
  list: OpenedDeviceList,
  device: Uint8Array,
  name: string,
): Uint8Array {
  const checked = checkDeviceName(name)
  return nextVersion(account, list, (certificate) =>
    bytesEqual(certificate.device, device) ? { ...certificate, name: checked } : certificate,
  )
}

/**
 * The next version of `list` with `device` added under `name` (every capability: a person's
 * own device), and the new device's certificate. Throws DeviceListFullError when the list
 * names MAX_ACCOUNT_DEVICES already, DeviceAlreadyListedError when it names `device`.
 */
export function addDevice(
  account: Ed25519KeyPair,
  list: OpenedDeviceList,
  device: Uint8Array,
  name: string,
  nowMs: number,
): { certificate: Uint8Array; list: Uint8Array } {
  if (list.devices.some((listed) => bytesEqual(listed.device, device))) {
    throw new DeviceAlreadyListedError('this device is linked to the account already')
  }
  if (list.devices.length >= MAX_ACCOUNT_DEVICES) {
    throw new DeviceListFullError(
      `an account has at most ${MAX_ACCOUNT_DEVICES} devices: revoke one before linking another`,
    )
  }
  const certificate = signDeviceCertificate(account, {
    device,
    name: checkDeviceName(name),
    createdMs: nowMs,
    capabilities: DEVICE_CAPABILITIES_ALL,
  })
  const signed = signDeviceList(account, {
    version: list.version + 1,
    devices: [...list.devices.map((listed) => listed.record), certificate],
    revoked: list.revoked.filter((revoked) => !bytesEqual(revoked.device, device)),
    nextRecovery: list.nextRecovery,
  })
  return { certificate, list: signed }
}

/**
 * The next version of `list` without the device named `which` (its name or peer id), listed
 * as revoked from `nowMs`, so readers drop it. Neither this device nor the one running on the
 * account key (friends write to that key: rotating the key retires it) can be revoked.
 */
export function revokeDevice(
  account: Ed25519KeyPair,
  list: OpenedDeviceList,
  which: string,
  thisDevice: Uint8Array,
  nowMs: number,
): { device: Uint8Array; list: Uint8Array } {
  const named = list.devices.filter(
    (listed) =>
      listed.name === which || peerIdOf({ publicKey: listed.device }).toString() === which,
  )
  if (named.length !== 1) {
    throw new DeviceNotFoundError(
      named.length === 0
        ? `the account has no device named "${which}" (tokenim devices list shows them)`
        : `${named.length} devices are named "${which}": name the one to revoke by its peer id`,
    )
  }
  const device = named[0]!.device
  if (bytesEqual(device, thisDevice)) {
    throw new DeviceRevokeRefusedError('this device cannot revoke itself: revoke it from another')
  }
  if (bytesEqual(device, list.account)) {
    throw new DeviceRevokeRefusedError(
      'the first device runs on the account key: rotate the key to retire it (tokenim key rotate)',
    )
  }
  const signed = signDeviceList(account, {
    version: list.version + 1,
    devices: list.devices
      .filter((listed) => !bytesEqual(listed.device, device))
      .map((listed) => listed.record),
    revoked: [...list.revoked, { device, atMs: nowMs }].slice(-MAX_REVOKED_DEVICES),
    nextRecovery: list.nextRecovery,
  })
  return { device, list: signed }
}

/**
 * After the account key rotated, the list signed by the old key is re-signed by the new one
 * (`version + 1`): this device's certificate moves from the retired key to the new key (device
 * 1 runs on the account key), and the retired key is listed as revoked, so readers drop it.
 */
export function resignAfterRotation(
  account: Ed25519KeyPair,
  list: OpenedDeviceList,
  nowMs: number,
): Uint8Array {
  const retired = list.account
  const revoked = [...list.revoked, { device: retired, atMs: nowMs }].slice(-MAX_REVOKED_DEVICES)
  return nextVersion(account, { ...list, revoked }, (certificate) =>
    bytesEqual(certificate.device, retired)
      ? { ...certificate, device: account.publicKey }
      : certificate,
  )
}

/**
 * The next version of `list` carrying `commitment`, SHA-256 of the account's recovery key in
 * force (doc/accounts.md): friends pin the first one they see.
 */
export function withRecoveryCommitment(
  account: Ed25519KeyPair,
  list: OpenedDeviceList,
  commitment: Uint8Array,
): Uint8Array {
  return nextVersion(account, { ...list, nextRecovery: commitment }, (certificate) => certificate)
}

function nextVersion(
  account: Ed25519KeyPair,
  list: OpenedDeviceList,
  change: (certificate: OpenedDeviceCertificate) => OpenedDeviceCertificate,
): Uint8Array {
  return signDeviceList(account, {
    version: list.version + 1,
    devices: list.devices.map((certificate) => {
      const { device, name, createdMs, capabilities } = change(certificate)
      return signDeviceCertificate(account, { device, name, createdMs, capabilities })
    }),
    revoked: list.revoked,
    nextRecovery: list.nextRecovery,
  })
}

/** The longest prefix of `name` within MAX_DEVICE_NAME_SIZE bytes, never splitting a character. */
function fitName(name: string): string {
  let fitted = ''
  for (const char of name) {
    if (encoder.encode(fitted + char).length > MAX_DEVICE_NAME_SIZE) break
    fitted += char
  }
  return fitted
}
