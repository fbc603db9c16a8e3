/**
 * AES-256-GCM through node:crypto. The 16-byte tag is appended to the ciphertext.
 * Callers own nonce uniqueness: use a random nonce or one derived from a single-use key.
 */
import { createCipheriv, createDecipheriv } from 'node:crypto'
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
