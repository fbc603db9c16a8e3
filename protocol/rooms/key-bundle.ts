/**
 * Handing a sender key to one member: the bundle is signed by the sender's identity key
 * (so the recipient knows whose chain it is) and sealed to the recipient's identity key (so
 * only the recipient can read it, whatever carries it: a 1:1 session, a direct stream, a
 * mailbox).
 *
 * Sealing: an ephemeral X25519 key agrees with the recipient's identity key mapped to
 * X25519 (protocol/crypto/convert.ts); HKDF-SHA256 over the shared secret, salted with both
 * public keys, gives an AES-256-GCM key and nonce used once; the associated data binds the
 * ciphertext to the ephemeral and recipient keys.
 */
import { bytesEqual } from '../bytes.ts'
import { decodeMessage, encodeMessage, openSignedRecord, signRecord } from '../codec.ts'
import {
  aeadDecrypt,
  aeadEncrypt,
  checkLength,
  ED25519_PUBLIC_KEY_LENGTH,
  type Ed25519KeyPair,
  ed25519PrivateKeyToX25519,
  ed25519PublicKeyToX25519,
  generateX25519KeyPair,
  hkdfSha256,
  X25519_KEY_LENGTH,
  x25519,
} from '../crypto/index.ts'
import { MalformedMessageError } from '../errors.ts'
import { ROOM_KEY_BUNDLE_DOMAIN, SEALED_BOX_INFO } from '../ids.ts'
import { MAX_ROOM_KEY_FRAME_SIZE } from '../limits.ts'
import { RoomKeyBundle, SealedBox } from '../proto/room.ts'
import { ROOM_ID_LENGTH } from './room-event.ts'
import { CHAIN_KEY_LENGTH, SENDER_KEY_ID_LENGTH, type SenderKeyState } from './sender-key.ts'

export interface KeyBundleContent {
  roomId: Uint8Array
  recipient: Uint8Array
  senderKey: SenderKeyState
  /** The invite secret of an invite-only room, for admins. */
  inviteSeed?: Uint8Array
}

export interface OpenedKeyBundle extends KeyBundleContent {
  /** The member whose chain this is (the bundle's signer). */
  sender: Uint8Array
}

/** Seals `payload` so that only the holder of `recipient`'s identity key can open it. */
export function sealToIdentity(recipient: Uint8Array, payload: Uint8Array): Uint8Array {
  checkLength(recipient, ED25519_PUBLIC_KEY_LENGTH, 'recipient identity key')
  const ephemeral = generateX25519KeyPair()
  const recipientX = ed25519PublicKeyToX25519(recipient)
  const { key, nonce } = sealKeys(
    x25519(ephemeral.privateKey, recipientX),
    ephemeral.publicKey,
    recipientX,
  )
  const ciphertext = aeadEncrypt(key, nonce, payload, sealAd(ephemeral.publicKey, recipient))
  return encodeMessage(
    SealedBox,
    {
      ephemeralKey: ephemeral.publicKey as SealedBox['ephemeralKey'],
      ciphertext: ciphertext as SealedBox['ciphertext'],
    },
    { maxSize: MAX_ROOM_KEY_FRAME_SIZE, what: 'sealed box' },
  )
}

/** Opens a SealedBox with our identity. Throws Malformed/OversizedMessageError or DecryptionError. */
export function openSealed(identity: Ed25519KeyPair, sealed: Uint8Array): Uint8Array {
  const box = decodeMessage(SealedBox, sealed, {
    maxSize: MAX_ROOM_KEY_FRAME_SIZE,
    what: 'sealed box',
  })
  if (box.ephemeralKey.length !== X25519_KEY_LENGTH) {
    throw new MalformedMessageError('sealed box ephemeral key has the wrong length')
  }
  const recipientX = ed25519PublicKeyToX25519(identity.publicKey)
  const shared = x25519(ed25519PrivateKeyToX25519(identity.privateKey), box.ephemeralKey)
  const { key, nonce } = sealKeys(shared, box.ephemeralKey, recipientX)
  return aeadDecrypt(key, nonce, box.ciphertext, sealAd(box.ephemeralKey, identity.publicKey))
}

function sealKeys(shared: Uint8Array, ephemeral: Uint8Array, recipientX: Uint8Array) {
  const salt = new Uint8Array(ephemeral.length + recipientX.length)
  salt.set(ephemeral, 0)
  salt.set(recipientX, ephemeral.length)
  const material = hkdfSha256(shared, salt, SEALED_BOX_INFO, 44)
  return { key: material.subarray(0, 32), nonce: material.subarray(32) }
}

function sealAd(ephemeral: Uint8Array, recipient: Uint8Array): Uint8Array {
  const ad = new Uint8Array(ephemeral.length + recipient.length)
  ad.set(ephemeral, 0)
  ad.set(recipient, ephemeral.length)
  return ad
}

/** Signs a bundle as `sender` and seals it to its recipient. */
export function sealKeyBundle(sender: Ed25519KeyPair, content: KeyBundleContent): Uint8Array {
  const bundle = encodeMessage(
    RoomKeyBundle,
    {
      roomId: content.roomId,
      recipient: content.recipient,
      keyId: content.senderKey.keyId,
      index: content.senderKey.index,
      chainKey: content.senderKey.chainKey,
      inviteSeed: content.inviteSeed,
    } as Partial<RoomKeyBundle>,
    { maxSize: MAX_ROOM_KEY_FRAME_SIZE, what: 'room key bundle' },
  )
  return sealToIdentity(content.recipient, signRecord(sender, bundle, ROOM_KEY_BUNDLE_DOMAIN))
}

/**
 * Opens a sealed bundle addressed to `identity`. Throws DecryptionError (not for us, or
 * altered), InvalidSignatureError, or MalformedMessageError (wrong recipient, bad shape).
 */
export function openKeyBundle(identity: Ed25519KeyPair, sealed: Uint8Array): OpenedKeyBundle {
  const signed = openSealed(identity, sealed)
  const record = openSignedRecord(signed, ROOM_KEY_BUNDLE_DOMAIN, MAX_ROOM_KEY_FRAME_SIZE)
  const bundle = decodeMessage(RoomKeyBundle, record.payload, {
    maxSize: MAX_ROOM_KEY_FRAME_SIZE,
    what: 'room key bundle',
  })
  if (!bytesEqual(bundle.recipient, identity.publicKey)) {
    throw new MalformedMessageError('the key bundle was signed for another member')
  }
  if (
    bundle.roomId.length !== ROOM_ID_LENGTH ||
    bundle.keyId.length !== SENDER_KEY_ID_LENGTH ||
    bundle.chainKey.length !== CHAIN_KEY_LENGTH ||
    (bundle.inviteSeed.length !== 0 && bundle.inviteSeed.length !== 32)
  ) {
    throw new MalformedMessageError('the key bundle has a field of the wrong length')
  }
  return {
    sender: record.publicKey,
    roomId: bundle.roomId,
    recipient: bundle.recipient,
    senderKey: { keyId: bundle.keyId, index: bundle.index, chainKey: bundle.chainKey },
    inviteSeed: bundle.inviteSeed.length > 0 ? bundle.inviteSeed : undefined,
  }
}
