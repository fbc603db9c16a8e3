import { describe, expect, it } from 'vitest'
import { encodeMessage, signRecord } from '../../protocol/codec.ts'
import { generateEd25519KeyPair, randomBytes } from '../../protocol/crypto/index.ts'
import { PRESENCE_DOMAIN } from '../../protocol/ids.ts'
import {
  MAX_FRIEND_NOTE_LENGTH,
  MAX_KEY_STATEMENT_SIZE,
  MAX_SOCIAL_PAYLOAD_SIZE,
} from '../../protocol/limits.ts'
import { decodeInnerMessage, encodeInnerMessage } from '../../protocol/messaging.ts'
import { DmContent, DmContentKind } from '../../protocol/proto/dm.ts'
import {
  FriendMessage,
  FriendMessageType,
  PresenceHeartbeat,
  PresenceStatus,
} from '../../protocol/proto/social.ts'
import {
  decodeFriendMessage,
  encodeFriendMessage,
  type FriendMessageValue,
  MAX_FRIEND_NAME_CLAIM_LENGTH,
  openPresenceHeartbeat,
  type PresenceHeartbeatValue,
  presenceTimeoutMs,
  signPresenceHeartbeat,
} from '../../protocol/social.ts'

const request: FriendMessageValue = {
  type: 'request',
  requestId: randomBytes(16),
  note: 'hi, it is alice from the climbing club',
  name: 'alice@12D3KooWExample',
}

describe('friend messages', () => {
  it('round-trips each kind', () => {
    for (const value of [
      request,
      { type: 'accept', requestId: request.requestId, note: '', name: 'bob@12D3KooWExample' },
      { type: 'reject', requestId: request.requestId, note: '', name: '' },
      { type: 'remove', requestId: new Uint8Array(16), note: '', name: '' },
      {
        type: 'key-rotation',
        requestId: new Uint8Array(16),
        note: '',
        name: '',
        keyStatement: randomBytes(MAX_KEY_STATEMENT_SIZE),
      },
      {
        type: 'key-recovery',
        requestId: new Uint8Array(16),
        note: '',
        name: '',
        keyStatement: randomBytes(MAX_KEY_STATEMENT_SIZE),
      },
    ] satisfies FriendMessageValue[]) {
      const decoded = decodeFriendMessage(encodeFriendMessage(value))
      expect(decoded.type).toBe(value.type)
      expect(Buffer.from(decoded.requestId).equals(Buffer.from(value.requestId))).toBe(true)
      expect(decoded.note).toBe(value.note)
      expect(decoded.name).toBe(value.name)
      expect(decoded.keyStatement?.length).toBe(value.keyStatement?.length)
    }
  })

  it('takes a note of exactly the limit and refuses a longer one', () => {
    const longest = { ...request, note: 'x'.repeat(MAX_FRIEND_NOTE_LENGTH) }
    expect(decodeFriendMessage(encodeFriendMessage(longest)).note).toHaveLength(
      MAX_FRIEND_NOTE_LENGTH,
    )
    expect(() => encodeFriendMessage({ ...request, note: 'x'.repeat(201) })).toThrow(
      expect.objectContaining({ name: 'MalformedMessageError' }),
    )
  })

  it('fits the longest request into the social payload limit', () => {
    const bytes = encodeFriendMessage({
      ...request,
      note: '\u{1F600}'.repeat(MAX_FRIEND_NOTE_LENGTH / 2),
      name: 'n'.repeat(MAX_FRIEND_NAME_CLAIM_LENGTH),
    })
    expect(bytes.length).toBeLessThanOrEqual(MAX_SOCIAL_PAYLOAD_SIZE)
  })

  it('refuses what a well-behaved sender never writes', () => {
    const raw = (value: Partial<FriendMessage>) =>
      FriendMessage.encode({ requestId: randomBytes(16) as FriendMessage['requestId'], ...value })
    const cases: Array<[string, Uint8Array]> = [
      [
        'short id',
        FriendMessage.encode({ requestId: randomBytes(8) as FriendMessage['requestId'] }),
      ],
      ['note on an accept', raw({ type: FriendMessageType.FRIEND_ACCEPT, note: 'hey' })],
      ['name on a remove', raw({ type: FriendMessageType.FRIEND_REMOVE, name: 'eve' })],
      ['key rotation without a statement', raw({ type: FriendMessageType.FRIEND_KEY_ROTATION })],
      ['key recovery without a statement', raw({ type: FriendMessageType.FRIEND_KEY_RECOVERY })],
      [
        'statement on a request',
        raw({ keyStatement: randomBytes(64) as FriendMessage['keyStatement'] }),
      ],
      [
        'statement over its limit',
        raw({
          type: FriendMessageType.FRIEND_KEY_ROTATION,
          keyStatement: randomBytes(MAX_KEY_STATEMENT_SIZE + 1) as FriendMessage['keyStatement'],
        }),
      ],
      ['unknown type', Uint8Array.from([0x08, 0x09, ...raw({}).subarray(0)])],
      ['garbage', Uint8Array.from([0xff, 0xff, 0xff])],
      ['oversized', new Uint8Array(MAX_SOCIAL_PAYLOAD_SIZE + 1)],
    ]
    for (const [what, bytes] of cases) {
      expect(() => decodeFriendMessage(bytes), what).toThrow(
        expect.objectContaining({ name: expect.stringMatching(/Malformed|Oversized/) }),
      )
    }
  })

  it('travels as a social inner message and nothing else carries a social payload', () => {
    const messageId = randomBytes(16)
    const payload = encodeFriendMessage(request)
    const inner = decodeInnerMessage(
      encodeInnerMessage({ kind: 'social', messageId, sentAtMs: 1234, payload }),
    )
    expect(inner.kind).toBe('social')
    if (inner.kind !== 'social') return
    expect(inner.sentAtMs).toBe(1234)
    expect(decodeFriendMessage(inner.payload).note).toBe(request.note)

    const textWithPayload = encodeMessage(
      DmContent,
      {
        messageId: messageId as DmContent['messageId'],
        seq: 1,
        kind: DmContentKind.TEXT,
        text: 'hi',
        resolvedBelow: 1,
        social: payload as DmContent['social'],
      },
      { maxSize: 70_000 },
    )
    expect(() => decodeInnerMessage(textWithPayload)).toThrow(/social payload/)
    const socialWithSeq = encodeMessage(
      DmContent,
      {
        messageId: messageId as DmContent['messageId'],
        seq: 3,
        kind: DmContentKind.SOCIAL,
        social: payload as DmContent['social'],
      },
      { maxSize: 70_000 },
    )
    expect(() => decodeInnerMessage(socialWithSeq)).toThrow(/no seq/)
    const emptySocial = encodeMessage(
      DmContent,
      { messageId: messageId as DmContent['messageId'], kind: DmContentKind.SOCIAL },
      { maxSize: 70_000 },
    )
    expect(() => decodeInnerMessage(emptySocial)).toThrow(/social payload must be/)
  })
})

describe('presence heartbeats', () => {
  const alice = generateEd25519KeyPair()
  const bob = generateEd25519KeyPair()
  const heartbeat: PresenceHeartbeatValue = {
    sender: alice.publicKey,
    recipient: bob.publicKey,
    counter: 1_700_000_000_000,
    sentAtMs: 1_700_000_000_000,
    status: 'online',
    intervalMs: 1500,
    typing: false,
  }

  it('round-trips a signed heartbeat', () => {
    const opened = openPresenceHeartbeat(signPresenceHeartbeat(alice, heartbeat))
    expect(opened).toMatchObject({
      counter: heartbeat.counter,
      sentAtMs: heartbeat.sentAtMs,
      status: 'online',
      intervalMs: 1500,
    })
    expect(Buffer.from(opened.recipient).equals(Buffer.from(bob.publicKey))).toBe(true)
    const goodbye = openPresenceHeartbeat(
      signPresenceHeartbeat(alice, { ...heartbeat, status: 'offline', counter: 2e12 }),
    )
    expect(goodbye.status).toBe('offline')
  })

  it('carries typing on an online heartbeat only', () => {
    const typing = openPresenceHeartbeat(
      signPresenceHeartbeat(alice, { ...heartbeat, typing: true }),
    )
    expect(typing.typing).toBe(true)
    expect(openPresenceHeartbeat(signPresenceHeartbeat(alice, heartbeat)).typing).toBe(false)
    const goodbye = { ...heartbeat, status: 'offline' as const, typing: true }
    expect(openPresenceHeartbeat(signPresenceHeartbeat(alice, goodbye)).typing).toBe(false)
    // A forged offline frame that claims typing reads as not typing.
    const payload = PresenceHeartbeat.encode({
      sender: alice.publicKey as PresenceHeartbeat['sender'],
      recipient: bob.publicKey as PresenceHeartbeat['recipient'],
      counter: 5,
      sentAtMs: 5,
      status: PresenceStatus.OFFLINE,
      intervalMs: 1500,
      typing: true,
    })
    const record = signRecord(alice, payload, PRESENCE_DOMAIN)
    expect(openPresenceHeartbeat(record).typing).toBe(false)
  })

  it('refuses a heartbeat signed by someone else than its sender', () => {
    const payload = PresenceHeartbeat.encode({
      sender: alice.publicKey as PresenceHeartbeat['sender'],
      recipient: bob.publicKey as PresenceHeartbeat['recipient'],
      counter: 5,
      sentAtMs: 5,
      status: PresenceStatus.ONLINE,
      intervalMs: 1500,
    })
    const forged = signRecord(bob, payload, PRESENCE_DOMAIN)
    expect(() => openPresenceHeartbeat(forged)).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
    expect(() => signPresenceHeartbeat(bob, heartbeat)).toThrow(/signed by its sender/)
  })

  it('refuses a tampered heartbeat and one signed for another domain', () => {
    const bytes = signPresenceHeartbeat(alice, heartbeat)
    const tampered = Uint8Array.from(bytes)
    tampered[10] ^= 1
    expect(() => openPresenceHeartbeat(tampered)).toThrow()
    const payload = PresenceHeartbeat.encode({
      sender: alice.publicKey as PresenceHeartbeat['sender'],
      recipient: bob.publicKey as PresenceHeartbeat['recipient'],
      counter: 5,
      sentAtMs: 5,
      intervalMs: 1500,
    })
    expect(() => openPresenceHeartbeat(signRecord(alice, payload, '/tokenim/other/1.0.0'))).toThrow(
      expect.objectContaining({ name: 'InvalidSignatureError' }),
    )
  })

  it('refuses impossible fields', () => {
    for (const bad of [
      { counter: 0 },
      { intervalMs: 10 },
      { intervalMs: 120_000 },
      { recipient: new Uint8Array(31) },
    ] satisfies Array<Partial<PresenceHeartbeatValue>>) {
      expect(() => signPresenceHeartbeat(alice, { ...heartbeat, ...bad })).toThrow(
        expect.objectContaining({ name: 'MalformedMessageError' }),
      )
    }
  })

  it('times a sender out after three missed heartbeats', () => {
    expect(presenceTimeoutMs(1500)).toBe(4500)
  })
})
