/**
 * The published prekey bundle record: how an identity's signed prekey and one-time prekeys
 * sit in the DHT, so a stranger can start a session (X3DH) with someone offline, and the
 * rules every node applies to it. Pure code; node/prekeys moves the bytes, and
 * network/dht-rules installs these rules on every host. doc/mailbox.md explains the design.
 *
 * Guarantees, and how they are kept:
 * - A bundle sits only under its owner: the key is the hash of the identity key that signed
 *   the record, and the signed prekey must carry that identity's signature
 *   (`validatePrekeyRecord`), so nobody can publish prekeys for someone else.
 * - No rollback: a holder replaces its bundle only with a newer one
 *   (`prekeyRecordMayReplace`), and every node picks the newest of several
 *   (`selectPrekeyRecord`), so a captured old bundle (with spent one-time prekeys) cannot be
 *   served over the current one.
 * - Bounded: at most MAX_PUBLISHED_ONE_TIME_PREKEYS one-time prekeys, MAX_PREKEY_RECORD_SIZE
 *   bytes, and a life of PREKEY_BUNDLE_MAX_TTL_MS, dated with the clock rule every DHT record
 *   shares (`checkRecordTimes` in protocol/dht-records.ts).
 */
import { decodeMessage, encodeMessage, openSignedRecord, signRecord } from './codec.ts'
import { type Ed25519KeyPair, X25519_KEY_LENGTH } from './crypto/index.ts'
import {
  checkRecordTimes,
  mayReplaceStored,
  parseDhtKey,
  selectBest,
  sha256Hex,
} from './dht-records.ts'
import { InvalidSignatureError, MalformedMessageError, RecordKeyMismatchError } from './errors.ts'
import { PREKEY_BUNDLE_DOMAIN, PREKEYS_DHT_NAMESPACE } from './ids.ts'
import { MAX_PREKEY_RECORD_SIZE, MAX_PUBLISHED_ONE_TIME_PREKEYS } from './limits.ts'
import { PublishedPrekeys } from './proto/mailbox.ts'
import { type PrekeyBundle, verifyPrekeyBundle } from './session/index.ts'

export type { PublishedPrekeys } from './proto/mailbox.ts'

/** Longest life of a published prekey bundle; owners republish well before. */
export const PREKEY_BUNDLE_MAX_TTL_MS = 14 * 24 * 60 * 60_000

const encoder = new TextEncoder()

/** `/tokenim-prekeys/<hex sha256(identity key)>`, as bytes. */
export function prekeysDhtKey(identityPublicKey: Uint8Array): Uint8Array {
  return encoder.encode(`/${PREKEYS_DHT_NAMESPACE}/${sha256Hex(identityPublicKey)}`)
}

export interface PrekeyRecordInit {
  signedPrekey: { id: number; publicKey: Uint8Array; signature: Uint8Array }
  oneTimePrekeys: Array<{ id: number; publicKey: Uint8Array }>
  publishedMs: number
  expiresMs: number
}

/** The owner's bundle as a record signed by its identity key. */
export function createPrekeyRecord(identity: Ed25519KeyPair, init: PrekeyRecordInit): Uint8Array {
  if (init.oneTimePrekeys.length > MAX_PUBLISHED_ONE_TIME_PREKEYS) {
    throw new RangeError(
      `a bundle lists at most ${MAX_PUBLISHED_ONE_TIME_PREKEYS} one-time prekeys, got ${init.oneTimePrekeys.length}`,
    )
  }
  const payload = encodeMessage(PublishedPrekeys, init as PublishedPrekeys, {
    maxSize: MAX_PREKEY_RECORD_SIZE,
    what: 'published prekeys',
  })
  return signRecord(identity, payload, PREKEY_BUNDLE_DOMAIN, { maxSize: MAX_PREKEY_RECORD_SIZE })
}

export interface OpenedPrekeyRecord {
  identityKey: Uint8Array
  published: PublishedPrekeys
}

/**
 * Every check a node applies to a published bundle: the key is the hash of the signing
 * identity key, the signed prekey carries that identity's signature, the one-time prekeys
 * are well formed and distinct, and the times are sane. Throws like validateMailboxRecord.
 */
export function validatePrekeyRecord(
  key: Uint8Array,
  value: Uint8Array,
  nowMs: number,
): OpenedPrekeyRecord {
  const { digest } = parseDhtKey(key, [PREKEYS_DHT_NAMESPACE])
  const opened = openSignedRecord(value, PREKEY_BUNDLE_DOMAIN, MAX_PREKEY_RECORD_SIZE)
  if (opened.version !== 1) {
    throw new MalformedMessageError(`prekey record version ${opened.version} is not supported`)
  }
  if (sha256Hex(opened.publicKey) !== digest) {
    throw new RecordKeyMismatchError('prekey record is not stored under its identity key hash')
  }
  const published = decodeMessage(PublishedPrekeys, opened.payload, {
    maxSize: MAX_PREKEY_RECORD_SIZE,
    what: 'published prekeys',
    limits: { oneTimePrekeys: MAX_PUBLISHED_ONE_TIME_PREKEYS },
  })
  const signedPrekey = published.signedPrekey
  if (signedPrekey == null) {
    throw new MalformedMessageError('published prekeys lack a signed prekey')
  }
  const ids = new Set<number>()
  for (const oneTimePrekey of published.oneTimePrekeys) {
    if (oneTimePrekey.publicKey.length !== X25519_KEY_LENGTH || ids.has(oneTimePrekey.id)) {
      throw new MalformedMessageError('published one-time prekeys must be distinct X25519 keys')
    }
    ids.add(oneTimePrekey.id)
  }
  const bundle: PrekeyBundle = { identityKey: opened.publicKey, signedPrekey }
  if (!verifyPrekeyBundle(bundle)) {
    throw new InvalidSignatureError(
      'published signed prekey is malformed or not signed by the identity key',
    )
  }
  checkRecordTimes(
    'prekey bundle',
    published.publishedMs,
    published.expiresMs,
    PREKEY_BUNDLE_MAX_TTL_MS,
    nowMs,
  )
  return { identityKey: opened.publicKey, published }
}

/** The newest bundle wins; ties go to the smaller encoding. */
export function selectPrekeyRecord(key: Uint8Array, values: Uint8Array[], nowMs: number): number {
  return selectBest(values, (value) => [
    -validatePrekeyRecord(key, value, nowMs).published.publishedMs,
  ])
}

/** A holder replaces its bundle only with a newer one, so an old bundle cannot be replayed over it. */
export function prekeyRecordMayReplace(
  key: Uint8Array,
  stored: Uint8Array,
  incoming: Uint8Array,
  nowMs: number,
): boolean {
  return mayReplaceStored(
    stored,
    incoming,
    (bytes) => validatePrekeyRecord(key, bytes, nowMs).published.publishedMs,
    (incomingMs, storedMs) => incomingMs > storedMs,
  )
}
