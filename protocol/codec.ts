/**
 * Bounded, strict encoding and decoding of protobuf messages (protons-generated codecs), and
 * Ed25519-signed records.
 *
 * A cosigned record carries two signatures, by two different keys, each over the same bytes
 * a signed record's one covers: a statement that needs the consent of both keys (a key
 * rotation: the old key hands over, the new key accepts) is one record, and either signature
 * is checked without the other.
 *
 * Decoding is strict by default: the input must be exactly the bytes our encoder would
 * produce for the decoded value. protons itself does not check wire types and skips unknown
 * fields, so without this a field sent with the wrong wire type, a duplicated field or
 * smuggled unknown data would decode silently, and one value would have many encodings.
 * Newer message versions therefore come with a new protocol id or record version rather
 * than with extra fields; a reader that must tolerate unknown fields passes
 * `canonical: false`.
 *
 * @example
 * ```ts
 * const bytes = signRecord(identity, SessionAnnouncement.encode(announcement), SESSION_ANNOUNCEMENT_DOMAIN)
 * const { payload, publicKey } = openSignedRecord(bytes, SESSION_ANNOUNCEMENT_DOMAIN, MAX_SESSION_ANNOUNCEMENT_SIZE)
 * const announcement = decodeMessage(SessionAnnouncement, payload, {
 *   maxSize: MAX_SESSION_ANNOUNCEMENT_SIZE,
 *   what: 'session announcement',
 *   limits: { multiaddrs: MAX_ANNOUNCED_MULTIADDRS },
 * })
 * ```
 */
import type { DecodeOptions } from 'protons-runtime'
import type { Uint8ArrayList } from 'uint8arraylist'
import { bytesEqual } from './bytes.ts'
import {
  ED25519_PUBLIC_KEY_LENGTH,
  ED25519_SIGNATURE_LENGTH,
  type Ed25519KeyPair,
  ed25519Sign,
  ed25519Verify,
} from './crypto/index.ts'
import { InvalidSignatureError, MalformedMessageError, OversizedMessageError } from './errors.ts'
import { CosignedRecord, SignedRecord } from './proto/signed-record.ts'

/** What a protons-generated message namespace provides (`SignedRecord`, `SessionAnnouncement`, ...). */
export interface MessageCodec<T> {
  encode(value: Partial<T>): Uint8Array
  decode(bytes: Uint8Array | Uint8ArrayList, options?: DecodeOptions<T>): T
}

export interface DecodeMessageOptions<T> {
  /** Largest accepted input, in bytes: one of the constants in protocol/limits.ts. */
  maxSize: number
  /** Names the message in error messages, e.g. `'session announcement'`. */
  what: string
  /** Most elements per repeated or map field, checked while decoding (protons `limits`). */
  limits?: DecodeOptions<T>['limits']
  /**
   * Require the input to be the canonical encoding of the decoded value.
   * @default true
   */
  canonical?: boolean
}

export interface EncodeMessageOptions {
  /** Largest encoding allowed, in bytes. */
  maxSize: number
  /** Names the message in error messages. */
  what?: string
}

/**
 * Decodes `bytes` as a `T`. Throws OversizedMessageError for input over `maxSize`, and
 * MalformedMessageError for anything that does not decode (or, by default, is not
 * canonical); never any other error, whatever the input.
 */
export function decodeMessage<T>(
  codec: MessageCodec<T>,
  bytes: Uint8Array | Uint8ArrayList,
  options: DecodeMessageOptions<T>,
): T {
  const { maxSize, what, limits, canonical = true } = options
  if (bytes.byteLength > maxSize) {
    throw new OversizedMessageError(
      `${what} is ${bytes.byteLength} bytes, over its limit of ${maxSize} bytes`,
    )
  }
  let value: T
  try {
    value = codec.decode(bytes, limits == null ? undefined : { limits })
  } catch (err) {
    throw new MalformedMessageError(`${what} could not be decoded: ${describe(err)}`)
  }
  if (canonical) {
    const input = bytes instanceof Uint8Array ? bytes : bytes.subarray()
    let reencoded: Uint8Array
    try {
      reencoded = codec.encode(value)
    } catch (err) {
      throw new MalformedMessageError(`${what} could not be re-encoded: ${describe(err)}`)
    }
    if (!bytesEqual(input, reencoded)) {
      throw new MalformedMessageError(
        `${what} is not canonically encoded: a value is truncated, a field has the wrong ` +
          'wire type or is unknown, repeated or out of order, or a value is encoded non-minimally',
      )
    }
  }
  return value
}

/** Encodes `value`, refusing (OversizedMessageError) when the encoding exceeds `maxSize`. */
export function encodeMessage<T>(
  codec: MessageCodec<T>,
  value: Partial<T>,
  options: EncodeMessageOptions,
): Uint8Array {
  const bytes = codec.encode(value)
  if (bytes.byteLength > options.maxSize) {
    throw new OversizedMessageError(
      `${options.what ?? 'message'} would be ${bytes.byteLength} bytes, over its limit of ` +
        `${options.maxSize} bytes`,
    )
  }
  return bytes
}

export interface SignRecordOptions {
  /** Format version of the payload; it is covered by the signature. @default 1 */
  version?: number
  /** Largest encoded record allowed. @default Infinity */
  maxSize?: number
}

export interface OpenedRecord {
  payload: Uint8Array
  /** The signer's Ed25519 public key. */
  publicKey: Uint8Array
  version: number
}

/**
 * Signs `payload` for `domain` (a constant such as SESSION_ANNOUNCEMENT_DOMAIN) and returns
 * the encoded SignedRecord.
 */
export function signRecord(
  signer: Ed25519KeyPair,
  payload: Uint8Array,
  domain: string,
  options: SignRecordOptions = {},
): Uint8Array {
  const version = options.version ?? 1
  const signature = ed25519Sign(signer.privateKey, signedBytes(domain, version, payload))
  // protons types bytes fields as ArrayBuffer-backed; its writer copies from any Uint8Array.
  const record = { payload, publicKey: signer.publicKey, signature, version } as SignedRecord
  return encodeMessage(SignedRecord, record, {
    maxSize: options.maxSize ?? Number.POSITIVE_INFINITY,
    what: `signed ${domain} record`,
  })
}

/**
 * Decodes a SignedRecord and verifies its signature for `domain`. Throws
 * OversizedMessageError, MalformedMessageError, or InvalidSignatureError when the signature
 * does not verify against the record's own public key. Whether that key may publish this
 * record is the caller's decision.
 */
export function openSignedRecord(
  bytes: Uint8Array | Uint8ArrayList,
  domain: string,
  maxSize: number,
): OpenedRecord {
  const what = `signed ${domain} record`
  const record = decodeMessage(SignedRecord, bytes, { maxSize, what })
  checkSignature(what, record.version, record.payload, record.publicKey, record.signature, domain)
  return { payload: record.payload, publicKey: record.publicKey, version: record.version }
}

export interface CosignedRecordSigners {
  first: Ed25519KeyPair
  second: Ed25519KeyPair
}

export interface OpenedCosignedRecord {
  payload: Uint8Array
  firstKey: Uint8Array
  secondKey: Uint8Array
  version: number
}

/**
 * Signs `payload` for `domain` with two different keys and returns the encoded
 * CosignedRecord. Which key is first is the record kind's convention (its domain's doc).
 */
export function signCosignedRecord(
  signers: CosignedRecordSigners,
  payload: Uint8Array,
  domain: string,
  options: SignRecordOptions = {},
): Uint8Array {
  const { first, second } = signers
  if (bytesEqual(first.publicKey, second.publicKey)) {
    throw new TypeError('a cosigned record needs two different keys')
  }
  const version = options.version ?? 1
  const message = signedBytes(domain, version, payload)
  const record = {
    payload,
    version,
    firstKey: first.publicKey,
    firstSignature: ed25519Sign(first.privateKey, message),
    secondKey: second.publicKey,
    secondSignature: ed25519Sign(second.privateKey, message),
  } as CosignedRecord
  return encodeMessage(CosignedRecord, record, {
    maxSize: options.maxSize ?? Number.POSITIVE_INFINITY,
    what: `cosigned ${domain} record`,
  })
}

/**
 * Decodes a CosignedRecord and verifies both signatures for `domain`. Throws
 * OversizedMessageError, MalformedMessageError (also when both keys are the same), or
 * InvalidSignatureError naming the signature that does not verify. Whether these keys may
 * make this statement is the caller's decision.
 */
export function openCosignedRecord(
  bytes: Uint8Array | Uint8ArrayList,
  domain: string,
  maxSize: number,
): OpenedCosignedRecord {
  const what = `cosigned ${domain} record`
  const record = decodeMessage(CosignedRecord, bytes, { maxSize, what })
  if (bytesEqual(record.firstKey, record.secondKey)) {
    throw new MalformedMessageError(`${what} is signed twice by the same key`)
  }
  const { payload, version } = record
  checkSignature(
    `${what} (first)`,
    version,
    payload,
    record.firstKey,
    record.firstSignature,
    domain,
  )
  checkSignature(
    `${what} (second)`,
    version,
    payload,
    record.secondKey,
    record.secondSignature,
    domain,
  )
  return { payload, version, firstKey: record.firstKey, secondKey: record.secondKey }
}

/**
 * Throws MalformedMessageError for a key or signature of the wrong length, and
 * InvalidSignatureError when the signature does not verify.
 */
function checkSignature(
  what: string,
  version: number,
  payload: Uint8Array,
  publicKey: Uint8Array,
  signature: Uint8Array,
  domain: string,
): void {
  if (publicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedMessageError(
      `${what} has a ${publicKey.length}-byte public key; Ed25519 keys are ${ED25519_PUBLIC_KEY_LENGTH} bytes`,
    )
  }
  if (signature.length !== ED25519_SIGNATURE_LENGTH) {
    throw new MalformedMessageError(
      `${what} has a ${signature.length}-byte signature; Ed25519 signatures are ${ED25519_SIGNATURE_LENGTH} bytes`,
    )
  }
  if (!ed25519Verify(publicKey, signedBytes(domain, version, payload), signature)) {
    throw new InvalidSignatureError(`${what}: the signature does not verify against its public key`)
  }
}

const encoder = new TextEncoder()

/**
 * The bytes a record signature covers: domain, a zero byte, the version (4 bytes, big
 * endian), then the payload. The zero byte ends the domain, so no domain is a prefix of
 * another's signed bytes.
 */
function signedBytes(domain: string, version: number, payload: Uint8Array): Uint8Array {
  if (domain.length === 0 || domain.includes('\0')) {
    throw new TypeError('a record domain must be non-empty and contain no NUL character')
  }
  const domainBytes = encoder.encode(domain)
  const out = new Uint8Array(domainBytes.length + 5 + payload.length)
  out.set(domainBytes, 0)
  new DataView(out.buffer).setUint32(domainBytes.length + 1, version)
  out.set(payload, domainBytes.length + 5)
  return out
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err)
}
