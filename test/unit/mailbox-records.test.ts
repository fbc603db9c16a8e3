import { describe, expect, it } from 'vitest'
import { signRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair, randomBytes } from '../../protocol/crypto/index.ts'
import { MAX_CLOCK_SKEW_MS } from '../../protocol/dht-records.ts'
import { MAILBOX_RECORD_DOMAIN } from '../../protocol/ids.ts'
import { sealInboxEnvelope } from '../../protocol/inbox-envelope.ts'
import { MAX_DHT_RECORD_SIZE, MAX_ENVELOPE_SIZE } from '../../protocol/limits.ts'
import {
  createDepositRecord,
  createTombstoneRecord,
  INBOX_EPOCH_MS,
  INBOX_MAX_TTL_MS,
  inboxEpoch,
  inboxSlot,
  MAILBOX_DEFAULT_TTL_MS,
  MAILBOX_MAX_TTL_MS,
  MAILBOX_TOMBSTONE_MAX_TTL_MS,
  mailboxRecordMayReplace,
  openSlotPayload,
  pairwiseSecret,
  pairwiseSlot,
  sealSlotPayload,
  selectMailboxRecord,
  validateMailboxRecord,
} from '../../protocol/mailbox.ts'
import { MailboxEntry } from '../../protocol/proto/mailbox.ts'

const NOW = 1_800_000_000_000
const alice = generateEd25519KeyPair()
const bob = generateEd25519KeyPair()
const carol = generateEd25519KeyPair()
const envelope = new TextEncoder().encode('an encrypted envelope, as far as the mailbox knows')

function deposit(
  slot = pairwiseSlot(pairwiseSecret(alice, bob.publicKey), alice.publicKey, bob.publicKey, 0),
  times = { createdMs: NOW, expiresMs: NOW + MAILBOX_DEFAULT_TTL_MS },
) {
  return { slot, record: createDepositRecord(slot.keyPair, sealSlotPayload(slot, envelope), times) }
}

describe('mailbox slot keys', () => {
  it('gives both ends the same pairwise secret, and outsiders another', () => {
    const fromAlice = pairwiseSecret(alice, bob.publicKey)
    expect(pairwiseSecret(bob, alice.publicKey)).toEqual(fromAlice)
    expect(pairwiseSecret(carol, bob.publicKey)).not.toEqual(fromAlice)
  })

  it('derives a different slot for every direction and sequence number', () => {
    const secret = pairwiseSecret(alice, bob.publicKey)
    const ids = new Set([
      pairwiseSlot(secret, alice.publicKey, bob.publicKey, 0).slotId,
      pairwiseSlot(secret, alice.publicKey, bob.publicKey, 1).slotId,
      pairwiseSlot(secret, bob.publicKey, alice.publicKey, 0).slotId,
      pairwiseSlot(secret, bob.publicKey, alice.publicKey, 1).slotId,
    ])
    expect(ids.size).toBe(4)
    const slot = pairwiseSlot(secret, alice.publicKey, bob.publicKey, 7)
    expect(slot.slotId).toMatch(/^\/tokenim-mbox\/[0-9a-f]{64}$/)
    // The key names neither party.
    for (const key of [alice.publicKey, bob.publicKey]) {
      expect(slot.slotId).not.toContain(Buffer.from(key).toString('hex').slice(0, 16))
    }
  })

  it('encrypts the payload so that only the slot key opens it', () => {
    const secret = pairwiseSecret(alice, bob.publicKey)
    const slot = pairwiseSlot(secret, alice.publicKey, bob.publicKey, 3)
    const payload = sealSlotPayload(slot, envelope)
    expect(Buffer.from(payload).includes(Buffer.from(envelope))).toBe(false)
    expect(
      openSlotPayload(
        pairwiseSlot(pairwiseSecret(bob, alice.publicKey), alice.publicKey, bob.publicKey, 3),
        payload,
      ),
    ).toEqual(envelope)
    const other = pairwiseSlot(secret, alice.publicKey, bob.publicKey, 4)
    expect(() => openSlotPayload(other, payload)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
  })

  it('places inbox slots by recipient, epoch and index, computable by anyone', () => {
    const epoch = inboxEpoch(NOW)
    expect(inboxSlot(bob.publicKey, epoch, 5)).toEqual(inboxSlot(bob.publicKey, epoch, 5))
    expect(inboxSlot(bob.publicKey, epoch, 5).slotId).not.toBe(
      inboxSlot(bob.publicKey, epoch + 1, 5).slotId,
    )
    expect(inboxSlot(bob.publicKey, epoch, 5).slotId).toMatch(/^\/tokenim-inbox\//)
    expect(() => inboxSlot(bob.publicKey, epoch, 32)).toThrow(RangeError)
  })
})

describe('mailbox record validation', () => {
  it('accepts a well-formed deposit and a tombstone by the slot key', () => {
    const { slot, record } = deposit()
    const opened = validateMailboxRecord(slot.dhtKey, record, NOW)
    expect(opened.kind).toBe('deposit')
    const tombstone = createTombstoneRecord(slot.keyPair, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: NOW,
      expiresMs: NOW + MAILBOX_TOMBSTONE_MAX_TTL_MS,
    })
    expect(validateMailboxRecord(slot.dhtKey, tombstone, NOW).kind).toBe('tombstone')
  })

  it('refuses a record under another key', () => {
    const { record } = deposit()
    const { slot: other } = deposit(
      pairwiseSlot(pairwiseSecret(alice, bob.publicKey), alice.publicKey, bob.publicKey, 1),
    )
    expect(() => validateMailboxRecord(other.dhtKey, record, NOW)).toThrow(
      expect.objectContaining({ name: 'RecordKeyMismatchError' }),
    )
    expect(() =>
      validateMailboxRecord(new TextEncoder().encode('/tokenim-mbox/xyz'), record, NOW),
    ).toThrow(expect.objectContaining({ name: 'RecordKeyMismatchError' }))
  })

  it('refuses a deposit signed by another key, or altered after signing', () => {
    const { slot } = deposit()
    const forged = createDepositRecord(carol, sealSlotPayload(slot, envelope), {
      createdMs: NOW,
      expiresMs: NOW + 1000,
    })
    // Right slot key inside, wrong signer.
    const entry = MailboxEntry.decode(
      MailboxEntry.encode({
        deposit: {
          slotPublicKey: slot.keyPair.publicKey,
          payload: envelope,
          createdMs: NOW,
          expiresMs: NOW + 1000,
        } as never,
      }),
    )
    const wrongSigner = signRecord(carol, MailboxEntry.encode(entry), MAILBOX_RECORD_DOMAIN)
    expect(() => validateMailboxRecord(slot.dhtKey, wrongSigner, NOW)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
    expect(() => validateMailboxRecord(slot.dhtKey, forged, NOW)).toThrow(
      expect.objectContaining({ name: 'RecordKeyMismatchError' }),
    )
    const { record } = deposit()
    const altered = Uint8Array.from(record)
    altered[60] ^= 1
    expect(() => validateMailboxRecord(slot.dhtKey, altered, NOW)).toThrow()
  })

  it('refuses oversized, expired, future-dated and too long-lived records', () => {
    const { slot } = deposit()
    const hugeDeposit = {
      slotPublicKey: slot.keyPair.publicKey,
      payload: randomBytes(MAX_DHT_RECORD_SIZE),
      createdMs: NOW,
      expiresMs: NOW + 1000,
    }
    expect(() => createDepositRecord(slot.keyPair, hugeDeposit.payload, hugeDeposit)).toThrow(
      expect.objectContaining({ name: 'OversizedMessageError' }),
    )
    const big = signRecord(
      slot.keyPair,
      MailboxEntry.encode({ deposit: hugeDeposit as never }),
      MAILBOX_RECORD_DOMAIN,
    )
    expect(() => validateMailboxRecord(slot.dhtKey, big, NOW)).toThrow(
      expect.objectContaining({ name: 'OversizedMessageError' }),
    )
    const tooBigPayload = createDepositRecord(slot.keyPair, randomBytes(MAX_ENVELOPE_SIZE + 1024), {
      createdMs: NOW,
      expiresMs: NOW + 1000,
    })
    expect(() => validateMailboxRecord(slot.dhtKey, tooBigPayload, NOW)).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
    const { record: expired } = deposit(slot, { createdMs: NOW - 2000, expiresMs: NOW - 1000 })
    expect(() => validateMailboxRecord(slot.dhtKey, expired, NOW)).toThrow(
      expect.objectContaining({ name: 'ExpiredRecordError' }),
    )
    const { record: future } = deposit(slot, {
      createdMs: NOW + MAX_CLOCK_SKEW_MS + 1000,
      expiresMs: NOW + 2 * MAX_CLOCK_SKEW_MS,
    })
    expect(() => validateMailboxRecord(slot.dhtKey, future, NOW)).toThrow(
      expect.objectContaining({ name: 'RecordTimestampError' }),
    )
    const { record: longLived } = deposit(slot, {
      createdMs: NOW,
      expiresMs: NOW + MAILBOX_MAX_TTL_MS + 1,
    })
    expect(() => validateMailboxRecord(slot.dhtKey, longLived, NOW)).toThrow(
      expect.objectContaining({ name: 'RecordTimestampError' }),
    )
  })

  it('lets only the owner tombstone an inbox slot, though anyone can write one', () => {
    const epoch = inboxEpoch(NOW)
    const slot = inboxSlot(bob.publicKey, epoch, 9)
    const sealed = sealInboxEnvelope(alice, bob.publicKey, envelope)
    const written = createDepositRecord(slot.keyPair, sealed, {
      createdMs: NOW,
      expiresMs: NOW + INBOX_EPOCH_MS,
    })
    expect(validateMailboxRecord(slot.dhtKey, written, NOW).kind).toBe('deposit')
    const byOwner = createTombstoneRecord(bob, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: NOW,
      expiresMs: NOW + INBOX_EPOCH_MS,
      inbox: { epoch, index: 9 },
    })
    expect(validateMailboxRecord(slot.dhtKey, byOwner, NOW).kind).toBe('tombstone')
    const bySlotKey = createTombstoneRecord(slot.keyPair, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: NOW,
      expiresMs: NOW + INBOX_EPOCH_MS,
    })
    expect(() => validateMailboxRecord(slot.dhtKey, bySlotKey, NOW)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
    const byStranger = createTombstoneRecord(carol, {
      slotPublicKey: slot.keyPair.publicKey,
      tombstonedMs: NOW,
      expiresMs: NOW + INBOX_EPOCH_MS,
      inbox: { epoch, index: 9 },
    })
    expect(() => validateMailboxRecord(slot.dhtKey, byStranger, NOW)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
    const longLived = createDepositRecord(slot.keyPair, sealed, {
      createdMs: NOW,
      expiresMs: NOW + INBOX_MAX_TTL_MS + 1,
    })
    expect(() => validateMailboxRecord(slot.dhtKey, longLived, NOW)).toThrow(
      expect.objectContaining({ name: 'RecordTimestampError' }),
    )
  })
})

describe('mailbox record selection and replacement', () => {
  const { slot, record: first } = deposit()
  const { record: later } = deposit(slot, {
    createdMs: NOW + 5,
    expiresMs: NOW + MAILBOX_DEFAULT_TTL_MS,
  })
  const tombstone = createTombstoneRecord(slot.keyPair, {
    slotPublicKey: slot.keyPair.publicKey,
    tombstonedMs: NOW + 10,
    expiresMs: NOW + MAILBOX_TOMBSTONE_MAX_TTL_MS,
  })

  it('selects a tombstone over deposits, and the earliest deposit otherwise', () => {
    expect(selectMailboxRecord(slot.dhtKey, [first, later, tombstone], NOW)).toBe(2)
    expect(selectMailboxRecord(slot.dhtKey, [later, first], NOW)).toBe(1)
    expect(selectMailboxRecord(slot.dhtKey, [new Uint8Array(3), later], NOW)).toBe(1)
  })

  it('keeps the first deposit and the tombstone at a holder', () => {
    expect(mailboxRecordMayReplace(slot.dhtKey, first, first, NOW)).toBe(true)
    expect(mailboxRecordMayReplace(slot.dhtKey, first, later, NOW)).toBe(false)
    // A backdated deposit does not displace the stored one either.
    const { record: backdated } = deposit(slot, { createdMs: NOW - 1000, expiresMs: NOW + 1000 })
    expect(mailboxRecordMayReplace(slot.dhtKey, first, backdated, NOW)).toBe(false)
    expect(mailboxRecordMayReplace(slot.dhtKey, first, tombstone, NOW)).toBe(true)
    expect(mailboxRecordMayReplace(slot.dhtKey, tombstone, first, NOW)).toBe(false)
    // Once the stored record expired, anything valid may take its place.
    expect(mailboxRecordMayReplace(slot.dhtKey, backdated, later, NOW + 2000)).toBe(true)
  })
})
