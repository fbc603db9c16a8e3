/**
 * Decoder fuzz table rows for account records: device certificates, device lists (as opened
 * and as DHT entries under their account's key), key rotation and recovery statements.
 */
import {
  DEVICE_CAPABILITIES_ALL,
  decodeLinkCode,
  decodeLinkFrame,
  decodeLinkState,
  deviceListDhtKey,
  encodeLinkCode,
  encodeLinkFrame,
  LINK_CODE_PREFIX,
  LinkFrameKind,
  openDeviceCertificate,
  openDeviceList,
  openKeyStatement,
  recoveryCommitment,
  signDeviceCertificate,
  signDeviceList,
  signKeyRecovery,
  signKeyRotation,
  validateDeviceListRecord,
} from '../../protocol/accounts/index.ts'
import {
  DEVICE_CERTIFICATE_DOMAIN,
  DEVICE_LIST_DOMAIN,
  KEY_RECOVERY_DOMAIN,
  KEY_ROTATION_DOMAIN,
} from '../../protocol/ids.ts'
import {
  MAX_DEVICE_CERTIFICATE_SIZE,
  MAX_DEVICE_LIST_SIZE,
  MAX_KEY_STATEMENT_SIZE,
  MAX_LINK_CODE_SIZE,
  MAX_STREAM_FRAME_SIZE,
} from '../../protocol/limits.ts'
import { LinkState } from '../../protocol/proto/link.ts'
import {
  alice,
  bob,
  bytes,
  cosigned,
  type DecoderEntry,
  key,
  NOW,
  signed,
} from './decoder-entry.ts'

export function accounts(): DecoderEntry[] {
  const laptop = signDeviceCertificate(alice, {
    device: bob.publicKey,
    name: 'laptop',
    createdMs: NOW,
    capabilities: DEVICE_CAPABILITIES_ALL,
  })
  const phone = signDeviceCertificate(alice, {
    device: key(4).publicKey,
    name: 'téléphone',
    createdMs: NOW,
    capabilities: 1,
  })
  const list = signDeviceList(alice, {
    version: 2,
    devices: [laptop, phone],
    revoked: [{ device: key(5).publicKey, atMs: NOW }],
    nextRecovery: bytes(32, 6),
  })
  const short = signDeviceList(alice, {
    version: 1,
    devices: [laptop],
    revoked: [],
    nextRecovery: new Uint8Array(0),
  })
  const recoveryKey = key(6)
  const rotation = signKeyRotation(alice, bob, {
    sequence: 1,
    atMs: NOW,
    nextRecovery: recoveryCommitment(recoveryKey.publicKey),
  })
  const recovery = signKeyRecovery(recoveryKey, bob, {
    oldKey: alice.publicKey,
    sequence: 1,
    atMs: NOW,
    nextRecovery: bytes(32, 7),
  })
  const state = { friends: [{ key: bob.publicKey, name: 'bob@relay' }], relays: ['/dnsaddr/x'] }
  const handover = encodeLinkFrame({
    kind: LinkFrameKind.HANDOVER,
    sealedAccountKey: bytes(80, 8),
    certificate: laptop,
    deviceList: list,
    state,
  })
  const hello = encodeLinkFrame({
    kind: LinkFrameKind.HELLO,
    proof: bytes(32, 9),
    deviceName: 'phone',
  })
  const code = encodeLinkCode({
    device: alice.publicKey,
    addresses: [bytes(40, 4), bytes(8, 4)],
    secret: bytes(16, 10),
    expiresMs: NOW,
  })
  const codeBytes = new Uint8Array(Buffer.from(code.slice(LINK_CODE_PREFIX.length), 'base64url'))
  return [
    {
      name: 'link frame',
      maxSize: MAX_STREAM_FRAME_SIZE,
      decode: decodeLinkFrame,
      valid: [hello, handover],
    },
    {
      name: 'link state',
      maxSize: MAX_STREAM_FRAME_SIZE,
      decode: decodeLinkState,
      valid: [LinkState.encode(state as LinkState)],
    },
    {
      name: 'link code',
      maxSize: MAX_LINK_CODE_SIZE,
      decode: (b) => decodeLinkCode(LINK_CODE_PREFIX + Buffer.from(b).toString('base64url')),
      valid: [codeBytes],
    },
    {
      name: 'key rotation',
      maxSize: MAX_KEY_STATEMENT_SIZE,
      decode: (b) => openKeyStatement('rotation', b),
      valid: [rotation],
      inner: cosigned(alice, bob, KEY_ROTATION_DOMAIN, [rotation]),
    },
    {
      name: 'key recovery',
      maxSize: MAX_KEY_STATEMENT_SIZE,
      decode: (b) => openKeyStatement('recovery', b),
      valid: [recovery],
      inner: cosigned(recoveryKey, bob, KEY_RECOVERY_DOMAIN, [recovery]),
    },
    {
      name: 'device certificate',
      maxSize: MAX_DEVICE_CERTIFICATE_SIZE,
      decode: (b) => openDeviceCertificate(b),
      valid: [laptop, phone],
      inner: signed(alice, DEVICE_CERTIFICATE_DOMAIN, [laptop, phone]),
    },
    {
      name: 'device list',
      maxSize: MAX_DEVICE_LIST_SIZE,
      decode: openDeviceList,
      valid: [list, short],
      inner: signed(alice, DEVICE_LIST_DOMAIN, [list, short]),
      // Each input opens up to 17 signatures.
      testCases: 2_000,
    },
    {
      name: 'device list DHT entry',
      maxSize: MAX_DEVICE_LIST_SIZE,
      decode: (b) => validateDeviceListRecord(deviceListDhtKey(alice.publicKey), b),
      valid: [list],
      inner: signed(alice, DEVICE_LIST_DOMAIN, [list]),
      testCases: 2_000,
    },
  ]
}
