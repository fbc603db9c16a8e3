/**
 * The username directory's signed records and checks, shared by relays (which issue names)
 * and nodes (which verify them): name records, claim proofs, proof of work and profiles.
 * Pure code. The single-session records (announcements and the relay's "signed in
 * elsewhere" notice) live in protocol/session-records.ts.
 *
 * Names are scoped to the relay that issued them (`alice@<relay peer id>`): a record is
 * signed by its relay, carries the relay's key, and is stored in the DHT under a key derived
 * from both, so two relays can never overwrite each other's names (doc/usernames.md).
 *
 * @example
 * ```ts
 * const bytes = signNameRecord(relayKey, { name: 'alice', publicKey, relayPublicKey, issuedMs, expiresMs })
 * const record = openNameRecord(bytes, { name: 'alice', relayPublicKey })
 * ```
 */
import { createHash } from 'node:crypto'
import { bytesEqual, toHex } from './bytes.ts'
import { decodeMessage, openSignedRecord, signRecord } from './codec.ts'
import { ED25519_PUBLIC_KEY_LENGTH, type Ed25519KeyPair } from './crypto/index.ts'
import {
  ClaimRefusedError,
  DirectoryRequestError,
  NameExpiredError,
  UntrustedRecordError,
} from './directory-errors.ts'
import { MalformedMessageError } from './errors.ts'
import {
  CLAIM_PROOF_DOMAIN,
  NAME_DHT_NAMESPACE,
  NAME_RECORD_DOMAIN,
  PROFILE_DOMAIN,
} from './ids.ts'
import {
  MAX_PROFILE_BIO_LENGTH,
  MAX_PROFILE_DISPLAY_NAME_LENGTH,
  MAX_PROFILE_EMAIL_LENGTH,
  MAX_PROFILE_GENDER_LENGTH,
  MAX_PROFILE_SIZE,
  MAX_USERNAME_RECORD_SIZE,
} from './limits.ts'
import { ClaimProof, NameRecord, Profile } from './proto/directory.ts'
import { normalizeForm } from './username.ts'

/** Length of the random challenge a relay sends before a claim. */
export const CHALLENGE_LENGTH = 32
/** Length of a proof-of-work nonce. */
export const WORK_NONCE_LENGTH = 8

export const CLAIM_ACTION_REGISTER = 1
export const CLAIM_ACTION_RELEASE = 2
export type ClaimAction = typeof CLAIM_ACTION_REGISTER | typeof CLAIM_ACTION_RELEASE

const encoder = new TextEncoder()

// ---- name records ----

export interface NameRecordFields {
  /** Normalized name. */
  name: string
  /** Owner's Ed25519 public key; empty for a released name. */
  publicKey: Uint8Array
  relayPublicKey: Uint8Array
  issuedMs: number
  expiresMs: number
}

export interface OpenNameRecordOptions {
  /** The name the caller asked for (normalized); a record for another name is refused. */
  name?: string
  /** The relay the caller trusts for this scope; a record from another relay is refused. */
  relayPublicKey?: Uint8Array
  /** Clock for the expiry check. @default Date.now() */
  now?: number
  /** Return an expired record instead of throwing NameExpiredError. @default false */
  allowExpired?: boolean
}

export function signNameRecord(relayKey: Ed25519KeyPair, fields: NameRecordFields): Uint8Array {
  if (!bytesEqual(relayKey.publicKey, fields.relayPublicKey)) {
    throw new TypeError('a name record must be signed by the relay it names')
  }
  const payload = NameRecord.encode({
    name: fields.name,
    publicKey: fields.publicKey as NameRecord['publicKey'],
    relayPublicKey: fields.relayPublicKey as NameRecord['relayPublicKey'],
    issuedMs: BigInt(fields.issuedMs),
    expiresMs: BigInt(fields.expiresMs),
  })
  return signRecord(relayKey, payload, NAME_RECORD_DOMAIN, { maxSize: MAX_USERNAME_RECORD_SIZE })
}

/**
 * Verifies a relay-signed name record: signature by the relay the record names, a canonical
 * name, a well-formed owner key, and (unless allowed) an expiry in the future. Throws
 * MalformedMessageError, InvalidSignatureError, UntrustedRecordError or NameExpiredError.
 */
export function openNameRecord(
  bytes: Uint8Array,
  options: OpenNameRecordOptions = {},
): NameRecordFields {
  const opened = openSignedRecord(bytes, NAME_RECORD_DOMAIN, MAX_USERNAME_RECORD_SIZE)
  const record = decodeMessage(NameRecord, opened.payload, {
    maxSize: MAX_USERNAME_RECORD_SIZE,
    what: 'name record',
  })
  if (!bytesEqual(opened.publicKey, record.relayPublicKey)) {
    throw new UntrustedRecordError('the name record is not signed by the relay it names')
  }
  if (record.publicKey.length !== 0 && record.publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedMessageError('the name record holds an owner key of the wrong length')
  }
  let canonical: string
  try {
    canonical = normalizeForm(record.name)
  } catch {
    canonical = ''
  }
  if (canonical !== record.name) {
    throw new UntrustedRecordError(`the name record's name "${record.name}" is not canonical`)
  }
  const fields: NameRecordFields = {
    name: record.name,
    publicKey: record.publicKey,
    relayPublicKey: record.relayPublicKey,
    issuedMs: Number(record.issuedMs),
    expiresMs: Number(record.expiresMs),
  }
  if (fields.expiresMs <= fields.issuedMs) {
    throw new MalformedMessageError('the name record expires before it was issued')
  }
  if (options.name != null && options.name !== fields.name) {
    throw new UntrustedRecordError(
      `asked for "${options.name}" but the record is for "${fields.name}"`,
    )
  }
  if (
    options.relayPublicKey != null &&
    !bytesEqual(options.relayPublicKey, fields.relayPublicKey)
  ) {
    throw new UntrustedRecordError('the name record was issued by another relay')
  }
  if (options.allowExpired !== true && fields.expiresMs <= (options.now ?? Date.now())) {
    throw new NameExpiredError(
      `"${fields.name}" expired on ${new Date(fields.expiresMs).toISOString()} and was not renewed`,
    )
  }
  return fields
}

/** True for the record a relay issues when a name is released. */
export function isReleasedRecord(record: NameRecordFields): boolean {
  return record.publicKey.length === 0
}

/**
 * The DHT key of a name in a relay's scope: `/tokenim-name/` and the hex SHA-256 of the
 * relay key and the name. The digest keeps arbitrary names out of DHT keys and makes the
 * key unguessable without knowing the relay.
 */
export function nameDhtKey(relayPublicKey: Uint8Array, name: string): Uint8Array {
  const digest = createHash('sha256')
    .update(NAME_RECORD_DOMAIN)
    .update(Uint8Array.of(0))
    .update(relayPublicKey)
    .update(encoder.encode(name))
    .digest('hex')
  return encoder.encode(`/${NAME_DHT_NAMESPACE}/${digest}`)
}

/**
 * DHT validator of name records: a valid, unexpired record stored under its own key. Throws
 * on anything else, so the DHT neither stores nor returns it.
 */
export function validateNameRecordEntry(
  key: Uint8Array,
  value: Uint8Array,
  now = Date.now(),
): void {
  const record = openNameRecord(value, { now })
  if (!bytesEqual(key, nameDhtKey(record.relayPublicKey, record.name))) {
    throw new UntrustedRecordError('the name record is stored under another name key')
  }
}

/** DHT selector: the most recently issued valid record wins (renewals and releases outrank). */
export function selectNameRecord(records: Uint8Array[], now = Date.now()): number {
  let best = 0
  let bestIssued = Number.NEGATIVE_INFINITY
  records.forEach((bytes, index) => {
    try {
      const { issuedMs } = openNameRecord(bytes, { now, allowExpired: true })
      if (issuedMs > bestIssued) {
        best = index
        bestIssued = issuedMs
      }
    } catch {
      // an invalid record never wins
    }
  })
  return best
}

// ---- claims and proof of work ----

export interface ClaimProofFields {
  challenge: Uint8Array
  name: string
  relayPublicKey: Uint8Array
  action: ClaimAction
}

/** The claimant's signature over challenge, name and relay: proof it holds the identity key. */
export function signClaimProof(identity: Ed25519KeyPair, fields: ClaimProofFields): Uint8Array {
  const payload = ClaimProof.encode({
    challenge: fields.challenge as ClaimProof['challenge'],
    name: fields.name,
    relayPublicKey: fields.relayPublicKey as ClaimProof['relayPublicKey'],
    action: fields.action,
  })
  return signRecord(identity, payload, CLAIM_PROOF_DOMAIN, { maxSize: MAX_USERNAME_RECORD_SIZE })
}

/**
 * Verifies a claim proof against what the relay expects. Throws ClaimRefusedError when it
 * was signed by another key or for another challenge, name, relay or action.
 */
export function openClaimProof(
  bytes: Uint8Array,
  expected: ClaimProofFields & { publicKey: Uint8Array },
): void {
  let opened: ReturnType<typeof openSignedRecord>
  let proof: ClaimProof
  try {
    opened = openSignedRecord(bytes, CLAIM_PROOF_DOMAIN, MAX_USERNAME_RECORD_SIZE)
    proof = decodeMessage(ClaimProof, opened.payload, {
      maxSize: MAX_USERNAME_RECORD_SIZE,
      what: 'claim proof',
    })
  } catch (err) {
    throw new ClaimRefusedError(`the claim proof does not verify: ${(err as Error).message}`)
  }
  if (!bytesEqual(opened.publicKey, expected.publicKey)) {
    throw new ClaimRefusedError('the claim proof is signed by a key other than the connected peer')
  }
  if (
    !bytesEqual(proof.challenge, expected.challenge) ||
    proof.name !== expected.name ||
    !bytesEqual(proof.relayPublicKey, expected.relayPublicKey) ||
    proof.action !== expected.action
  ) {
    throw new ClaimRefusedError('the claim proof answers another challenge, name, relay or action')
  }
}

/** SHA-256 over challenge || name || public key || nonce, for hashcash-style proof of work. */
export function workDigest(
  challenge: Uint8Array,
  name: string,
  publicKey: Uint8Array,
  nonce: Uint8Array,
): Uint8Array {
  return createHash('sha256')
    .update(challenge)
    .update(encoder.encode(name))
    .update(publicKey)
    .update(nonce)
    .digest()
}

export function leadingZeroBits(bytes: Uint8Array): number {
  let bits = 0
  for (const byte of bytes) {
    if (byte === 0) {
      bits += 8
      continue
    }
    return bits + Math.clz32(byte) - 24
  }
  return bits
}

export function verifyWork(
  challenge: Uint8Array,
  name: string,
  publicKey: Uint8Array,
  nonce: Uint8Array,
  bits: number,
): boolean {
  if (bits <= 0) return true
  if (nonce.length !== WORK_NONCE_LENGTH) return false
  return leadingZeroBits(workDigest(challenge, name, publicKey, nonce)) >= bits
}

/**
 * Tries nonces `start`, `start + 1`, ... for at most `attempts` and returns the first that
 * gives `bits` leading zero bits, or undefined. Callers loop in slices to stay responsive.
 */
export function searchWork(
  challenge: Uint8Array,
  name: string,
  publicKey: Uint8Array,
  bits: number,
  start: number,
  attempts: number,
): Uint8Array | undefined {
  const nonce = new Uint8Array(WORK_NONCE_LENGTH)
  const view = new DataView(nonce.buffer)
  const prefix = createHash('sha256')
    .update(challenge)
    .update(encoder.encode(name))
    .update(publicKey)
  for (let counter = start; counter < start + attempts; counter++) {
    view.setBigUint64(0, BigInt(counter))
    if (leadingZeroBits(prefix.copy().update(nonce).digest()) >= bits) return nonce
  }
  return undefined
}

// ---- profiles ----

export interface ProfileFields {
  displayName?: string
  bio?: string
  /** Hex SHA-256 of the avatar image. */
  avatarHash?: string
  email?: string
  gender?: string
  age?: number
}

export interface OpenedProfile {
  publicKey: Uint8Array
  profile: ProfileFields
  updatedMs: number
}

/** Refuses (DirectoryRequestError) a profile field that is too long or out of range. */
export function checkProfile(fields: ProfileFields): void {
  const textLimits: Array<[keyof ProfileFields, number]> = [
    ['displayName', MAX_PROFILE_DISPLAY_NAME_LENGTH],
    ['bio', MAX_PROFILE_BIO_LENGTH],
    ['email', MAX_PROFILE_EMAIL_LENGTH],
    ['gender', MAX_PROFILE_GENDER_LENGTH],
  ]
  for (const [field, limit] of textLimits) {
    const value = fields[field]
    if (value != null && (typeof value !== 'string' || [...value].length > limit)) {
      throw new DirectoryRequestError(`the profile's ${field} has at most ${limit} characters`)
    }
  }
  if (
    fields.avatarHash != null &&
    fields.avatarHash !== '' &&
    !/^[0-9a-f]{64}$/.test(fields.avatarHash)
  ) {
    throw new DirectoryRequestError('the avatar hash must be a hex SHA-256 digest (64 characters)')
  }
  if (fields.age != null && (!Number.isInteger(fields.age) || fields.age < 0 || fields.age > 150)) {
    throw new DirectoryRequestError('age must be a whole number between 0 and 150')
  }
  if (fields.email != null && fields.email !== '' && !/^[^\s@]+@[^\s@]+$/.test(fields.email)) {
    throw new DirectoryRequestError(`"${fields.email}" is not an e-mail address`)
  }
}

export function signProfile(
  identity: Ed25519KeyPair,
  fields: ProfileFields,
  updatedMs = Date.now(),
): Uint8Array {
  checkProfile(fields)
  const payload = Profile.encode({
    displayName: fields.displayName ?? '',
    bio: fields.bio ?? '',
    avatarHash: Buffer.from(fields.avatarHash ?? '', 'hex') as unknown as Profile['avatarHash'],
    email: fields.email ?? '',
    gender: fields.gender ?? '',
    age: fields.age ?? 0,
    updatedMs: BigInt(updatedMs),
  })
  return signRecord(identity, payload, PROFILE_DOMAIN, { maxSize: MAX_PROFILE_SIZE })
}

/** Verifies a user-signed profile; only fields the user filled in are returned. */
export function openProfile(bytes: Uint8Array): OpenedProfile {
  const opened = openSignedRecord(bytes, PROFILE_DOMAIN, MAX_PROFILE_SIZE)
  const decoded = decodeMessage(Profile, opened.payload, {
    maxSize: MAX_PROFILE_SIZE,
    what: 'profile',
  })
  const profile: ProfileFields = {}
  if (decoded.displayName !== '') profile.displayName = decoded.displayName
  if (decoded.bio !== '') profile.bio = decoded.bio
  if (decoded.avatarHash.length > 0) profile.avatarHash = toHex(decoded.avatarHash)
  if (decoded.email !== '') profile.email = decoded.email
  if (decoded.gender !== '') profile.gender = decoded.gender
  if (decoded.age !== 0) profile.age = decoded.age
  try {
    checkProfile(profile)
  } catch (err) {
    throw new MalformedMessageError(`profile: ${(err as Error).message}`)
  }
  return { publicKey: opened.publicKey, profile, updatedMs: Number(decoded.updatedMs) }
}

/** protons types bytes fields as ArrayBuffer-backed; its writer copies from any Uint8Array. */
export function wireBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer>
export function wireBytes(bytes: Uint8Array | undefined): Uint8Array<ArrayBuffer> | undefined
export function wireBytes(bytes: Uint8Array | undefined): Uint8Array<ArrayBuffer> | undefined {
  return bytes as Uint8Array<ArrayBuffer> | undefined
}
