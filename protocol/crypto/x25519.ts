/** X25519 Diffie-Hellman (RFC 7748) through node:crypto. */
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject } from 'node:crypto'
import { InvalidKeyError } from '../errors.ts'
import { checkLength } from './ed25519.ts'
import { importRawPrivateKey, RecentPublicKeys, rememberPrivateKey } from './raw-key-import.ts'

export const X25519_KEY_LENGTH = 32

export interface X25519KeyPair {
  privateKey: Uint8Array
  publicKey: Uint8Array
}

const PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex')
const SPKI_PREFIX = Buffer.from('302a300506032b656e032100', 'hex')

/**
 * A ratchet key is used for about two agreements and then never again; importing it costs
 * about as much as an agreement.
 */
const publicKeys = new RecentPublicKeys(SPKI_PREFIX, 64)

export function generateX25519KeyPair(): X25519KeyPair {
  const generated = generateKeyPairSync('x25519')
  const privateKey = exportRaw(generated.privateKey)
  rememberPrivateKey(privateKey, generated.privateKey)
  return { privateKey, publicKey: exportRaw(generated.publicKey) }
}

export function x25519PublicKey(privateKey: Uint8Array): Uint8Array {
  checkLength(privateKey, X25519_KEY_LENGTH, 'X25519 private key')
  return exportRaw(createPublicKey(importPrivateKey(privateKey)))
}

/**
 * Node 24 exports a raw key directly, 15-30 times faster than as DER (0.7 against 18.7 us for
 * a public key); older runtimes know only DER, whose last 32 bytes are the raw key.
 */
const RAW_EXPORT = (() => {
  try {
    generateKeyPairSync('x25519').publicKey.export({ format: 'raw-public' })
    return true
  } catch {
    return false
  }
})()

function exportRaw(key: KeyObject): Uint8Array {
  const isPrivate = key.type === 'private'
  if (RAW_EXPORT) {
    return new Uint8Array(key.export({ format: isPrivate ? 'raw-private' : 'raw-public' }))
  }
  const der = isPrivate
    ? key.export({ format: 'der', type: 'pkcs8' })
    : key.export({ format: 'der', type: 'spki' })
  return new Uint8Array(der.subarray(-X25519_KEY_LENGTH))
}

/**
 * The shared secret of our private key and their public key. Throws InvalidKeyError for a
 * low-order public key (all-zero output), as RFC 7748 section 6.1 advises.
 */
export function x25519(privateKey: Uint8Array, publicKey: Uint8Array): Uint8Array {
  checkLength(privateKey, X25519_KEY_LENGTH, 'X25519 private key')
  checkLength(publicKey, X25519_KEY_LENGTH, 'X25519 public key')
  let shared: Buffer
  try {
    shared = diffieHellman({
      privateKey: importPrivateKey(privateKey),
      publicKey: publicKeys.import(publicKey),
    })
  } catch (err) {
    throw new InvalidKeyError(`X25519 public key rejected: ${(err as Error).message}`)
  }
  if (shared.every((byte) => byte === 0)) {
    throw new InvalidKeyError('X25519 public key is a low-order point')
  }
  return new Uint8Array(shared)
}

function importPrivateKey(privateKey: Uint8Array): KeyObject {
  return importRawPrivateKey(privateKey, PKCS8_PREFIX)
}
