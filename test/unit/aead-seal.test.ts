import { describe, expect, it } from 'vitest'
import { AtRestSealer } from '../../node/at-rest-sealer.ts'
import { generateIdentity } from '../../node/identity/index.ts'
import { aeadOpen, aeadSeal, randomBytes } from '../../protocol/crypto/index.ts'

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

describe('AtRestSealer', () => {
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
