import { describe, expect, it } from 'vitest'
import {
  DEVICE_CAPABILITIES_ALL,
  DEVICE_CAPABILITY_MESSAGING,
  type DeviceListFields,
  deviceListDhtKey,
  deviceListRecordMayReplace,
  openDeviceCertificate,
  openDeviceList,
  selectDeviceListRecord,
  signDeviceCertificate,
  signDeviceList,
  validateDeviceListRecord,
} from '../../protocol/accounts/index.ts'
import { signRecord } from '../../protocol/codec.ts'
import { type Ed25519KeyPair, generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { ProtocolError } from '../../protocol/errors.ts'
import {
  DEVICE_CERTIFICATE_DOMAIN,
  DEVICE_LIST_DOMAIN,
  PREKEY_BUNDLE_DOMAIN,
} from '../../protocol/ids.ts'
import {
  MAX_ACCOUNT_DEVICES,
  MAX_DEVICE_LIST_SIZE,
  MAX_DEVICE_NAME_SIZE,
  MAX_REVOKED_DEVICES,
} from '../../protocol/limits.ts'
import { DeviceCertificate, DeviceList } from '../../protocol/proto/account.ts'
import { SignedRecord } from '../../protocol/proto/signed-record.ts'

const NOW = 1_800_000_000_000
const alice = generateEd25519KeyPair()
const mallory = generateEd25519KeyPair()
const laptop = generateEd25519KeyPair()
const phone = generateEd25519KeyPair()
const commitment = new Uint8Array(32).fill(7)

function certificate(account: Ed25519KeyPair, device: Ed25519KeyPair, name = 'laptop') {
  return signDeviceCertificate(account, {
    device: device.publicKey,
    name,
    createdMs: NOW,
    capabilities: DEVICE_CAPABILITIES_ALL,
  })
}

function list(version: number, overrides: Partial<DeviceListFields> = {}, account = alice) {
  return signDeviceList(account, {
    version,
    devices: [certificate(account, laptop), certificate(account, phone, 'phone')],
    revoked: [],
    nextRecovery: commitment,
    ...overrides,
  })
}

/** Every copy of `record` with one bit of one byte flipped: each must be refused with a typed error. */
function expectEveryFlipRefused(record: Uint8Array, open: (bytes: Uint8Array) => unknown) {
  for (let index = 0; index < record.length; index++) {
    const altered = Uint8Array.from(record)
    altered[index] ^= 1
    expect(() => open(altered), `byte ${index}`).toThrow(ProtocolError)
  }
}

describe('device certificates', () => {
  it('round-trip the fields, signed by the account they name', () => {
    const record = certificate(alice, laptop)
    const opened = openDeviceCertificate(record, alice.publicKey)
    expect(opened).toEqual({
      account: alice.publicKey,
      device: laptop.publicKey,
      name: 'laptop',
      createdMs: NOW,
      capabilities: DEVICE_CAPABILITIES_ALL,
      record,
    })
  })

  it('are refused when signed by another key than the account they name', () => {
    const payload = DeviceCertificate.encode({
      account: alice.publicKey,
      device: laptop.publicKey,
      name: 'laptop',
      createdMs: NOW,
      capabilities: DEVICE_CAPABILITY_MESSAGING,
    } as DeviceCertificate)
    const forged = signRecord(mallory, payload, DEVICE_CERTIFICATE_DOMAIN)
    expect(() => openDeviceCertificate(forged)).toThrow(
      expect.objectContaining({ name: 'WrongSignerError' }),
    )
  })

  it('are refused for another account than the one asked for', () => {
    expect(() => openDeviceCertificate(certificate(mallory, laptop), alice.publicKey)).toThrow(
      expect.objectContaining({ name: 'WrongSignerError' }),
    )
  })

  it('do not verify under another domain', () => {
    const payload = SignedRecord.decode(certificate(alice, laptop)).payload
    for (const domain of [DEVICE_LIST_DOMAIN, PREKEY_BUNDLE_DOMAIN]) {
      expect(() => openDeviceCertificate(signRecord(alice, payload, domain))).toThrow(
        expect.objectContaining({ name: 'InvalidSignatureError' }),
      )
    }
  })

  it('are refused with any one byte changed', () => {
    expectEveryFlipRefused(certificate(alice, laptop), (b) => openDeviceCertificate(b))
  })

  it('refuse an empty or too long name, and a device key of the wrong length', () => {
    const fields = { device: laptop.publicKey, createdMs: NOW, capabilities: 1 }
    expect(() => signDeviceCertificate(alice, { ...fields, name: '' })).toThrow(
      expect.objectContaining({ name: 'InvalidDeviceRecordError' }),
    )
    const longest = 'é'.repeat(MAX_DEVICE_NAME_SIZE / 2)
    expect(openDeviceCertificate(certificate(alice, laptop, longest)).name).toBe(longest)
    expect(() => signDeviceCertificate(alice, { ...fields, name: `${longest}x` })).toThrow(
      expect.objectContaining({ name: 'InvalidDeviceRecordError' }),
    )
    expect(() =>
      signDeviceCertificate(alice, { ...fields, name: 'x', device: new Uint8Array(31) }),
    ).toThrow(expect.objectContaining({ name: 'InvalidDeviceRecordError' }))
  })
})

describe('device lists', () => {
  it('round-trip, opening every certificate', () => {
    const revoked = [{ device: generateEd25519KeyPair().publicKey, atMs: NOW - 1 }]
    const opened = openDeviceList(list(3, { revoked }))
    expect(opened.account).toEqual(alice.publicKey)
    expect(opened.version).toBe(3)
    expect(opened.devices.map((d) => [d.device, d.name])).toEqual([
      [laptop.publicKey, 'laptop'],
      [phone.publicKey, 'phone'],
    ])
    expect(opened.revoked).toEqual(revoked)
    expect(opened.nextRecovery).toEqual(commitment)
  })

  it('fit the largest list (16 devices, longest names, 64 revoked) in the size limit', () => {
    const devices = Array.from({ length: MAX_ACCOUNT_DEVICES }, (_, i) =>
      certificate(alice, generateEd25519KeyPair(), `${i}`.padEnd(MAX_DEVICE_NAME_SIZE, 'x')),
    )
    const revoked = Array.from({ length: MAX_REVOKED_DEVICES }, () => ({
      device: generateEd25519KeyPair().publicKey,
      atMs: Number.MAX_SAFE_INTEGER,
    }))
    const record = list(Number.MAX_SAFE_INTEGER, { devices, revoked })
    expect(record.length).toBeLessThanOrEqual(MAX_DEVICE_LIST_SIZE)
    expect(openDeviceList(record).devices).toHaveLength(MAX_ACCOUNT_DEVICES)
  })

  it('refuse more devices or revoked entries than the limits, even when signed', () => {
    const devices = Array.from({ length: MAX_ACCOUNT_DEVICES + 1 }, () =>
      certificate(alice, generateEd25519KeyPair(), 'd'),
    )
    expect(() => list(1, { devices })).toThrow(
      expect.objectContaining({ name: 'InvalidDeviceRecordError' }),
    )
    const payload = DeviceList.encode({
      account: alice.publicKey,
      version: 1,
      devices,
      revoked: [],
      nextRecovery: commitment,
    } as never)
    expect(() => openDeviceList(signRecord(alice, payload, DEVICE_LIST_DOMAIN))).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })

  it('refuse a certificate of another account, a device listed twice or both listed and revoked', () => {
    expect(() => list(1, { devices: [certificate(mallory, laptop)] })).toThrow(
      expect.objectContaining({ name: 'WrongSignerError' }),
    )
    expect(() =>
      list(1, { devices: [certificate(alice, laptop), certificate(alice, laptop, 'again')] }),
    ).toThrow(expect.objectContaining({ name: 'InvalidDeviceRecordError' }))
    expect(() => list(1, { revoked: [{ device: phone.publicKey, atMs: NOW }] })).toThrow(
      expect.objectContaining({ name: 'InvalidDeviceRecordError' }),
    )
    expect(() => list(1, { devices: [] })).toThrow(
      expect.objectContaining({ name: 'InvalidDeviceRecordError' }),
    )
    expect(() => list(0)).toThrow(expect.objectContaining({ name: 'InvalidDeviceRecordError' }))
    expect(() => list(1, { nextRecovery: new Uint8Array(31) })).toThrow(
      expect.objectContaining({ name: 'InvalidDeviceRecordError' }),
    )
    expect(openDeviceList(list(1, { nextRecovery: new Uint8Array(0) })).nextRecovery).toHaveLength(
      0,
    )
  })

  it('are refused when signed by another key than the account, or under another domain', () => {
    const { payload } = SignedRecord.decode(list(1))
    expect(() => openDeviceList(signRecord(mallory, payload, DEVICE_LIST_DOMAIN))).toThrow(
      expect.objectContaining({ name: 'WrongSignerError' }),
    )
    expect(() => openDeviceList(signRecord(alice, payload, DEVICE_CERTIFICATE_DOMAIN))).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
    expectEveryFlipRefused(list(1), openDeviceList)
  })
})

describe('device lists in the DHT', () => {
  const key = deviceListDhtKey(alice.publicKey)

  it('live under a key of the account and the device-list domain', () => {
    expect(new TextDecoder().decode(key)).toMatch(/^\/tokenim-devices\/[0-9a-f]{64}$/)
    expect(deviceListDhtKey(mallory.publicKey)).not.toEqual(key)
    expect(validateDeviceListRecord(key, list(1)).version).toBe(1)
    expect(() => validateDeviceListRecord(key, list(1, {}, mallory))).toThrow(
      expect.objectContaining({ name: 'RecordKeyMismatchError' }),
    )
    expect(() =>
      validateDeviceListRecord(new TextEncoder().encode('/tokenim-devices/00'), list(1)),
    ).toThrow(expect.objectContaining({ name: 'RecordKeyMismatchError' }))
  })

  it('select the highest valid version, whatever the order', () => {
    const v1 = list(1)
    const v2 = list(2)
    const v9 = list(9)
    const forged = signRecord(mallory, SignedRecord.decode(list(50)).payload, DEVICE_LIST_DOMAIN)
    expect(selectDeviceListRecord(key, [v1, v9, v2])).toBe(1)
    expect(selectDeviceListRecord(key, [v9, v1, v2])).toBe(0)
    expect(selectDeviceListRecord(key, [forged, v1, v2])).toBe(2)
  })

  it('never let a lower or equal version replace a stored list', () => {
    const v1 = list(1)
    const v2 = list(2)
    const otherV2 = list(2, { devices: [certificate(alice, laptop)] })
    expect(deviceListRecordMayReplace(key, v1, v2)).toBe(true)
    expect(deviceListRecordMayReplace(key, v2, v1)).toBe(false)
    expect(deviceListRecordMayReplace(key, v2, otherV2)).toBe(false)
    expect(deviceListRecordMayReplace(key, v2, v2)).toBe(true)
    expect(deviceListRecordMayReplace(key, new Uint8Array([1, 2, 3]), v1)).toBe(true)
  })
})
