import { describe, expect, it } from 'vitest'
import { AtRestSealer } from '../../node/at-rest-sealer.ts'
import { atRestSecret } from '../../node/identity/identity.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import {
  aeadEncrypt,
  aeadKey,
  aeadOpen,
  aeadSeal,
  hkdfSha256,
  randomBytes,
} from '../../protocol/crypto/index.ts'

const key = randomBytes(32)
const plaintext = new TextEncoder().encode('kept at rest')

describe('aeadSeal / aeadOpen', () => {
  it('round-trips, and two seals of one value differ (fresh nonce)', () => {
    const first = aeadSeal(key, plaintext, Uint8Array.of(1))
    expect(aeadOpen(key, first, Uint8Array.of(1))).toEqual(plaintext)
    expect(aeadSeal(key, plaintext, Uint8Array.of(1))).not.toEqual(first)
  })

  it('never hands out a nonce twice, across refills of its pool', () => {
    const nonces = new Set<string>()
    for (let i = 0; i < 3000; i++) {
      nonces.add(Buffer.from(aeadSeal(key, plaintext).subarray(0, 12)).toString('hex'))
    }
    expect(nonces.size).toBe(3000)
  })

  it('refuses any altered byte, other associated data and cut input', () => {
    const sealed = aeadSeal(key, plaintext)
    for (let i = 0; i < sealed.length; i++) {
      const altered = Uint8Array.from(sealed)
      altered[i] ^= 0x01
      expect(() => aeadOpen(key, altered)).toThrow(
        expect.objectContaining({ name: 'DecryptionError' }),
      )
    }
    expect(() => aeadOpen(key, sealed, Uint8Array.of(9))).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
    expect(() => aeadOpen(key, sealed.subarray(0, 27))).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
  })
})

describe('aeadSeal format', () => {
  it('is nonce || AES-256-GCM ciphertext || tag, as every stored value was written', () => {
    // Built by the plain AES-GCM call, as values were sealed before seals were trimmed.
    const nonce = randomBytes(12)
    const stored = Uint8Array.from([
      ...nonce,
      ...aeadEncrypt(key, nonce, plaintext, Uint8Array.of(7)),
    ])
    expect(aeadOpen(key, stored, Uint8Array.of(7))).toEqual(plaintext)
    expect(aeadOpen(aeadKey(key), stored, Uint8Array.of(7))).toEqual(plaintext)
    const sealed = aeadSeal(aeadKey(key), plaintext, Uint8Array.of(7))
    expect(aeadEncrypt(key, sealed.subarray(0, 12), plaintext, Uint8Array.of(7))).toEqual(
      sealed.subarray(12),
    )
  })

  it('opens into an array that owns its whole buffer and shares no byte with the input', () => {
    const sealed = aeadSeal(key, plaintext)
    const before = Uint8Array.from(sealed)
    for (const opened of [aeadOpen(key, sealed), aeadOpen(aeadKey(key), sealed)]) {
      expect(opened).toEqual(plaintext)
      expect(opened.byteOffset).toBe(0)
      expect(opened.buffer.byteLength).toBe(opened.length)
      opened.fill(0)
    }
    expect(sealed).toEqual(before)
    expect(aeadOpen(key, sealed)).toEqual(plaintext)
  })

  it('hands out sealed values that own their bytes (the nonce pool is not shared)', () => {
    const first = aeadSeal(key, plaintext)
    const nonce = Uint8Array.from(first.subarray(0, 12))
    for (let i = 0; i < 600; i++) aeadSeal(key, plaintext)
    expect(first.subarray(0, 12)).toEqual(nonce)
    expect(first.byteLength).toBe(first.buffer.byteLength)
  })
})

describe('AtRestSealer', () => {
  it('opens values sealed by the plain AES-GCM call under its derived key', () => {
    const identity = generateIdentity()
    const derived = hkdfSha256(atRestSecret(identity), new Uint8Array(0), 'messaging', 32)
    const nonce = randomBytes(12)
    const ad = new TextEncoder().encode('h/1\u00e9')
    const stored = Uint8Array.from([...nonce, ...aeadEncrypt(derived, nonce, plaintext, ad)])
    expect(new AtRestSealer(identity, 'messaging').open('h/1\u00e9', stored)).toEqual(plaintext)
  })

  it('writes sealed values side by side in slabs that hold no plaintext, each intact later', () => {
    const sealer = new AtRestSealer(generateIdentity(), 'messaging')
    const marker = new TextEncoder().encode('plain words '.repeat(30))
    const sealed = Array.from({ length: 400 }, (_, i) => sealer.seal(`h/${i}`, marker))
    const large = sealer.seal('h/large', new Uint8Array(8 * 1024).fill(7))
    expect(large.buffer.byteLength).toBe(large.length)
    const copies = sealed.map((value) => Uint8Array.from(value))
    for (let i = 0; i < 400; i++) sealer.seal(`h/${i}`, marker)
    sealed.forEach((value, i) => {
      expect(value).toEqual(copies[i])
      expect(sealer.open(`h/${i}`, value)).toEqual(marker)
    })
    const needle = Buffer.from('plain words')
    for (const buffer of new Set(sealed.map((value) => value.buffer))) {
      expect(Buffer.from(buffer).includes(needle)).toBe(false)
    }
  })

  it('binds each seal to its own key whatever the keys before it (short, long, not ASCII)', () => {
    const sealer = new AtRestSealer(generateIdentity(), 'messaging')
    const keys = ['h/2', `h/${'x'.repeat(5000)}`, 'h/\u00e9\u{1F600}', 'h/2x']
    const sealed = keys.map((k) => sealer.seal(k, plaintext))
    keys.forEach((k, i) => {
      expect(sealer.open(k, sealed[i])).toEqual(plaintext)
      const other = keys[(i + 1) % keys.length]
      expect(() => sealer.open(other, sealed[i])).toThrow(
        expect.objectContaining({ name: 'DecryptionError' }),
      )
    })
  })

  it('binds a value to its database key and its purpose', () => {
    const identity = generateIdentity()
    const sessions = new AtRestSealer(identity, 'sessions')
    const sealed = sessions.seal('s/alice', plaintext)
    expect(sessions.open('s/alice', sealed)).toEqual(plaintext)
    expect(() => sessions.open('s/bob', sealed)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
    expect(() => new AtRestSealer(identity, 'prekeys').open('s/alice', sealed)).toThrow(
      expect.objectContaining({ name: 'DecryptionError' }),
    )
  })
})
