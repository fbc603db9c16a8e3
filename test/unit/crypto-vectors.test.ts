/**
 * protocol/crypto against published test vectors: RFC 8032 section 7.1 (Ed25519), RFC 7748
 * sections 5.2 and 6.1 (X25519), RFC 5869 appendix A (HKDF-SHA256) and the AES-256 GCM test
 * cases of McGrew and Viega's GCM specification (also NIST SP 800-38D). Vectors are copied
 * as printed (hex), so a mismatch points either at the primitive or at a transcription.
 */
import { describe, expect, it } from 'vitest'
import {
  aeadDecrypt,
  aeadEncrypt,
  ed25519KeyPairFromSeed,
  ed25519Sign,
  ed25519Verify,
  hkdfSha256,
  x25519,
  x25519PublicKey,
} from '../../protocol/crypto/index.ts'

const hex = (text: string): Uint8Array => new Uint8Array(Buffer.from(text, 'hex'))
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex')
/** Bytes start, start + 1, ..., end (inclusive), as RFC 5869 test case 2 writes its inputs. */
const byteRange = (start: number, end: number): Uint8Array =>
  Uint8Array.from({ length: end - start + 1 }, (_, i) => start + i)

/** The name of the error `fn` throws, or undefined when it returns. */
function thrownName(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return (err as Error).name
  }
  return undefined
}

// RFC 8032 section 7.1, TEST 1024: a 1023-byte message.
const TEST_1024_MESSAGE = [
  '08b8b2b733424243760fe426a4b54908632110a66c2f6591eabd3345e3e4eb98',
  'fa6e264bf09efe12ee50f8f54e9f77b1e355f6c50544e23fb1433ddf73be84d8',
  '79de7c0046dc4996d9e773f4bc9efe5738829adb26c81b37c93a1b270b20329d',
  '658675fc6ea534e0810a4432826bf58c941efb65d57a338bbd2e26640f89ffbc',
  '1a858efcb8550ee3a5e1998bd177e93a7363c344fe6b199ee5d02e82d522c4fe',
  'ba15452f80288a821a579116ec6dad2b3b310da903401aa62100ab5d1a36553e',
  '06203b33890cc9b832f79ef80560ccb9a39ce767967ed628c6ad573cb116dbef',
  'efd75499da96bd68a8a97b928a8bbc103b6621fcde2beca1231d206be6cd9ec7',
  'aff6f6c94fcd7204ed3455c68c83f4a41da4af2b74ef5c53f1d8ac70bdcb7ed1',
  '85ce81bd84359d44254d95629e9855a94a7c1958d1f8ada5d0532ed8a5aa3fb2',
  'd17ba70eb6248e594e1a2297acbbb39d502f1a8c6eb6f1ce22b3de1a1f40cc24',
  '554119a831a9aad6079cad88425de6bde1a9187ebb6092cf67bf2b13fd65f270',
  '88d78b7e883c8759d2c4f5c65adb7553878ad575f9fad878e80a0c9ba63bcbcc',
  '2732e69485bbc9c90bfbd62481d9089beccf80cfe2df16a2cf65bd92dd597b07',
  '07e0917af48bbb75fed413d238f5555a7a569d80c3414a8d0859dc65a46128ba',
  'b27af87a71314f318c782b23ebfe808b82b0ce26401d2e22f04d83d1255dc51a',
  'ddd3b75a2b1ae0784504df543af8969be3ea7082ff7fc9888c144da2af58429e',
  'c96031dbcad3dad9af0dcbaaaf268cb8fcffead94f3c7ca495e056a9b47acdb7',
  '51fb73e666c6c655ade8297297d07ad1ba5e43f1bca32301651339e22904cc8c',
  '42f58c30c04aafdb038dda0847dd988dcda6f3bfd15c4b4c4525004aa06eeff8',
  'ca61783aacec57fb3d1f92b0fe2fd1a85f6724517b65e614ad6808d6f6ee34df',
  'f7310fdc82aebfd904b01e1dc54b2927094b2db68d6f903b68401adebf5a7e08',
  'd78ff4ef5d63653a65040cf9bfd4aca7984a74d37145986780fc0b16ac451649',
  'de6188a7dbdf191f64b5fc5e2ab47b57f7f7276cd419c17a3ca8e1b939ae49e4',
  '88acba6b965610b5480109c8b17b80e1b7b750dfc7598d5d5011fd2dcc5600a3',
  '2ef5b52a1ecc820e308aa342721aac0943bf6686b64b2579376504ccc493d97e',
  '6aed3fb0f9cd71a43dd497f01f17c0e2cb3797aa2a2f256656168e6c496afc5f',
  'b93246f6b1116398a346f1a641f3b041e989f7914f90cc2c7fff357876e506b5',
  '0d334ba77c225bc307ba537152f3f1610e4eafe595f6d9d90d11faa933a15ef1',
  '369546868a7f3a45a96768d40fd9d03412c091c6315cf4fde7cb68606937380d',
  'b2eaaa707b4c4185c32eddcdd306705e4dc1ffc872eeee475a64dfac86aba41c',
  '0618983f8741c5ef68d3a101e8a3b8cac60c905c15fc910840b94c00a0b9d0',
].join('')

const ED25519_VECTORS = [
  {
    name: 'TEST 1',
    secretKey: '9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60',
    publicKey: 'd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a',
    message: '',
    signature:
      'e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e065224901555fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b',
  },
  {
    name: 'TEST 2',
    secretKey: '4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb',
    publicKey: '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c',
    message: '72',
    signature:
      '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00',
  },
  {
    name: 'TEST 3',
    secretKey: 'c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7',
    publicKey: 'fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025',
    message: 'af82',
    signature:
      '6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a',
  },
  {
    name: 'TEST 1024',
    secretKey: 'f5e5767cf153319517630f226876b86c8160cc583bc013744c6bf255f5cc0ee5',
    publicKey: '278117fc144c72340f67d0f2316e8386ceffbf2b2428c9c51fef7c597f1d426e',
    message: TEST_1024_MESSAGE,
    signature:
      '0aab4c900501b3e24d7cdf4663326a3a87df5e4843b2cbdb67cbf6e460fec350aa5371b1508f9f4528ecea23c436d94b5e8fcd4f681e30a6ac00a9704a188a03',
  },
  {
    // The message is SHA-512("abc").
    name: 'TEST SHA(abc)',
    secretKey: '833fe62409237b9d62ec77587520911e9a759cec1d19755b7da901b96dca3d42',
    publicKey: 'ec172b93ad5e563bf4932c70e1245034c35467ef2efd4d64ebf819683467e2bf',
    message:
      'ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f',
    signature:
      'dc2a4459e7369633a52b1bf277839a00201009a3efbf3ecb69bea2186c26b58909351fc9ac90b3ecfdfbc7c66431e0303dca179c138ac17ad9bef1177331a704',
  },
]

describe('Ed25519, RFC 8032 section 7.1', () => {
  it('has the 1023-byte message of TEST 1024', () => {
    expect(hex(TEST_1024_MESSAGE).length).toBe(1023)
  })

  for (const vector of ED25519_VECTORS) {
    it(`${vector.name}: derives the public key, signs and verifies`, () => {
      const { publicKey } = ed25519KeyPairFromSeed(hex(vector.secretKey))
      expect(toHex(publicKey)).toBe(vector.publicKey)
      const message = hex(vector.message)
      expect(toHex(ed25519Sign(hex(vector.secretKey), message))).toBe(vector.signature)
      expect(ed25519Verify(hex(vector.publicKey), message, hex(vector.signature))).toBe(true)
    })
  }

  const [, test2, test3] = ED25519_VECTORS
  const publicKey = hex(test3.publicKey)
  const message = hex(test3.message)
  const signature = hex(test3.signature)

  it('rejects a modified message', () => {
    const modified = Uint8Array.from(message)
    modified[1] ^= 0x01
    expect(ed25519Verify(publicKey, modified, signature)).toBe(false)
    expect(ed25519Verify(publicKey, hex(test2.message), signature)).toBe(false)
    expect(ed25519Verify(publicKey, new Uint8Array(0), signature)).toBe(false)
  })

  it('rejects a modified signature, in R and in S', () => {
    for (const index of [0, 31, 32, 63]) {
      const modified = Uint8Array.from(signature)
      modified[index] ^= 0x01
      expect(ed25519Verify(publicKey, message, modified)).toBe(false)
    }
  })

  it('rejects a non-canonical S (S + L, the group order)', () => {
    // L = 2^252 + 27742317777372353535851937790883648493, little endian.
    const order = hex('edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010')
    const s = signature.subarray(32)
    const malleable = Uint8Array.from(signature)
    let carry = 0
    for (let i = 0; i < 32; i++) {
      const sum = s[i] + order[i] + carry
      malleable[32 + i] = sum & 0xff
      carry = sum >> 8
    }
    expect(carry).toBe(0)
    expect(ed25519Verify(publicKey, message, malleable)).toBe(false)
  })

  it('rejects the signature under another public key', () => {
    expect(ed25519Verify(hex(test2.publicKey), message, signature)).toBe(false)
  })

  it('returns false, never throws, for keys or signatures of the wrong length', () => {
    expect(ed25519Verify(publicKey.subarray(0, 31), message, signature)).toBe(false)
    expect(ed25519Verify(publicKey, message, signature.subarray(0, 63))).toBe(false)
    expect(ed25519Verify(new Uint8Array(0), message, new Uint8Array(0))).toBe(false)
  })

  it('throws InvalidKeyError for a private key of the wrong length', () => {
    expect(thrownName(() => ed25519Sign(new Uint8Array(31), message))).toBe('InvalidKeyError')
    expect(thrownName(() => ed25519Sign(new Uint8Array(64), message))).toBe('InvalidKeyError')
    expect(thrownName(() => ed25519KeyPairFromSeed(new Uint8Array(33)))).toBe('InvalidKeyError')
  })
})

describe('X25519, RFC 7748', () => {
  it('section 5.2, first scalar multiplication vector', () => {
    const out = x25519(
      hex('a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4'),
      hex('e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c'),
    )
    expect(toHex(out)).toBe('c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552')
  })

  it('section 5.2, second vector (the top bit of u is set and must be ignored)', () => {
    const out = x25519(
      hex('4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d'),
      hex('e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493'),
    )
    expect(toHex(out)).toBe('95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957')
  })

  it('section 6.1, Alice and Bob derive their public keys and one shared secret', () => {
    const alicePrivate = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')
    const bobPrivate = hex('5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb')
    const alicePublic = x25519PublicKey(alicePrivate)
    const bobPublic = x25519PublicKey(bobPrivate)
    expect(toHex(alicePublic)).toBe(
      '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a',
    )
    expect(toHex(bobPublic)).toBe(
      'de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f',
    )
    const shared = '4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742'
    expect(toHex(x25519(alicePrivate, bobPublic))).toBe(shared)
    expect(toHex(x25519(bobPrivate, alicePublic))).toBe(shared)
  })

  const privateKey = hex('77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a')

  it('throws InvalidKeyError for low-order public keys (all zeros, and u = 1)', () => {
    expect(thrownName(() => x25519(privateKey, new Uint8Array(32)))).toBe('InvalidKeyError')
    const one = new Uint8Array(32)
    one[0] = 1
    expect(thrownName(() => x25519(privateKey, one))).toBe('InvalidKeyError')
  })

  it('throws InvalidKeyError for keys of the wrong length', () => {
    const publicKey = x25519PublicKey(privateKey)
    expect(thrownName(() => x25519(privateKey.subarray(0, 31), publicKey))).toBe('InvalidKeyError')
    expect(thrownName(() => x25519(privateKey, new Uint8Array(33)))).toBe('InvalidKeyError')
    expect(thrownName(() => x25519PublicKey(new Uint8Array(16)))).toBe('InvalidKeyError')
  })
})

describe('HKDF-SHA256, RFC 5869 appendix A', () => {
  it('test case 1: basic', () => {
    const okm = hkdfSha256(
      hex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'),
      hex('000102030405060708090a0b0c'),
      hex('f0f1f2f3f4f5f6f7f8f9'),
      42,
    )
    expect(toHex(okm)).toBe(
      '3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865',
    )
  })

  it('test case 2: longer inputs and outputs', () => {
    const okm = hkdfSha256(byteRange(0x00, 0x4f), byteRange(0x60, 0xaf), byteRange(0xb0, 0xff), 82)
    expect(toHex(okm)).toBe(
      'b11e398dc80327a1c8e7f78c596a49344f012eda2d4efad8a050cc4c19afa97c' +
        '59045a99cac7827271cb41c65e590e09da3275600c2f09b8367793a9aca3db71' +
        'cc30c58179ec3e87c14c01d5c1f3434f1d87',
    )
  })

  it('test case 3: zero-length salt and info', () => {
    const okm = hkdfSha256(
      hex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b'),
      new Uint8Array(0),
      new Uint8Array(0),
      42,
    )
    expect(toHex(okm)).toBe(
      '8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8',
    )
  })

  it('encodes a string info as UTF-8', () => {
    const ikm = hex('0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b')
    const salt = new Uint8Array(0)
    expect(hkdfSha256(ikm, salt, 'tokenim', 32)).toEqual(
      hkdfSha256(ikm, salt, new TextEncoder().encode('tokenim'), 32),
    )
  })
})

describe('AES-256-GCM, GCM specification test cases 14-16', () => {
  const KEY_15 = 'feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308'
  const NONCE_15 = 'cafebabefacedbaddecaf888'
  const PLAINTEXT_15 =
    'd9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72' +
    '1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255'
  const CIPHERTEXT_15 =
    '522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa' +
    '8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad'

  const GCM_VECTORS = [
    {
      name: 'test case 14: one block of zeros under the zero key',
      key: '00'.repeat(32),
      nonce: '00'.repeat(12),
      plaintext: '00'.repeat(16),
      aad: '',
      ciphertext: 'cea7403d4d606b6e074ec5d3baf39d18',
      tag: 'd0d1c8a799996bf0265b98b5d48ab919',
    },
    {
      name: 'test case 15: four blocks, no associated data',
      key: KEY_15,
      nonce: NONCE_15,
      plaintext: PLAINTEXT_15,
      aad: '',
      ciphertext: CIPHERTEXT_15,
      tag: 'b094dac5d93471bdec1a502270e3cc6c',
    },
    {
      // Test case 16 drops the last 4 bytes of test case 15's plaintext and adds 20 bytes of AAD.
      name: 'test case 16: partial last block, with associated data',
      key: KEY_15,
      nonce: NONCE_15,
      plaintext: PLAINTEXT_15.slice(0, 120),
      aad: 'feedfacedeadbeeffeedfacedeadbeefabaddad2',
      ciphertext: CIPHERTEXT_15.slice(0, 120),
      tag: '76fc6ece0f4e1768cddf8853bb2d551b',
    },
  ]

  for (const vector of GCM_VECTORS) {
    it(`${vector.name}: encrypts to ciphertext || tag and decrypts back`, () => {
      const sealed = aeadEncrypt(
        hex(vector.key),
        hex(vector.nonce),
        hex(vector.plaintext),
        hex(vector.aad),
      )
      expect(toHex(sealed)).toBe(vector.ciphertext + vector.tag)
      const opened = aeadDecrypt(hex(vector.key), hex(vector.nonce), sealed, hex(vector.aad))
      expect(toHex(opened)).toBe(vector.plaintext)
    })
  }

  const vector = GCM_VECTORS[2]
  const key = hex(vector.key)
  const nonce = hex(vector.nonce)
  const aad = hex(vector.aad)
  const sealed = hex(vector.ciphertext + vector.tag)
  const flipped = (bytes: Uint8Array, index: number): Uint8Array => {
    const copy = Uint8Array.from(bytes)
    copy[index] ^= 0x01
    return copy
  }

  it('throws DecryptionError for a tampered ciphertext', () => {
    expect(thrownName(() => aeadDecrypt(key, nonce, flipped(sealed, 0), aad))).toBe(
      'DecryptionError',
    )
    expect(thrownName(() => aeadDecrypt(key, nonce, flipped(sealed, 59), aad))).toBe(
      'DecryptionError',
    )
  })

  it('throws DecryptionError for a tampered tag', () => {
    expect(thrownName(() => aeadDecrypt(key, nonce, flipped(sealed, sealed.length - 1), aad))).toBe(
      'DecryptionError',
    )
  })

  it('throws DecryptionError for altered, missing or added associated data', () => {
    expect(thrownName(() => aeadDecrypt(key, nonce, sealed, flipped(aad, 0)))).toBe(
      'DecryptionError',
    )
    expect(thrownName(() => aeadDecrypt(key, nonce, sealed))).toBe('DecryptionError')
    expect(thrownName(() => aeadDecrypt(key, nonce, sealed, new Uint8Array([...aad, 0])))).toBe(
      'DecryptionError',
    )
  })

  it('throws DecryptionError for another nonce or key', () => {
    expect(thrownName(() => aeadDecrypt(key, flipped(nonce, 11), sealed, aad))).toBe(
      'DecryptionError',
    )
    expect(thrownName(() => aeadDecrypt(flipped(key, 0), nonce, sealed, aad))).toBe(
      'DecryptionError',
    )
  })

  it('throws DecryptionError for input shorter than the tag, or a truncated one', () => {
    expect(thrownName(() => aeadDecrypt(key, nonce, sealed.subarray(0, 15), aad))).toBe(
      'DecryptionError',
    )
    expect(thrownName(() => aeadDecrypt(key, nonce, sealed.subarray(0, -1), aad))).toBe(
      'DecryptionError',
    )
  })

  it('throws InvalidKeyError for keys and nonces of the wrong length', () => {
    const plaintext = hex(vector.plaintext)
    expect(thrownName(() => aeadEncrypt(key.subarray(0, 16), nonce, plaintext))).toBe(
      'InvalidKeyError',
    )
    expect(thrownName(() => aeadEncrypt(new Uint8Array(33), nonce, plaintext))).toBe(
      'InvalidKeyError',
    )
    expect(thrownName(() => aeadDecrypt(key.subarray(0, 31), nonce, sealed, aad))).toBe(
      'InvalidKeyError',
    )
    expect(thrownName(() => aeadEncrypt(key, nonce.subarray(0, 8), plaintext))).toBe(
      'InvalidKeyError',
    )
    expect(thrownName(() => aeadDecrypt(key, new Uint8Array(16), sealed, aad))).toBe(
      'InvalidKeyError',
    )
  })
})
