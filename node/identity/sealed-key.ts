/**
 * The sealed key file: an identity's seed encrypted with AES-256-GCM under a key that scrypt
 * derives from a password. The keystore and exported copies share this format.
 *
 * ```json
 * {
 *   "format": "tokenim-keystore",
 *   "version": 1,
 *   "kdf": { "name": "scrypt", "N": 131072, "r": 8, "p": 1, "salt": "<32 bytes hex>" },
 *   "cipher": "aes-256-gcm",
 *   "nonce": "<12 bytes hex>",
 *   "ciphertext": "<32-byte seed + 16-byte tag, hex>",
 *   "publicKey": "<32 bytes hex>",
 *   "checksum": "<SHA-256 hex of the fields above>"
 * }
 * ```
 *
 * `version` is 1 for a portable file (an export) and 2 for a node's own keystore, which must
 * have its lockout record beside it (see `unlock-lockout.ts`); both read the same way.
 *
 * Version 3 is a node's keystore with two-factor checks on. It adds, after `publicKey`:
 *
 * ```json
 *   "twoFactor": {
 *     "method": "totp", "algorithm": "SHA1", "digits": 6, "period": 30,
 *     "recoveryCodes": ["<16-byte keyed hash, hex>", ...]
 *   }
 * ```
 *
 * and its ciphertext seals the seed followed by the 20-byte TOTP secret, under the same
 * password-derived key, so whatever opens the identity opens the secret and a password
 * change re-seals both. The recovery codes are keyed hashes (`recovery-codes.ts`), in the
 * header so that one can be struck off. A lockout record of wrong codes must sit beside it.
 * Turning the checks off (or on) means rewriting the file, version and header included, with
 * the password: since the header is associated data, a file edited back to version 2, or with
 * a recovery code put back, opens with no password at all.
 *
 * Everything but the nonce and ciphertext is the AEAD's associated data, so no header field
 * can be changed without unsealing failing. The unkeyed checksum adds no security; it lets a
 * damaged file be told apart from a wrong password (which counts towards the lockout), and
 * the file must be byte-for-byte in the form written here, so any changed byte is noticed.
 */
import { createHash, scrypt } from 'node:crypto'
import { fromHex, toHex } from '../../protocol/bytes.ts'
import {
  AEAD_KEY_LENGTH,
  AEAD_NONCE_LENGTH,
  AEAD_TAG_LENGTH,
  aeadDecrypt,
  aeadEncrypt,
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SEED_LENGTH,
  randomBytes,
} from '../../protocol/crypto/index.ts'
import { DecryptionError } from '../../protocol/errors.ts'
import {
  InvalidConfigError,
  KeystoreCorruptedError,
  KeystoreFormatError,
  WrongPasswordError,
} from '../errors.ts'
import { type Identity, identityFromSeed } from './identity.ts'
import { RECOVERY_CODE_COUNT, RECOVERY_DIGEST_BYTES } from './recovery-codes.ts'
import { TOTP_PARAMS, TOTP_SECRET_BYTES } from './totp.ts'

export const KEYSTORE_FORMAT = 'tokenim-keystore'
/** Version of an exported file, which any release reads. */
export const PORTABLE_KEY_VERSION = 1
/** Version of a node's keystore: the same fields, plus the promise of a lockout record. */
export const KEYSTORE_VERSION = 2
/** A node's keystore with two-factor checks on: a TOTP secret sealed with the seed. */
export const TWO_FACTOR_KEYSTORE_VERSION = 3
type SealedKeyVersion =
  | typeof PORTABLE_KEY_VERSION
  | typeof KEYSTORE_VERSION
  | typeof TWO_FACTOR_KEYSTORE_VERSION
const NEWEST_VERSION = TWO_FACTOR_KEYSTORE_VERSION

export interface ScryptParams {
  /** CPU and memory cost, a power of two. */
  N: number
  r: number
  p: number
}

/** About 0.3 s and 128 MiB per derivation on the machines here (see bench/keystore.bench.ts). */
export const DEFAULT_SCRYPT_PARAMS: Readonly<ScryptParams> = Object.freeze({
  N: 2 ** 17,
  r: 8,
  p: 1,
})

// Bound on 128·N·r·p, the memory of one lane times the lanes, so a hostile file cannot demand
// gigabytes or minutes; the default is 2^27.
const MAX_SCRYPT_COST = 2 ** 30
const MAX_SCRYPT_P = 16
const SALT_LENGTH = 32

/** The header of a version-3 keystore's two-factor checks (see the format above). */
export interface TwoFactorHeader {
  method: 'totp'
  algorithm: string
  digits: number
  period: number
  /** Keyed hashes of the recovery codes not used yet. */
  recoveryCodes: string[]
}

/** The fields of a sealed key file; the checksum exists only in its text. */
export interface SealedKeyFile {
  format: typeof KEYSTORE_FORMAT
  version: SealedKeyVersion
  kdf: { name: string; N: number; r: number; p: number; salt: string }
  cipher: string
  nonce: string
  ciphertext: string
  publicKey: string
  twoFactor?: TwoFactorHeader
}

/** What a node's keystore seals: the identity and, when two-factor checks are on, theirs. */
export interface KeystoreContents {
  identity: Identity
  twoFactor?: { secret: Uint8Array; recoveryCodes: string[] }
}

export async function sealIdentity(
  identity: Identity,
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
  version: typeof PORTABLE_KEY_VERSION | typeof KEYSTORE_VERSION = PORTABLE_KEY_VERSION,
): Promise<Uint8Array> {
  return seal(version, identity, identity.privateKey, password, params)
}

/** A node's keystore: version 2, or 3 with its two-factor secret and recovery codes. */
export async function sealKeystore(
  { identity, twoFactor }: KeystoreContents,
  password: string,
  params: ScryptParams = DEFAULT_SCRYPT_PARAMS,
): Promise<Uint8Array> {
  if (twoFactor == null)
    return seal(KEYSTORE_VERSION, identity, identity.privateKey, password, params)
  const plaintext = new Uint8Array(ED25519_SEED_LENGTH + TOTP_SECRET_BYTES)
  plaintext.set(identity.privateKey, 0)
  plaintext.set(twoFactor.secret, ED25519_SEED_LENGTH)
  const header: TwoFactorHeader = {
    method: 'totp',
    ...TOTP_PARAMS,
    recoveryCodes: [...twoFactor.recoveryCodes],
  }
  try {
    return await seal(TWO_FACTOR_KEYSTORE_VERSION, identity, plaintext, password, params, header)
  } finally {
    plaintext.fill(0)
  }
}

async function seal(
  version: SealedKeyVersion,
  identity: Identity,
  plaintext: Uint8Array,
  password: string,
  params: ScryptParams,
  twoFactor?: TwoFactorHeader,
): Promise<Uint8Array> {
  const problem = scryptParamsProblem(params)
  if (problem != null) throw new InvalidConfigError(`Unusable scrypt parameters: ${problem}.`)
  const salt = randomBytes(SALT_LENGTH)
  const nonce = randomBytes(AEAD_NONCE_LENGTH)
  const file: SealedKeyFile = {
    format: KEYSTORE_FORMAT,
    version,
    kdf: { name: 'scrypt', N: params.N, r: params.r, p: params.p, salt: toHex(salt) },
    cipher: 'aes-256-gcm',
    nonce: toHex(nonce),
    ciphertext: '',
    publicKey: toHex(identity.publicKey),
    ...(twoFactor == null ? {} : { twoFactor }),
  }
  const key = await deriveKey(password, salt, params)
  file.ciphertext = toHex(aeadEncrypt(key, nonce, plaintext, associatedData(file)))
  key.fill(0)
  return serializeSealedKeyFile(file)
}

/** Adds the checksum and writes the one text form that parseSealedKeyFile accepts. */
export function serializeSealedKeyFile(file: SealedKeyFile): Uint8Array {
  return new TextEncoder().encode(canonicalText(file))
}

/**
 * Checks everything that can be checked without the password. Throws KeystoreCorruptedError
 * for a damaged file and KeystoreFormatError for a file of another kind or version.
 */
export function parseSealedKeyFile(bytes: Uint8Array, path: string): SealedKeyFile {
  let text: string
  let value: unknown
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes)
    value = JSON.parse(text)
  } catch {
    throw new KeystoreCorruptedError(path, 'it is not valid JSON; it may be truncated')
  }
  if (!isRecord(value) || value.format !== KEYSTORE_FORMAT) {
    throw new KeystoreFormatError(path, 'it is not a TokenIM keystore file')
  }
  if (
    value.version !== PORTABLE_KEY_VERSION &&
    value.version !== KEYSTORE_VERSION &&
    value.version !== TWO_FACTOR_KEYSTORE_VERSION
  ) {
    const newer = typeof value.version === 'number' && value.version > NEWEST_VERSION
    throw new KeystoreFormatError(
      path,
      newer
        ? `it has format version ${value.version}, written by a newer TokenIM; upgrade TokenIM to read it`
        : `its format version ${JSON.stringify(value.version)} is unknown`,
    )
  }
  const file = readFields(value, path)
  if (canonicalText(file) !== text) {
    throw new KeystoreCorruptedError(path, 'its content does not match its checksum')
  }
  if (file.kdf.name !== 'scrypt' || file.cipher !== 'aes-256-gcm') {
    throw new KeystoreFormatError(path, `it uses ${file.kdf.name} with ${file.cipher}`)
  }
  const problem = scryptParamsProblem(file.kdf)
  if (problem != null) throw new KeystoreFormatError(path, `its scrypt parameters: ${problem}`)
  const { twoFactor } = file
  if (twoFactor != null && (twoFactor.method !== 'totp' || !isTotpParams(twoFactor))) {
    throw new KeystoreFormatError(
      path,
      'it asks for two-factor codes of a kind TokenIM does not make',
    )
  }
  return file
}

/** Throws WrongPasswordError when the password does not open the file. */
export async function unsealIdentity(
  file: SealedKeyFile,
  password: string,
  path: string,
): Promise<Identity> {
  return (await unsealKeystore(file, password, path)).identity
}

/** The identity and, in a version-3 keystore, its two-factor secret and recovery codes. */
export async function unsealKeystore(
  file: SealedKeyFile,
  password: string,
  path: string,
): Promise<KeystoreContents> {
  const key = await deriveKey(password, fromHex(file.kdf.salt), file.kdf)
  let plaintext: Uint8Array
  try {
    plaintext = aeadDecrypt(
      key,
      fromHex(file.nonce),
      fromHex(file.ciphertext),
      associatedData(file),
    )
  } catch (err) {
    if (err instanceof DecryptionError) throw new WrongPasswordError(path)
    throw err
  } finally {
    key.fill(0)
  }
  const identity = identityFromSeed(plaintext.subarray(0, ED25519_SEED_LENGTH))
  const secret = plaintext.slice(ED25519_SEED_LENGTH)
  plaintext.fill(0)
  if (toHex(identity.publicKey) !== file.publicKey) {
    throw new KeystoreCorruptedError(path, 'its public key does not belong to its private key')
  }
  if (file.twoFactor == null) return { identity }
  return { identity, twoFactor: { secret, recoveryCodes: [...file.twoFactor.recoveryCodes] } }
}

// Every field but the nonce (which GCM binds by itself) and the ciphertext.
function associatedData(file: SealedKeyFile): Uint8Array {
  const { format, version, kdf, cipher, publicKey, twoFactor } = file
  const { name, N, r, p, salt } = kdf
  const fields = { format, version, kdf: { name, N, r, p, salt }, cipher, publicKey }
  return new TextEncoder().encode(
    JSON.stringify(
      twoFactor == null ? fields : { ...fields, twoFactor: orderedTwoFactor(twoFactor) },
    ),
  )
}

function orderedTwoFactor(header: TwoFactorHeader): TwoFactorHeader {
  const { method, algorithm, digits, period, recoveryCodes } = header
  return { method, algorithm, digits, period, recoveryCodes }
}

function isTotpParams(header: TwoFactorHeader): boolean {
  return (
    header.algorithm === TOTP_PARAMS.algorithm &&
    header.digits === TOTP_PARAMS.digits &&
    header.period === TOTP_PARAMS.period
  )
}

// Fixed key order; the checksum covers the compact JSON of every other field.
function canonicalText(file: SealedKeyFile): string {
  const { format, version, kdf, cipher, nonce, ciphertext, publicKey, twoFactor } = file
  const ordered = {
    format,
    version,
    kdf: { name: kdf.name, N: kdf.N, r: kdf.r, p: kdf.p, salt: kdf.salt },
    cipher,
    nonce,
    ciphertext,
    publicKey,
    ...(twoFactor == null ? {} : { twoFactor: orderedTwoFactor(twoFactor) }),
  }
  const checksum = createHash('sha256').update(JSON.stringify(ordered)).digest('hex')
  return `${JSON.stringify({ ...ordered, checksum }, null, 2)}\n`
}

function readFields(value: Record<string, unknown>, path: string): SealedKeyFile {
  const damaged = (field: string) =>
    new KeystoreCorruptedError(path, `its field '${field}' is missing or malformed`)
  const kdf = value.kdf
  if (!isRecord(kdf)) throw damaged('kdf')
  if (typeof kdf.name !== 'string') throw damaged('kdf.name')
  for (const name of ['N', 'r', 'p'] as const) {
    if (!Number.isSafeInteger(kdf[name])) throw damaged(`kdf.${name}`)
  }
  if (!isHex(kdf.salt, SALT_LENGTH)) throw damaged('kdf.salt')
  if (typeof value.cipher !== 'string') throw damaged('cipher')
  if (!isHex(value.nonce, AEAD_NONCE_LENGTH)) throw damaged('nonce')
  const withTwoFactor = value.version === TWO_FACTOR_KEYSTORE_VERSION
  const sealedLength = ED25519_SEED_LENGTH + (withTwoFactor ? TOTP_SECRET_BYTES : 0)
  if (!isHex(value.ciphertext, sealedLength + AEAD_TAG_LENGTH)) throw damaged('ciphertext')
  if (!isHex(value.publicKey, ED25519_PUBLIC_KEY_LENGTH)) throw damaged('publicKey')
  if (withTwoFactor ? !isTwoFactorHeader(value.twoFactor) : value.twoFactor !== undefined) {
    throw damaged('twoFactor')
  }
  if (typeof value.checksum !== 'string') throw damaged('checksum')
  return value as unknown as SealedKeyFile
}

function isTwoFactorHeader(value: unknown): value is TwoFactorHeader {
  if (!isRecord(value)) return false
  const { method, algorithm, digits, period, recoveryCodes } = value
  return (
    typeof method === 'string' &&
    typeof algorithm === 'string' &&
    Number.isSafeInteger(digits) &&
    Number.isSafeInteger(period) &&
    Array.isArray(recoveryCodes) &&
    recoveryCodes.length <= RECOVERY_CODE_COUNT &&
    recoveryCodes.every((code) => isHex(code, RECOVERY_DIGEST_BYTES))
  )
}

function scryptParamsProblem({ N, r, p }: ScryptParams): string | undefined {
  if (!Number.isSafeInteger(N) || N < 2 || (N & (N - 1)) !== 0) return 'N must be a power of two'
  if (!Number.isSafeInteger(r) || r < 1) return 'r must be a positive integer'
  if (!Number.isSafeInteger(p) || p < 1 || p > MAX_SCRYPT_P) return `p must be 1 to ${MAX_SCRYPT_P}`
  if (128 * N * r * p > MAX_SCRYPT_COST) return 'they cost more than 1 GiB of scrypt work'
  return undefined
}

function deriveKey(
  password: string,
  salt: Uint8Array,
  { N, r, p }: ScryptParams,
): Promise<Uint8Array> {
  // The same password typed on another system may arrive in another Unicode form.
  const secret = new TextEncoder().encode(password.normalize('NFKC'))
  const maxmem = 128 * r * (N + p) + 2 ** 20
  return new Promise((resolve, reject) => {
    scrypt(secret, salt, AEAD_KEY_LENGTH, { N, r, p, maxmem }, (err, key) => {
      secret.fill(0)
      if (err != null) reject(err)
      else resolve(new Uint8Array(key.buffer, key.byteOffset, key.byteLength))
    })
  })
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

function isHex(value: unknown, byteLength: number): value is string {
  return typeof value === 'string' && value.length === byteLength * 2 && /^[0-9a-f]*$/.test(value)
}
