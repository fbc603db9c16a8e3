import { describe, expect, it } from 'vitest'
import { judgeFriendList } from '../../node/devices/friend-device-lists.ts'
import {
  addDevice,
  defaultDeviceName,
  firstDeviceList,
  renameDevice,
  resignAfterRotation,
  revokeDevice,
} from '../../node/devices/own-device-list.ts'
import { peerIdOf } from '../../node/identity/index.ts'
import { openDeviceList } from '../../protocol/accounts/index.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import { MAX_DEVICE_NAME_SIZE } from '../../protocol/limits.ts'

const NOW = 1_800_000_000_000
const alice = generateEd25519KeyPair()

describe("the node's own device list", () => {
  it('starts as device 1 on the account key, and a rename is the next version', () => {
    const first = openDeviceList(firstDeviceList(alice, 'home', NOW))
    expect(first.version).toBe(1)
    expect(first.devices.map((d) => [d.device, d.name])).toEqual([[alice.publicKey, 'home']])
    const renamed = openDeviceList(renameDevice(alice, first, alice.publicKey, ' laptop '))
    expect(renamed.version).toBe(2)
    expect(renamed.devices[0]).toMatchObject({ name: 'laptop', createdMs: NOW })
    expect(() => renameDevice(alice, first, alice.publicKey, '  ')).toThrow(
      expect.objectContaining({ name: 'InvalidDeviceNameError' }),
    )
  })

  it('names a device after the host, cut to the limit without splitting a character', () => {
    expect(defaultDeviceName('  box  ')).toBe('box')
    expect(defaultDeviceName('')).toBe('device 1')
    const long = defaultDeviceName('é'.repeat(MAX_DEVICE_NAME_SIZE))
    expect(long).toBe('é'.repeat(MAX_DEVICE_NAME_SIZE / 2))
  })

  it('is re-signed by a rotated account key, the retired key revoked', () => {
    const first = openDeviceList(firstDeviceList(alice, 'home', NOW))
    const rotated = generateEd25519KeyPair()
    const resigned = openDeviceList(resignAfterRotation(rotated, first, NOW + 1))
    expect(resigned.account).toEqual(rotated.publicKey)
    expect(resigned.version).toBe(2)
    expect(resigned.devices.map((d) => [d.device, d.name])).toEqual([[rotated.publicKey, 'home']])
    expect(resigned.revoked).toEqual([{ device: alice.publicKey, atMs: NOW + 1 }])
  })
})

describe('revoking a device', () => {
  const first = openDeviceList(firstDeviceList(alice, 'home', NOW))
  const phone = generateEd25519KeyPair().publicKey
  const tablet = generateEd25519KeyPair().publicKey
  const two = openDeviceList(addDevice(alice, first, phone, 'phone', NOW).list)
  const three = openDeviceList(addDevice(alice, two, tablet, 'phone', NOW).list)

  it('is the next version without the device, which is listed as revoked', () => {
    const { device, list } = revokeDevice(alice, two, 'phone', alice.publicKey, NOW + 5)
    expect(device).toEqual(phone)
    const revoked = openDeviceList(list)
    expect(revoked.version).toBe(two.version + 1)
    expect(revoked.devices.map((d) => d.device)).toEqual([alice.publicKey])
    expect(revoked.revoked).toEqual([{ device: phone, atMs: NOW + 5 }])
  })

  it('names the device by peer id when names repeat, and refuses what it cannot revoke', () => {
    const byId = peerIdOf({ publicKey: tablet }).toString()
    expect(revokeDevice(alice, three, byId, alice.publicKey, NOW).device).toEqual(tablet)
    const refused = (which: string, thisDevice = alice.publicKey) => {
      try {
        revokeDevice(alice, three, which, thisDevice, NOW)
      } catch (err) {
        return (err as Error).name
      }
    }
    expect(refused('phone')).toBe('DeviceNotFoundError')
    expect(refused('watch')).toBe('DeviceNotFoundError')
    expect(refused(byId, tablet)).toBe('DeviceRevokeRefusedError')
    expect(refused('home', tablet)).toBe('DeviceRevokeRefusedError')
  })
})

describe("a friend's device list", () => {
  const v1 = firstDeviceList(alice, 'home', NOW)
  const v2 = renameDevice(alice, openDeviceList(v1), alice.publicKey, 'laptop')
  const held = (record: Uint8Array) => ({ list: openDeviceList(record), record })

  it('is taken when newer, ignored when the same, refused when older or not the sender', () => {
    expect(judgeFriendList(alice.publicKey, undefined, v1).status).toBe('newer')
    expect(judgeFriendList(alice.publicKey, held(v1), v2).status).toBe('newer')
    expect(judgeFriendList(alice.publicKey, held(v2), v2).status).toBe('same')
    expect(judgeFriendList(alice.publicKey, held(v2), v1)).toMatchObject({
      status: 'refused',
      version: 1,
    })
    const other = renameDevice(alice, openDeviceList(v1), alice.publicKey, 'phone')
    expect(judgeFriendList(alice.publicKey, held(v2), other).status).toBe('refused')
    const mallory = generateEd25519KeyPair().publicKey
    expect(judgeFriendList(mallory, undefined, v1).status).toBe('refused')
    expect(judgeFriendList(alice.publicKey, undefined, new Uint8Array([1, 2])).status).toBe(
      'refused',
    )
  })
})
