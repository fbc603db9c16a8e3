/**
 * One-time recovery codes, for a lost authenticator: ten random codes shown once when
 * two-factor checks are turned on. The keystore keeps only a keyed hash of each (HMAC-SHA256
 * under a key derived from the at-rest secret, the account's first seed, which rotations
 * carry along; truncated to 128 bits), so the file shows nothing a guesser could test offline
 * without unsealing it, the codes outlive a key rotation, and a used code is struck off.
 *
 * A code is 10 characters of Crockford's base32 (50 bits), shown as `xxxxx-xxxxx`; case,
 * spaces and dashes do not matter when it is typed back, nor do the letters Crockford
 * reads as digits (i, l -> 1; o -> 0).
 */
import { createHmac, hkdfSync, randomInt, timingSafeEqual } from 'node:crypto'
import { fromHex, toHex } from '../../protocol/bytes.ts'

export const RECOVERY_CODE_COUNT = 10
const CODE_LENGTH = 10
/** Length of the stored keyed hash of one code. */
export const RECOVERY_DIGEST_BYTES = 16
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz'
const KEY_LABEL = 'tokenim/two-factor/recovery-codes/v1'

export function generateRecoveryCodes(): string[] {
  return Array.from({ length: RECOVERY_CODE_COUNT }, () => {
    const chars = Array.from({ length: CODE_LENGTH }, () => ALPHABET[randomInt(ALPHABET.length)])
    return `${chars.slice(0, 5).join('')}-${chars.slice(5).join('')}`
  })
}

/** Whether `text` has the shape of a recovery code (as against a 6-digit TOTP code). */
export function isRecoveryCodeShape(text: string): boolean {
  return normalize(text) != null
}

/** The keyed hash the keystore stores for `code`, hex. */
export function recoveryCodeDigest(seed: Uint8Array, code: string): string {
  const normalized = normalize(code)
  if (normalized == null) throw new RangeError('not a recovery code')
  const key = Buffer.from(hkdfSync('sha256', seed, new Uint8Array(0), KEY_LABEL, 32))
  const digest = createHmac('sha256', key)
    .update(normalized)
    .digest()
    .subarray(0, RECOVERY_DIGEST_BYTES)
  key.fill(0)
  return toHex(digest)
}

/** Where `code` is among the stored digests; -1 when it is not (a wrong or used code). */
export function findRecoveryCode(seed: Uint8Array, digests: string[], code: string): number {
  if (!isRecoveryCodeShape(code)) return -1
  const wanted = fromHex(recoveryCodeDigest(seed, code))
  let found = -1
  // Every digest is compared, in constant time each, whatever matches.
  digests.forEach((digest, index) => {
    if (timingSafeEqual(fromHex(digest), wanted) && found === -1) found = index
  })
  return found
}

function normalize(text: string): string | undefined {
  const compact = text.toLowerCase().replace(/[\s-]/g, '').replace(/[il]/g, '1').replace(/o/g, '0')
  if (compact.length !== CODE_LENGTH) return undefined
  for (const char of compact) if (!ALPHABET.includes(char)) return undefined
  return compact
}
