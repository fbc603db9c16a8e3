/**
 * Keys derived from an account's master secret M, the 32 bytes the 24-word backup phrase of
 * a new account encodes (doc/accounts.md, "The backup phrase becomes the recovery
 * authority"):
 *
 *   account key A    = HKDF-SHA256(M, salt empty, info "tokenim account key" || u32be 0)
 *   recovery key R_n = HKDF-SHA256(M, salt empty, info "tokenim recovery key" || u32be n)
 *
 * each 32 bytes, used as an Ed25519 seed.
 *
 * The two labels keep A and every R_n independent: holding A (a stolen device) reveals
 * nothing of any R_n, so the commitment SHA-256(R_n) an account publishes can only be
 * redeemed by whoever holds M. The node stores A's seed and the commitment, never M.
 */
import { concatBytes } from '../bytes.ts'
import {
  checkLength,
  ED25519_SEED_LENGTH,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  hkdfSha256,
  randomBytes,
} from '../crypto/index.ts'

/** Length of a master secret: the 256 bits of entropy a 24-word phrase holds. */
export const MASTER_SECRET_LENGTH = 32

const ACCOUNT_KEY_INFO = 'tokenim account key'
const RECOVERY_KEY_INFO = 'tokenim recovery key'
const encoder = new TextEncoder()
const EMPTY = new Uint8Array(0)

export function generateMasterSecret(): Uint8Array {
  return randomBytes(MASTER_SECRET_LENGTH)
}

/** The account key of a new account. Throws InvalidKeyError for a secret of the wrong length. */
export function accountKeyFromMasterSecret(masterSecret: Uint8Array): Ed25519KeyPair {
  return derive(masterSecret, ACCOUNT_KEY_INFO, 0)
}

/** Recovery key `index` (0 for the first commitment, then one more per recovery). */
export function recoveryKeyFromMasterSecret(
  masterSecret: Uint8Array,
  index: number,
): Ed25519KeyPair {
  return derive(masterSecret, RECOVERY_KEY_INFO, index)
}

function derive(masterSecret: Uint8Array, label: string, index: number): Ed25519KeyPair {
  checkLength(masterSecret, MASTER_SECRET_LENGTH, 'master secret')
  if (!Number.isInteger(index) || index < 0 || index > 0xffff_ffff) {
    throw new RangeError(`a key index is a whole number 0..2^32-1, got ${index}`)
  }
  const info = new Uint8Array(4)
  new DataView(info.buffer).setUint32(0, index)
  const seed = hkdfSha256(
    masterSecret,
    EMPTY,
    concatBytes(encoder.encode(label), info),
    ED25519_SEED_LENGTH,
  )
  return ed25519KeyPairFromSeed(seed)
}
