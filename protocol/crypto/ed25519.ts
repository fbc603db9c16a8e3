/**
 * Ed25519 identity keys. Key generation and public-key derivation use @noble/ed25519;
 * sign and verify, which sit on every hot path, go through node:crypto, which measured
 * about 10x faster here (see bench/crypto.bench.ts).
 */
import { sign, verify } from 'node:crypto'
import * as ed from '@noble/ed25519'
import { sha512 } from '@noble/hashes/sha2.js'
import { InvalidKeyError } from '../errors.ts'
import { importRawPrivateKey, RecentPublicKeys } from './raw-key-import.ts'

ed.hashes.sha512 = sha512

export const ED25519_SEED_LENGTH = 32
export const ED25519_PUBLIC_KEY_LENGTH = 32
export const ED25519_SIGNATURE_LENGTH = 64

export interface Ed25519KeyPair {
  /** The 32-byte RFC 8032 private key (seed). */
  privateKey: Uint8Array
  publicKey: Uint8Array
}

// DER prefixes that wrap a raw 32-byte key as PKCS#8 / SPKI, which is how node:crypto imports raw keys.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b6570032100', 'hex')

export function generateEd25519KeyPair(): Ed25519KeyPair {
  const privateKey = ed.utils.randomSecretKey()
  return { privateKey, publicKey: ed.getPublicKey(privateKey) }
}

export function ed25519KeyPairFromSeed(seed: Uint8Array): Ed25519KeyPair {
  checkLength(seed, ED25519_SEED_LENGTH, 'Ed25519 private key')
  return { privateKey: Uint8Array.from(seed), publicKey: ed.getPublicKey(seed) }
}

export function ed25519Sign(privateKey: Uint8Array, message: Uint8Array): Uint8Array {
  checkLength(privateKey, ED25519_SEED_LENGTH, 'Ed25519 private key')
  return new Uint8Array(sign(null, message, importRawPrivateKey(privateKey, PKCS8_PREFIX)))
}

const publicKeys = new RecentPublicKeys(SPKI_PREFIX, 1024)

/** Returns false for a bad signature or malformed key; never throws on hostile input. */
export function ed25519Verify(
  publicKey: Uint8Array,
  message: Uint8Array,
  signature: Uint8Array,
): boolean {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) return false
  if (signature.length !== ED25519_SIGNATURE_LENGTH) return false
  try {
    return verify(null, message, publicKeys.import(publicKey), signature)
  } catch {
    return false
  }
}

export function checkLength(bytes: Uint8Array, length: number, what: string): void {
  if (!(bytes instanceof Uint8Array) || bytes.length !== length) {
    throw new InvalidKeyError(`${what} must be ${length} bytes, got ${bytes?.length ?? 'none'}`)
  }
}
