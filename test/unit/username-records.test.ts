import { describe, expect, it } from 'vitest'
import { generateEd25519KeyPair, randomBytes } from '../../protocol/crypto/index.ts'
import {
  CLAIM_ACTION_REGISTER,
  CLAIM_ACTION_RELEASE,
  leadingZeroBits,
  nameDhtKey,
  openClaimProof,
  openNameRecord,
  openProfile,
  searchWork,
  selectNameRecord,
  signClaimProof,
  signNameRecord,
  signProfile,
  validateNameRecordEntry,
  verifyWork,
  WORK_NONCE_LENGTH,
} from '../../protocol/directory.ts'

const relay = generateEd25519KeyPair()
const otherRelay = generateEd25519KeyPair()
const alice = generateEd25519KeyPair()
const NOW = 1_800_000_000_000

function record(overrides: Partial<Parameters<typeof signNameRecord>[1]> = {}, key = relay) {
  return signNameRecord(key, {
    name: 'alice',
    publicKey: alice.publicKey,
    relayPublicKey: key.publicKey,
    issuedMs: NOW,
    expiresMs: NOW + 60_000,
    ...overrides,
  })
}

describe('name records', () => {
  it('open with the name, owner key and relay they were signed with', () => {
    const opened = openNameRecord(record(), {
      name: 'alice',
      relayPublicKey: relay.publicKey,
      now: NOW,
    })
    expect(opened.name).toBe('alice')
    expect(Buffer.from(opened.publicKey).equals(alice.publicKey)).toBe(true)
    expect(opened.expiresMs).toBe(NOW + 60_000)
  })

  it('are refused for another name, another relay, after expiry, or when altered', () => {
    const bytes = record()
    expect(() => openNameRecord(bytes, { name: 'bob', now: NOW })).toThrow(
      expect.objectContaining({ name: 'UntrustedRecordError' }),
    )
    expect(() => openNameRecord(bytes, { relayPublicKey: otherRelay.publicKey, now: NOW })).toThrow(
      expect.objectContaining({ name: 'UntrustedRecordError' }),
    )
    expect(() => openNameRecord(bytes, { now: NOW + 60_000 })).toThrow(
      expect.objectContaining({ name: 'NameExpiredError', code: 'expired' }),
    )
    const altered = Uint8Array.from(bytes)
    altered[10] ^= 1
    expect(() => openNameRecord(altered, { now: NOW })).toThrow()
  })

  it('cannot be signed by a relay other than the one they name', () => {
    expect(() => record({ relayPublicKey: otherRelay.publicKey })).toThrow(TypeError)
  })

  it('refuse a non-canonical name even when the relay signed it', () => {
    expect(() => openNameRecord(record({ name: 'Alice' }), { now: NOW })).toThrow(
      expect.objectContaining({ name: 'UntrustedRecordError' }),
    )
  })
})

describe('DHT validator and selector', () => {
  it('accept a record only under its own scoped key', () => {
    const key = nameDhtKey(relay.publicKey, 'alice')
    expect(new TextDecoder().decode(key)).toMatch(/^\/tokenim-name\/[0-9a-f]{64}$/)
    expect(() => validateNameRecordEntry(key, record(), NOW)).not.toThrow()
    expect(() =>
      validateNameRecordEntry(nameDhtKey(relay.publicKey, 'bob'), record(), NOW),
    ).toThrow()
    // The same name issued by another relay lives under another key: relays cannot clobber each other.
    expect(() => validateNameRecordEntry(key, record({}, otherRelay), NOW)).toThrow()
    expect(() => validateNameRecordEntry(key, record(), NOW + 60_000)).toThrow(
      expect.objectContaining({ name: 'NameExpiredError' }),
    )
  })

  it('prefer the most recently issued valid record', () => {
    const older = record()
    const renewed = record({ issuedMs: NOW + 10, expiresMs: NOW + 90_000 })
    const garbage = randomBytes(80)
    expect(selectNameRecord([older, renewed, garbage], NOW)).toBe(1)
    expect(selectNameRecord([garbage, renewed, older], NOW)).toBe(1)
  })
})

describe('claim proofs', () => {
  const challenge = randomBytes(32)
  const fields = {
    challenge,
    name: 'alice',
    relayPublicKey: relay.publicKey,
    action: CLAIM_ACTION_REGISTER,
  } as const

  it('verify for the signer, challenge, name, relay and action', () => {
    const proof = signClaimProof(alice, fields)
    expect(() => openClaimProof(proof, { ...fields, publicKey: alice.publicKey })).not.toThrow()
  })

  it('are refused for another key, challenge, name, relay or action', () => {
    const proof = signClaimProof(alice, fields)
    const refused = expect.objectContaining({ name: 'ClaimRefusedError', code: 'unauthorized' })
    const mallory = generateEd25519KeyPair()
    expect(() => openClaimProof(proof, { ...fields, publicKey: mallory.publicKey })).toThrow(
      refused,
    )
    expect(() =>
      openClaimProof(proof, { ...fields, publicKey: alice.publicKey, challenge: randomBytes(32) }),
    ).toThrow(refused)
    expect(() =>
      openClaimProof(proof, { ...fields, publicKey: alice.publicKey, name: 'alicia' }),
    ).toThrow(refused)
    expect(() =>
      openClaimProof(proof, {
        ...fields,
        publicKey: alice.publicKey,
        relayPublicKey: otherRelay.publicKey,
      }),
    ).toThrow(refused)
    expect(() =>
      openClaimProof(proof, {
        ...fields,
        publicKey: alice.publicKey,
        action: CLAIM_ACTION_RELEASE,
      }),
    ).toThrow(refused)
    expect(() =>
      openClaimProof(randomBytes(100), { ...fields, publicKey: alice.publicKey }),
    ).toThrow(refused)
  })
})

describe('proof of work', () => {
  it('counts leading zero bits', () => {
    expect(leadingZeroBits(Uint8Array.of(0, 0, 0xff))).toBe(16)
    expect(leadingZeroBits(Uint8Array.of(0, 0x01))).toBe(15)
    expect(leadingZeroBits(Uint8Array.of(0x80))).toBe(0)
    expect(leadingZeroBits(Uint8Array.of(0, 0))).toBe(16)
  })

  it('finds and verifies a nonce of the asked difficulty, bound to challenge, name and key', () => {
    const challenge = randomBytes(32)
    const bits = 12
    const nonce = searchWork(challenge, 'alice', alice.publicKey, bits, 0, 1 << 20)
    expect(nonce).toBeDefined()
    expect(nonce!.length).toBe(WORK_NONCE_LENGTH)
    expect(verifyWork(challenge, 'alice', alice.publicKey, nonce!, bits)).toBe(true)
    // Bound to everything it covers: a nonce rarely carries over (probability 2^-12 each).
    const stillValid = [
      verifyWork(randomBytes(32), 'alice', alice.publicKey, nonce!, bits),
      verifyWork(challenge, 'alicia', alice.publicKey, nonce!, bits),
      verifyWork(challenge, 'alice', relay.publicKey, nonce!, bits),
    ].filter(Boolean)
    expect(stillValid.length).toBeLessThan(2)
    expect(verifyWork(challenge, 'alice', alice.publicKey, Uint8Array.of(1, 2), bits)).toBe(false)
    expect(verifyWork(challenge, 'alice', alice.publicKey, new Uint8Array(8), 0)).toBe(true)
  })
})

describe('profiles', () => {
  it('round-trip a profile with only the fields given', () => {
    const bytes = signProfile(alice, { displayName: 'Alice', age: 30 }, NOW)
    const opened = openProfile(bytes)
    expect(opened.profile).toEqual({ displayName: 'Alice', age: 30 })
    expect(Buffer.from(opened.publicKey).equals(alice.publicKey)).toBe(true)
    expect(() => signProfile(alice, { bio: 'x'.repeat(281) })).toThrow(
      expect.objectContaining({ name: 'DirectoryRequestError' }),
    )
    expect(() => signProfile(alice, { age: 200 })).toThrow()
    expect(() => signProfile(alice, { email: 'not-an-address' })).toThrow()
  })
})
