import { Uint8ArrayList } from 'uint8arraylist'
import { describe, expect, it } from 'vitest'
import {
  AEAD_TAG_LENGTH,
  ATTACHMENT_CHUNK_SIZE,
  DHT_PROTOCOL,
  DIRECTORY_PROTOCOL,
  DM_PROTOCOL,
  decodeMessage,
  ed25519KeyPairFromSeed,
  encodeMessage,
  FILE_PROTOCOL,
  MAX_ANNOUNCED_MULTIADDRS,
  MAX_DHT_RECORD_SIZE,
  MAX_DM_PLAINTEXT_SIZE,
  MAX_ENVELOPE_SIZE,
  MAX_ROOM_MESSAGE_SIZE,
  MAX_SESSION_ANNOUNCEMENT_SIZE,
  MAX_STREAM_FRAME_SIZE,
  MAX_USERNAME_RECORD_SIZE,
  type MessageCodec,
  openSignedRecord,
  PRESENCE_PROTOCOL,
  PROTOCOL_PREFIX,
  ROOM_TOPIC_PREFIX,
  SESSION_ANNOUNCEMENT_DOMAIN,
  SessionAnnouncement,
  SignedRecord,
  signRecord,
} from '../../protocol/index.ts'
import { seededRandom } from '../../sim/random.ts'

/** The name of the error `fn` throws, or undefined when it returns. */
function thrownName(fn: () => unknown): string | undefined {
  try {
    fn()
  } catch (err) {
    return (err as Error).name
  }
  return undefined
}

function thrownMessage(fn: () => unknown): string {
  try {
    fn()
  } catch (err) {
    return (err as Error).message
  }
  throw new Error('expected a throw')
}

const bytes = (...values: number[]) => Uint8Array.from(values)
const identity = ed25519KeyPairFromSeed(new Uint8Array(32).fill(7))
const stranger = ed25519KeyPairFromSeed(new Uint8Array(32).fill(9))

const announcement: SessionAnnouncement = {
  publicKey: identity.publicKey as Uint8Array<ArrayBuffer>,
  counter: 42n,
  timestampMs: 1_790_000_000_123n,
  multiaddrs: ['/ip4/127.0.0.1/tcp/4001', '/dns4/relay.example/tcp/443/wss/p2p-circuit'],
}
const announcementOptions = {
  maxSize: MAX_SESSION_ANNOUNCEMENT_SIZE,
  what: 'session announcement',
  limits: { multiaddrs: MAX_ANNOUNCED_MULTIADDRS },
}
const record: SignedRecord = {
  payload: new Uint8Array(100).fill(0xab),
  publicKey: identity.publicKey as Uint8Array<ArrayBuffer>,
  signature: new Uint8Array(64).fill(0xcd),
  version: 3,
}
const recordOptions = { maxSize: MAX_DHT_RECORD_SIZE, what: 'signed record' }

describe('protocol ids', () => {
  const ids = [DHT_PROTOCOL, DM_PROTOCOL, DIRECTORY_PROTOCOL, PRESENCE_PROTOCOL, FILE_PROTOCOL]

  it('follow /tokenim/<name>/<semver> and are distinct', () => {
    for (const id of ids) {
      expect(id).toMatch(/^\/tokenim\/[a-z][a-z-]*\/\d+\.\d+\.\d+$/)
      expect(id.startsWith(`${PROTOCOL_PREFIX}/`)).toBe(true)
    }
    expect(new Set(ids).size).toBe(ids.length)
  })

  it('give rooms a versioned topic prefix that ends in a slash', () => {
    expect(ROOM_TOPIC_PREFIX).toMatch(/^\/tokenim\/room\/\d+\.\d+\.\d+\/$/)
    expect(SESSION_ANNOUNCEMENT_DOMAIN.startsWith(`${PROTOCOL_PREFIX}/`)).toBe(true)
  })
})

describe('size limits', () => {
  it('nest: plaintext < envelope <= DHT record and stream frame', () => {
    expect(MAX_DM_PLAINTEXT_SIZE).toBeLessThan(MAX_ENVELOPE_SIZE)
    expect(MAX_ENVELOPE_SIZE).toBeLessThanOrEqual(MAX_DHT_RECORD_SIZE)
    expect(MAX_ENVELOPE_SIZE).toBeLessThanOrEqual(MAX_STREAM_FRAME_SIZE)
    expect(MAX_DHT_RECORD_SIZE).toBeLessThanOrEqual(MAX_STREAM_FRAME_SIZE)
    expect(MAX_ROOM_MESSAGE_SIZE).toBeLessThanOrEqual(MAX_STREAM_FRAME_SIZE)
    expect(MAX_USERNAME_RECORD_SIZE).toBeLessThanOrEqual(MAX_DHT_RECORD_SIZE)
    expect(MAX_SESSION_ANNOUNCEMENT_SIZE).toBeLessThanOrEqual(MAX_DHT_RECORD_SIZE)
  })

  it('leave room for an encrypted attachment chunk and its framing in one frame', () => {
    expect(ATTACHMENT_CHUNK_SIZE + AEAD_TAG_LENGTH + 1024).toBeLessThanOrEqual(
      MAX_STREAM_FRAME_SIZE,
    )
  })
})

describe('encodeMessage and decodeMessage', () => {
  it('round-trip a SessionAnnouncement, including the largest uint64', () => {
    const encoded = encodeMessage(SessionAnnouncement, announcement, announcementOptions)
    expect(decodeMessage(SessionAnnouncement, encoded, announcementOptions)).toEqual(announcement)
    const extreme = { ...announcement, counter: 2n ** 64n - 1n, multiaddrs: [] }
    const extremeBytes = encodeMessage(SessionAnnouncement, extreme, announcementOptions)
    expect(decodeMessage(SessionAnnouncement, extremeBytes, announcementOptions)).toEqual(extreme)
  })

  it('round-trip a SignedRecord, and an all-default one as zero bytes', () => {
    const encoded = encodeMessage(SignedRecord, record, recordOptions)
    expect(decodeMessage(SignedRecord, encoded, recordOptions)).toEqual(record)
    const empty = encodeMessage(SignedRecord, {}, recordOptions)
    expect(empty.length).toBe(0)
    expect(decodeMessage(SignedRecord, empty, recordOptions)).toEqual({
      payload: new Uint8Array(0),
      publicKey: new Uint8Array(0),
      signature: new Uint8Array(0),
      version: 0,
    })
  })

  it('decode a Uint8ArrayList split across chunks', () => {
    const encoded = SessionAnnouncement.encode(announcement)
    const list = new Uint8ArrayList(encoded.subarray(0, 5), encoded.subarray(5, 40))
    list.append(encoded.subarray(40))
    expect(decodeMessage(SessionAnnouncement, list, announcementOptions)).toEqual(announcement)
  })

  it('reject input over maxSize with OversizedMessageError naming the size and the limit', () => {
    const encoded = SignedRecord.encode(record)
    const options = { maxSize: encoded.length - 1, what: 'signed record' }
    expect(thrownName(() => decodeMessage(SignedRecord, encoded, options))).toBe(
      'OversizedMessageError',
    )
    const message = thrownMessage(() => decodeMessage(SignedRecord, encoded, options))
    expect(message).toContain('signed record')
    expect(message).toContain(String(encoded.length))
    expect(message).toContain(String(encoded.length - 1))
    expect(decodeMessage(SignedRecord, encoded, { ...options, maxSize: encoded.length })).toEqual(
      record,
    )
  })

  it('checks the size before parsing, so even garbage over the limit is "oversized"', () => {
    const garbage = new Uint8Array(MAX_DHT_RECORD_SIZE + 1).fill(0xff)
    expect(thrownName(() => decodeMessage(SignedRecord, garbage, recordOptions))).toBe(
      'OversizedMessageError',
    )
  })

  it('refuse to encode a value over maxSize', () => {
    const big = { ...record, payload: new Uint8Array(MAX_DHT_RECORD_SIZE) }
    expect(thrownName(() => encodeMessage(SignedRecord, big, recordOptions))).toBe(
      'OversizedMessageError',
    )
    expect(thrownMessage(() => encodeMessage(SignedRecord, big, recordOptions))).toContain(
      String(MAX_DHT_RECORD_SIZE),
    )
  })

  it('enforce repeated-field limits while decoding', () => {
    const multiaddrs = Array.from(
      { length: MAX_ANNOUNCED_MULTIADDRS + 1 },
      (_, i) => `/ip4/10.0.0.${i}/tcp/1`,
    )
    const tooMany = SessionAnnouncement.encode({ ...announcement, multiaddrs })
    expect(thrownName(() => decodeMessage(SessionAnnouncement, tooMany, announcementOptions))).toBe(
      'MalformedMessageError',
    )
    const justEnough = SessionAnnouncement.encode({
      ...announcement,
      multiaddrs: multiaddrs.slice(1),
    })
    expect(
      decodeMessage(SessionAnnouncement, justEnough, announcementOptions).multiaddrs,
    ).toHaveLength(MAX_ANNOUNCED_MULTIADDRS)
  })
})

describe('decodeMessage on hostile input', () => {
  /** Decodes, and returns 'ok' or the error name: tests assert it is never anything else. */
  function outcome<T>(codec: MessageCodec<T>, input: Uint8Array): string {
    try {
      decodeMessage(codec, input, { maxSize: MAX_STREAM_FRAME_SIZE, what: 'test message' })
      return 'ok'
    } catch (err) {
      return (err as Error).name
    }
  }
  const codecs: Array<[string, MessageCodec<unknown>]> = [
    ['SignedRecord', SignedRecord as MessageCodec<unknown>],
    ['SessionAnnouncement', SessionAnnouncement as MessageCodec<unknown>],
  ]

  it('rejects every truncation that cuts into a field', () => {
    const encoded = SessionAnnouncement.encode(announcement)
    // Field boundaries: a cut there leaves a shorter but valid message.
    const boundaries = new Set<number>()
    let offset = 0
    for (const part of [
      { publicKey: announcement.publicKey },
      { counter: announcement.counter },
      { timestampMs: announcement.timestampMs },
      ...announcement.multiaddrs.map((address) => ({ multiaddrs: [address] })),
    ]) {
      offset += SessionAnnouncement.encode(part).length
      boundaries.add(offset)
    }
    expect(offset).toBe(encoded.length)
    for (let length = 1; length < encoded.length; length++) {
      const expected = boundaries.has(length) ? 'ok' : 'MalformedMessageError'
      expect([length, outcome(SessionAnnouncement, encoded.subarray(0, length))]).toEqual([
        length,
        expected,
      ])
    }
  })

  it('rejects wrong wire types for known fields', () => {
    const cases: Array<[MessageCodec<unknown>, Uint8Array, string]> = [
      [SignedRecord as MessageCodec<unknown>, bytes(0x08, 0x00), 'bytes field as varint 0'],
      [SignedRecord as MessageCodec<unknown>, bytes(0x08, 0x05), 'bytes field as varint 5'],
      [SignedRecord as MessageCodec<unknown>, bytes(0x0d, 0, 0, 0, 0), 'bytes field as fixed32'],
      [SignedRecord as MessageCodec<unknown>, bytes(0x09, 1, 2, 3, 4, 5, 6, 7, 8), 'fixed64'],
      [SignedRecord as MessageCodec<unknown>, bytes(0x22, 0x01, 0x01), 'uint32 as bytes'],
      [SignedRecord as MessageCodec<unknown>, bytes(0x25, 1, 0, 0, 0), 'uint32 as fixed32'],
      [SignedRecord as MessageCodec<unknown>, bytes(0x0b, 0x0c), 'start and end group'],
      [SignedRecord as MessageCodec<unknown>, bytes(0x0e, 0x00), 'wire type 6'],
      [SignedRecord as MessageCodec<unknown>, bytes(0x0f, 0x00), 'wire type 7'],
      [SessionAnnouncement as MessageCodec<unknown>, bytes(0x12, 0x01, 0x05), 'uint64 as bytes'],
      [SessionAnnouncement as MessageCodec<unknown>, bytes(0x20, 0x01), 'string as varint'],
      [SessionAnnouncement as MessageCodec<unknown>, bytes(0x0a, 0x01, 0x2a, 0x10), 'truncated'],
    ]
    for (const [codec, input, label] of cases) {
      expect([label, outcome(codec, input)]).toEqual([label, 'MalformedMessageError'])
    }
  })

  it('rejects non-canonical encodings, which would let one value have many encodings', () => {
    const cases: Array<[Uint8Array, string]> = [
      [bytes(0x20, 0x81, 0x00), 'non-minimal varint'],
      [bytes(0x20, 0x00), 'default value written out'],
      [bytes(0x20, 0x01, 0x20, 0x02), 'field repeated'],
      [bytes(0x20, 0x01, 0x0a, 0x01, 0x41), 'fields out of order'],
      [bytes(0x28, 0x01), 'unknown field'],
      [bytes(0x0a, 0x01, 0x41, 0x3a, 0x00), 'unknown field after a known one'],
    ]
    for (const [input, label] of cases) {
      expect([label, outcome(SignedRecord, input)]).toEqual([label, 'MalformedMessageError'])
    }
    // Invalid UTF-8 in a string field would come back as U+FFFD, a different value.
    expect(outcome(SessionAnnouncement, bytes(0x22, 0x02, 0xc3, 0x28))).toBe(
      'MalformedMessageError',
    )
  })

  it('accepts unknown fields when the caller opts out of canonical decoding', () => {
    const withUnknown = bytes(0x20, 0x01, 0x28, 0x01)
    const decoded = decodeMessage(SignedRecord, withUnknown, { ...recordOptions, canonical: false })
    expect(decoded.version).toBe(1)
  })

  it('turns deeply nested groups (a stack overflow in the parser) into MalformedMessageError', () => {
    const nested = new Uint8Array(MAX_STREAM_FRAME_SIZE).fill(0x2b)
    expect(outcome(SignedRecord, nested)).toBe('MalformedMessageError')
  })

  for (const [name, codec] of codecs) {
    it(`${name}: random garbage decodes or gives MalformedMessageError, nothing else`, () => {
      const random = seededRandom(0x70_6b_6e)
      const seen = new Map<string, number>()
      for (let sample = 0; sample < 5000; sample++) {
        const input = Uint8Array.from({ length: Math.floor(random() * 200) }, () => random() * 256)
        const result = outcome(codec, input)
        seen.set(result, (seen.get(result) ?? 0) + 1)
      }
      expect(
        [...seen.keys()].filter((key) => key !== 'ok' && key !== 'MalformedMessageError'),
      ).toEqual([])
      expect(seen.get('MalformedMessageError')).toBeGreaterThan(4500)
    })

    it(`${name}: mutated valid encodings decode or give MalformedMessageError`, () => {
      const random = seededRandom(0x6d_75_74)
      const valid =
        name === 'SignedRecord'
          ? SignedRecord.encode(record)
          : SessionAnnouncement.encode(announcement)
      const seen = new Set<string>()
      for (let sample = 0; sample < 5000; sample++) {
        const input = Uint8Array.from(valid)
        const flips = 1 + Math.floor(random() * 3)
        for (let i = 0; i < flips; i++) {
          input[Math.floor(random() * input.length)] = random() * 256
        }
        seen.add(outcome(codec, input))
      }
      expect([...seen].filter((key) => key !== 'ok' && key !== 'MalformedMessageError')).toEqual([])
      expect(seen.has('MalformedMessageError')).toBe(true)
    })
  }
})

describe('signed records', () => {
  const payload = SessionAnnouncement.encode(announcement)
  const domain = SESSION_ANNOUNCEMENT_DOMAIN
  const maxSize = MAX_SESSION_ANNOUNCEMENT_SIZE
  const signed = signRecord(identity, payload, domain)

  /** Re-encodes the signed record with some fields replaced, keeping the rest. */
  const altered = (changes: Partial<SignedRecord>) =>
    SignedRecord.encode({ ...SignedRecord.decode(signed), ...changes })

  it('open to the payload, signer and version', () => {
    const opened = openSignedRecord(signed, domain, maxSize)
    expect(opened.payload).toEqual(payload)
    expect(opened.publicKey).toEqual(identity.publicKey)
    expect(opened.version).toBe(1)
    const v2 = openSignedRecord(
      signRecord(identity, payload, domain, { version: 2 }),
      domain,
      maxSize,
    )
    expect(v2.version).toBe(2)
  })

  it('do not open under another domain, even one that extends the signing domain', () => {
    expect(thrownName(() => openSignedRecord(signed, '/tokenim/username/1.0.0', maxSize))).toBe(
      'InvalidSignatureError',
    )
    expect(thrownName(() => openSignedRecord(signed, `${domain}x`, maxSize))).toBe(
      'InvalidSignatureError',
    )
  })

  it('detect a changed payload, version, signer or signature', () => {
    const changedPayload = Uint8Array.from(payload)
    changedPayload[changedPayload.length - 1] ^= 0x01
    const signature = SignedRecord.decode(signed).signature
    const changedSignature = Uint8Array.from(signature)
    changedSignature[10] ^= 0x01
    for (const tampered of [
      altered({ payload: changedPayload }),
      altered({ version: 2 }),
      altered({ publicKey: stranger.publicKey as Uint8Array<ArrayBuffer> }),
      altered({ signature: changedSignature }),
    ]) {
      expect(thrownName(() => openSignedRecord(tampered, domain, maxSize))).toBe(
        'InvalidSignatureError',
      )
    }
  })

  it('never open after any byte of the encoded record changes', () => {
    const random = seededRandom(0x73_69_67)
    for (let sample = 0; sample < 2000; sample++) {
      const tampered = Uint8Array.from(signed)
      const index = Math.floor(random() * tampered.length)
      tampered[index] ^= 1 + Math.floor(random() * 255)
      expect([index, thrownName(() => openSignedRecord(tampered, domain, maxSize))]).toSatisfy(
        ([, name]: [number, string | undefined]) =>
          name === 'InvalidSignatureError' || name === 'MalformedMessageError',
      )
    }
  })

  it('reject keys and signatures of the wrong length as malformed', () => {
    const shortKey = altered({ publicKey: identity.publicKey.slice(0, 31) })
    const longSignature = altered({ signature: new Uint8Array(65) })
    expect(thrownName(() => openSignedRecord(shortKey, domain, maxSize))).toBe(
      'MalformedMessageError',
    )
    expect(thrownName(() => openSignedRecord(longSignature, domain, maxSize))).toBe(
      'MalformedMessageError',
    )
  })

  it('reject oversized records before verifying, and refuse to sign them', () => {
    expect(thrownName(() => openSignedRecord(signed, domain, signed.length - 1))).toBe(
      'OversizedMessageError',
    )
    expect(
      thrownName(() => signRecord(identity, new Uint8Array(maxSize), domain, { maxSize })),
    ).toBe('OversizedMessageError')
  })

  it('refuse an empty domain or one containing NUL', () => {
    expect(() => signRecord(identity, payload, '')).toThrow(TypeError)
    expect(() => signRecord(identity, payload, 'a\0b')).toThrow(TypeError)
  })
})
