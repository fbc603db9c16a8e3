import { createHash } from 'node:crypto'
import { privateKeyFromRaw } from '@libp2p/crypto/keys'
import { peerIdFromPrivateKey, peerIdFromString } from '@libp2p/peer-id'
import { describe, expect, it } from 'vitest'
import {
  fingerprint,
  generateIdentity,
  identityFromSeed,
  peerIdOf,
  toLibp2pPrivateKey,
} from '../../node/identity/index.ts'
import { ed25519Verify } from '../../protocol/crypto/index.ts'

describe('identity as a libp2p key', () => {
  it('gives libp2p the same key pair', async () => {
    const identity = generateIdentity()
    const key = toLibp2pPrivateKey(identity)
    expect(key.type).toBe('Ed25519')
    expect(key.publicKey.raw).toEqual(identity.publicKey)
    expect(key.raw).toEqual(new Uint8Array([...identity.privateKey, ...identity.publicKey]))
    // A signature made by libp2p's key verifies against our public key.
    const message = new TextEncoder().encode('hello')
    expect(ed25519Verify(identity.publicKey, message, await key.sign(message))).toBe(true)
  })

  it('has the PeerId libp2p derives from the private key', () => {
    const identity = generateIdentity()
    const fromLibp2p = peerIdFromPrivateKey(toLibp2pPrivateKey(identity))
    const peerId = peerIdOf(identity)
    expect(peerId.equals(fromLibp2p)).toBe(true)
    expect(peerId.toString()).toMatch(/^12D3KooW/)
    expect(peerIdFromString(peerId.toString()).publicKey?.raw).toEqual(identity.publicKey)
    expect(peerIdOf({ publicKey: identity.publicKey }).equals(peerId)).toBe(true)
    expect(peerIdOf(generateIdentity()).equals(peerId)).toBe(false)
  })

  it('is the same for the same seed, also when libp2p reads the seed alone', () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7)
    const a = identityFromSeed(seed)
    const b = identityFromSeed(seed)
    expect(peerIdOf(a).toString()).toBe(peerIdOf(b).toString())
    expect(peerIdOf(a).toString()).toBe(
      peerIdFromPrivateKey(privateKeyFromRaw(toLibp2pPrivateKey(a).raw)).toString(),
    )
  })
})

describe('fingerprint', () => {
  it('is six groups of five digits taken from SHA-256 of the public key', () => {
    const publicKey = generateIdentity().publicKey
    const digest = createHash('sha256').update(publicKey).digest()
    const expected = Array.from({ length: 6 }, (_, i) =>
      (BigInt(`0x${digest.subarray(i * 5, i * 5 + 5).toString('hex')}`) % 100000n)
        .toString()
        .padStart(5, '0'),
    ).join(' ')
    expect(fingerprint(publicKey)).toBe(expected)
    expect(fingerprint(publicKey)).toMatch(/^\d{5}( \d{5}){5}$/)
  })

  it('differs between keys and refuses a key of the wrong length', () => {
    expect(fingerprint(generateIdentity().publicKey)).not.toBe(
      fingerprint(generateIdentity().publicKey),
    )
    expect(() => fingerprint(new Uint8Array(31))).toThrow(
      expect.objectContaining({ name: 'InvalidKeyError' }),
    )
  })
})
