/**
 * AES-256-GCM through node:crypto. The 16-byte tag is appended to the ciphertext.
 * Callers own nonce uniqueness: use a random nonce or one derived from a single-use key.
 *
 * Bulk data (file chunks) uses the detached forms: a key imported once (`aeadKey`), the
 * ciphertext and tag apart, and input and output in pieces, so a caller that frames them
 * never copies a large buffer to join or split it.
 */
import { createCipheriv, createDecipheriv, createSecretKey, KeyObject } from 'node:crypto'
import { DecryptionError, InvalidKeyError } from '../errors.ts'
import { checkLength } from './ed25519.ts'
import { fillRandom } from './random-pool.ts'

export const AEAD_KEY_LENGTH = 32
export const AEAD_NONCE_LENGTH = 12
export const AEAD_TAG_LENGTH = 16

/** An AES-256-GCM key imported once: importing raw bytes costs more than sealing 1 KiB. */
export type AeadKey = KeyObject

/**
 * Keys made by aeadKey, known to be 32-byte secrets: checking a KeyObject's type and size
 * crosses into native code twice, a tenth of a whole small seal.
 */
const checkedKeys = new WeakSet<KeyObject>()

export function aeadKey(key: Uint8Array): AeadKey {
  checkLength(key, AEAD_KEY_LENGTH, 'AES-256-GCM key')
  const keyObject = createSecretKey(key)
  checkedKeys.add(keyObject)
  return keyObject
}

/**
 * Raw bytes are imported here even for a single use: node:crypto's own check of a byte
 * key costs about three times a whole 300-byte seal under an imported one (13 us against
 * 4.6 us for the import and the seal).
 */
function keyObjectOf(key: Uint8Array | AeadKey): AeadKey {
  if (!(key instanceof KeyObject)) return aeadKey(key)
  if (checkedKeys.has(key)) return key
  if (key.type !== 'secret' || key.symmetricKeySize !== AEAD_KEY_LENGTH) {
    throw new InvalidKeyError(`AES-256-GCM key must be ${AEAD_KEY_LENGTH} bytes`)
  }
  return key
}

/** Encrypts into a ciphertext as long as the plaintext, and its tag apart. */
export function aeadEncryptDetached(
  key: Uint8Array | AeadKey,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
): { ciphertext: Uint8Array; tag: Uint8Array } {
  const keyObject = keyObjectOf(key)
  checkLength(nonce, AEAD_NONCE_LENGTH, 'AES-256-GCM nonce')
  const cipher = createCipheriv('aes-256-gcm', keyObject, nonce, {
    authTagLength: AEAD_TAG_LENGTH,
  })
  cipher.setAAD(associatedData)
  const body = cipher.update(plaintext)
  // GCM is a stream mode: final() only computes the tag, it never yields bytes.
  cipher.final()
  return { ciphertext: body, tag: cipher.getAuthTag() }
}

/**
 * Decrypts a ciphertext that arrived in pieces, checking its detached tag. Returns the
 * plaintext in as many pieces, and only once the tag verified; throws DecryptionError when
 * the key is wrong or any input was altered.
 */
export function aeadDecryptDetached(
  key: Uint8Array | AeadKey,
  nonce: Uint8Array,
  ciphertext: Iterable<Uint8Array>,
  tag: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
): Uint8Array[] {
  const keyObject = keyObjectOf(key)
  checkLength(nonce, AEAD_NONCE_LENGTH, 'AES-256-GCM nonce')
  if (tag.length !== AEAD_TAG_LENGTH) {
    throw new DecryptionError('ciphertext is shorter than its authentication tag')
  }
  try {
    const decipher = createDecipheriv('aes-256-gcm', keyObject, nonce, {
      authTagLength: AEAD_TAG_LENGTH,
    })
    decipher.setAAD(associatedData)
    decipher.setAuthTag(tag)
    const pieces: Uint8Array[] = []
    for (const piece of ciphertext) pieces.push(decipher.update(piece))
    decipher.final()
    return pieces
  } catch {
    throw new DecryptionError('authentication failed: wrong key or altered data')
  }
}

export function aeadEncrypt(
  key: Uint8Array | AeadKey,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const { ciphertext, tag } = aeadEncryptDetached(key, nonce, plaintext, associatedData)
  const out = new Uint8Array(ciphertext.length + AEAD_TAG_LENGTH)
  out.set(ciphertext, 0)
  out.set(tag, ciphertext.length)
  return out
}

/** Throws DecryptionError when the key is wrong or any input was altered. */
export function aeadDecrypt(
  key: Uint8Array | AeadKey,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  checkLength(nonce, AEAD_NONCE_LENGTH, 'AES-256-GCM nonce')
  if (ciphertext.length < AEAD_TAG_LENGTH) {
    throw new DecryptionError('ciphertext is shorter than its authentication tag')
  }
  const tagStart = ciphertext.length - AEAD_TAG_LENGTH
  const [plaintext] = aeadDecryptDetached(
    key,
    nonce,
    [ciphertext.subarray(0, tagStart)],
    ciphertext.subarray(tagStart),
    associatedData,
  )
  return ownArray(plaintext)
}

/**
 * The bytes as a Uint8Array that owns its whole buffer, as callers may take its .buffer.
 * node:crypto hands its output in a buffer of exactly its length; that one is viewed rather
 * than copied, since each buffer allocated outside the heap costs the garbage collector work
 * (with a large heap, a copy here doubled the cost of opening a record).
 */
function ownArray(bytes: Uint8Array): Uint8Array {
  if (bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.length) {
    return new Uint8Array(bytes.buffer, 0, bytes.length)
  }
  return new Uint8Array(bytes)
}

/**
 * AES-256-GCM under a fresh random nonce, returned as nonce || ciphertext || tag: for a key
 * that seals many values, where tracking nonces would be a burden. The value owns its whole
 * buffer, unless `output` gives the array to write it into (a view of a larger one).
 */
export function aeadSeal(
  key: Uint8Array | AeadKey,
  plaintext: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
  output: (length: number) => Uint8Array = (length) => new Uint8Array(length),
): Uint8Array {
  // GCM's ciphertext is as long as the plaintext: the nonce is drawn into its place at once.
  const sealed = output(AEAD_NONCE_LENGTH + plaintext.length + AEAD_TAG_LENGTH)
  const nonce = fillRandom(sealed.subarray(0, AEAD_NONCE_LENGTH))
  const { ciphertext, tag } = aeadEncryptDetached(key, nonce, plaintext, associatedData)
  sealed.set(ciphertext, AEAD_NONCE_LENGTH)
  sealed.set(tag, AEAD_NONCE_LENGTH + ciphertext.length)
  return sealed
}

/** Opens what aeadSeal produced; throws DecryptionError when anything was altered or cut. */
export function aeadOpen(
  key: Uint8Array | AeadKey,
  sealed: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  if (sealed.length < AEAD_NONCE_LENGTH + AEAD_TAG_LENGTH) {
    throw new DecryptionError('sealed value is shorter than its nonce and tag')
  }
  return aeadDecrypt(
    key,
    sealed.subarray(0, AEAD_NONCE_LENGTH),
    sealed.subarray(AEAD_NONCE_LENGTH),
    associatedData,
  )
}
