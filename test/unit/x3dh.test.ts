import { describe, expect, it } from 'vitest'
import { toHex } from '../../protocol/bytes.ts'
import {
  ed25519KeyPairFromSeed,
  ed25519PrivateKeyToX25519,
  ed25519PublicKeyToX25519,
  ed25519Verify,
  generateEd25519KeyPair,
  hkdfSha256,
  x25519,
  x25519PublicKey,
} from '../../protocol/crypto/index.ts'
import {
  createPrekeyBundle,
  generateOneTimePrekeys,
  generateSignedPrekey,
  MAX_ONE_TIME_PREKEYS_PER_BATCH,
  type PrekeyBundle,
  signedPrekeyMessage,
  verifyPrekeyBundle,
  X3DH_SHARED_SECRET_LENGTH,
  x3dhInitiate,
  x3dhRespond,
} from '../../protocol/session/index.ts'

describe('Ed25519 to X25519 key conversion', () => {
  it('maps the RFC 8032 test key so that the X25519 public key of the secret is the mapped public key', () => {
    // RFC 8032 section 7.1, test 1.
    const seed = Buffer.from(
      '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
      'hex',
    )
    const pair = ed25519KeyPairFromSeed(new Uint8Array(seed))
    expect(toHex(pair.publicKey)).toBe(
      'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    )
    const secret = ed25519PrivateKeyToX25519(pair.privateKey)
    expect(toHex(x25519PublicKey(secret))).toBe(toHex(ed25519PublicKeyToX25519(pair.publicKey)))
  })

  it('keeps that relation for random keys, and converted keys agree on a shared secret', () => {
    for (let i = 0; i < 20; i++) {
      const a = generateEd25519KeyPair()
      const b = generateEd25519KeyPair()
      const aSecret = ed25519PrivateKeyToX25519(a.privateKey)
      const bSecret = ed25519PrivateKeyToX25519(b.privateKey)
      expect(toHex(x25519PublicKey(aSecret))).toBe(toHex(ed25519PublicKeyToX25519(a.publicKey)))
      expect(toHex(x25519(aSecret, ed25519PublicKeyToX25519(b.publicKey)))).toBe(
        toHex(x25519(bSecret, ed25519PublicKeyToX25519(a.publicKey))),
      )
    }
  })

  it('rejects a public key that is not a curve point, and wrong lengths', () => {
    const notAPoint = new Uint8Array(32)
    notAPoint[0] = 2 // y = 2 has no x on edwards25519
    expect(() => ed25519PublicKeyToX25519(notAPoint)).toThrow(
      expect.objectContaining({ name: 'InvalidKeyError' }),
    )
    expect(() => ed25519PublicKeyToX25519(new Uint8Array(31))).toThrow(
      expect.objectContaining({ name: 'InvalidKeyError' }),
    )
    expect(() => ed25519PrivateKeyToX25519(new Uint8Array(33))).toThrow(
      expect.objectContaining({ name: 'InvalidKeyError' }),
    )
  })
})

describe('prekeys', () => {
  it('signs the signed prekey under a domain separator, not over the bare public key', () => {
    const identity = generateEd25519KeyPair()
    const signed = generateSignedPrekey(identity, 7)
    expect(signed.id).toBe(7)
    expect(
      ed25519Verify(
        identity.publicKey,
        signedPrekeyMessage(7, signed.keyPair.publicKey),
        signed.signature,
      ),
    ).toBe(true)
    expect(ed25519Verify(identity.publicKey, signed.keyPair.publicKey, signed.signature)).toBe(
      false,
    )
  })

  it('numbers one-time prekeys from the first id and bounds the batch', () => {
    const keys = generateOneTimePrekeys(3, 40)
    expect(keys.map((key) => key.id)).toEqual([40, 41, 42])
    expect(new Set(keys.map((key) => toHex(key.keyPair.publicKey))).size).toBe(3)
    expect(() => generateOneTimePrekeys(0, 1)).toThrow(RangeError)
    expect(() => generateOneTimePrekeys(MAX_ONE_TIME_PREKEYS_PER_BATCH + 1, 1)).toThrow(RangeError)
    expect(() => generateOneTimePrekeys(2, 0xffff_ffff)).toThrow(RangeError)
    expect(() => generateSignedPrekey(generateEd25519KeyPair(), -1)).toThrow(RangeError)
  })

  it('verifies a well-formed bundle and rejects altered or malformed ones', () => {
    const identity = generateEd25519KeyPair()
    const signed = generateSignedPrekey(identity, 1)
    const [oneTime] = generateOneTimePrekeys(1, 1)
    const bundle = createPrekeyBundle(identity.publicKey, signed, oneTime)
    expect(verifyPrekeyBundle(bundle)).toBe(true)
    expect(verifyPrekeyBundle(createPrekeyBundle(identity.publicKey, signed))).toBe(true)

    const badSignature = structuredClone(bundle)
    badSignature.signedPrekey.signature[0] ^= 1
    const otherId = structuredClone(bundle)
    otherId.signedPrekey.id = 2
    const otherKey = structuredClone(bundle)
    otherKey.signedPrekey.publicKey[5] ^= 1
    const otherIdentity = { ...bundle, identityKey: generateEd25519KeyPair().publicKey }
    const shortKey = structuredClone(bundle)
    shortKey.signedPrekey.publicKey = shortKey.signedPrekey.publicKey.subarray(1)
    const shortOneTime = structuredClone(bundle)
    shortOneTime.oneTimePrekey!.publicKey = new Uint8Array(31)
    for (const bad of [badSignature, otherId, otherKey, otherIdentity, shortKey, shortOneTime]) {
      expect(verifyPrekeyBundle(bad)).toBe(false)
    }
  })
})

describe('X3DH', () => {
  const setup = (withOneTimePrekey: boolean) => {
    const alice = generateEd25519KeyPair()
    const bob = generateEd25519KeyPair()
    const signedPrekey = generateSignedPrekey(bob, 11)
    const [oneTimePrekey] = generateOneTimePrekeys(1, 500)
    const bundle = createPrekeyBundle(
      bob.publicKey,
      signedPrekey,
      withOneTimePrekey ? oneTimePrekey : undefined,
    )
    return { alice, bob, signedPrekey, oneTimePrekey, bundle }
  }

  for (const withOneTimePrekey of [true, false]) {
    it(`gives both sides the same secret and AD (${withOneTimePrekey ? 'with' : 'without'} a one-time prekey)`, () => {
      const { alice, bob, signedPrekey, oneTimePrekey, bundle } = setup(withOneTimePrekey)
      const initiation = x3dhInitiate(alice, bundle)
      expect(initiation.sharedSecret).toHaveLength(X3DH_SHARED_SECRET_LENGTH)
      expect(initiation.signedPrekeyId).toBe(11)
      expect(initiation.oneTimePrekeyId).toBe(withOneTimePrekey ? 500 : undefined)
      expect(toHex(initiation.associatedData)).toBe(toHex(alice.publicKey) + toHex(bob.publicKey))

      const response = x3dhRespond({
        identity: bob,
        signedPrekey,
        oneTimePrekey: withOneTimePrekey ? oneTimePrekey : undefined,
        remoteIdentityKey: alice.publicKey,
        remoteEphemeralKey: initiation.ephemeralKey,
        signedPrekeyId: initiation.signedPrekeyId,
        oneTimePrekeyId: initiation.oneTimePrekeyId,
      })
      expect(toHex(response.sharedSecret)).toBe(toHex(initiation.sharedSecret))
      expect(toHex(response.associatedData)).toBe(toHex(initiation.associatedData))
    })
  }

  it('computes SK = HKDF(F || DH1 || DH2 || DH3 || DH4) with the spec parameters', () => {
    const { alice, bob, signedPrekey, oneTimePrekey, bundle } = setup(true)
    const initiation = x3dhInitiate(alice, bundle)
    const ephemeral = initiation.ephemeralKey
    const keyMaterial = Buffer.concat([
      new Uint8Array(32).fill(0xff),
      x25519(signedPrekey.keyPair.privateKey, ed25519PublicKeyToX25519(alice.publicKey)),
      x25519(ed25519PrivateKeyToX25519(bob.privateKey), ephemeral),
      x25519(signedPrekey.keyPair.privateKey, ephemeral),
      x25519(oneTimePrekey.keyPair.privateKey, ephemeral),
    ])
    const expected = hkdfSha256(keyMaterial, new Uint8Array(32), 'TokenIM X3DH v1', 32)
    expect(toHex(initiation.sharedSecret)).toBe(toHex(expected))
  })

  it('derives a fresh secret and ephemeral key for every initiation', () => {
    const { alice, bundle } = setup(true)
    const first = x3dhInitiate(alice, bundle)
    const second = x3dhInitiate(alice, bundle)
    expect(toHex(first.sharedSecret)).not.toBe(toHex(second.sharedSecret))
    expect(toHex(first.ephemeralKey)).not.toBe(toHex(second.ephemeralKey))
  })

  it('does not agree when the responder is someone else or the initiator claims another identity', () => {
    const { alice, bob, signedPrekey, bundle } = setup(false)
    const initiation = x3dhInitiate(alice, bundle)
    const impostor = generateEd25519KeyPair()
    const base = {
      signedPrekey,
      remoteEphemeralKey: initiation.ephemeralKey,
      signedPrekeyId: 11,
    }
    const wrongResponder = x3dhRespond({
      ...base,
      identity: impostor,
      remoteIdentityKey: alice.publicKey,
    })
    const wrongInitiator = x3dhRespond({
      ...base,
      identity: bob,
      remoteIdentityKey: impostor.publicKey,
    })
    expect(toHex(wrongResponder.sharedSecret)).not.toBe(toHex(initiation.sharedSecret))
    expect(toHex(wrongInitiator.sharedSecret)).not.toBe(toHex(initiation.sharedSecret))
  })

  it('refuses a bundle whose signed prekey signature does not verify', () => {
    const { alice, bundle } = setup(true)
    const forged: PrekeyBundle = structuredClone(bundle)
    forged.signedPrekey.signature[10] ^= 0x40
    expect(() => x3dhInitiate(alice, forged)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
    // A key swapped in by a server, signed by nobody we know.
    const swapped: PrekeyBundle = structuredClone(bundle)
    swapped.signedPrekey.publicKey = generateSignedPrekey(alice, 11).keyPair.publicKey
    expect(() => x3dhInitiate(alice, swapped)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
  })

  it('refuses prekeys that do not match the ones the initiator named', () => {
    const { alice, bob, signedPrekey, oneTimePrekey, bundle } = setup(true)
    const initiation = x3dhInitiate(alice, bundle)
    const base = {
      identity: bob,
      signedPrekey,
      oneTimePrekey,
      remoteIdentityKey: alice.publicKey,
      remoteEphemeralKey: initiation.ephemeralKey,
      signedPrekeyId: 11,
      oneTimePrekeyId: 500,
    }
    const unknownPrekey = expect.objectContaining({ name: 'UnknownPrekeyError' })
    expect(() => x3dhRespond({ ...base, signedPrekeyId: 12 })).toThrow(unknownPrekey)
    expect(() => x3dhRespond({ ...base, oneTimePrekey: undefined })).toThrow(unknownPrekey)
    expect(() => x3dhRespond({ ...base, oneTimePrekeyId: 501 })).toThrow(unknownPrekey)
    expect(() => x3dhRespond({ ...base, oneTimePrekeyId: undefined })).toThrow(unknownPrekey)
    const usedUp = {
      id: 500,
      keyPair: { ...oneTimePrekey.keyPair, privateKey: new Uint8Array(32) },
    }
    expect(() => x3dhRespond({ ...base, oneTimePrekey: usedUp })).toThrow(/already used/)
    expect(() => x3dhRespond({ ...base, remoteEphemeralKey: new Uint8Array(31) })).toThrow(
      expect.objectContaining({ name: 'InvalidKeyError' }),
    )
    expect(toHex(x3dhRespond(base).sharedSecret)).toBe(toHex(initiation.sharedSecret))
  })
})
