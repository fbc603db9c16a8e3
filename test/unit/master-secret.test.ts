import { createHash, hkdfSync } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { generateIdentity, phraseOfSecret, secretFromPhrase } from '../../node/identity/index.ts'
import {
  accountKeyFromMasterSecret,
  generateMasterSecret,
  isMasterSecret,
  MASTER_SECRET_LENGTH,
  recoveryCommitment,
  recoveryKeyFromMasterSecret,
} from '../../protocol/accounts/index.ts'
import { toHex } from '../../protocol/bytes.ts'
import { ed25519KeyPairFromSeed } from '../../protocol/crypto/index.ts'

const master = Uint8Array.from({ length: MASTER_SECRET_LENGTH }, (_, i) => i)

/** The derivation doc/accounts.md states, written out with node:crypto. */
function documented(label: string, index: number): Uint8Array {
  const info = Buffer.concat([Buffer.from(label), Buffer.from([0, 0, 0, 0])])
  info.writeUInt32BE(index, label.length)
  const seed = new Uint8Array(hkdfSync('sha256', master, new Uint8Array(0), info, 32))
  return ed25519KeyPairFromSeed(seed).publicKey
}

describe('keys from the master secret', () => {
  it('derive the account key and recovery key n as doc/accounts.md says', () => {
    expect(accountKeyFromMasterSecret(master).publicKey).toEqual(
      documented('tokenim account key', 0),
    )
    for (const n of [0, 1, 7]) {
      expect(recoveryKeyFromMasterSecret(master, n).publicKey).toEqual(
        documented('tokenim recovery key', n),
      )
    }
  })

  it('are all different, and different for another secret', () => {
    const keys = [
      accountKeyFromMasterSecret(master),
      ...[0, 1, 2].map((n) => recoveryKeyFromMasterSecret(master, n)),
      accountKeyFromMasterSecret(generateMasterSecret()),
    ].map((pair) => toHex(pair.publicKey))
    expect(new Set(keys).size).toBe(keys.length)
  })

  it('commit to a recovery key by the SHA-256 of its public key', () => {
    const recovery = recoveryKeyFromMasterSecret(master, 0)
    expect(toHex(recoveryCommitment(recovery.publicKey))).toMatch(/^[0-9a-f]{64}$/)
    expect(recoveryCommitment(recovery.publicKey)).not.toEqual(
      recoveryCommitment(recoveryKeyFromMasterSecret(master, 1).publicKey),
    )
  })

  it('refuse a secret of the wrong length and an index out of range', () => {
    expect(() => accountKeyFromMasterSecret(new Uint8Array(31))).toThrow(
      expect.objectContaining({ name: 'InvalidKeyError' }),
    )
    expect(() => recoveryKeyFromMasterSecret(master, -1)).toThrow(RangeError)
    expect(() => recoveryKeyFromMasterSecret(master, 2 ** 32)).toThrow(RangeError)
  })

  it('come back from the 24-word phrase of the master secret', () => {
    const secret = generateMasterSecret()
    const phrase = phraseOfSecret(secret)
    expect(phrase.split(' ')).toHaveLength(24)
    const typed = secretFromPhrase(`  ${phrase.toUpperCase()} `)
    expect(typed).toEqual(secret)
    expect(recoveryKeyFromMasterSecret(typed, 3).publicKey).toEqual(
      recoveryKeyFromMasterSecret(secret, 3).publicKey,
    )
    expect(() => phraseOfSecret(new Uint8Array(16))).toThrow(RangeError)
  })

  it('carry a mark that tells a master secret from a key seed', () => {
    // The mark is SHA-256("tokenim master secret" || M) starting with 12 zero bits.
    const marked = (secret: Uint8Array) => {
      const digest = createHash('sha256').update('tokenim master secret').update(secret).digest()
      return digest[0] === 0 && digest[1] >> 4 === 0
    }
    for (let i = 0; i < 8; i++) {
      const secret = generateMasterSecret()
      expect(marked(secret)).toBe(true)
      expect(isMasterSecret(secret)).toBe(true)
    }
    expect(isMasterSecret(master)).toBe(marked(master))
    expect(isMasterSecret(new Uint8Array(32))).toBe(marked(new Uint8Array(32)))
    // A key seed made by this release never carries the mark, so its phrase is never misread.
    for (let i = 0; i < 64; i++) expect(isMasterSecret(generateIdentity().privateKey)).toBe(false)
  })
})
