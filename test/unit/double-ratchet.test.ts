import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { toHex } from '../../protocol/bytes.ts'
import {
  aeadDecrypt,
  generateEd25519KeyPair,
  hkdfSha256,
  hmacSha256,
  randomBytes,
  x25519,
} from '../../protocol/crypto/index.ts'
import {
  createPrekeyBundle,
  decodeMessageHeader,
  type EncryptedMessage,
  encodeMessageHeader,
  generateOneTimePrekeys,
  generateSignedPrekey,
  MAX_SKIP,
  MAX_SKIPPED_MESSAGE_KEYS,
  MESSAGE_HEADER_MAX_LENGTH,
  SessionRatchet,
  x3dhRespond,
} from '../../protocol/session/index.ts'

const encode = (text: string) => new TextEncoder().encode(text)
const decode = (bytes: Uint8Array) => new TextDecoder().decode(bytes)
const named = (name: string) => expect.objectContaining({ name })

function setup(withOneTimePrekey = true) {
  const aliceIdentity = generateEd25519KeyPair()
  const bobIdentity = generateEd25519KeyPair()
  const signedPrekey = generateSignedPrekey(bobIdentity, 3)
  const [oneTimePrekey] = generateOneTimePrekeys(1, 77)
  const bundle = createPrekeyBundle(
    bobIdentity.publicKey,
    signedPrekey,
    withOneTimePrekey ? oneTimePrekey : undefined,
  )
  const alice = SessionRatchet.initiate({ identity: aliceIdentity, bundle })
  const accept = (message: EncryptedMessage) =>
    SessionRatchet.accept({
      identity: bobIdentity,
      signedPrekey,
      oneTimePrekey: withOneTimePrekey ? oneTimePrekey : undefined,
      ...message,
    })
  return { aliceIdentity, bobIdentity, signedPrekey, oneTimePrekey, alice, accept }
}

/** Alice and Bob with a session on both sides, after one message from Alice. */
function established() {
  const parties = setup()
  const first = parties.alice.encrypt(encode('hello'))
  const { session: bob } = parties.accept(first)
  return { ...parties, alice: parties.alice, bob, first }
}

/** Asserts that `action` throws an error named `name` and leaves `session` as it was. */
function expectRefusedUnchanged(session: SessionRatchet, name: string, action: () => unknown) {
  const before = session.serialize()
  expect(action).toThrow(named(name))
  expect(toHex(session.serialize())).toBe(toHex(before))
}

const open = (session: SessionRatchet, message: EncryptedMessage) =>
  decode(session.decrypt(message.header, message.ciphertext))

describe('SessionRatchet conversation', () => {
  it('carries messages both ways through many ratchet steps', () => {
    const { alice, bob } = established()
    for (let round = 0; round < 20; round++) {
      const burst = (round % 3) + 1
      for (let i = 0; i < burst; i++) {
        expect(open(bob, alice.encrypt(encode(`a${round}.${i}`)))).toBe(`a${round}.${i}`)
      }
      for (let i = 0; i < burst; i++) {
        expect(open(alice, bob.encrypt(encode(`b${round}.${i}`)))).toBe(`b${round}.${i}`)
      }
    }
  })

  it('repeats the session-start fields until the responder answers', () => {
    const { alice, accept, aliceIdentity } = setup()
    const first = alice.encrypt(encode('one'))
    const second = alice.encrypt(encode('two'))
    const start = decodeMessageHeader(second.header).sessionStart
    expect(start).toMatchObject({ signedPrekeyId: 3, oneTimePrekeyId: 77 })
    expect(toHex(start!.identityKey)).toBe(toHex(aliceIdentity.publicKey))
    expect(toHex(start!.ephemeralKey)).toBe(toHex(alice.baseKey))
    expect(alice.awaitingFirstReply).toBe(true)

    const { session: bob, plaintext } = accept(second)
    expect(decode(plaintext)).toBe('two')
    expect(open(bob, first)).toBe('one')
    expect(toHex(bob.baseKey)).toBe(toHex(alice.baseKey))
    expect(toHex(bob.remoteIdentityKey)).toBe(toHex(aliceIdentity.publicKey))

    expect(open(alice, bob.encrypt(encode('hi')))).toBe('hi')
    expect(alice.awaitingFirstReply).toBe(false)
    expect(decodeMessageHeader(alice.encrypt(encode('three')).header).sessionStart).toBeUndefined()
  })

  it('works without a one-time prekey', () => {
    const { alice, accept } = setup(false)
    const first = alice.encrypt(encode('no opk'))
    expect(decodeMessageHeader(first.header).sessionStart?.oneTimePrekeyId).toBeUndefined()
    const { session: bob, plaintext } = accept(first)
    expect(decode(plaintext)).toBe('no opk')
    expect(open(alice, bob.encrypt(encode('ok')))).toBe('ok')
  })

  it('follows the spec KDFs: KDF_RK by HKDF salted with SK, KDF_CK by HMAC 0x01/0x02, GCM key and nonce by HKDF', () => {
    const { alice, bobIdentity, signedPrekey, oneTimePrekey, aliceIdentity } = setup()
    const message = alice.encrypt(encode('spec'))
    const header = decodeMessageHeader(message.header)
    const { sharedSecret, associatedData } = x3dhRespond({
      identity: bobIdentity,
      signedPrekey,
      oneTimePrekey,
      remoteIdentityKey: aliceIdentity.publicKey,
      remoteEphemeralKey: header.sessionStart!.ephemeralKey,
      signedPrekeyId: 3,
      oneTimePrekeyId: 77,
    })
    const rootOutput = hkdfSha256(
      x25519(signedPrekey.keyPair.privateKey, header.ratchetKey),
      sharedSecret,
      'TokenIM ratchet root v1',
      64,
    )
    const chainKey = rootOutput.subarray(32)
    const messageKey = hmacSha256(chainKey, Uint8Array.of(0x01))
    const cipherKeys = hkdfSha256(messageKey, new Uint8Array(32), 'TokenIM ratchet message v1', 44)
    const plaintext = aeadDecrypt(
      cipherKeys.subarray(0, 32),
      cipherKeys.subarray(32),
      message.ciphertext,
      Buffer.concat([associatedData, message.header]),
    )
    expect(decode(plaintext)).toBe('spec')

    // The second message uses the next chain key, HMAC(ck, 0x02).
    const second = alice.encrypt(encode('next'))
    const nextKey = hmacSha256(hmacSha256(chainKey, Uint8Array.of(0x02)), Uint8Array.of(0x01))
    const nextCipherKeys = hkdfSha256(nextKey, new Uint8Array(32), 'TokenIM ratchet message v1', 44)
    expect(
      decode(
        aeadDecrypt(
          nextCipherKeys.subarray(0, 32),
          nextCipherKeys.subarray(32),
          second.ciphertext,
          Buffer.concat([associatedData, second.header]),
        ),
      ),
    ).toBe('next')
  })
})

describe('HMAC-SHA256 used by KDF_CK', () => {
  it('matches RFC 4231 test case 2 and node:crypto', () => {
    expect(toHex(hmacSha256(encode('Jefe'), encode('what do ya want for nothing?')))).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    )
    for (let i = 0; i < 10; i++) {
      const key = randomBytes(32)
      const message = randomBytes(i * 20)
      expect(toHex(hmacSha256(key, message))).toBe(
        createHmac('sha256', key).update(message).digest('hex'),
      )
    }
  })
})

describe('SessionRatchet.accept', () => {
  it('zeroes the one-time prekey on success so it cannot start a second session', () => {
    const { accept, alice, oneTimePrekey } = setup()
    const first = alice.encrypt(encode('x'))
    accept(first)
    expect(oneTimePrekey.keyPair.privateKey.every((byte) => byte === 0)).toBe(true)
    expect(() => accept(first)).toThrow(named('UnknownPrekeyError'))
  })

  it('keeps nothing, and leaves the one-time prekey usable, when the message does not authenticate', () => {
    const { accept, alice, oneTimePrekey } = setup()
    const privateKey = toHex(oneTimePrekey.keyPair.privateKey)
    const first = alice.encrypt(encode('x'))
    const forged = { ...first, ciphertext: Uint8Array.from(first.ciphertext) }
    forged.ciphertext[0] ^= 1
    expect(() => accept(forged)).toThrow(named('DecryptionError'))
    expect(toHex(oneTimePrekey.keyPair.privateKey)).toBe(privateKey)
    expect(decode(accept(first).plaintext)).toBe('x')
  })

  it('refuses a header that does not start a session', () => {
    const { alice, bob, accept } = established()
    expect(open(alice, bob.encrypt(encode('reply')))).toBe('reply')
    expect(() => accept(alice.encrypt(encode('later')))).toThrow(named('MalformedMessageError'))
  })
})

describe('SessionRatchet rejects altered messages and keeps its state', () => {
  it('refuses a changed ciphertext, header field or associated data', () => {
    const { alice, bob } = established()
    const message = alice.encrypt(encode('secret'))

    const ciphertext = Uint8Array.from(message.ciphertext)
    ciphertext[3] ^= 0x10
    expectRefusedUnchanged(bob, 'DecryptionError', () => bob.decrypt(message.header, ciphertext))
    expectRefusedUnchanged(bob, 'DecryptionError', () =>
      bob.decrypt(message.header, message.ciphertext.subarray(0, 10)),
    )

    const header = decodeMessageHeader(message.header)
    const variants = [
      { ...header, messageNumber: header.messageNumber + 1 },
      { ...header, previousChainLength: header.previousChainLength + 1 },
      { ...header, ratchetKey: randomBytes(32) },
    ]
    for (const variant of variants) {
      expectRefusedUnchanged(bob, 'DecryptionError', () =>
        bob.decrypt(encodeMessageHeader(variant), message.ciphertext),
      )
    }
    const badVersion = Uint8Array.from(message.header)
    badVersion[0] = 2
    expectRefusedUnchanged(bob, 'MalformedMessageError', () =>
      bob.decrypt(badVersion, message.ciphertext),
    )

    // A session whose AD differs (another identity on one side) cannot read the message.
    const state = bob.serialize()
    state[3] ^= 1 // first byte of the stored local identity key
    const otherAd = SessionRatchet.deserialize(state)
    expectRefusedUnchanged(otherAd, 'DecryptionError', () =>
      otherAd.decrypt(message.header, message.ciphertext),
    )

    expect(open(bob, message)).toBe('secret')
  })

  it('refuses a session start that belongs to another session', () => {
    const { bob } = established()
    const restarted = setup()
    const foreign = restarted.alice.encrypt(encode('new session'))
    expect(bob.isOtherSessionStart(decodeMessageHeader(foreign.header))).toBe(true)
    expectRefusedUnchanged(bob, 'SessionMismatchError', () =>
      bob.decrypt(foreign.header, foreign.ciphertext),
    )
  })
})

describe('SessionRatchet out-of-order messages', () => {
  it('decrypts messages delivered in any order, across ratchet steps', () => {
    const { alice, bob } = established()
    const firstChain = Array.from({ length: 6 }, (_, i) => alice.encrypt(encode(`c1-${i}`)))
    expect(open(bob, firstChain[5])).toBe('c1-5')
    expect(bob.skippedKeyCount).toBe(5)
    expect(open(alice, bob.encrypt(encode('turn')))).toBe('turn')
    const secondChain = Array.from({ length: 4 }, (_, i) => alice.encrypt(encode(`c2-${i}`)))
    expect(open(bob, secondChain[2])).toBe('c2-2')
    for (const i of [3, 1, 0, 4, 2]) expect(open(bob, firstChain[i])).toBe(`c1-${i}`)
    expect(open(bob, secondChain[0])).toBe('c2-0')
    expect(open(bob, secondChain[3])).toBe('c2-3')
    expect(open(bob, secondChain[1])).toBe('c2-1')
    expect(bob.skippedKeyCount).toBe(0)
  })

  it('skips up to MAX_SKIP messages in one chain and refuses one further ahead', () => {
    const { alice, bob } = established()
    const messages = Array.from({ length: MAX_SKIP + 2 }, (_, i) => alice.encrypt(encode(`${i}`)))
    // bob has read message 0 of this chain (the session start), so the next expected is 1.
    const tooFar = messages[MAX_SKIP + 1]
    expectRefusedUnchanged(bob, 'TooManySkippedMessagesError', () =>
      bob.decrypt(tooFar.header, tooFar.ciphertext),
    )
    expect(open(bob, messages[MAX_SKIP])).toBe(`${MAX_SKIP}`)
    expect(bob.skippedKeyCount).toBe(MAX_SKIP)
    expect(open(bob, tooFar)).toBe(`${MAX_SKIP + 1}`)
    expect(open(bob, messages[0])).toBe('0')
  })

  it('refuses to skip more than MAX_SKIP of the previous chain on a ratchet step', () => {
    const { alice, bob } = established()
    const unseen = Array.from({ length: MAX_SKIP + 1 }, () => alice.encrypt(encode('lost')))
    expect(unseen).toHaveLength(MAX_SKIP + 1)
    expect(open(alice, bob.encrypt(encode('turn')))).toBe('turn')
    const next = alice.encrypt(encode('next chain'))
    expectRefusedUnchanged(bob, 'TooManySkippedMessagesError', () =>
      bob.decrypt(next.header, next.ciphertext),
    )
  })

  it('caps stored skipped keys, discarding the oldest, and names what it discarded', () => {
    const { alice, bob } = established()
    const chains: EncryptedMessage[][] = []
    for (let round = 0; round < 3; round++) {
      const chain = Array.from({ length: MAX_SKIP }, (_, i) =>
        alice.encrypt(encode(`${round}:${i}`)),
      )
      chains.push(chain)
      // Only the last message arrives, so MAX_SKIP - 1 keys are skipped in each chain.
      expect(open(bob, chain[MAX_SKIP - 1])).toBe(`${round}:${MAX_SKIP - 1}`)
      expect(open(alice, bob.encrypt(encode('ack')))).toBe('ack')
    }
    expect(bob.skippedKeyCount).toBe(MAX_SKIPPED_MESSAGE_KEYS)
    expect(bob.discardedKeyCount).toBe(3 * (MAX_SKIP - 1) - MAX_SKIPPED_MESSAGE_KEYS)
    const oldest = chains[0][0]
    expectRefusedUnchanged(bob, 'StaleMessageError', () =>
      bob.decrypt(oldest.header, oldest.ciphertext),
    )
    expect(open(bob, chains[1][MAX_SKIP - 2])).toBe(`1:${MAX_SKIP - 2}`)
    expect(open(bob, chains[2][0])).toBe('2:0')
    // The duplicate of a message read after the discards is still named as a duplicate.
    expectRefusedUnchanged(bob, 'DuplicateMessageError', () =>
      bob.decrypt(chains[2][0].header, chains[2][0].ciphertext),
    )
  })
})

describe('SessionRatchet replays', () => {
  it('refuses a message already read, in order, out of order, or from a finished chain', () => {
    const { alice, bob, first } = established()
    expectRefusedUnchanged(bob, 'DuplicateMessageError', () =>
      bob.decrypt(first.header, first.ciphertext),
    )
    const a = alice.encrypt(encode('a'))
    const b = alice.encrypt(encode('b'))
    expect(open(bob, b)).toBe('b')
    expect(open(bob, a)).toBe('a')
    for (const replay of [a, b]) {
      expectRefusedUnchanged(bob, 'DuplicateMessageError', () =>
        bob.decrypt(replay.header, replay.ciphertext),
      )
    }
    expect(open(alice, bob.encrypt(encode('turn')))).toBe('turn')
    expect(open(bob, alice.encrypt(encode('new chain')))).toBe('new chain')
    expectRefusedUnchanged(bob, 'DuplicateMessageError', () => bob.decrypt(a.header, a.ciphertext))
    // The replay of Bob's message to Alice, after she has answered, is refused too.
    const toAlice = bob.encrypt(encode('once'))
    expect(open(alice, toAlice)).toBe('once')
    expectRefusedUnchanged(alice, 'DuplicateMessageError', () =>
      alice.decrypt(toAlice.header, toAlice.ciphertext),
    )
  })

  it('refuses a replay after a restart from persisted state', () => {
    const { alice, bob } = established()
    const message = alice.encrypt(encode('persisted'))
    expect(open(bob, message)).toBe('persisted')
    const restored = SessionRatchet.deserialize(bob.serialize())
    expect(() => restored.decrypt(message.header, message.ciphertext)).toThrow(
      named('DuplicateMessageError'),
    )
  })
})

describe('SessionRatchet forward secrecy and post-compromise security', () => {
  it('deletes message keys once used and forgets the signed prekey after the first step', () => {
    const { alice, bob, signedPrekey } = established()
    const late = alice.encrypt(encode('late'))
    expect(open(bob, alice.encrypt(encode('early')))).toBe('early')
    expect(bob.skippedKeyCount).toBe(1)
    expect(open(bob, late)).toBe('late')
    expect(bob.skippedKeyCount).toBe(0)
    // State captured now holds no key for either message.
    const captured = SessionRatchet.deserialize(bob.serialize())
    expect(() => captured.decrypt(late.header, late.ciphertext)).toThrow(
      named('DuplicateMessageError'),
    )
    const state = Buffer.from(bob.serialize())
    expect(state.indexOf(Buffer.from(signedPrekey.keyPair.privateKey))).toBe(-1)
  })

  it('an older copy of a state cannot read messages sent after a full DH round trip', () => {
    const { alice, bob } = established()
    const stolenBob = bob.serialize()
    const stolenAlice = alice.serialize()
    expect(open(alice, bob.encrypt(encode('b1')))).toBe('b1')
    expect(open(bob, alice.encrypt(encode('a1')))).toBe('a1')
    expect(open(alice, bob.encrypt(encode('b2')))).toBe('b2')

    const toBob = alice.encrypt(encode('after healing'))
    const oldBob = SessionRatchet.deserialize(stolenBob)
    expect(() => oldBob.decrypt(toBob.header, toBob.ciphertext)).toThrow(named('DecryptionError'))
    const toAlice = bob.encrypt(encode('after healing too'))
    const oldAlice = SessionRatchet.deserialize(stolenAlice)
    expect(() => oldAlice.decrypt(toAlice.header, toAlice.ciphertext)).toThrow(
      named('DecryptionError'),
    )
    expect(open(bob, toBob)).toBe('after healing')
    expect(open(alice, toAlice)).toBe('after healing too')
  })
})

describe('SessionRatchet serialization', () => {
  it('round-trips in the middle of a conversation, skipped keys included', () => {
    const parties = established()
    let { alice, bob } = parties
    const held = alice.encrypt(encode('held back'))
    expect(open(bob, alice.encrypt(encode('overtakes')))).toBe('overtakes')
    const bytes = bob.serialize()
    bob = SessionRatchet.deserialize(bytes)
    alice = SessionRatchet.deserialize(alice.serialize())
    expect(toHex(bob.serialize())).toBe(toHex(bytes))
    expect(bob.skippedKeyCount).toBe(1)
    expect(open(bob, held)).toBe('held back')
    expect(open(alice, bob.encrypt(encode('after restart')))).toBe('after restart')
    expect(open(bob, alice.encrypt(encode('and back')))).toBe('and back')
  })

  it('keeps the pending session start of an initiator that restarts before any reply', () => {
    const { alice, accept } = setup()
    const restored = SessionRatchet.deserialize(alice.serialize())
    expect(restored.awaitingFirstReply).toBe(true)
    const { session: bob, plaintext } = accept(restored.encrypt(encode('after restart')))
    expect(decode(plaintext)).toBe('after restart')
    expect(open(restored, bob.encrypt(encode('ok')))).toBe('ok')
  })

  it('rejects garbage, truncation, trailing bytes and unknown versions', () => {
    const { bob } = established()
    const good = bob.serialize()
    const malformed = named('MalformedMessageError')
    expect(() => SessionRatchet.deserialize(new Uint8Array(0))).toThrow(malformed)
    expect(() => SessionRatchet.deserialize(good.subarray(0, good.length - 1))).toThrow(malformed)
    expect(() => SessionRatchet.deserialize(Uint8Array.of(...good, 0))).toThrow(malformed)
    const otherVersion = Uint8Array.from(good)
    otherVersion[0] = 9
    expect(() => SessionRatchet.deserialize(otherVersion)).toThrow(malformed)
    const badFlags = Uint8Array.from(good)
    badFlags[2] = 0xff
    expect(() => SessionRatchet.deserialize(badFlags)).toThrow(malformed)
    for (let i = 0; i < 50; i++) {
      expect(() => SessionRatchet.deserialize(randomBytes(1 + ((i * 37) % 400)))).toThrow(malformed)
    }
  })
})

describe('message header codec', () => {
  const ratchetKey = randomBytes(32)
  const sessionStart = {
    identityKey: randomBytes(32),
    ephemeralKey: randomBytes(32),
    signedPrekeyId: 0xffff_ffff,
    oneTimePrekeyId: 0,
  }

  it('round-trips the three layouts at their fixed sizes', () => {
    const plain = { ratchetKey, previousChainLength: 7, messageNumber: 9 }
    const withoutOneTime = {
      ...plain,
      sessionStart: { ...sessionStart, oneTimePrekeyId: undefined },
    }
    const full = { ...plain, sessionStart }
    expect(encodeMessageHeader(plain)).toHaveLength(42)
    expect(encodeMessageHeader(withoutOneTime)).toHaveLength(110)
    expect(encodeMessageHeader(full)).toHaveLength(MESSAGE_HEADER_MAX_LENGTH)
    expect(decodeMessageHeader(encodeMessageHeader(full))).toEqual(full)
    expect(decodeMessageHeader(encodeMessageHeader(plain))).toEqual(plain)
    expect(decodeMessageHeader(encodeMessageHeader(withoutOneTime)).sessionStart).toEqual({
      identityKey: sessionStart.identityKey,
      ephemeralKey: sessionStart.ephemeralKey,
      signedPrekeyId: sessionStart.signedPrekeyId,
    })
  })

  it('rejects every other size, unknown flags and out-of-range numbers', () => {
    const full = encodeMessageHeader({
      ratchetKey,
      previousChainLength: 0,
      messageNumber: 0,
      sessionStart,
    })
    const malformed = named('MalformedMessageError')
    for (const length of [0, 1, 41, 43, 109, 111, 113, 115, 500]) {
      const bytes = new Uint8Array(length)
      bytes.set(full.subarray(0, Math.min(length, full.length)))
      expect(() => decodeMessageHeader(bytes)).toThrow(malformed)
    }
    for (const flags of [0x02, 0x04, 0x80]) {
      const bytes = Uint8Array.from(full)
      bytes[1] = flags
      expect(() => decodeMessageHeader(bytes)).toThrow(malformed)
    }
    expect(() =>
      encodeMessageHeader({ ratchetKey, previousChainLength: 2 ** 32, messageNumber: 0 }),
    ).toThrow(RangeError)
    expect(() =>
      encodeMessageHeader({
        ratchetKey: new Uint8Array(31),
        previousChainLength: 0,
        messageNumber: 0,
      }),
    ).toThrow(malformed)
  })
})
