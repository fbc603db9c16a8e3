/**
 * Ed25519 identity keys used as X25519 keys, through the birational map between the Edwards
 * and Montgomery forms of Curve25519 (@noble/curves). X3DH needs this because TokenIM identity
 * keys sign with Ed25519 and also take part in the Diffie-Hellman steps.
 */
import { ed25519 } from '@noble/curves/ed25519.js'
import { InvalidKeyError } from '../errors.ts'
import { checkLength, ED25519_PUBLIC_KEY_LENGTH, ED25519_SEED_LENGTH } from './ed25519.ts'

/** The X25519 public key of an Ed25519 public key. Throws InvalidKeyError if it is not a point. */
export function ed25519PublicKeyToX25519(publicKey: Uint8Array): Uint8Array {
  checkLength(publicKey, ED25519_PUBLIC_KEY_LENGTH, 'Ed25519 public key')
  try {
    return Uint8Array.from(ed25519.utils.toMontgomery(publicKey))
  } catch (err) {
    throw new InvalidKeyError(`Ed25519 public key is not a valid point: ${(err as Error).message}`)
  }
}

/** The X25519 private key matching `ed25519PublicKeyToX25519` of the seed's public key. */
export function ed25519PrivateKeyToX25519(seed: Uint8Array): Uint8Array {
  checkLength(seed, ED25519_SEED_LENGTH, 'Ed25519 private key')
  return Uint8Array.from(ed25519.utils.toMontgomerySecret(seed))
}
