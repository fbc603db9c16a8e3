/**
 * X3DH key agreement (Signal's "Extended Triple Diffie-Hellman" specification) over X25519
 * with HKDF-SHA256. Identity keys are Ed25519 and take part in DH1 and DH2 through the
 * Edwards-to-Montgomery map. Encode(IK) is the 32-byte Ed25519 public key, so the associated
 * data binds the identities exactly as peers know them.
 */
import { concatBytes } from '../bytes.ts'
import {
  type Ed25519KeyPair,
  ed25519PrivateKeyToX25519,
  ed25519PublicKeyToX25519,
  generateX25519KeyPair,
  hkdfSha256,
  x25519,
} from '../crypto/index.ts'
import { InvalidSignatureError, UnknownPrekeyError } from '../errors.ts'
import {
  type OneTimePrekey,
  type PrekeyBundle,
  type SignedPrekey,
  verifyPrekeyBundle,
} from './prekeys.ts'

export const X3DH_INFO = 'TokenIM X3DH v1'
export const X3DH_SHARED_SECRET_LENGTH = 32

// The spec's F: 32 0xFF bytes for X25519, so no X3DH input ever equals a signature-scheme input.
const KDF_PREFIX = new Uint8Array(32).fill(0xff)
const KDF_SALT = new Uint8Array(32)

/** What the initiator learns and must tell the responder in its first messages. */
export interface X3dhInitiation {
  /** SK: becomes the Double Ratchet's first root key. */
  sharedSecret: Uint8Array
  /** AD = Encode(IK_A) || Encode(IK_B). */
  associatedData: Uint8Array
  /** EK_A, public half; its private half is already forgotten. */
  ephemeralKey: Uint8Array
  remoteIdentityKey: Uint8Array
  /** SPK_B, also the responder's first ratchet public key. */
  remoteSignedPrekey: Uint8Array
  signedPrekeyId: number
  oneTimePrekeyId?: number
}

/** What the responder needs: its own keys and the initiator's session-start fields. */
export interface X3dhResponseInit {
  identity: Ed25519KeyPair
  signedPrekey: SignedPrekey
  /**
   * Required exactly when the initiator names a one-time prekey. The caller deletes it after a
   * successful session start and must never pass the same one twice.
   */
  oneTimePrekey?: OneTimePrekey
  remoteIdentityKey: Uint8Array
  remoteEphemeralKey: Uint8Array
  signedPrekeyId: number
  oneTimePrekeyId?: number
}

export interface X3dhResponse {
  sharedSecret: Uint8Array
  associatedData: Uint8Array
}

/** Alice's side. Throws InvalidSignatureError for a bundle that fails `verifyPrekeyBundle`. */
export function x3dhInitiate(identity: Ed25519KeyPair, bundle: PrekeyBundle): X3dhInitiation {
  if (!verifyPrekeyBundle(bundle)) {
    throw new InvalidSignatureError(
      'prekey bundle is malformed or its signed prekey is not signed by its identity key',
    )
  }
  const ephemeral = generateX25519KeyPair()
  const identitySecret = ed25519PrivateKeyToX25519(identity.privateKey)
  const remoteIdentity = ed25519PublicKeyToX25519(bundle.identityKey)
  const signedPrekey = bundle.signedPrekey.publicKey
  const secrets = [
    x25519(identitySecret, signedPrekey),
    x25519(ephemeral.privateKey, remoteIdentity),
    x25519(ephemeral.privateKey, signedPrekey),
  ]
  if (bundle.oneTimePrekey != null) {
    secrets.push(x25519(ephemeral.privateKey, bundle.oneTimePrekey.publicKey))
  }
  const initiation: X3dhInitiation = {
    sharedSecret: deriveSharedSecret(secrets),
    associatedData: concatBytes(identity.publicKey, bundle.identityKey),
    ephemeralKey: ephemeral.publicKey,
    remoteIdentityKey: Uint8Array.from(bundle.identityKey),
    remoteSignedPrekey: Uint8Array.from(signedPrekey),
    signedPrekeyId: bundle.signedPrekey.id,
  }
  if (bundle.oneTimePrekey != null) initiation.oneTimePrekeyId = bundle.oneTimePrekey.id
  ephemeral.privateKey.fill(0)
  identitySecret.fill(0)
  return initiation
}

/**
 * Bob's side. Throws UnknownPrekeyError when the keys passed are not the ones the initiator
 * used, including a one-time prekey whose private key was zeroed by an earlier session start.
 */
export function x3dhRespond(init: X3dhResponseInit): X3dhResponse {
  const { identity, signedPrekey, oneTimePrekey } = init
  if (signedPrekey.id !== init.signedPrekeyId) {
    throw new UnknownPrekeyError(
      `session start uses signed prekey ${init.signedPrekeyId}, which is not ours (or was rotated out); the sender must fetch our current prekey bundle`,
    )
  }
  if (init.oneTimePrekeyId == null && oneTimePrekey != null) {
    throw new UnknownPrekeyError(
      'session start uses no one-time prekey, yet one was supplied; keep it for another session',
    )
  }
  if (init.oneTimePrekeyId != null) {
    if (oneTimePrekey == null || oneTimePrekey.id !== init.oneTimePrekeyId) {
      throw new UnknownPrekeyError(
        `session start uses one-time prekey ${init.oneTimePrekeyId}, which we no longer hold; the sender must start a new session`,
      )
    }
    if (oneTimePrekey.keyPair.privateKey.every((byte) => byte === 0)) {
      throw new UnknownPrekeyError(
        `one-time prekey ${oneTimePrekey.id} was already used; the sender must start a new session`,
      )
    }
  }
  const identitySecret = ed25519PrivateKeyToX25519(identity.privateKey)
  const remoteIdentity = ed25519PublicKeyToX25519(init.remoteIdentityKey)
  const ephemeral = init.remoteEphemeralKey
  const secrets = [
    x25519(signedPrekey.keyPair.privateKey, remoteIdentity),
    x25519(identitySecret, ephemeral),
    x25519(signedPrekey.keyPair.privateKey, ephemeral),
  ]
  if (oneTimePrekey != null) secrets.push(x25519(oneTimePrekey.keyPair.privateKey, ephemeral))
  identitySecret.fill(0)
  return {
    sharedSecret: deriveSharedSecret(secrets),
    associatedData: concatBytes(init.remoteIdentityKey, identity.publicKey),
  }
}

function deriveSharedSecret(secrets: Uint8Array[]): Uint8Array {
  const keyMaterial = concatBytes(KDF_PREFIX, ...secrets)
  const sharedSecret = hkdfSha256(keyMaterial, KDF_SALT, X3DH_INFO, X3DH_SHARED_SECRET_LENGTH)
  keyMaterial.fill(0)
  for (const secret of secrets) secret.fill(0)
  return sharedSecret
}
