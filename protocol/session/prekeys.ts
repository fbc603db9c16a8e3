/**
 * Prekeys as X3DH defines them: a signed prekey, rotated now and then, and one-time prekeys,
 * each used by a single session start. The owner keeps the key pairs; others receive a
 * PrekeyBundle with public halves only. Identity keys are Ed25519, so the signed prekey is
 * signed with plain Ed25519 rather than the spec's XEdDSA (which exists for X25519 identities).
 */
import {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  type Ed25519KeyPair,
  ed25519Sign,
  ed25519Verify,
  generateX25519KeyPair,
  X25519_KEY_LENGTH,
  type X25519KeyPair,
} from '../crypto/index.ts'
import { ByteWriter, isUint32 } from './byte-codec.ts'

/** Keeps a prekey signature from being valid as a signature over anything else we sign. */
const SIGNED_PREKEY_DOMAIN = new TextEncoder().encode('TokenIM signed prekey v1')

/** Most one-time prekeys made in one call; publish more in further batches. */
export const MAX_ONE_TIME_PREKEYS_PER_BATCH = 1000

/** The owner's signed prekey: the key pair plus the identity key's signature over it. */
export interface SignedPrekey {
  id: number
  keyPair: X25519KeyPair
  signature: Uint8Array
}

/** The owner's one-time prekey. Its private key must be handed to a session start once only. */
export interface OneTimePrekey {
  id: number
  keyPair: X25519KeyPair
}

/** What others fetch to start a session with the owner. Public keys only. */
export interface PrekeyBundle {
  /** The owner's Ed25519 identity public key. */
  identityKey: Uint8Array
  signedPrekey: { id: number; publicKey: Uint8Array; signature: Uint8Array }
  oneTimePrekey?: { id: number; publicKey: Uint8Array }
}

/** The bytes an identity key signs to vouch for a signed prekey: domain || id || public key. */
export function signedPrekeyMessage(id: number, publicKey: Uint8Array): Uint8Array {
  return new ByteWriter().bytes(SIGNED_PREKEY_DOMAIN).u32(id).bytes(publicKey).finish()
}

/** A fresh signed prekey with the caller's id (a u32 the caller keeps unique among its own). */
export function generateSignedPrekey(identity: Ed25519KeyPair, id: number): SignedPrekey {
  checkPrekeyId(id)
  const keyPair = generateX25519KeyPair()
  const signature = ed25519Sign(identity.privateKey, signedPrekeyMessage(id, keyPair.publicKey))
  return { id, keyPair, signature }
}

/** `count` fresh one-time prekeys numbered firstId, firstId + 1, ... */
export function generateOneTimePrekeys(count: number, firstId: number): OneTimePrekey[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_ONE_TIME_PREKEYS_PER_BATCH) {
    throw new RangeError(
      `one-time prekey count must be 1..${MAX_ONE_TIME_PREKEYS_PER_BATCH}, got ${count}`,
    )
  }
  checkPrekeyId(firstId)
  checkPrekeyId(firstId + count - 1)
  return Array.from({ length: count }, (_, i) => ({
    id: firstId + i,
    keyPair: generateX25519KeyPair(),
  }))
}

export function createPrekeyBundle(
  identityPublicKey: Uint8Array,
  signedPrekey: SignedPrekey,
  oneTimePrekey?: OneTimePrekey,
): PrekeyBundle {
  const bundle: PrekeyBundle = {
    identityKey: Uint8Array.from(identityPublicKey),
    signedPrekey: {
      id: signedPrekey.id,
      publicKey: Uint8Array.from(signedPrekey.keyPair.publicKey),
      signature: Uint8Array.from(signedPrekey.signature),
    },
  }
  if (oneTimePrekey != null) {
    bundle.oneTimePrekey = {
      id: oneTimePrekey.id,
      publicKey: Uint8Array.from(oneTimePrekey.keyPair.publicKey),
    }
  }
  return bundle
}

/**
 * True when every field has its fixed size and the signed prekey carries a valid signature by
 * the bundle's identity key. It does not say whose identity that is: the caller checks that
 * the identity key belongs to the peer it means to reach.
 */
export function verifyPrekeyBundle(bundle: PrekeyBundle): boolean {
  const { identityKey, signedPrekey, oneTimePrekey } = bundle
  if (!isBytes(identityKey, ED25519_PUBLIC_KEY_LENGTH)) return false
  if (!isUint32(signedPrekey?.id)) return false
  if (!isBytes(signedPrekey.publicKey, X25519_KEY_LENGTH)) return false
  if (!isBytes(signedPrekey.signature, ED25519_SIGNATURE_LENGTH)) return false
  if (oneTimePrekey != null) {
    if (!isUint32(oneTimePrekey.id)) return false
    if (!isBytes(oneTimePrekey.publicKey, X25519_KEY_LENGTH)) return false
  }
  return ed25519Verify(
    identityKey,
    signedPrekeyMessage(signedPrekey.id, signedPrekey.publicKey),
    signedPrekey.signature,
  )
}

function checkPrekeyId(id: number): void {
  if (!isUint32(id)) throw new RangeError(`prekey id must be an integer 0..2^32-1, got ${id}`)
}

function isBytes(value: unknown, length: number): boolean {
  return value instanceof Uint8Array && value.length === length
}
