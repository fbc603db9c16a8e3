/**
 * The Double Ratchet's KDFs and message cipher, following the spec's recommended algorithms:
 * KDF_RK is HKDF-SHA256 salted with the root key; KDF_CK is HMAC-SHA256 keyed with the chain
 * key over the constants 0x01 (message key) and 0x02 (next chain key). ENCRYPT expands the
 * message key with HKDF into an AES-256-GCM key and nonce; GCM's tag replaces the spec's
 * CBC + HMAC pair. A message key encrypts one message only, so the derived nonce never repeats.
 */
import {
  AEAD_KEY_LENGTH,
  AEAD_NONCE_LENGTH,
  aeadDecrypt,
  aeadEncrypt,
  hkdfSha256,
  hmacSha256,
} from '../crypto/index.ts'

const ROOT_KDF_INFO = 'TokenIM ratchet root v1'
const MESSAGE_KEY_INFO = 'TokenIM ratchet message v1'
const MESSAGE_KEY_SALT = new Uint8Array(32)
const MESSAGE_KEY_INPUT = Uint8Array.of(0x01)
const CHAIN_KEY_INPUT = Uint8Array.of(0x02)

export const RATCHET_KEY_LENGTH = 32

/** KDF_RK(rk, dh_out) -> (rk', ck). */
export function kdfRootKey(
  rootKey: Uint8Array,
  dhOutput: Uint8Array,
): { rootKey: Uint8Array; chainKey: Uint8Array } {
  const out = hkdfSha256(dhOutput, rootKey, ROOT_KDF_INFO, 2 * RATCHET_KEY_LENGTH)
  dhOutput.fill(0)
  return { rootKey: out.slice(0, RATCHET_KEY_LENGTH), chainKey: out.slice(RATCHET_KEY_LENGTH) }
}

/** KDF_CK(ck) -> (ck', mk). */
export function kdfChainKey(chainKey: Uint8Array): {
  chainKey: Uint8Array
  messageKey: Uint8Array
} {
  return {
    chainKey: hmacSha256(chainKey, CHAIN_KEY_INPUT),
    messageKey: hmacSha256(chainKey, MESSAGE_KEY_INPUT),
  }
}

export function sealMessage(
  messageKey: Uint8Array,
  plaintext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  const { key, nonce } = expandMessageKey(messageKey)
  return aeadEncrypt(key, nonce, plaintext, associatedData)
}

/** Throws DecryptionError when the key is wrong or anything authenticated was altered. */
export function openMessage(
  messageKey: Uint8Array,
  ciphertext: Uint8Array,
  associatedData: Uint8Array,
): Uint8Array {
  const { key, nonce } = expandMessageKey(messageKey)
  return aeadDecrypt(key, nonce, ciphertext, associatedData)
}

function expandMessageKey(messageKey: Uint8Array): { key: Uint8Array; nonce: Uint8Array } {
  const out = hkdfSha256(
    messageKey,
    MESSAGE_KEY_SALT,
    MESSAGE_KEY_INFO,
    AEAD_KEY_LENGTH + AEAD_NONCE_LENGTH,
  )
  return { key: out.subarray(0, AEAD_KEY_LENGTH), nonce: out.subarray(AEAD_KEY_LENGTH) }
}
