import { createSecretKey } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import {
  aeadDecrypt,
  aeadDecryptDetached,
  aeadEncrypt,
  aeadEncryptDetached,
  aeadKey,
  randomBytes,
} from '../../protocol/crypto/index.ts'

const key = randomBytes(32)
const nonce = randomBytes(12)
const aad = Uint8Array.of(7, 7)
const plaintext = randomBytes(5000)

/** `bytes` cut at `cuts`, as a stream may deliver it. */
function pieces(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const bounds = [0, ...cuts, bytes.length]
  return bounds.slice(1).map((end, i) => bytes.subarray(bounds[i], end))
}

function joined(parts: Uint8Array[]): Uint8Array {
  return Uint8Array.from(parts.flatMap((part) => [...part]))
}

describe('detached AES-256-GCM', () => {
  it('seals to what aeadEncrypt seals, with a raw or an imported key', () => {
    const sealed = aeadEncrypt(key, nonce, plaintext, aad)
    for (const k of [key, aeadKey(key)]) {
      const { ciphertext, tag } = aeadEncryptDetached(k, nonce, plaintext, aad)
      expect(ciphertext.length).toBe(plaintext.length)
      expect(tag.length).toBe(16)
      expect(joined([ciphertext, tag])).toEqual(sealed)
    }
  })

  it('opens a ciphertext cut into any pieces, giving the plaintext in as many', () => {
    const { ciphertext, tag } = aeadEncryptDetached(aeadKey(key), nonce, plaintext, aad)
    for (const cuts of [[], [1], [16, 17, 4095], [2500]]) {
      const opened = aeadDecryptDetached(aeadKey(key), nonce, pieces(ciphertext, cuts), tag, aad)
      expect(opened).toHaveLength(cuts.length + 1)
      expect(joined(opened)).toEqual(plaintext)
    }
    expect(aeadDecrypt(key, nonce, joined([ciphertext, tag]), aad)).toEqual(plaintext)
  })

  it('refuses an altered piece, tag, nonce or associated data, and another key', () => {
    const { ciphertext, tag } = aeadEncryptDetached(key, nonce, plaintext, aad)
    const flipped = (bytes: Uint8Array, at: number) => {
      const copy = Uint8Array.from(bytes)
      copy[at] ^= 1
      return copy
    }
    const refused = (run: () => unknown) =>
      expect(run).toThrow(expect.objectContaining({ name: 'DecryptionError' }))
    refused(() =>
      aeadDecryptDetached(key, nonce, pieces(flipped(ciphertext, 4999), [100]), tag, aad),
    )
    refused(() => aeadDecryptDetached(key, nonce, [ciphertext], flipped(tag, 0), aad))
    refused(() => aeadDecryptDetached(key, nonce, [ciphertext], tag.subarray(0, 15), aad))
    refused(() => aeadDecryptDetached(key, flipped(nonce, 0), [ciphertext], tag, aad))
    refused(() => aeadDecryptDetached(key, nonce, [ciphertext], tag, Uint8Array.of(7)))
    refused(() => aeadDecryptDetached(randomBytes(32), nonce, [ciphertext], tag, aad))
    refused(() => aeadDecryptDetached(key, nonce, [ciphertext.subarray(1)], tag, aad))
  })

  it('takes only 32-byte keys', () => {
    const invalid = expect.objectContaining({ name: 'InvalidKeyError' })
    expect(() => aeadKey(randomBytes(16))).toThrow(invalid)
    const short = createSecretKey(randomBytes(16))
    expect(() => aeadEncryptDetached(short, nonce, plaintext)).toThrow(invalid)
    expect(() => aeadDecryptDetached(short, nonce, [], randomBytes(16))).toThrow(invalid)
  })
})
