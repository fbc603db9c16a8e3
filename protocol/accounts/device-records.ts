/**
 * Device certificates and the device list (doc/accounts.md, "Records"): both signed by the
 * account key, each under its own signing domain, so neither verifies as the other or as
 * any other record. Pure code.
 *
 * - A certificate says "device key D belongs to account A". Its signer must be the account it
 *   names.
 * - The device list is A's current devices (their certificates, each signed by A), the devices
 *   revoked lately, and the recovery commitment. It is published in the DHT under
 *   `/tokenim-devices/<hex sha256(DEVICE_LIST_DOMAIN || A)>`. Its version only grows: the
 *   selector prefers the highest valid version and a holder never replaces a list with a lower
 *   or equal version (`deviceListRecordMayReplace`), so a replayed old list cannot bring a
 *   revoked device back.
 * - Decoding is strict and bounded (protocol/codec.ts): at most MAX_ACCOUNT_DEVICES devices,
 *   MAX_REVOKED_DEVICES revoked, MAX_DEVICE_LIST_SIZE bytes in all.
 *
 * @example
 * ```ts
 * const certificate = signDeviceCertificate(account, { device, name: 'laptop', createdMs, capabilities: DEVICE_CAPABILITIES_ALL })
 * const list = signDeviceList(account, { version: 1, devices: [certificate], revoked: [], nextRecovery })
 * const opened = validateDeviceListRecord(deviceListDhtKey(account.publicKey), list)
 * ```
 */
import { bytesEqual, concatBytes, toHex } from '../bytes.ts'
import { decodeMessage, encodeMessage, openSignedRecord, signRecord } from '../codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH, type Ed25519KeyPair } from '../crypto/index.ts'
import { mayReplaceStored, parseDhtKey, selectBest, sha256Hex } from '../dht-records.ts'
import { MalformedMessageError, RecordKeyMismatchError } from '../errors.ts'
import { DEVICE_CERTIFICATE_DOMAIN, DEVICE_LIST_DOMAIN, DEVICES_DHT_NAMESPACE } from '../ids.ts'
import {
  MAX_ACCOUNT_DEVICES,
  MAX_DEVICE_CERTIFICATE_SIZE,
  MAX_DEVICE_LIST_SIZE,
  MAX_DEVICE_NAME_SIZE,
  MAX_REVOKED_DEVICES,
} from '../limits.ts'
import { DeviceCertificate, DeviceList } from '../proto/account.ts'
import { InvalidDeviceRecordError, WrongSignerError } from './errors.ts'

/** May send and receive 1:1 messages. */
export const DEVICE_CAPABILITY_MESSAGING = 1
/** May take part in rooms. */
export const DEVICE_CAPABILITY_ROOMS = 2
/** May hand history to a newly linked device. */
export const DEVICE_CAPABILITY_HISTORY_SOURCE = 4
/** May link new devices to the account. */
export const DEVICE_CAPABILITY_LINK_NEW_DEVICES = 8
/** Every capability known today: what a person's own devices get. */
export const DEVICE_CAPABILITIES_ALL =
  DEVICE_CAPABILITY_MESSAGING |
  DEVICE_CAPABILITY_ROOMS |
  DEVICE_CAPABILITY_HISTORY_SOURCE |
  DEVICE_CAPABILITY_LINK_NEW_DEVICES

/** Length of a recovery commitment: a SHA-256 digest. */
export const COMMITMENT_LENGTH = 32

/** Format version of both records (the SignedRecord's `version`). */
const RECORD_VERSION = 1

const encoder = new TextEncoder()

export interface DeviceCertificateFields {
  /** The device's Ed25519 public key (its PeerId). */
  device: Uint8Array
  name: string
  createdMs: number
  /** Bit set of DEVICE_CAPABILITY_*; unknown bits are kept and ignored. */
  capabilities: number
}

export interface OpenedDeviceCertificate extends DeviceCertificateFields {
  account: Uint8Array
  /** The signed certificate as it travels. */
  record: Uint8Array
}

export interface RevokedDeviceEntry {
  device: Uint8Array
  atMs: number
}

export interface DeviceListFields {
  /** Grows by at least one with each new list. */
  version: number
  /** Signed certificates (signDeviceCertificate), each by the same account key as the list. */
  devices: Uint8Array[]
  revoked: RevokedDeviceEntry[]
  /** SHA-256 of the next recovery public key, or empty while the account has none. */
  nextRecovery: Uint8Array
}

export interface OpenedDeviceList {
  account: Uint8Array
  version: number
  devices: OpenedDeviceCertificate[]
  revoked: RevokedDeviceEntry[]
  nextRecovery: Uint8Array
}

/** The account's certificate for one of its devices; InvalidDeviceRecordError for bad fields. */
export function signDeviceCertificate(
  account: Ed25519KeyPair,
  fields: DeviceCertificateFields,
): Uint8Array {
  const certificate = { ...fields, account: account.publicKey } as DeviceCertificate
  checkCertificate(certificate)
  const payload = encodeMessage(DeviceCertificate, certificate, {
    maxSize: MAX_DEVICE_CERTIFICATE_SIZE,
    what: 'device certificate',
  })
  return signRecord(account, payload, DEVICE_CERTIFICATE_DOMAIN, {
    maxSize: MAX_DEVICE_CERTIFICATE_SIZE,
  })
}

/**
 * Opens a signed device certificate. Throws OversizedMessageError, MalformedMessageError,
 * InvalidSignatureError, WrongSignerError (not signed by the account it names, or not by
 * `account` when given) or InvalidDeviceRecordError.
 */
export function openDeviceCertificate(
  record: Uint8Array,
  account?: Uint8Array,
): OpenedDeviceCertificate {
  const opened = openSignedRecord(record, DEVICE_CERTIFICATE_DOMAIN, MAX_DEVICE_CERTIFICATE_SIZE)
  checkRecordVersion('device certificate', opened.version)
  const certificate = decodeMessage(DeviceCertificate, opened.payload, {
    maxSize: MAX_DEVICE_CERTIFICATE_SIZE,
    what: 'device certificate',
  })
  checkCertificate(certificate)
  if (!bytesEqual(opened.publicKey, certificate.account)) {
    throw new WrongSignerError('a device certificate must be signed by the account it names')
  }
  if (account != null && !bytesEqual(account, certificate.account)) {
    throw new WrongSignerError('the device certificate is for another account')
  }
  const { device, name, createdMs, capabilities } = certificate
  return { account: certificate.account, device, name, createdMs, capabilities, record }
}

/** The account's signed device list. Throws InvalidDeviceRecordError or OversizedMessageError. */
export function signDeviceList(account: Ed25519KeyPair, fields: DeviceListFields): Uint8Array {
  const list = { ...fields, account: account.publicKey } as DeviceList
  checkDeviceList(list)
  const payload = encodeMessage(DeviceList, list, {
    maxSize: MAX_DEVICE_LIST_SIZE,
    what: 'device list',
  })
  return signRecord(account, payload, DEVICE_LIST_DOMAIN, { maxSize: MAX_DEVICE_LIST_SIZE })
}

/**
 * Opens a signed device list and every certificate in it: the list and each certificate are
 * signed by the account the list names, no device appears twice, none is both listed and
 * revoked. Throws OversizedMessageError, MalformedMessageError, InvalidSignatureError,
 * WrongSignerError or InvalidDeviceRecordError.
 */
export function openDeviceList(record: Uint8Array): OpenedDeviceList {
  const opened = openSignedRecord(record, DEVICE_LIST_DOMAIN, MAX_DEVICE_LIST_SIZE)
  checkRecordVersion('device list', opened.version)
  const list = decodeMessage(DeviceList, opened.payload, {
    maxSize: MAX_DEVICE_LIST_SIZE,
    what: 'device list',
    limits: { devices: MAX_ACCOUNT_DEVICES, revoked: MAX_REVOKED_DEVICES },
  })
  if (!bytesEqual(opened.publicKey, list.account)) {
    throw new WrongSignerError('a device list must be signed by the account it names')
  }
  const devices = checkDeviceList(list)
  return {
    account: list.account,
    version: list.version,
    devices,
    revoked: list.revoked.map(({ device, atMs }) => ({ device, atMs })),
    nextRecovery: list.nextRecovery,
  }
}

/** `/tokenim-devices/<hex sha256(DEVICE_LIST_DOMAIN || account key)>`, as bytes. */
export function deviceListDhtKey(account: Uint8Array): Uint8Array {
  return encoder.encode(`/${DEVICES_DHT_NAMESPACE}/${deviceListDigest(account)}`)
}

/**
 * Every check a node applies to a device list found in or put to the DHT: the key is the
 * digest of the list's account, and openDeviceList's checks. Throws RecordKeyMismatchError
 * or what openDeviceList throws.
 */
export function validateDeviceListRecord(key: Uint8Array, value: Uint8Array): OpenedDeviceList {
  const { digest } = parseDhtKey(key, [DEVICES_DHT_NAMESPACE])
  const list = openDeviceList(value)
  if (deviceListDigest(list.account) !== digest) {
    throw new RecordKeyMismatchError('device list is not stored under its account key hash')
  }
  return list
}

/** The highest valid version wins; ties go to the smaller encoding, the same on every node. */
export function selectDeviceListRecord(key: Uint8Array, values: Uint8Array[]): number {
  return selectBest(values, (value) => [-validateDeviceListRecord(key, value).version])
}

/**
 * Whether a holder that stores `stored` under `key` may replace it with `incoming` (already
 * validated): the same bytes refresh it, a stored list that does not validate gives way, and
 * otherwise only a higher version replaces it. An equal version with other content does not:
 * the first one stays, so the account's devices cannot make a holder flip between two lists.
 */
export function deviceListRecordMayReplace(
  key: Uint8Array,
  stored: Uint8Array,
  incoming: Uint8Array,
): boolean {
  return mayReplaceStored(
    stored,
    incoming,
    (bytes) => validateDeviceListRecord(key, bytes).version,
    (incomingVersion, storedVersion) => incomingVersion > storedVersion,
  )
}

function deviceListDigest(account: Uint8Array): string {
  return sha256Hex(concatBytes(encoder.encode(DEVICE_LIST_DOMAIN), account))
}

function checkRecordVersion(what: string, version: number): void {
  if (version !== RECORD_VERSION) {
    throw new MalformedMessageError(`${what} version ${version} is not supported`)
  }
}

function checkCertificate(certificate: DeviceCertificate): void {
  checkPublicKey('device certificate account', certificate.account)
  checkPublicKey('device certificate device', certificate.device)
  const nameSize = encoder.encode(certificate.name).length
  if (nameSize === 0 || nameSize > MAX_DEVICE_NAME_SIZE) {
    throw new InvalidDeviceRecordError(
      `a device name must be 1..${MAX_DEVICE_NAME_SIZE} bytes of UTF-8, got ${nameSize}`,
    )
  }
  if (!Number.isSafeInteger(certificate.createdMs) || certificate.createdMs < 0) {
    throw new InvalidDeviceRecordError('a device certificate needs a creation time')
  }
}

/** Checks a list's fields and opens its certificates (each by the list's account). */
function checkDeviceList(list: DeviceList): OpenedDeviceCertificate[] {
  checkPublicKey('device list account', list.account)
  if (!Number.isSafeInteger(list.version) || list.version < 1) {
    throw new InvalidDeviceRecordError(
      `a device list version is a whole number from 1, got ${list.version}`,
    )
  }
  if (list.devices.length === 0 || list.devices.length > MAX_ACCOUNT_DEVICES) {
    throw new InvalidDeviceRecordError(
      `a device list names 1..${MAX_ACCOUNT_DEVICES} devices, got ${list.devices.length}`,
    )
  }
  if (list.revoked.length > MAX_REVOKED_DEVICES) {
    throw new InvalidDeviceRecordError(
      `a device list keeps at most ${MAX_REVOKED_DEVICES} revoked devices, got ${list.revoked.length}`,
    )
  }
  if (list.nextRecovery.length !== 0 && list.nextRecovery.length !== COMMITMENT_LENGTH) {
    throw new InvalidDeviceRecordError('a recovery commitment is a 32-byte SHA-256 digest')
  }
  const devices = list.devices.map((record) => openDeviceCertificate(record, list.account))
  const seen = new Set<string>()
  for (const { device } of devices) {
    const hex = toHex(device)
    if (seen.has(hex)) throw new InvalidDeviceRecordError('a device is listed twice')
    seen.add(hex)
  }
  for (const { device, atMs } of list.revoked) {
    checkPublicKey('revoked device', device)
    if (!Number.isSafeInteger(atMs) || atMs < 0) {
      throw new InvalidDeviceRecordError('a revoked device needs the time it was revoked')
    }
    const hex = toHex(device)
    if (seen.has(hex)) {
      throw new InvalidDeviceRecordError('a device is both listed and revoked, or revoked twice')
    }
    seen.add(hex)
  }
  return devices
}

function checkPublicKey(what: string, key: Uint8Array): void {
  if (key.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new InvalidDeviceRecordError(
      `${what} must be a 32-byte Ed25519 key, got ${key.length} bytes`,
    )
  }
}
