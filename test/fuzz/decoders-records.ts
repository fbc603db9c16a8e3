/**
 * Decoder fuzz table rows for records: directory records and messages, mailbox and prekey
 * records (and the DHT keys they are stored under), sealed mailbox payloads, presence
 * heartbeats and friend messages.
 */
import {
  DEVICE_CAPABILITIES_ALL,
  signDeviceCertificate,
  signDeviceList,
} from '../../protocol/accounts/index.ts'
import { decodeMessage } from '../../protocol/codec.ts'
import { decodeDeviceSync, encodeDeviceSync } from '../../protocol/device-sync.ts'
import {
  CLAIM_ACTION_REGISTER,
  nameDhtKey,
  openClaimProof,
  openNameRecord,
  openProfile,
  signClaimProof,
  signNameRecord,
  signProfile,
  validateNameRecordEntry,
} from '../../protocol/directory.ts'
import {
  CLAIM_PROOF_DOMAIN,
  MAILBOX_RECORD_DOMAIN,
  NAME_RECORD_DOMAIN,
  PREKEY_BUNDLE_DOMAIN,
  PRESENCE_DOMAIN,
  PROFILE_DOMAIN,
  SESSION_ANNOUNCEMENT_DOMAIN,
  SESSION_NOTICE_DOMAIN,
} from '../../protocol/ids.ts'
import { openInboxEnvelope, sealInboxEnvelope } from '../../protocol/inbox-envelope.ts'
import {
  MAX_DEVICE_SYNC_SIZE,
  MAX_DHT_RECORD_SIZE,
  MAX_DIRECTORY_MESSAGE_SIZE,
  MAX_MAILBOX_PAYLOAD_SIZE,
  MAX_PREKEY_RECORD_SIZE,
  MAX_PRESENCE_FRAME_SIZE,
  MAX_PROFILE_SIZE,
  MAX_SESSION_ANNOUNCEMENT_SIZE,
  MAX_SOCIAL_PAYLOAD_SIZE,
  MAX_USERNAME_RECORD_SIZE,
} from '../../protocol/limits.ts'
import {
  createDepositRecord,
  createTombstoneRecord,
  MAILBOX_DEFAULT_TTL_MS,
  openSlotPayload,
  pairwiseSecret,
  pairwiseSlot,
  sealSlotPayload,
  validateMailboxRecord,
} from '../../protocol/mailbox.ts'
import {
  createPrekeyRecord,
  prekeysDhtKey,
  validatePrekeyRecord,
} from '../../protocol/prekey-records.ts'
import { DirectoryRequest, DirectoryResponse } from '../../protocol/proto/directory.ts'
import { generateOneTimePrekeys, generateSignedPrekey } from '../../protocol/session/index.ts'
import {
  openSessionAnnouncement,
  openSessionNotice,
  signSessionAnnouncement,
  signSessionNotice,
} from '../../protocol/session-records.ts'
import {
  decodeFriendMessage,
  encodeFriendMessage,
  openPresenceHeartbeat,
  signPresenceHeartbeat,
} from '../../protocol/social.ts'

import { alice, bob, bytes, type DecoderEntry, NOW, relay, signed, utf8 } from './decoder-entry.ts'

export function directory(): DecoderEntry[] {
  const nameRecord = signNameRecord(relay, {
    name: 'alice',
    publicKey: alice.publicKey,
    relayPublicKey: relay.publicKey,
    issuedMs: NOW,
    expiresMs: NOW + 60_000,
  })
  const claim = {
    challenge: bytes(32, 9),
    name: 'alice',
    relayPublicKey: relay.publicKey,
    action: CLAIM_ACTION_REGISTER,
  } as const
  const claimProof = signClaimProof(alice, claim)
  const profile = signProfile(
    alice,
    { displayName: 'Alice', bio: 'climbs', age: 30, email: 'a@example.org' },
    NOW,
  )
  const announcement = signSessionAnnouncement(alice, {
    counter: 7n,
    timestampMs: NOW,
    multiaddrs: ['/ip4/127.0.0.1/tcp/4001'],
  })
  const notice = signSessionNotice(relay, {
    announcement,
    relayPublicKey: relay.publicKey,
    supersededCounter: 6n,
  })
  const request = DirectoryRequest.encode({ lookup: { name: 'alice' } })
  const search = DirectoryRequest.encode({ search: { prefix: 'al', limit: 5 } })
  const response = DirectoryResponse.encode({ nameRecord, profile } as never)
  const hits = DirectoryResponse.encode({ search: { hits: [{ nameRecord, profile }] } } as never)
  const challenge = DirectoryResponse.encode({
    challenge: { nonce: bytes(32, 1), workBits: 8, inviteRequired: false, verification: ['email'] },
  })
  return [
    {
      name: 'name record',
      maxSize: MAX_USERNAME_RECORD_SIZE,
      decode: (b) => openNameRecord(b, { now: NOW }),
      valid: [nameRecord],
      inner: signed(relay, NAME_RECORD_DOMAIN, [nameRecord]),
    },
    {
      name: 'name record DHT entry',
      maxSize: MAX_USERNAME_RECORD_SIZE,
      decode: (b) => validateNameRecordEntry(nameDhtKey(relay.publicKey, 'alice'), b, NOW),
      valid: [nameRecord],
      inner: signed(relay, NAME_RECORD_DOMAIN, [nameRecord]),
    },
    {
      name: 'claim proof',
      maxSize: MAX_USERNAME_RECORD_SIZE,
      decode: (b) => openClaimProof(b, { ...claim, publicKey: alice.publicKey }),
      valid: [claimProof],
      inner: signed(alice, CLAIM_PROOF_DOMAIN, [claimProof]),
    },
    {
      name: 'profile',
      maxSize: MAX_PROFILE_SIZE,
      decode: openProfile,
      valid: [profile],
      inner: signed(alice, PROFILE_DOMAIN, [profile]),
    },
    {
      name: 'session announcement',
      maxSize: MAX_SESSION_ANNOUNCEMENT_SIZE,
      decode: openSessionAnnouncement,
      valid: [announcement],
      inner: signed(alice, SESSION_ANNOUNCEMENT_DOMAIN, [announcement]),
    },
    {
      name: 'session notice',
      maxSize: 2 * MAX_SESSION_ANNOUNCEMENT_SIZE,
      decode: (b) => openSessionNotice(b, relay.publicKey, alice.publicKey),
      valid: [notice],
      inner: signed(relay, SESSION_NOTICE_DOMAIN, [notice]),
    },
    {
      name: 'directory request',
      maxSize: MAX_DIRECTORY_MESSAGE_SIZE,
      decode: (b) =>
        decodeMessage(DirectoryRequest, b, {
          maxSize: MAX_DIRECTORY_MESSAGE_SIZE,
          what: 'directory request',
        }),
      valid: [request, search],
    },
    {
      name: 'directory response',
      maxSize: MAX_DIRECTORY_MESSAGE_SIZE,
      decode: (b) =>
        decodeMessage(DirectoryResponse, b, {
          maxSize: MAX_DIRECTORY_MESSAGE_SIZE,
          what: 'directory response',
        }),
      valid: [response, hits, challenge],
    },
  ]
}

export function mailbox(): DecoderEntry[] {
  const slot = pairwiseSlot(pairwiseSecret(alice, bob.publicKey), alice.publicKey, bob.publicKey, 0)
  const payload = sealSlotPayload(slot, utf8('an envelope'))
  const deposit = createDepositRecord(slot.keyPair, payload, {
    createdMs: NOW,
    expiresMs: NOW + MAILBOX_DEFAULT_TTL_MS,
  })
  const tombstone = createTombstoneRecord(slot.keyPair, {
    slotPublicKey: slot.keyPair.publicKey,
    tombstonedMs: NOW,
    expiresMs: NOW + 60_000,
  })
  const signedPrekey = generateSignedPrekey(alice, 1)
  const prekeys = createPrekeyRecord(alice, {
    signedPrekey: {
      id: 1,
      publicKey: signedPrekey.keyPair.publicKey,
      signature: signedPrekey.signature,
    },
    oneTimePrekeys: generateOneTimePrekeys(3, 1).map(({ id, keyPair }) => ({
      id,
      publicKey: keyPair.publicKey,
    })),
    publishedMs: NOW,
    expiresMs: NOW + 60_000,
  })
  const inbox = sealInboxEnvelope(alice, bob.publicKey, utf8('first contact'))
  return [
    {
      name: 'mailbox record',
      maxSize: MAX_DHT_RECORD_SIZE,
      decode: (b) => validateMailboxRecord(slot.dhtKey, b, NOW),
      valid: [deposit, tombstone],
      inner: signed(slot.keyPair, MAILBOX_RECORD_DOMAIN, [deposit, tombstone]),
    },
    {
      name: 'mailbox DHT key',
      maxSize: 256,
      decode: (k) => validateMailboxRecord(k, deposit, NOW),
      valid: [slot.dhtKey],
    },
    {
      name: 'prekey record',
      maxSize: MAX_PREKEY_RECORD_SIZE,
      decode: (b) => validatePrekeyRecord(prekeysDhtKey(alice.publicKey), b, NOW),
      valid: [prekeys],
      inner: signed(alice, PREKEY_BUNDLE_DOMAIN, [prekeys]),
    },
    {
      name: 'mailbox slot payload',
      maxSize: MAX_MAILBOX_PAYLOAD_SIZE,
      decode: (b) => openSlotPayload(slot, b),
      valid: [payload],
    },
    {
      name: 'sealed inbox envelope',
      maxSize: MAX_MAILBOX_PAYLOAD_SIZE,
      decode: (b) => openInboxEnvelope(bob, b),
      valid: [inbox],
    },
  ]
}

export function social(): DecoderEntry[] {
  const heartbeat = signPresenceHeartbeat(alice, {
    sender: alice.publicKey,
    recipient: bob.publicKey,
    counter: NOW,
    sentAtMs: NOW,
    typing: false,
    status: 'online',
    intervalMs: 1500,
  })
  const request = encodeFriendMessage({
    type: 'request',
    requestId: bytes(16, 4),
    note: 'hi, it is alice from the climbing club',
    name: 'alice@12D3KooWExample',
  })
  const deviceList = encodeFriendMessage({
    type: 'device-list',
    requestId: new Uint8Array(16),
    note: '',
    name: '',
    deviceList: signDeviceList(alice, {
      version: 1,
      devices: [
        signDeviceCertificate(alice, {
          device: alice.publicKey,
          name: 'laptop',
          createdMs: NOW,
          capabilities: DEVICE_CAPABILITIES_ALL,
        }),
      ],
      revoked: [],
      nextRecovery: new Uint8Array(0),
    }),
  })
  const readMark = encodeDeviceSync({
    kind: 'read',
    peer: bob.publicKey,
    upTo: new Uint8Array(16).fill(7),
  })
  const listSync = encodeDeviceSync({
    kind: 'list',
    deviceList: decodeFriendMessage(deviceList).deviceList!,
  })
  const syncMessage = encodeFriendMessage({
    type: 'device-sync',
    requestId: new Uint8Array(16),
    note: '',
    name: '',
    deviceSync: readMark,
  })
  return [
    {
      name: 'device sync',
      maxSize: MAX_DEVICE_SYNC_SIZE,
      decode: decodeDeviceSync,
      valid: [readMark, listSync, encodeDeviceSync({ kind: 'cleared', peer: bob.publicKey })],
    },
    {
      name: 'presence heartbeat',
      maxSize: MAX_PRESENCE_FRAME_SIZE,
      decode: openPresenceHeartbeat,
      valid: [heartbeat],
      inner: signed(alice, PRESENCE_DOMAIN, [heartbeat]),
    },
    {
      name: 'friend message',
      maxSize: MAX_SOCIAL_PAYLOAD_SIZE,
      decode: decodeFriendMessage,
      valid: [request, deviceList, syncMessage],
    },
  ]
}
