import { describe, expect, it } from 'vitest'
import {
  DEVICE_CAPABILITIES_ALL,
  signDeviceCertificate,
  signDeviceList,
} from '../../protocol/accounts/index.ts'
import { generateEd25519KeyPair } from '../../protocol/crypto/index.ts'
import {
  MAX_ACCOUNT_DEVICES,
  MAX_DEVICE_LIST_SIZE,
  MAX_DEVICE_NAME_SIZE,
  MAX_REVOKED_DEVICES,
  MAX_SOCIAL_PAYLOAD_SIZE,
} from '../../protocol/limits.ts'
import { decodeInnerMessage, encodeInnerMessage } from '../../protocol/messaging.ts'
import { decodeFriendMessage, encodeFriendMessage } from '../../protocol/social.ts'

const alice = generateEd25519KeyPair()
const zeroId = new Uint8Array(16)

/** The largest device list the records allow: 16 devices with the longest names, 64 revoked. */
function largestList(): Uint8Array {
  return signDeviceList(alice, {
    version: Number.MAX_SAFE_INTEGER,
    devices: Array.from({ length: MAX_ACCOUNT_DEVICES }, (_, i) =>
      signDeviceCertificate(alice, {
        device: generateEd25519KeyPair().publicKey,
        name: `${i}`.padEnd(MAX_DEVICE_NAME_SIZE, 'x'),
        createdMs: Number.MAX_SAFE_INTEGER,
        capabilities: DEVICE_CAPABILITIES_ALL,
      }),
    ),
    revoked: Array.from({ length: MAX_REVOKED_DEVICES }, () => ({
      device: generateEd25519KeyPair().publicKey,
      atMs: Number.MAX_SAFE_INTEGER,
    })),
    nextRecovery: new Uint8Array(32).fill(9),
  })
}

describe('device list friend messages', () => {
  it('carry the largest device list within the social payload and DM limits', () => {
    const deviceList = largestList()
    const payload = encodeFriendMessage({
      type: 'device-list',
      requestId: zeroId,
      note: '',
      name: '',
      deviceList,
    })
    expect(payload.length).toBeLessThanOrEqual(MAX_SOCIAL_PAYLOAD_SIZE)
    const inner = encodeInnerMessage({ kind: 'social', messageId: zeroId, sentAtMs: 1, payload })
    const decoded = decodeFriendMessage(
      (decodeInnerMessage(inner) as { payload: Uint8Array }).payload,
    )
    expect(decoded.type).toBe('device-list')
    expect(Buffer.from(decoded.deviceList!).equals(Buffer.from(deviceList))).toBe(true)
  })

  it('refuse a device list message without a list, and a list on a kind other than a request or answer', () => {
    const malformed = expect.objectContaining({ name: 'MalformedMessageError' })
    expect(() =>
      encodeFriendMessage({ type: 'device-list', requestId: zeroId, note: '', name: '' }),
    ).toThrow(malformed)
    // A linked device's request carries its account's list (doc/friends.md).
    const request = { type: 'request' as const, requestId: zeroId, note: 'hi', name: '' }
    const carried = new Uint8Array(10)
    const decoded = decodeFriendMessage(encodeFriendMessage({ ...request, deviceList: carried }))
    expect(decoded.deviceList).toEqual(carried)
    expect(() =>
      encodeFriendMessage({
        type: 'profile',
        profile: new Uint8Array(4),
        requestId: zeroId,
        note: '',
        name: '',
        deviceList: new Uint8Array(10),
      }),
    ).toThrow(malformed)
    expect(() =>
      encodeFriendMessage({
        type: 'device-list',
        requestId: zeroId,
        note: '',
        name: '',
        deviceList: new Uint8Array(MAX_DEVICE_LIST_SIZE + 1),
      }),
    ).toThrow(malformed)
  })
})
