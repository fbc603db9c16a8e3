/**
 * AES-256-GCM through node:crypto. The 16-byte tag is appended to the ciphertext.
 * Callers own nonce uniqueness: use a random nonce or one derived from a single-use key.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto'
import { DecryptionError } from '../errors.ts'
import { checkLength } from './ed25519.ts'

export const AEAD_KEY_LENGTH = 32
export const AEAD_NONCE_LENGTH = 12
export const AEAD_TAG_LENGTH = 16

export function aeadEncrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  checkLength(key, AEAD_KEY_LENGTH, 'AES-256-GCM key')
  checkLength(nonce, AEAD_NONCE_LENGTH, 'AES-256-GCM nonce')
  const cipher = createCipheriv('aes-256-gcm', key, nonce, { authTagLength: AEAD_TAG_LENGTH })
  cipher.setAAD(associatedData)
  const body = cipher.update(plaintext)
  const final = cipher.final()
  const out = new Uint8Array(body.length + final.length + AEAD_TAG_LENGTH)
  out.set(body, 0)
  out.set(final, body.length)
  out.set(cipher.getAuthTag(), body.length + final.length)
  return out
}

/** Throws DecryptionError when the key is wrong or any input was altered. */
export function aeadDecrypt(
  key: Uint8Array,
  nonce: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  checkLength(key, AEAD_KEY_LENGTH, 'AES-256-GCM key')
  checkLength(nonce, AEAD_NONCE_LENGTH, 'AES-256-GCM nonce')
  if (ciphertext.length < AEAD_TAG_LENGTH) {
    throw new DecryptionError('ciphertext is shorter than its authentication tag')
  }
  const tagStart = ciphertext.length - AEAD_TAG_LENGTH
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, nonce, {
      authTagLength: AEAD_TAG_LENGTH,
    })
    decipher.setAAD(associatedData)
    decipher.setAuthTag(ciphertext.subarray(tagStart))
    const body = decipher.update(ciphertext.subarray(0, tagStart))
    const final = decipher.final()
    return new Uint8Array(Buffer.concat([body, final]))
  } catch {
    throw new DecryptionError('authentication failed: wrong key or altered data')
  }
}

/**
 * AES-256-GCM under a fresh random nonce, returned as nonce || ciphertext || tag: for a key
 * that seals many values, where tracking nonces would be a burden.
 */
export function aeadSeal(
  key: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array = new Uint8Array(0),
): Uint8Array {
  const nonce = new Uint8Array(randomBytes(AEAD_NONCE_LENGTH))
  const ciphertext = aeadEncrypt(key, nonce, plaintext, associatedData)
  const sealed = new Uint8Array(AEAD_NONCE_LENGTH + ciphertext.length)
  sealed.set(nonce, 0)
  sealed.set(ciphertext, AEAD_NONCE_LENGTH)
  return sealed
}

/** Opens what aeadSeal produced; throws DecryptionError when anything was altered or cut. */
export function aeadOpen(
  key: Uint8Array,
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
