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
 *
 * The 24 words of M and those of an older account's key seed look alike, so a master
 * secret carries a mark, as Electrum's seed versions do: SHA-256("tokenim master secret" ||
 * M) starts with MASTER_SECRET_MARK_BITS zero bits (M is drawn again until it does, about
 * 4096 draws; 244 bits of entropy remain). Key seeds made since are drawn so that they
 * never carry it; an older seed carries it by chance once in 4096.
 */
import { createHash } from 'node:crypto'
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

/** Leading zero bits of SHA-256(label || M) that mark a master secret. */
export const MASTER_SECRET_MARK_BITS = 12
const MARK_LABEL = encoder.encode('tokenim master secret')

/** A new master secret, with its mark. */
export function generateMasterSecret(): Uint8Array {
  for (;;) {
    const secret = randomBytes(MASTER_SECRET_LENGTH)
    if (isMasterSecret(secret)) return secret
  }
}

/** Whether 32 bytes carry the master secret's mark (else they are read as a key seed). */
export function isMasterSecret(secret: Uint8Array): boolean {
  if (secret.length !== MASTER_SECRET_LENGTH) return false
  const digest = createHash('sha256').update(MARK_LABEL).update(secret).digest()
  let bits = MASTER_SECRET_MARK_BITS
  for (const byte of digest) {
    if (bits <= 0) return true
    if (byte >> Math.max(0, 8 - bits) !== 0) return false
    bits -= 8
  }
  return true
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
