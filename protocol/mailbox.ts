/**
 * The offline mailbox's keys and records: what lives in the DHT and the rules every node
 * applies to it. Pure code; node/mailbox moves the bytes. doc/mailbox.md explains the
 * design. The published prekey bundle, the other record a mailbox first contact needs,
 * lives in protocol/prekey-records.ts.
 *
 * - Pairwise slots. Two identities share a secret only they can compute (X25519 of their
 *   identity keys, through HKDF). Message n from A to B sits in a slot whose Ed25519 key
 *   pair and AES-256-GCM key derive from that secret, A, B and n. The DHT key is the hash of
 *   the slot's public key, and the payload is encrypted under the slot key, so holders see
 *   neither who wrote nor for whom, and cannot link two slots of one conversation.
 * - Inbox slots, for first contact: 32 per weekly epoch, derived from the recipient's
 *   public key alone, so anyone can write one; the envelope is sealed to the recipient's
 *   identity key with the sender's identity inside (protocol/inbox-envelope.ts).
 * - A slot holds a deposit, then a tombstone once collected. A holder keeps the first
 *   deposit it stores and never trades a tombstone back for a deposit (see
 *   `mailboxRecordMayReplace`), so a later writer cannot replace content and a captured
 *   deposit cannot be replayed over its tombstone.
 *
 * @example
 * ```ts
 * const secret = pairwiseSecret(alice, bob.publicKey)
 * const slot = pairwiseSlot(secret, alice.publicKey, bob.publicKey, 0)
 * const record = createDepositRecord(slot.keyPair, sealSlotPayload(slot, envelope), {
 *   createdMs: Date.now(),
 *   expiresMs: Date.now() + MAILBOX_DEFAULT_TTL_MS,
 * })
 * // put `record` under slot.dhtKey; bob derives the same slot, gets it, and:
 * const opened = validateMailboxRecord(slot.dhtKey, record, Date.now())
 * if (opened.kind === 'deposit') openSlotPayload(slot, opened.deposit.payload)
 * ```
 */
import { createHash } from 'node:crypto'
import { bytesEqual, concatBytes } from './bytes.ts'
import { decodeMessage, encodeMessage, openSignedRecord, signRecord } from './codec.ts'
import {
  AEAD_NONCE_LENGTH,
  aeadOpen,
  aeadSeal,
  ED25519_PUBLIC_KEY_LENGTH,
  type Ed25519KeyPair,
  ed25519KeyPairFromSeed,
  ed25519PrivateKeyToX25519,
  ed25519PublicKeyToX25519,
  hkdfSha256,
  x25519,
} from './crypto/index.ts'
import {
  checkRecordTimes,
  MAX_CLOCK_SKEW_MS,
  mayReplaceStored,
  parseDhtKey,
  selectBest,
  sha256Hex,
} from './dht-records.ts'
import {
  InvalidSignatureError,
  MalformedMessageError,
  OversizedMessageError,
  RecordKeyMismatchError,
} from './errors.ts'
import { INBOX_DHT_NAMESPACE, MAILBOX_DHT_NAMESPACE, MAILBOX_RECORD_DOMAIN } from './ids.ts'
import { MAX_DHT_RECORD_SIZE, MAX_ENVELOPE_SIZE, MAX_MAILBOX_PAYLOAD_SIZE } from './limits.ts'
import { type MailboxDeposit, MailboxEntry, type MailboxTombstone } from './proto/mailbox.ts'

export type { MailboxDeposit, MailboxTombstone } from './proto/mailbox.ts'

const MINUTE_MS = 60_000
const DAY_MS = 24 * 60 * MINUTE_MS

/** How long a deposit lives unless its writer says otherwise. */
export const MAILBOX_DEFAULT_TTL_MS = 14 * DAY_MS
/** Longest life of a pairwise deposit; holders refuse longer ones. */
export const MAILBOX_MAX_TTL_MS = 30 * DAY_MS
/** Longest life of a tombstone: it outlives any deposit written before it. */
export const MAILBOX_TOMBSTONE_MAX_TTL_MS = MAILBOX_MAX_TTL_MS + 2 * MAX_CLOCK_SKEW_MS

/** Inbox slots change every week: epoch e covers [e, e + 1) * INBOX_EPOCH_MS since 1970. */
export const INBOX_EPOCH_MS = 7 * DAY_MS
export const INBOX_SLOTS_PER_EPOCH = 32
/** The owner reads the current and the previous epoch: 64 slots at most. */
export const INBOX_EPOCHS_READ = 2
/**
 * Longest life of an inbox deposit: it is read during its epoch and the next, and a flood
 * written now cannot reach epochs further ahead.
 */
export const INBOX_MAX_TTL_MS = INBOX_EPOCHS_READ * INBOX_EPOCH_MS

const PAIRWISE_SECRET_INFO = 'tokenim mailbox v1'
const PAIRWISE_SLOT_INFO = 'tokenim mailbox slot v1'
const INBOX_SLOT_INFO = 'tokenim inbox slot v1'
const EMPTY = new Uint8Array(0)
const DIGEST_LENGTH = 32

const encoder = new TextEncoder()

export type MailboxNamespace = typeof MAILBOX_DHT_NAMESPACE | typeof INBOX_DHT_NAMESPACE

/** A mailbox slot: the key pair that signs its records, and where it lives in the DHT. */
export interface MailboxSlot {
  namespace: MailboxNamespace
  keyPair: Ed25519KeyPair
  /** `/<namespace>/<hex sha256(slot public key)>`, as bytes: the DHT key. */
  dhtKey: Uint8Array
  /** The DHT key as a string: names the slot in APIs and storage. */
  slotId: string
}

export interface PairwiseSlot extends MailboxSlot {
  namespace: typeof MAILBOX_DHT_NAMESPACE
  /** AES-256-GCM key of the slot's payload. */
  encryptionKey: Uint8Array
}

export interface InboxSlot extends MailboxSlot {
  namespace: typeof INBOX_DHT_NAMESPACE
  epoch: number
  index: number
}

/**
 * The secret only `identity` and the peer can compute: HKDF over the X25519 agreement of
 * their identity keys (mapped from Ed25519), salted with both public keys in sorted order,
 * so both ends derive the same value. Throws InvalidKeyError for an unusable peer key.
 */
export function pairwiseSecret(identity: Ed25519KeyPair, peerPublicKey: Uint8Array): Uint8Array {
  const shared = x25519(
    ed25519PrivateKeyToX25519(identity.privateKey),
    ed25519PublicKeyToX25519(peerPublicKey),
  )
  const [low, high] =
    Buffer.compare(identity.publicKey, peerPublicKey) <= 0
      ? [identity.publicKey, peerPublicKey]
      : [peerPublicKey, identity.publicKey]
  return hkdfSha256(shared, concatBytes(low, high), PAIRWISE_SECRET_INFO, 32)
}

/** Slot `sequence` of the direction sender -> recipient, from their pairwise secret. */
export function pairwiseSlot(
  secret: Uint8Array,
  senderPublicKey: Uint8Array,
  recipientPublicKey: Uint8Array,
  sequence: number,
): PairwiseSlot {
  checkSequence(sequence)
  const info = concatBytes(
    encoder.encode(PAIRWISE_SLOT_INFO),
    senderPublicKey,
    recipientPublicKey,
    u64(sequence),
  )
  const material = hkdfSha256(secret, EMPTY, info, 64)
  const keyPair = ed25519KeyPairFromSeed(material.subarray(0, 32))
  return {
    namespace: MAILBOX_DHT_NAMESPACE,
    keyPair,
    encryptionKey: material.slice(32),
    ...slotAddress(MAILBOX_DHT_NAMESPACE, keyPair.publicKey),
  }
}

/** The inbox epoch of a time: weeks since 1970. */
export function inboxEpoch(nowMs: number): number {
  return Math.floor(nowMs / INBOX_EPOCH_MS)
}

/** End of the last epoch in which the owner still reads slots of `epoch`. */
export function inboxEpochReadUntil(epoch: number): number {
  return (epoch + INBOX_EPOCHS_READ) * INBOX_EPOCH_MS
}

/** Inbox slot `index` of `epoch` for a recipient. Anyone can compute it: that is its purpose. */
export function inboxSlot(recipientPublicKey: Uint8Array, epoch: number, index: number): InboxSlot {
  if (!Number.isInteger(epoch) || epoch < 0 || epoch > 0xffff_ffff) {
    throw new RangeError(`inbox epoch must be an integer 0..2^32-1, got ${epoch}`)
  }
  if (!Number.isInteger(index) || index < 0 || index >= INBOX_SLOTS_PER_EPOCH) {
    throw new RangeError(`inbox slot index must be 0..${INBOX_SLOTS_PER_EPOCH - 1}, got ${index}`)
  }
  const info = concatBytes(encoder.encode(INBOX_SLOT_INFO), u32(epoch), u32(index))
  const keyPair = ed25519KeyPairFromSeed(hkdfSha256(recipientPublicKey, EMPTY, info, 32))
  return {
    namespace: INBOX_DHT_NAMESPACE,
    keyPair,
    epoch,
    index,
    ...slotAddress(INBOX_DHT_NAMESPACE, keyPair.publicKey),
  }
}

/** Encrypts an envelope for a pairwise slot: random nonce || AES-256-GCM, bound to the slot key. */
export function sealSlotPayload(slot: PairwiseSlot, envelope: Uint8Array): Uint8Array {
  checkEnvelopeSize(envelope)
  return aeadSeal(slot.encryptionKey, envelope, slot.keyPair.publicKey)
}

/** Throws DecryptionError when the payload was not sealed for this slot. */
export function openSlotPayload(slot: PairwiseSlot, payload: Uint8Array): Uint8Array {
  if (payload.length < AEAD_NONCE_LENGTH) {
    throw new MalformedMessageError('mailbox payload is shorter than its nonce')
  }
  return aeadOpen(slot.encryptionKey, payload, slot.keyPair.publicKey)
}

export interface DepositTimes {
  createdMs: number
  expiresMs: number
}

/** A signed deposit record for `slot`, ready to put under its DHT key. */
export function createDepositRecord(
  slotKeyPair: Ed25519KeyPair,
  payload: Uint8Array,
  times: DepositTimes,
): Uint8Array {
  const deposit = { slotPublicKey: slotKeyPair.publicKey, payload, ...times } as MailboxDeposit
  return signEntry(slotKeyPair, { deposit })
}

export interface TombstoneInit {
  slotPublicKey: Uint8Array
  tombstonedMs: number
  expiresMs: number
  /** Inbox slots: the slot's place; the signer must be the inbox owner. */
  inbox?: { epoch: number; index: number }
  /** `recordDigest` of the deposit record read and cleared, when known. */
  clearedDigest?: Uint8Array
}

/**
 * A signed tombstone: by the slot key for a pairwise slot, by the owner's identity key for
 * an inbox slot (anyone can derive an inbox slot key, so it cannot prove the right to clear).
 */
export function createTombstoneRecord(signer: Ed25519KeyPair, init: TombstoneInit): Uint8Array {
  const tombstone = {
    slotPublicKey: init.slotPublicKey,
    tombstonedMs: init.tombstonedMs,
    expiresMs: init.expiresMs,
    inboxEpoch: init.inbox?.epoch ?? 0,
    inboxIndex: init.inbox?.index ?? 0,
    clearedDigest: init.clearedDigest ?? EMPTY,
  } as MailboxTombstone
  return signEntry(signer, { tombstone })
}

export type OpenedMailboxRecord =
  | { kind: 'deposit'; namespace: MailboxNamespace; deposit: MailboxDeposit }
  | {
      kind: 'tombstone'
      namespace: MailboxNamespace
      tombstone: MailboxTombstone
      signer: Uint8Array
    }

/**
 * Every check a node applies to a mailbox record before storing, serving or using it: the
 * key is `/tokenim-mbox/` or `/tokenim-inbox/` and the hash of the slot key, the record is
 * within its size limit, canonically encoded and signed by the slot key (or, for an inbox
 * tombstone, by the owner the slot derives from), and its times are sane against `nowMs`.
 * Throws RecordKeyMismatchError, OversizedMessageError, MalformedMessageError,
 * InvalidSignatureError, ExpiredRecordError or RecordTimestampError.
 */
export function validateMailboxRecord(
  key: Uint8Array,
  value: Uint8Array,
  nowMs: number,
): OpenedMailboxRecord {
  const { namespace, digest } = parseDhtKey(key, [MAILBOX_DHT_NAMESPACE, INBOX_DHT_NAMESPACE])
  const opened = openSignedRecord(value, MAILBOX_RECORD_DOMAIN, MAX_DHT_RECORD_SIZE)
  if (opened.version !== 1) {
    throw new MalformedMessageError(`mailbox record version ${opened.version} is not supported`)
  }
  const entry = decodeMessage(MailboxEntry, opened.payload, {
    maxSize: MAX_DHT_RECORD_SIZE,
    what: 'mailbox entry',
  })
  const mailboxNamespace = namespace as MailboxNamespace
  if (entry.deposit != null && entry.tombstone == null) {
    const deposit = entry.deposit
    checkSlotKey(deposit.slotPublicKey, digest)
    if (!bytesEqual(opened.publicKey, deposit.slotPublicKey)) {
      throw new InvalidSignatureError('a mailbox deposit must be signed by its slot key')
    }
    if (deposit.payload.length === 0 || deposit.payload.length > MAX_MAILBOX_PAYLOAD_SIZE) {
      throw new MalformedMessageError(
        `mailbox payload must be 1..${MAX_MAILBOX_PAYLOAD_SIZE} bytes, got ${deposit.payload.length}`,
      )
    }
    const maxTtl = namespace === INBOX_DHT_NAMESPACE ? INBOX_MAX_TTL_MS : MAILBOX_MAX_TTL_MS
    checkRecordTimes('mailbox deposit', deposit.createdMs, deposit.expiresMs, maxTtl, nowMs)
    return { kind: 'deposit', namespace: mailboxNamespace, deposit }
  }
  if (entry.tombstone != null && entry.deposit == null) {
    const tombstone = entry.tombstone
    checkSlotKey(tombstone.slotPublicKey, digest)
    if (tombstone.clearedDigest.length !== 0 && tombstone.clearedDigest.length !== DIGEST_LENGTH) {
      throw new MalformedMessageError('a tombstone names its cleared deposit by a 32-byte digest')
    }
    if (namespace === INBOX_DHT_NAMESPACE) {
      checkInboxOwner(tombstone, opened.publicKey)
    } else if (
      !bytesEqual(opened.publicKey, tombstone.slotPublicKey) ||
      tombstone.inboxEpoch !== 0 ||
      tombstone.inboxIndex !== 0
    ) {
      throw new InvalidSignatureError(
        'a pairwise mailbox tombstone must be signed by its slot key and name no inbox slot',
      )
    }
    checkRecordTimes(
      'mailbox tombstone',
      tombstone.tombstonedMs,
      tombstone.expiresMs,
      MAILBOX_TOMBSTONE_MAX_TTL_MS,
      nowMs,
    )
    return { kind: 'tombstone', namespace: mailboxNamespace, tombstone, signer: opened.publicKey }
  }
  throw new MalformedMessageError('a mailbox entry must hold exactly one deposit or one tombstone')
}

/**
 * The record that wins among several for one slot, as an index into `values`: a tombstone
 * beats any deposit; among deposits the earliest written wins, so a later write never
 * displaces content; ties go to the smaller encoding, so every node picks the same one.
 * Records that do not validate rank last.
 */
export function selectMailboxRecord(key: Uint8Array, values: Uint8Array[], nowMs: number): number {
  return selectBest(values, (value) => {
    const opened = validateMailboxRecord(key, value, nowMs)
    return opened.kind === 'tombstone' ? [0, 0] : [1, opened.deposit.createdMs]
  })
}

/**
 * Whether a holder that already stores `stored` under `key` may replace it with `incoming`
 * (both bytes of signed records; `incoming` already validated). Same bytes refresh; a stored
 * record that no longer validates (expired) gives way; a tombstone replaces a deposit;
 * nothing else replaces anything: the first deposit stays, whatever its claimed time, and a
 * tombstone is never traded back for a deposit.
 */
export function mailboxRecordMayReplace(
  key: Uint8Array,
  stored: Uint8Array,
  incoming: Uint8Array,
  nowMs: number,
): boolean {
  return mayReplaceStored(
    stored,
    incoming,
    (bytes) => validateMailboxRecord(key, bytes, nowMs).kind,
    (incomingKind, storedKind) => storedKind !== 'tombstone' && incomingKind === 'tombstone',
  )
}

/** SHA-256 of a signed record: how a tombstone names the deposit it clears. */
export function recordDigest(record: Uint8Array): Uint8Array {
  return new Uint8Array(createHash('sha256').update(record).digest())
}

function slotAddress(namespace: MailboxNamespace, slotPublicKey: Uint8Array) {
  const slotId = `/${namespace}/${sha256Hex(slotPublicKey)}`
  return { slotId, dhtKey: encoder.encode(slotId) }
}

function signEntry(signer: Ed25519KeyPair, entry: MailboxEntry): Uint8Array {
  const payload = encodeMessage(MailboxEntry, entry, {
    maxSize: MAX_DHT_RECORD_SIZE,
    what: 'mailbox entry',
  })
  return signRecord(signer, payload, MAILBOX_RECORD_DOMAIN, { maxSize: MAX_DHT_RECORD_SIZE })
}

function checkSlotKey(slotPublicKey: Uint8Array, digest: string): void {
  if (slotPublicKey.length !== ED25519_PUBLIC_KEY_LENGTH) {
    throw new MalformedMessageError('mailbox slot key must be a 32-byte Ed25519 public key')
  }
  if (sha256Hex(slotPublicKey) !== digest) {
    throw new RecordKeyMismatchError('mailbox record is not stored under its slot key hash')
  }
}

function checkInboxOwner(tombstone: MailboxTombstone, signer: Uint8Array): void {
  let slot: InboxSlot
  try {
    slot = inboxSlot(signer, tombstone.inboxEpoch, tombstone.inboxIndex)
  } catch (err) {
    throw new MalformedMessageError(
      `inbox tombstone names no inbox slot: ${(err as Error).message}`,
    )
  }
  if (!bytesEqual(slot.keyPair.publicKey, tombstone.slotPublicKey)) {
    throw new InvalidSignatureError('an inbox tombstone must be signed by the inbox owner')
  }
}

/** Throws unless `envelope` may sit in a mailbox slot: not empty, within MAX_ENVELOPE_SIZE. */
export function checkEnvelopeSize(envelope: Uint8Array): void {
  if (envelope.length > MAX_ENVELOPE_SIZE) {
    throw new OversizedMessageError(
      `an envelope is ${envelope.length} bytes, over its limit of ${MAX_ENVELOPE_SIZE} bytes`,
    )
  }
  if (envelope.length === 0) throw new MalformedMessageError('an envelope cannot be empty')
}

function checkSequence(sequence: number): void {
  if (!Number.isSafeInteger(sequence) || sequence < 0) {
    throw new RangeError(`slot sequence must be a non-negative safe integer, got ${sequence}`)
  }
}

function u32(value: number): Uint8Array {
  const out = new Uint8Array(4)
  new DataView(out.buffer).setUint32(0, value)
  return out
}

function u64(value: number): Uint8Array {
  const out = new Uint8Array(8)
  new DataView(out.buffer).setBigUint64(0, BigInt(value))
  return out
}
